"""Property-based tests (hypothesis): invariances the maximum-likelihood fit must obey.

The data are simulated from a multinomial logit with moderate coefficients and
enough rows that the MLE exists; an example that happens to be separated or not
converged is discarded (``assume``) rather than tested.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import statsmodels.api as sm
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import mnlogit

# MNLOGIT_PROPERTY_EXAMPLES=500 runs a longer, randomised search; the default is a
# fixed, quick sample.
_DEEP = os.environ.get("MNLOGIT_PROPERTY_EXAMPLES")
PROPERTY = settings(
    max_examples=int(_DEEP or 25),
    deadline=None,
    derandomize=_DEEP is None,
    suppress_health_check=[HealthCheck.too_slow],
)


SEVERAL = st.integers(2, 4)


@st.composite
def datasets(draw, n_outcomes=SEVERAL):
    """(DataFrame, formula): outcome y, two continuous predictors and a factor."""
    seed = draw(st.integers(0, 2**32 - 1))
    n = draw(st.integers(150, 400))
    j = draw(n_outcomes)
    rng = np.random.default_rng(seed)
    coef = rng.uniform(-0.8, 0.8, size=(4, j))
    coef[:, 0] = 0.0
    x = rng.normal(size=(n, 2)) * draw(st.sampled_from([0.5, 1.0, 3.0]))
    g = rng.integers(0, 2, size=n)
    eta = np.column_stack([np.ones(n), x, g]) @ coef
    probs = np.exp(eta - eta.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    codes = (probs.cumsum(axis=1) > rng.random(n)[:, None]).argmax(axis=1)
    labels = np.array(["north", "east", "south", "west"])[:j]
    df = pd.DataFrame(
        {"y": labels[codes], "x1": x[:, 0], "x2": x[:, 1], "g": np.where(g, "v", "u")}
    )
    assume(df["y"].nunique() == j and df["y"].value_counts().min() >= 10)
    return df


def fit(df, **options):
    res = mnlogit.fit("y ~ x1 + x2 + C(g)", df, **options)
    assume(res.converged and not res.separation.separated)
    return res


@PROPERTY
@given(datasets(), st.integers(0, 2**32 - 1))
def test_row_permutation_leaves_the_estimates_unchanged(df, seed):
    res = fit(df)
    shuffled = df.sample(frac=1.0, random_state=np.random.RandomState(seed % 2**31))
    other = fit(shuffled)
    np.testing.assert_allclose(other.params, res.params, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(other.bse, res.bse, rtol=1e-9)
    np.testing.assert_allclose(other.llf, res.llf, rtol=1e-13)
    # Predictions follow the rows, whatever their order.
    pd.testing.assert_frame_equal(other.predict().loc[df.index], res.predict(), rtol=1e-9)


@PROPERTY
@given(datasets(), st.sampled_from([1e-6, 0.001, 0.37, 2.0, 1000.0, 3.3e7]))
def test_rescaling_a_predictor_rescales_its_coefficients(df, factor):
    res = fit(df)
    other = fit(df.assign(x1=df["x1"] * factor))
    # x1 * b == (factor x1) * (b / factor): the coefficient divides, nothing else moves.
    np.testing.assert_allclose(other.params.loc["x1"] * factor, res.params.loc["x1"], rtol=1e-9)
    np.testing.assert_allclose(other.bse.loc["x1"] * factor, res.bse.loc["x1"], rtol=1e-8)
    rest = ["Intercept", "x2", "C(g)[T.v]"]
    np.testing.assert_allclose(other.params.loc[rest], res.params.loc[rest], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(other.llf, res.llf, rtol=1e-13)
    np.testing.assert_allclose(other.zvalues, res.zvalues, rtol=1e-8, atol=1e-10)


@PROPERTY
@given(datasets(n_outcomes=st.integers(3, 4)), st.data())
def test_changing_the_reference_transforms_the_coefficients_exactly(df, data):
    res = fit(df)
    new_ref = data.draw(st.sampled_from(res.outcomes))
    other = fit(df, reference=new_ref)
    # beta^(r)_j = beta_j - beta_r, with beta of the old reference fixed at 0.
    full = res.params.assign(**{res.reference: 0.0})
    for outcome in other.outcomes:
        np.testing.assert_allclose(
            other.params[outcome], full[outcome] - full[new_ref], rtol=1e-8, atol=1e-10
        )
    # The covariance transforms by the same linear map A: V_r = A V A'.
    k, others, new_others = len(res.exog_names), list(res.outcomes), list(other.outcomes)
    A = np.zeros((k * len(new_others), k * len(others)))
    eye = np.eye(k)
    for row, outcome in enumerate(new_others):
        if outcome != res.reference:
            A[
                row * k : (row + 1) * k, others.index(outcome) * k : (others.index(outcome) + 1) * k
            ] = eye
        A[row * k : (row + 1) * k, others.index(new_ref) * k : (others.index(new_ref) + 1) * k] -= (
            eye
        )
    np.testing.assert_allclose(
        other.cov_params(), A @ res.cov_params() @ A.T, rtol=1e-7, atol=1e-12
    )
    np.testing.assert_allclose(other.llf, res.llf, rtol=1e-13)
    pd.testing.assert_frame_equal(other.predict(), res.predict(), rtol=1e-9)
    # Joint Wald tests of a term in every equation test the same hypothesis.
    pd.testing.assert_frame_equal(other.anova(), res.anova(), rtol=1e-7)
    mine, theirs = res.wald_test("x1"), other.wald_test("x1")
    np.testing.assert_allclose(theirs.statistic, mine.statistic, rtol=1e-7)
    assert theirs.df == mine.df == len(res.outcomes)


@PROPERTY
@given(datasets())
def test_duplicating_every_row_doubles_llf_and_halves_variances(df):
    res = fit(df)
    doubled = fit(pd.concat([df, df], ignore_index=True))
    np.testing.assert_allclose(doubled.params, res.params, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(doubled.llf, 2 * res.llf, rtol=1e-13)
    np.testing.assert_allclose(doubled.llnull, 2 * res.llnull, rtol=1e-13)
    np.testing.assert_allclose(doubled.cov_params(), res.cov_params() / 2, rtol=1e-8, atol=1e-14)


@PROPERTY
@given(datasets(), st.integers(0, 2**32 - 1))
def test_integer_weights_equal_expanded_rows(df, seed):
    w = np.random.default_rng(seed).integers(0, 4, size=len(df))
    assume((w > 0).sum() > 100)
    weighted = fit(df, weights=w.astype(float))
    expanded = fit(df.loc[df.index.repeat(w)])
    np.testing.assert_allclose(weighted.params, expanded.params, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(weighted.bse, expanded.bse, rtol=1e-9)
    np.testing.assert_allclose(weighted.llf, expanded.llf, rtol=1e-12)
    assert weighted.nobs == expanded.nobs == w.sum()
    np.testing.assert_allclose(weighted.aic, expanded.aic, rtol=1e-12)
    np.testing.assert_allclose(weighted.bic, expanded.bic, rtol=1e-12)


@PROPERTY
@given(datasets(n_outcomes=st.just(2)))
def test_two_outcomes_equal_the_binary_logit_of_statsmodels(df):
    res = fit(df)
    X = sm.add_constant(df[["x1", "x2"]]).assign(v=(df["g"] == "v").astype(float))
    ref = sm.Logit((df["y"] == res.outcomes[0]).astype(float), X).fit(
        method="newton", tol=1e-12, disp=0
    )
    terms = ["Intercept", "x1", "x2", "C(g)[T.v]"]  # statsmodels' column order
    np.testing.assert_allclose(res.params.loc[terms].iloc[:, 0], ref.params, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(res.bse.loc[terms].iloc[:, 0], ref.bse, rtol=1e-8)
    np.testing.assert_allclose(res.llf, ref.llf, rtol=1e-12)
    # statsmodels fits its null model iteratively (to ~1e-10); ours is the closed form.
    counts = df["y"].value_counts().to_numpy()
    np.testing.assert_allclose(res.llnull, counts @ np.log(counts / len(df)), rtol=1e-13)
    np.testing.assert_allclose(res.llnull, ref.llnull, rtol=1e-9)
    np.testing.assert_allclose(res.pvalues.loc[terms].iloc[:, 0], ref.pvalues, rtol=1e-6)
