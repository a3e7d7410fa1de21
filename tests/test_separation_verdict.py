"""Every kind of separation is reported as what it is: no convergence, no standard
errors and no Wald tests for the coefficients that diverge.

Before: a level of ``g`` in which one outcome never occurs (quasi-complete separation
by an empty cell, n = 3,000 and 10^5) was flagged ``(sep.)`` but reported
"Converged: yes", with an SE of 154,815 and p = 0.9998 for the diverging coefficient,
and ``wald_test("C(g)")`` used it (chi2(4) = 2000); with ``detect_separation=False``
completely separated data reported ``converged=True``; the separation check on 10^5
distinct rows took a minute.

Reference for the finite coefficients: theory. Along the separating direction the
likelihood rises to its supremum, where the empty cell's outcome has probability
zero in that level; the other coefficients converge to the maximiser of that limiting
likelihood, written here from scratch and maximised by scipy (BFGS).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import optimize

import mnlogit
from mnlogit import ConvergenceWarning, PerfectSeparationWarning
from mnlogit.exceptions import MNLogitError


def empty_cell_data(n: int, seed: int = 0, empty_level: int = 4, missing: str = "c"):
    """y in {a, b, c}, x normal, g in 0..4; outcome ``missing`` never occurs at level
    ``empty_level`` of g (its rows get outcome b instead)."""
    rng = np.random.default_rng(seed)
    g = rng.integers(0, 5, n)
    x = rng.normal(size=n)
    eta = np.column_stack([np.zeros(n), 0.3 * x, -0.4 * x + 0.1 * g])
    probs = np.exp(eta) / np.exp(eta).sum(axis=1, keepdims=True)
    y = np.array(["a", "b", "c"])[(probs.cumsum(axis=1) > rng.random(n)[:, None]).argmax(axis=1)]
    other = "b" if missing != "b" else "a"
    y = np.where((g == empty_level) & (y == missing), other, y)
    return pd.DataFrame({"y": y, "x": x, "g": g})


def fit_separated(df, formula="y ~ x + C(g)", **options):
    with pytest.warns(PerfectSeparationWarning):
        return mnlogit.fit(formula, df, **options)


def limiting_fit(df: pd.DataFrame) -> np.ndarray:
    """Coefficients (Intercept, g1..g3, x) x (b, c) and g4 for b, maximising the
    likelihood in which outcome c is impossible at g = 4 (its coefficient at -inf)."""
    X = np.column_stack(
        [np.ones(len(df))]
        + [(df["g"] == level).to_numpy(float) for level in (1, 2, 3, 4)]
        + [df["x"].to_numpy()]
    )
    codes = df["y"].map({"a": 0, "b": 1, "c": 2}).to_numpy()
    at_empty = df["g"].to_numpy() == 4

    def negative_llf(theta):
        b = theta[:6]
        c = np.insert(theta[6:], 4, 0.0)  # the g4 column does not enter c
        eta = np.column_stack([np.zeros(len(X)), X @ b, X @ c])
        eta[at_empty, 2] = -np.inf
        log_probs = eta - np.logaddexp.reduce(eta, axis=1, keepdims=True)
        return -log_probs[np.arange(len(X)), codes].sum()

    solution = optimize.minimize(negative_llf, np.zeros(11), method="BFGS", options={"gtol": 1e-9})
    return solution.x


@pytest.mark.parametrize(
    "n", [3_000, pytest.param(100_000, marks=pytest.mark.slow)], ids=["3000", "1e5"]
)
def test_empty_cell_is_reported_not_converged_without_tests_of_the_diverging_coefficient(n):
    df = empty_cell_data(n)
    res = fit_separated(df)
    assert not res.converged
    assert "do not exist" in res.convergence_message
    assert res.separation.separated and res.separation.outcomes == ("c",)
    tidy = res.tidy().set_index(["outcome", "term"])
    diverging = tidy["flag"] == "separated"
    assert diverging[diverging].index.tolist() == [("c", "C(g)[T.4]")]
    assert tidy.loc[diverging, ["std_error", "p_value", "conf_low", "conf_high"]].isna().all().all()
    assert np.isfinite(tidy.loc[~diverging, ["std_error", "p_value"]].to_numpy()).all()
    text = str(res.summary())
    assert "NO (" in text and "C(g)[T.4] (sep.)" in text


def test_finite_coefficients_of_a_quasi_separated_fit_are_the_limiting_maximum():
    df = empty_cell_data(3_000, seed=5)
    res = fit_separated(df)
    expected = limiting_fit(df)
    b = res.params["b"].to_numpy()
    c = res.params["c"].drop("C(g)[T.4]").to_numpy()
    np.testing.assert_allclose(np.concatenate([b, c]), expected, atol=2e-5)


@pytest.mark.parametrize(
    ("empty_level", "missing", "reference", "expected"),
    [
        (4, "c", "a", [("c", "C(g)[T.4]")]),
        (2, "b", "a", [("b", "C(g)[T.2]")]),
        # The reference never occurs at g = 3: both other outcomes' g3 coefficients diverge.
        (3, "a", "a", [("b", "C(g)[T.3]"), ("c", "C(g)[T.3]")]),
        (4, "c", "c", [("a", "C(g)[T.4]"), ("b", "C(g)[T.4]")]),
    ],
)
def test_the_diverging_coefficients_are_exactly_the_empty_cells(
    empty_level, missing, reference, expected
):
    df = empty_cell_data(3_000, seed=empty_level, empty_level=empty_level, missing=missing)
    res = fit_separated(df, reference=reference)
    assert not res.converged
    tidy = res.tidy().set_index(["outcome", "term"])
    assert tidy.index[tidy["flag"] == "separated"].tolist() == expected
    assert tidy.loc[expected, "std_error"].isna().all()
    assert tidy.drop(index=expected)["std_error"].notna().all()


def test_empty_cell_through_zero_weights_is_separation_too():
    df = empty_cell_data(3_000, seed=1).assign(y=lambda d: d["y"].where(d["g"] != 4, "a"))
    df.loc[df.index[:300], "y"] = "c"  # level 4 has c rows, but all weighted zero
    weights = np.where((df["g"] == 4) & (df["y"] == "c"), 0.0, 1.0)
    res = fit_separated(df, weights=weights)
    assert not res.converged and res.separation.separated


def test_wald_tests_refuse_the_diverging_coefficient_and_name_it():
    res = fit_separated(empty_cell_data(3_000))
    pattern = "C\\(g\\) = 0 .*'C\\(g\\)\\[T.4\\]' of outcome 'c' are infinite.*penalty='firth'"
    with pytest.raises(MNLogitError, match=pattern):
        res.wald_test("C(g)")
    with pytest.raises(MNLogitError, match="'C\\(g\\)\\[T.4\\]' of outcome 'c'"):
        res.anova()
    with pytest.raises(MNLogitError, match="infinite"):
        res.wald_test("C(g)", outcomes=["c"])
    # Tests of finite coefficients only are still available.
    assert np.isfinite(res.wald_test("x").statistic)
    assert np.isfinite(res.wald_test("C(g)", outcomes=["b"]).statistic)
    R = np.zeros((1, res.n_params))
    R[0, 6 + 4] = 1.0  # c: C(g)[T.4]
    with pytest.raises(MNLogitError, match="'C\\(g\\)\\[T.4\\]' of outcome 'c'"):
        res.wald_test(R)


@pytest.mark.parametrize("cov_type", ["HC0", "HC1"])
def test_robust_covariances_have_no_standard_error_for_it_either(cov_type):
    res = fit_separated(empty_cell_data(3_000), cov_type=cov_type)
    assert res.bse.loc["C(g)[T.4]", "c"] != res.bse.loc["C(g)[T.4]", "c"]  # NaN
    assert np.isfinite(res.bse.drop(index="C(g)[T.4]").to_numpy()).all()


def test_two_points_on_a_line_flag_every_diverging_coefficient():
    # Several separating directions exist (the LP finds one); the iterations move the
    # intercept and the slope, and both are infinite.
    df = pd.DataFrame({"y": ["a", "b"], "x": [0.0, 1.0]})
    res = fit_separated(df, formula="y ~ x")
    assert (res.tidy()["flag"] == "separated").all() and res.bse.isna().all().all()


def completely_separated(n: int, n_outcomes: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    cuts = np.quantile(x, np.linspace(0, 1, n_outcomes + 1)[1:-1])
    y = np.array(list("abcd"))[np.searchsorted(cuts, x)]
    return pd.DataFrame({"y": y, "x": x, "z": rng.normal(size=n)})


@pytest.mark.parametrize("n", [20, 100, 1_000, 20_000])
@pytest.mark.parametrize("n_outcomes", [2, 3])
@pytest.mark.parametrize("formula", ["y ~ x", "y ~ x + z"])
def test_unchecked_complete_separation_is_not_reported_converged(n, n_outcomes, formula):
    # Before: converged=True with coefficients in the thousands (e.g. n = 1,000 binary).
    df = completely_separated(n, n_outcomes, seed=n)
    with pytest.warns(ConvergenceWarning) as caught:
        res = mnlogit.fit(formula, df, detect_separation=False)
    assert not res.converged and not res.separation.separated
    assert any(
        "still moving" in str(w.message) or "not negative definite" in str(w.message)
        for w in caught
    )


@pytest.mark.parametrize(
    "formula", ["Species ~ Petal_Length", "Species ~ Petal_Width + Petal_Length"]
)
def test_unchecked_separation_of_iris_is_not_reported_converged(iris, formula):
    with pytest.warns(ConvergenceWarning, match="still moving"):
        res = mnlogit.fit(formula, iris, detect_separation=False)
    assert not res.converged


def test_unchecked_empty_cell_is_not_reported_converged():
    with pytest.warns(ConvergenceWarning, match="still moving .*'c': 'C\\(g\\)\\[T.4\\]'"):
        res = mnlogit.fit("y ~ x + C(g)", empty_cell_data(3_000), detect_separation=False)
    assert not res.converged


@pytest.mark.parametrize(
    ("formula", "data"),
    [
        ("party3 ~ age + C(educ) + income + selfLR", "anes96"),
        ("Species ~ Sepal_Length", "iris"),
        ("prog ~ C(ses) + write", "hsbdemo"),
    ],
)
def test_fits_with_a_maximum_still_converge_without_warnings(request, formula, data):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = mnlogit.fit(formula, request.getfixturevalue(data))
    assert res.converged and not res.separation.separated
