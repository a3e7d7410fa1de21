"""Honest convergence: ``converged`` is True only when the gradient and log-likelihood
criteria both hold at a finite estimate where -H is positive definite; otherwise the
warning says why, naming the flat (outcome, term) directions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mnlogit
from mnlogit import ConvergenceWarning, DataError
from mnlogit.core.likelihood import Derivatives
from mnlogit.core.newton import SolverOptions, newton
from mnlogit.inference.distributions import inverse_information


def quadratic(t):
    target = np.array([1.0, -2.0])
    return Derivatives(-float((t - target) @ (t - target)), -2 * (t - target), -2 * np.eye(2))


def test_both_criteria_are_required():
    # The quadratic is solved in one step; an impossible bound on either criterion
    # keeps `converged` False even though the other one holds.
    assert newton(quadratic, np.zeros(2)).converged
    no_llf = newton(quadratic, np.zeros(2), SolverOptions(maxiter=5, ftol=-1.0))
    no_gradient = newton(quadratic, np.zeros(2), SolverOptions(maxiter=5, gtol=-1.0))
    for result in (no_llf, no_gradient):
        assert not result.converged and result.iterations == 5
        assert result.message == "maximum number of iterations (5) reached"
        np.testing.assert_allclose(result.theta, [1.0, -2.0], rtol=1e-15)


def test_flat_direction_at_the_optimum_is_not_converged():
    # -(t0 + t1)^2 is maximal on a whole line: both criteria hold at once, but -H is
    # singular, so the estimate is not identified.
    def f(t):
        s = t[0] + t[1]
        return Derivatives(-(s**2), -2 * s * np.ones(2), -2 * np.ones((2, 2)))

    result = newton(f, np.array([1.0, 2.0]))
    assert abs(result.theta.sum()) < 1e-12 and result.llf == pytest.approx(0.0, abs=1e-24)
    # Before: converged=True -- the Cholesky factor of the singular -H "succeeded" with a
    # rounding-size pivot (2e-8), and the covariance held 1e16-size variances.
    assert not result.converged
    assert result.message == "the Hessian is not negative definite at the estimate"
    assert np.isnan(inverse_information(result.hessian)).all()


def test_non_finite_values_at_the_estimate_are_not_converged():
    # The first step lands exactly on the maximum, where the Hessian is NaN.
    def f(t):
        d = quadratic(t)
        at_max = np.array_equal(t, [1.0, -2.0])
        return Derivatives(d.llf, d.gradient, d.hessian * (np.nan if at_max else 1.0))

    result = newton(f, np.zeros(2))
    np.testing.assert_array_equal(result.theta, [1.0, -2.0])
    assert not result.converged and result.message == "non-finite values at the estimate"


def test_saturated_start_reports_the_flat_directions():
    # Separated data started where every probability is exactly 0 or 1: llf = 0, the
    # gradient and the Hessian vanish, both criteria hold, and -H is not positive
    # definite -- reported by name, not as convergence.
    x = np.array([-2.0, -1.5, -1.0, 1.0, 1.5, 2.0])
    df = pd.DataFrame({"y": np.where(x > 0, "b", "a"), "x": x})
    start = np.array([[0.0], [1000.0]])
    with pytest.warns(ConvergenceWarning, match="not negative definite .*directions involving 'b'"):
        res = mnlogit.fit("y ~ x", df, start_params=start, detect_separation=False)
    assert not res.converged and res.llf == 0.0
    # Documented: without a positive definite -H there are no standard errors (NaN),
    # the summary prints none and says the fit did not converge.
    assert res.bse.isna().all().all()
    text = str(res.summary())
    assert "NO (1 iterations)" in text and "did NOT converge" in text and "nan" not in text
    with pytest.warns(mnlogit.PerfectSeparationWarning, match="outcome\\(s\\) 'b'"):
        checked = mnlogit.fit("y ~ x", df, start_params=start)
    assert not checked.converged and checked.separation.separated


@pytest.mark.parametrize(
    "start", [np.full((2, 2), np.nan), np.zeros(3), np.zeros((2, 3)), [["a", "b"], [1, 2]]]
)
def test_bad_start_params_are_named(iris, start):
    # Before: a raw FloatingPointError (NaN) or numpy ValueError (shape).
    with pytest.raises(DataError, match="start_params must be finite numbers of shape \\(2, 2\\)"):
        mnlogit.fit("Species ~ Sepal_Length", iris, start_params=start)


def test_outcome_level_with_zero_total_weight_is_named():
    # Before: fitted, with the level's intercept pushed to -28 and a separation warning.
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"y": np.repeat(["a", "b", "c"], 30), "x": rng.normal(size=90)})
    w = np.where(df["y"] == "c", 0.0, 1.0)
    with pytest.raises(DataError, match="outcome 'y' level\\(s\\) 'c' have total weight zero"):
        mnlogit.fit("y ~ x", df, weights=w)
    with pytest.raises(DataError, match="level\\(s\\) 'c' have total weight zero"):
        mnlogit.MNLogit(df["y"], np.column_stack([np.ones(90), df["x"]]), weights=w)
