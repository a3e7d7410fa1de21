"""The Newton solver: convergence criteria, step-halving, history, honest failure."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

import mnlogit
from mnlogit import ConvergenceWarning
from mnlogit.core.likelihood import Derivatives
from mnlogit.core.newton import newton


def test_quadratic_objective_is_solved_in_one_step_then_confirmed():
    target = np.array([1.0, -2.0, 0.5])

    def f(t):
        return Derivatives(-float((t - target) @ (t - target)), -2 * (t - target), -2 * np.eye(3))

    result = newton(f, np.zeros(3))
    np.testing.assert_allclose(result.theta, target, rtol=1e-15)
    assert result.converged and result.iterations == 2
    assert result.history["decrement"].iloc[-1] == pytest.approx(0.0, abs=1e-25)


def test_step_halving_when_a_full_step_lowers_the_likelihood():
    # A concave objective whose Newton step from far away overshoots: -log(cosh(t)).
    def f(t):
        return Derivatives(
            -float(np.log(np.cosh(t[0]))), -np.tanh(t), -np.array([[1.0 / np.cosh(t[0]) ** 2]])
        )

    result = newton(f, np.array([2.0]))
    assert result.converged
    assert abs(result.theta[0]) < 1e-8
    assert (result.history["step_size"] < 1).any()
    assert np.all(np.diff(result.history["llf"]) >= -1e-12)


def test_agrees_with_statsmodels_newton_on_anes96(anes96):
    res = mnlogit.fit("PID ~ logpopul + selfLR + age + educ + income", anes96)
    X = sm.add_constant(anes96[["logpopul", "selfLR", "age", "educ", "income"]])
    ref = sm.MNLogit(anes96["PID"], X).fit(method="newton", tol=1e-12, disp=0)
    np.testing.assert_allclose(res.params.to_numpy(), ref.params, rtol=1e-10)
    assert res.converged and res.history["decrement"].iloc[-2] > res.history["decrement"].iloc[-1]
    assert res.history.columns.tolist() == [
        "iteration",
        "llf",
        "decrement",
        "step_size",
        "max_abs_gradient",
        "seconds",
    ]


def test_maxiter_reached_gives_a_warning_and_converged_false(anes96):
    with pytest.warns(ConvergenceWarning, match="did not converge after 2 steps"):
        res = mnlogit.fit("PID ~ logpopul + selfLR + age", anes96, maxiter=2)
    assert not res.converged and res.iterations == 2
    assert "did NOT converge" in str(res.summary())


def test_callback_sees_every_iteration(iris):
    rows = []
    res = mnlogit.fit("Species ~ Sepal_Length", iris, callback=rows.append)
    assert len(rows) == res.iterations
    assert [r["llf"] for r in rows] == res.history["llf"].tolist()
