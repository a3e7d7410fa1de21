"""The fast paths give the answers of the straightforward ones.

- Many rows: a pilot Newton fit on a row subsample, then full-data steps reusing its
  Hessian (mnlogit/start.py, newton_reusing_hessian) must reach the estimate, log-
  likelihood and standard errors of plain Newton on all rows, and of statsmodels.
- Repeated (x, y) rows collapsed into weights (mnlogit/patterns.py) must give the fit
  of the uncollapsed rows, per-row quantities (robust covariances, predictions,
  residual counts) included.
- Threaded, blocked likelihood passes and the Gram-Cholesky shortcut of the aliasing
  check must equal the single-block kernel and the QR rule.
References: plain Newton (this package's reference path, itself checked against
statsmodels, Stata and R in test_agreement.py) and statsmodels MNLogit Newton.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import mnlogit
import mnlogit.core.estimate
import mnlogit.core.strategy
import mnlogit.design.formula
from mnlogit.core.estimate import intercept_hessian, solver_rows, start_values
from mnlogit.core.likelihood import block_derivatives
from mnlogit.core.newton import newton_reusing_hessian
from mnlogit.core.params import unvec, vec
from mnlogit.core.patterns import collapse_rows
from mnlogit.core.sources import ArraySource
from mnlogit.datasets import make_multinomial


def _arrays(n, p, k, seed=3, weights=False):
    data, _ = make_multinomial(n=n, p=p, k=k, seed=seed)
    X = np.column_stack([np.ones(n), data.iloc[:, 1:].to_numpy()])
    y = data["y"].cat.codes.to_numpy()
    w = np.random.default_rng(seed).integers(0, 4, n).astype(float) if weights else None
    return X, y, w


def _fit(X, y, w, staged, monkeypatch, route="pilot", **options):
    """Fit with a fast path forced on (small thresholds) or off (plain Newton).

    ``route`` is the fast path: ``"pilot"`` (subsample pilot, then reused Hessians) or
    ``"reuse"`` (exact Newton far from the optimum, then secant-updated Hessians).
    """
    with monkeypatch.context() as patch:
        if staged and route == "pilot":
            patch.setattr(mnlogit.core.strategy, "MANY_ROWS", 5_000)
            patch.setattr(mnlogit.core.strategy, "subsample_size", lambda n, p: 2_000)
        elif staged:
            patch.setattr(mnlogit.core.strategy, "MANY_ROWS", 10**12)
            patch.setattr(mnlogit.core.strategy, "REUSE_FLOPS", 0.0)
        else:
            patch.setattr(mnlogit.core.strategy, "MANY_ROWS", 10**12)
            patch.setattr(mnlogit.core.strategy, "REUSE_FLOPS", np.inf)
        return mnlogit.MNLogit(y, X, weights=w).fit(**options)


def _assert_same_fit(fast, plain, rtol=1e-10):
    assert fast.converged and plain.converged
    assert fast.llf == pytest.approx(plain.llf, rel=1e-12)
    np.testing.assert_allclose(fast.params, plain.params, rtol=rtol, atol=1e-12)
    np.testing.assert_allclose(fast.bse, plain.bse, rtol=rtol)


@pytest.mark.parametrize(
    ("n", "p", "k", "weights"),
    [(12_000, 3, 2, False), (12_000, 4, 5, False), (16_000, 2, 20, False), (12_000, 3, 4, True)],
)
def test_staged_fit_equals_plain_newton(n, p, k, weights, monkeypatch):
    X, y, w = _arrays(n, p, k, weights=weights)
    fast = _fit(X, y, w, True, monkeypatch)
    plain = _fit(X, y, w, False, monkeypatch)
    # The staged path ran: its last history row is the exact-Hessian confirmation.
    assert fast.history["step_size"].iloc[-1] == 0.0
    assert (plain.history["step_size"] > 0).all()
    _assert_same_fit(fast, plain)
    assert abs(fast.history["decrement"].iloc[-1]) <= 1e-10


@pytest.mark.parametrize(
    ("n", "p", "k", "weights"),
    [(1_000, 3, 2, False), (3_000, 4, 5, False), (2_000, 2, 20, False), (5_000, 20, 5, True)],
)
def test_reused_hessians_give_the_plain_newton_fit(n, p, k, weights, monkeypatch):
    # Exact steps far away, secant-updated Hessians near the optimum, the exact
    # Hessian at the end: the estimate and covariance of plain Newton, to rounding.
    X, y, w = _arrays(n, p, k, weights=weights)
    fast = _fit(X, y, w, True, monkeypatch, route="reuse")
    plain = _fit(X, y, w, False, monkeypatch)
    assert len(fast.history) > 0 and (plain.history["step_size"] > 0).all()
    _assert_same_fit(fast, plain, rtol=1e-11)
    # Standard errors from the exact Hessian at the estimate.
    exact = block_derivatives(X, y, w, unvec(fast._estimate.theta, X.shape[1])).hessian
    np.testing.assert_allclose(fast._estimate.hessian, exact, rtol=1e-12, atol=1e-9)


def test_intercept_start_hessian_is_the_exact_one(anes96):
    # At the intercept-only start all rows share their probabilities: the Hessian is a
    # Kronecker product of the design's cross products, with no pass over the rows.
    weights = np.random.default_rng(1).lognormal(size=len(anes96))
    model = mnlogit.MNLogit.from_formula("party3 ~ age + C(educ) + income", anes96, weights=weights)
    source = solver_rows(model.frame)
    exact = source.derivatives(vec(start_values(model.frame))).hessian
    np.testing.assert_allclose(intercept_hessian(model.frame, source), exact, rtol=1e-13)


def test_staged_fit_at_real_thresholds_equals_statsmodels():
    X, y, _ = _arrays(100_000, 3, 5, seed=7)
    res = mnlogit.MNLogit(y, X).fit()
    assert res.history["step_size"].iloc[-1] == 0.0  # 100,000 rows: the staged path
    ref = sm.MNLogit(y, X).fit(method="newton", tol=1e-12, disp=0)
    assert res.llf == pytest.approx(ref.llf, rel=1e-12)
    np.testing.assert_allclose(res.params.to_numpy(), ref.params, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(res.bse.to_numpy(), ref.bse, rtol=1e-8)


def test_a_poor_starting_hessian_still_reaches_the_plain_estimate(monkeypatch):
    X, y, _ = _arrays(20_000, 3, 4)
    source = ArraySource(X, y, None, 4)
    plain = _fit(X, y, None, False, monkeypatch)
    theta0 = np.zeros(X.shape[1] * 3)
    # A Hessian ten times too flat: steps overshoot, are halved, and exact passes take over.
    start = 0.1 * source.derivatives(theta0).hessian
    res = newton_reusing_hessian(source.derivatives, theta0, start)
    assert res.converged
    np.testing.assert_allclose(res.theta, plain._estimate.theta, rtol=1e-10, atol=1e-12)


def _categorical(n=20_000, seed=5):
    data, _ = make_multinomial(n=n, p=3, k=4, seed=seed)
    for j, bins in zip((1, 2, 3), (3, 4, 2), strict=True):
        data[f"x{j}"] = pd.qcut(data[f"x{j}"], bins, labels=[f"b{b}" for b in range(bins)])
    data["w"] = np.random.default_rng(seed).integers(1, 4, n).astype(float)
    data["g"] = np.arange(n) % 37
    return data


@pytest.mark.parametrize("weights", [None, "w"])
def test_collapsed_patterns_give_the_uncollapsed_fit(weights, monkeypatch):
    data = _categorical()
    formula = "y ~ x1 + x2 + x3"
    collapsed = mnlogit.fit(formula, data, weights=weights)
    assert (
        mnlogit.core.estimate.solver_rows(collapsed.model_frame).n_rows <= 24 * 4
    )  # patterns x outcomes
    with monkeypatch.context() as patch:
        # Neither the design layer's collapse on level codes nor the solver's on rows.
        patch.setattr(mnlogit.design.formula, "COLLAPSE_ROWS", 10**12)
        patch.setattr(mnlogit.core.estimate, "COLLAPSE_ROWS", 10**12)
        full = mnlogit.fit(formula, data, weights=weights)
        assert mnlogit.core.estimate.solver_rows(full.model_frame).n_rows == len(data)
        full_hc1 = full.with_cov_type("HC1").bse
        full_cluster = full.with_cov_type("cluster", groups=data["g"].to_numpy()).bse
    _assert_same_fit(collapsed, full)
    # Per-row quantities still come from every row.
    assert collapsed.nobs == full.nobs
    np.testing.assert_allclose(collapsed.with_cov_type("HC1").bse, full_hc1, rtol=1e-10)
    clustered = collapsed.with_cov_type("cluster", groups=data["g"].to_numpy()).bse
    np.testing.assert_allclose(clustered, full_cluster, rtol=1e-10)
    assert collapsed.predict().shape == (len(data), 4)


def test_collapse_rows_sums_the_likelihood_exactly():
    data = _categorical(n=12_000)
    frame = mnlogit.MNLogit.from_formula("y ~ x1 * x2 + x3", data).frame
    X, y = frame.X, frame.outcome.codes
    w = data["w"].to_numpy()
    patterns = collapse_rows(X, y, w)
    assert patterns is not None and patterns.weights.sum() == w.sum()
    theta = np.random.default_rng(0).normal(scale=0.3, size=X.shape[1] * 3)
    whole = block_derivatives(X, y, w, unvec(theta, X.shape[1]))
    short = ArraySource(*patterns, 4).derivatives(theta)
    assert short.llf == pytest.approx(whole.llf, rel=1e-13)
    np.testing.assert_allclose(short.gradient, whole.gradient, rtol=1e-11, atol=1e-9)
    np.testing.assert_allclose(short.hessian, whole.hessian, rtol=1e-11, atol=1e-9)


def test_continuous_designs_are_not_collapsed():
    X, y, _ = _arrays(20_000, 2, 3)
    assert collapse_rows(X, y, None) is None
    # Mostly repeated rows but a few distinct ones: merged only when rows are identical.
    X = np.repeat(X[:100], 200, axis=0)
    X[::1000, 1] += 1e-12
    patterns = collapse_rows(X, np.zeros(len(X), dtype=np.intp), None)
    assert patterns is not None and len(patterns.X) == 100 + 20


def test_threaded_row_blocks_equal_one_block():
    X, y, w = _arrays(30_000, 5, 6, weights=True)
    theta = np.random.default_rng(1).normal(scale=0.2, size=X.shape[1] * 5)
    whole = block_derivatives(X, y, w, unvec(theta, X.shape[1]))
    source = ArraySource(X, y, w, 6, workers=3)
    source.block_rows = 777  # many uneven blocks over three threads
    blocked = source.derivatives(theta)
    assert blocked.llf == pytest.approx(whole.llf, rel=1e-13)
    np.testing.assert_allclose(blocked.gradient, whole.gradient, rtol=1e-11, atol=1e-9)
    np.testing.assert_allclose(blocked.hessian, whole.hessian, rtol=1e-11, atol=1e-9)


def test_full_rank_shortcut_defers_to_the_qr_rule_near_aliasing():
    rng = np.random.default_rng(2)
    x1 = rng.normal(size=5_000)
    y = rng.integers(0, 3, 5_000)
    clear = np.column_stack([np.ones(5_000), x1, rng.normal(size=5_000)])
    assert mnlogit.core.estimate.clearly_full_rank(ArraySource(clear, y, None, 3))
    # x2 = x1 up to 1e-6 of its length: not aliased by the 1e-7 rule, but too close
    # for the shortcut, which hands over to the QR check (which keeps the column).
    near = np.column_stack([np.ones(5_000), x1, x1 + 1e-6 * rng.normal(size=5_000)])
    assert not mnlogit.core.estimate.clearly_full_rank(ArraySource(near, y, None, 3))
    model = mnlogit.MNLogit(y, near)
    aliasing = mnlogit.core.estimate.check_design(
        model.frame, mnlogit.core.estimate.solver_rows(model.frame)
    )
    assert aliasing.aliased == ()
    exact = np.column_stack([np.ones(5_000), x1, 2.0 * x1])
    with pytest.raises(mnlogit.CollinearityError, match="'x2' = 2\\*'x1'"):
        mnlogit.MNLogit(y, exact).fit()


def test_array_fit_reads_float64_rows_in_place_and_never_writes_them():
    """No copy of a float64 C-ordered design; other layouts are copied; same fit."""
    data, _ = mnlogit.datasets.make_multinomial(2_000, 3, 3, seed=11)
    X = np.column_stack([np.ones(len(data)), data[["x1", "x2", "x3"]].to_numpy()])
    X = np.ascontiguousarray(X)
    y = data["y"].to_numpy()
    before = X.copy()
    res = mnlogit.MNLogit(y, X).fit()
    assert np.shares_memory(res.model_frame.X, X)
    assert not res.model_frame.X.flags.writeable
    np.testing.assert_array_equal(X, before)
    copied = mnlogit.MNLogit(y, np.asfortranarray(X)).fit()
    assert not np.shares_memory(copied.model_frame.X, X)
    np.testing.assert_array_equal(copied.params, res.params)


@pytest.mark.parametrize(
    "shape, order, dtype",
    [
        ((1000, 21), "C", np.float64),
        ((20_001, 5), "C", np.float64),  # several blocks, odd row counts at every fold
        ((17, 3), "C", np.float64),
        ((1, 4), "C", np.float64),
        ((300, 70), "C", np.float64),  # wide: numpy's own reduction
        ((1000, 21), "F", np.float64),
        ((257, 6), "C", np.int16),
        ((129, 2), "C", np.bool_),
    ],
)
def test_column_extremes_equal_numpy_max_and_min(shape, order, dtype):
    """The folded column reduction is numpy's max/min (exactly: both are comparisons)."""
    from mnlogit.design.checks import column_extremes

    rng = np.random.default_rng(shape[0])
    X = np.asarray(rng.normal(size=shape) * 50, dtype=dtype, order=order)
    high, low = column_extremes(X)
    assert high.dtype == low.dtype == np.float64
    np.testing.assert_array_equal(high, X.max(axis=0).astype(np.float64))
    np.testing.assert_array_equal(low, X.min(axis=0).astype(np.float64))


def test_column_extremes_without_rows_and_with_nan():
    from mnlogit.design.checks import column_extremes

    high, low = column_extremes(np.empty((0, 3)))
    assert np.all(high == -np.inf) and np.all(low == np.inf)
    X = np.random.default_rng(0).normal(size=(5000, 4))
    X[4321, 2] = np.nan  # one NaN poisons its column only, as in numpy
    high, low = column_extremes(X)
    assert np.isnan(high[2]) and np.isnan(low[2])
    np.testing.assert_array_equal(high[[0, 1, 3]], X[:, [0, 1, 3]].max(axis=0))
