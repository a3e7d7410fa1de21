"""Extreme data: wild predictor scales, tiny and many outcomes, a rare class in a million
rows, constant predictors and huge linear predictors.

Each case either fits correctly -- checked against statsmodels, an exact rescaling
identity or a closed-form MLE -- or raises the documented error.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import mnlogit
from mnlogit import CollinearityError, DataError
from mnlogit.core.likelihood import block_derivatives, model_probabilities


def simulate(n: int, coef: np.ndarray, rng: np.random.Generator, levels=None) -> pd.DataFrame:
    """Rows from a multinomial logit with design [1, x1, x2] and coefficients (3, J)."""
    x = rng.normal(size=(n, 2))
    eta = np.column_stack([np.ones(n), x]) @ coef
    probs = np.exp(eta - eta.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    codes = (probs.cumsum(axis=1) > rng.random(n)[:, None]).argmax(axis=1)
    labels = np.asarray(levels if levels is not None else [f"o{j}" for j in range(coef.shape[1])])
    return pd.DataFrame({"y": labels[codes], "x1": x[:, 0], "x2": x[:, 1]})


@pytest.fixture(scope="module")
def three_outcomes():
    coef = np.array([[0.0, 0.3, -0.2], [0.0, 0.8, -0.5], [0.0, -0.4, 0.6]])
    return simulate(800, coef, np.random.default_rng(11), ["a", "b", "c"])


def statsmodels_fit(df: pd.DataFrame, columns: list[str], **options):
    X = sm.add_constant(df[columns])
    return sm.MNLogit(pd.Categorical(df["y"]).codes, X).fit(
        method="newton", tol=1e-12, disp=0, **options
    )


# ----------------------------------------------------------------------------
# predictor scales


@pytest.mark.parametrize("scale", [1e8, 1e-8])
def test_wildly_scaled_predictor_converges_and_rescales_exactly(three_outcomes, scale):
    base = mnlogit.fit("y ~ x1 + x2", three_outcomes)
    scaled_data = three_outcomes.assign(x1=three_outcomes["x1"] * scale)
    res = mnlogit.fit("y ~ x1 + x2", scaled_data)
    assert res.converged and base.converged
    # beta_x1 * x1 is unchanged, so the coefficient of x1 * scale is beta_x1 / scale.
    np.testing.assert_allclose(res.params.loc["x1"] * scale, base.params.loc["x1"], rtol=1e-9)
    np.testing.assert_allclose(res.bse.loc["x1"] * scale, base.bse.loc["x1"], rtol=1e-7)
    others = ["Intercept", "x2"]
    np.testing.assert_allclose(res.params.loc[others], base.params.loc[others], rtol=1e-9)
    np.testing.assert_allclose(res.llf, base.llf, rtol=1e-13)
    np.testing.assert_allclose(res.predict(scaled_data), base.predict(three_outcomes), rtol=1e-9)
    np.testing.assert_allclose(res.pvalues, base.pvalues, rtol=1e-6)


# ----------------------------------------------------------------------------
# tiny and many outcomes


@pytest.mark.parametrize("n_rare", [1, 2])
def test_outcome_with_one_or_two_observations_matches_statsmodels(three_outcomes, n_rare):
    # The rare rows sit in the middle of x1's range, so no line separates them from the
    # rest and the MLE exists (a rare row at an extreme of x1 would be separated).
    df = three_outcomes[three_outcomes["y"] != "c"].copy()
    middle = df["x1"].abs().sort_values().index[:n_rare]
    df.loc[middle, "y"] = "c"
    res = mnlogit.fit("y ~ x1", df)
    ref = statsmodels_fit(df, ["x1"])
    assert res.converged and not res.separation.separated
    np.testing.assert_allclose(res.params.to_numpy(), ref.params, rtol=1e-7)
    np.testing.assert_allclose(res.bse.to_numpy(), ref.bse, rtol=1e-6)
    np.testing.assert_allclose(res.llf, ref.llf, rtol=1e-12)


def test_rare_outcome_at_the_edge_is_reported_as_separated(three_outcomes):
    df = three_outcomes[three_outcomes["y"] != "c"].copy()
    df.loc[df["x1"].idxmax(), "y"] = "c"
    with pytest.warns(mnlogit.PerfectSeparationWarning, match="outcome\\(s\\) 'c'"):
        res = mnlogit.fit("y ~ x1", df)
    assert res.separation.outcomes == ("c",)


@pytest.mark.slow
def test_fifty_outcomes_match_statsmodels_newton():
    rng = np.random.default_rng(5)
    coef = rng.normal(scale=0.4, size=(3, 50))
    coef[:, 0] = 0.0
    df = simulate(2000, coef, rng)
    res = mnlogit.fit("y ~ x1 + x2", df)
    assert res.converged and len(res.outcome_levels) == 50
    # statsmodels' Newton has no step halving and overflows from its zero start here;
    # from coefficients 20% off ours it must converge to the same maximum on its own.
    start = 0.8 * res.params.to_numpy().ravel(order="F")  # statsmodels' parameter order
    ref = statsmodels_fit(df, ["x1", "x2"], start_params=start, maxiter=50)
    assert ref.mle_retvals["converged"]
    np.testing.assert_allclose(res.params.to_numpy(), ref.params, rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(res.bse.to_numpy(), ref.bse, rtol=1e-6)
    np.testing.assert_allclose(res.llf, ref.llf, rtol=1e-12)
    assert np.isfinite(res.predict().to_numpy()).all()


@pytest.mark.slow
def test_million_rows_with_a_rare_class_match_the_closed_form_mle():
    # With one categorical predictor the model is saturated in the groups: the MLE
    # reproduces each group's outcome shares, so the coefficients are log ratios of
    # counts and the llf is sum n_gj log(n_gj / n_g) (theory, no other software).
    rng = np.random.default_rng(2)
    n = 1_000_000
    group = rng.choice(["g0", "g1", "g2", "g3"], size=n)
    y = rng.choice(["common", "other", "rare"], size=n, p=[0.6999, 0.3, 0.0001])
    df = pd.DataFrame({"y": y, "g": group})
    res = mnlogit.fit("y ~ g", df)
    counts = pd.crosstab(df["g"], df["y"]).to_numpy().astype(float)
    assert counts[:, 2].sum() == pytest.approx(100, abs=40)  # ~0.01% of 10^6
    log_odds = np.log(counts[:, 1:] / counts[:, :1])  # (group, non-reference outcome)
    expected = np.vstack([log_odds[0], log_odds[1:] - log_odds[0]])
    assert res.converged
    np.testing.assert_allclose(res.params.to_numpy(), expected, rtol=1e-9)
    shares = counts / counts.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(res.llf, (counts * np.log(shares)).sum(), rtol=1e-12)
    totals = counts.sum(axis=0)
    np.testing.assert_allclose(res.llnull, (totals * np.log(totals / n)).sum(), rtol=1e-12)
    # Var of a log ratio of counts: 1/n_gj + 1/n_g0 (delta method = inverse information).
    np.testing.assert_allclose(
        res.bse.loc["Intercept"], np.sqrt(1 / counts[0, 1:] + 1 / counts[0, 0]), rtol=1e-8
    )


# ----------------------------------------------------------------------------
# constant predictors and huge linear predictors


def test_constant_predictor_is_aliased_with_the_intercept(three_outcomes):
    with pytest.raises(CollinearityError, match="'c' = 3\\*'Intercept'"):
        mnlogit.fit("y ~ x1 + c", three_outcomes.assign(c=3.0))
    with pytest.warns(mnlogit.AliasedColumnsWarning, match="'c'"):
        res = mnlogit.fit("y ~ x1 + c", three_outcomes.assign(c=3.0), drop_aliased=True)
    plain = mnlogit.fit("y ~ x1", three_outcomes)
    np.testing.assert_allclose(res.params.loc[["Intercept", "x1"]], plain.params, rtol=1e-12)


def test_predictor_constant_after_dropping_missing_rows_is_named(three_outcomes):
    df = three_outcomes.assign(c=np.where(three_outcomes.index % 2 == 0, 1.0, np.nan))
    with (
        pytest.warns(mnlogit.MissingDataWarning),
        pytest.raises(CollinearityError, match="'c' = 1\\*'Intercept'"),
    ):
        mnlogit.fit("y ~ x1 + c", df)


def test_huge_linear_predictors_never_overflow(three_outcomes):
    # Predictions at linear predictors of +-1e4 (the filterwarnings setting turns any
    # numpy overflow into an error): probabilities exactly 0/1, finite SEs.
    res = mnlogit.fit("y ~ x1 + x2", three_outcomes)
    new = pd.DataFrame({"x1": [1e4, -1e4, 0.0], "x2": [0.0, 0.0, 1e4]})
    eta = res.predict(new, kind="linear")
    assert np.isfinite(eta.to_numpy()).all() and np.abs(eta.to_numpy()).max() > 1e3
    probs = res.predict(new)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(probs.to_numpy(), model_probabilities(eta.to_numpy())[:, [0, 1, 2]])
    winner = probs.to_numpy().argmax(axis=1)
    assert probs.to_numpy()[np.arange(3), winner].min() == 1.0
    pred = res.get_prediction(new)
    assert np.isfinite(pred.se.to_numpy()).all() and pred.se.to_numpy().max() < 1e-100


def test_likelihood_at_huge_linear_predictors_is_finite_and_exact():
    # One row per outcome with eta = +-800: log p is -1600, 0 or -800 exactly, no overflow.
    X = np.ones((3, 1))
    y = np.array([0, 1, 2])
    coef = np.array([[800.0, -800.0]])
    d = block_derivatives(X, y, None, coef)
    # log p(ref) = -800, log p(1) = 0, log p(2) = -1600 (log-sum-exp = 800).
    assert d.llf == pytest.approx(-2400.0, rel=1e-15)
    assert np.isfinite(d.gradient).all() and np.isfinite(d.hessian).all()


def test_separated_fit_with_huge_predictors_reports_without_overflow(iris):
    # iris with both sepal measures is quasi-separated: the iterations push setosa's
    # linear predictors to the hundreds; llf, llnull, summary and predictions stay finite.
    with pytest.warns(mnlogit.PerfectSeparationWarning):
        res = mnlogit.fit("Species ~ Sepal_Length + Sepal_Width", iris)
    eta = res.predict(kind="linear").to_numpy()
    assert np.abs(eta).max() > 30
    assert np.isfinite([res.llf, res.llnull, res.aic, res.bic, res.prsquared]).all()
    assert res.llnull == pytest.approx(150 * np.log(1 / 3), rel=1e-14)
    probs = res.predict()
    assert np.isfinite(probs.to_numpy()).all()
    text = str(res.summary()) + res._repr_html_() + res.summary(odds_ratios=True).as_text()
    assert "nan" not in text.lower()
    # Along the separating direction the likelihood is flat: -H is singular, so the fit
    # is not "converged" and the standard errors are NaN (documented), printed as n/a.
    assert not res.converged
    tidy = res.tidy()
    assert np.isfinite(tidy["estimate"]).all() and (tidy["flag"] == "separated").all()
    assert "n/a" in text


def test_too_large_predictor_is_a_documented_error(three_outcomes):
    with pytest.raises(DataError, match="'x1' \\(largest \\|value\\| .*e\\+1[0-9]{2}\\)"):
        mnlogit.fit("y ~ x1", three_outcomes.assign(x1=three_outcomes["x1"] * 1e120))
