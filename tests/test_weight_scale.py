"""Frequency weights multiplied by a constant change nothing but the units of the fit.

Theory: with weights c·w the log-likelihood, gradient and Hessian are c times those
with weights w, so the maximiser is the same, the standard errors shrink by sqrt(c),
and an honest solver takes the same steps and reaches the same verdict. Before, the
convergence tests were absolute: weights of 1e-12 stopped after one step 60 % off
(reported converged), weights of 1e20 and beyond ran to maxiter (reported not
converged). Every path is covered: plain Newton, collapsed patterns (>= 10,000
rows of categorical predictors), the subsample pilot (>= 50,000 rows), aliased
columns dropped, separation flagged.
"""

from __future__ import annotations

import os
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mnlogit
from mnlogit import AliasedColumnsWarning, PerfectSeparationWarning

# Weights far from whole numbers are the point here, not a mistake to be warned about.
pytestmark = pytest.mark.filterwarnings("ignore::mnlogit.FrequencyWeightsWarning")

_DEEP = os.environ.get("MNLOGIT_PROPERTY_EXAMPLES")
PROPERTY = settings(
    max_examples=int(_DEEP or 25),
    deadline=None,
    derandomize=_DEEP is None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
SCALES = st.floats(-30.0, 30.0).map(lambda e: 10.0**e)
FORMULA = "party3 ~ age + C(educ) + income + selfLR"


def simulated(n: int, seed: int, categorical: bool = False) -> pd.DataFrame:
    """Rows of a 3-outcome multinomial logit with moderate coefficients."""
    rng = np.random.default_rng(seed)
    if categorical:
        x = np.column_stack([rng.integers(0, 4, n), rng.integers(0, 3, n)]).astype(float)
    else:
        x = rng.normal(size=(n, 2))
    coef = rng.uniform(-0.8, 0.8, size=(3, 3))
    coef[:, 0] = 0.0
    eta = np.column_stack([np.ones(n), x]) @ coef
    probs = np.exp(eta - eta.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    codes = (probs.cumsum(axis=1) > rng.random(n)[:, None]).argmax(axis=1)
    return pd.DataFrame({"y": np.array(["a", "b", "c"])[codes], "x1": x[:, 0], "x2": x[:, 1]})


def assert_same_fit(scaled, base, factor: float) -> None:
    """``scaled`` is ``base`` refitted with every weight multiplied by ``factor``."""
    assert scaled.converged == base.converged
    assert scaled.iterations == base.iterations
    assert scaled.convergence_message == base.convergence_message
    np.testing.assert_allclose(scaled.params, base.params, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(scaled.bse * np.sqrt(factor), base.bse, rtol=1e-9)
    np.testing.assert_allclose(scaled.llf / factor, base.llf, rtol=1e-12)
    np.testing.assert_allclose(
        scaled.history["decrement"], base.history["decrement"], rtol=1e-6, atol=1e-14
    )


@pytest.fixture(scope="module")
def anes_unit(anes96):
    return mnlogit.fit(FORMULA, anes96, reference="Democrat")


@PROPERTY
@given(SCALES)
def test_uniform_weights_of_any_scale_give_the_unweighted_fit(anes96, anes_unit, scale):
    res = mnlogit.fit(FORMULA, anes96, reference="Democrat", weights=np.full(len(anes96), scale))
    assert anes_unit.converged
    assert_same_fit(res, anes_unit, scale)


@PROPERTY
@given(SCALES, st.integers(0, 2**32 - 1))
def test_rescaled_unequal_weights_give_the_same_fit(anes96, scale, seed):
    rng = np.random.default_rng(seed)
    weights = rng.lognormal(0.0, 1.0, len(anes96))
    weights[rng.random(len(anes96)) < 0.1] = 0.0  # rows left out by a zero weight
    with warnings.catch_warnings():
        # Zero weights may empty a cell of C(educ): separated, which must not depend on
        # the scale either (the estimates then only show where the iterations stopped).
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        base = mnlogit.fit(FORMULA, anes96, reference="Democrat", weights=weights)
        res = mnlogit.fit(FORMULA, anes96, reference="Democrat", weights=weights * scale)
    assert res.separation.separated == base.separation.separated
    assert res.converged == base.converged
    if not base.separation.separated:
        assert_same_fit(res, base, scale)


@pytest.mark.parametrize("scale", [1e-30, 1e-12, 1e-9, 1e12, 1e20, 1e40])
def test_the_reported_cases_converge_at_the_unweighted_estimate(anes96, anes_unit, scale):
    # Before: 1e-12 stopped after 2 steps 0.47 off, 1e-30 after one step 2.1 off, both
    # "converged"; 1e20 and 1e40 ran to maxiter and reported non-convergence.
    res = mnlogit.fit(FORMULA, anes96, reference="Democrat", weights=np.full(len(anes96), scale))
    assert_same_fit(res, anes_unit, scale)


@pytest.mark.parametrize(
    ("n_rows", "categorical"),
    [(20_000, True), pytest.param(60_000, False, marks=pytest.mark.slow)],
    ids=["collapsed-patterns", "subsample-pilot"],
)
@pytest.mark.parametrize("scale", [1e-30, 1e-9, 1e30])
def test_large_data_paths_are_invariant_too(n_rows, categorical, scale):
    df = simulated(n_rows, seed=n_rows, categorical=categorical)
    formula = "y ~ C(x1) + C(x2)" if categorical else "y ~ x1 + x2"
    weights = np.random.default_rng(3).integers(1, 5, n_rows).astype(float)
    base = mnlogit.fit(formula, df, weights=weights)
    res = mnlogit.fit(formula, df, weights=weights * scale)
    assert base.converged
    assert_same_fit(res, base, scale)


@pytest.mark.parametrize("scale", [1e-30, 1e-12, 1e30])
def test_start_values_do_not_depend_on_the_weight_scale(anes96, scale):
    weights = np.random.default_rng(0).lognormal(size=len(anes96))
    model = mnlogit.MNLogit.from_formula(FORMULA, anes96, "Democrat", weights=weights)
    scaled = mnlogit.MNLogit.from_formula(FORMULA, anes96, "Democrat", weights=weights * scale)
    np.testing.assert_allclose(scaled.start_params(), model.start_params(), rtol=1e-12)


@pytest.mark.parametrize("scale", [1e-30, 1.0, 1e30])
def test_aliased_columns_are_found_whatever_the_weight_scale(iris, scale):
    df = iris.assign(double=2.0 * iris["Sepal_Length"])
    weights = np.full(len(df), scale)
    with pytest.warns(AliasedColumnsWarning, match="'double' = 2\\*'Sepal_Length'"):
        res = mnlogit.fit("Species ~ Sepal_Length + double", df, weights=weights, drop_aliased=True)
    assert res.model_frame.aliased == ("double",)


@pytest.mark.parametrize("scale", [1e-30, 1.0, 1e30])
def test_separation_is_flagged_whatever_the_weight_scale(iris, scale):
    weights = np.full(len(iris), scale)
    with pytest.warns(PerfectSeparationWarning, match="'setosa'"):
        res = mnlogit.fit("Species ~ Sepal_Length + Sepal_Width", iris, weights=weights)
    assert res.separation.separated and not res.converged


@pytest.mark.parametrize("scale", [1e12, 1e30])
def test_firth_with_heavy_weights_converges_to_the_maximum_likelihood_fit(iris, scale):
    # The penalty does not grow with the weights: as they grow, its share of the
    # objective vanishes (the bias it removes is O(1/N)) and the Firth estimate tends to
    # the MLE. The verdict must not depend on the units of the likelihood.
    weights = np.full(len(iris), scale)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = mnlogit.fit("Species ~ Sepal_Length", iris, weights=weights, penalty="firth")
    plain = mnlogit.fit("Species ~ Sepal_Length", iris)
    assert res.converged
    np.testing.assert_allclose(res.params, plain.params, rtol=1e-9 if scale < 1e20 else 1e-12)
