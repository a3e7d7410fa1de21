"""The likelihood kernels against theory: finite differences, invariances, no overflow."""

from __future__ import annotations

import numpy as np
import pytest

from mnlogit.core.likelihood import block_derivatives, log_softmax_inplace, model_probabilities
from mnlogit.core.params import unvec, vec
from mnlogit.core.sources import ArraySource


def _problem(n=200, k=4, m=3, seed=0, weights=False):
    rng = np.random.default_rng(seed)
    X = np.column_stack([np.ones(n), rng.normal(size=(n, k - 1))])
    y = rng.integers(0, m + 1, size=n)
    w = rng.integers(0, 4, size=n).astype(float) if weights else None
    coef = rng.normal(scale=0.3, size=(k, m))
    return X, y, w, coef


def _llf(X, y, w, theta, k):
    return block_derivatives(X, y, w, unvec(theta, k), hessian=False).llf


@pytest.mark.parametrize("weights", [False, True])
def test_gradient_and_hessian_equal_central_differences(weights):
    X, y, w, coef = _problem(weights=weights)
    k = X.shape[1]
    theta = vec(coef)
    d = block_derivatives(X, y, w, coef)
    h = 1e-5
    eye = np.eye(theta.size)
    grad_fd = np.array(
        [(_llf(X, y, w, theta + h * e, k) - _llf(X, y, w, theta - h * e, k)) / (2 * h) for e in eye]
    )
    hess_fd = np.array(
        [
            (
                block_derivatives(X, y, w, unvec(theta + h * e, k), hessian=False).gradient
                - block_derivatives(X, y, w, unvec(theta - h * e, k), hessian=False).gradient
            )
            / (2 * h)
            for e in eye
        ]
    )
    np.testing.assert_allclose(d.gradient, grad_fd, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(d.hessian, hess_fd, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(d.hessian, d.hessian.T, rtol=0, atol=1e-12)


def test_llf_equals_direct_log_probabilities():
    X, y, _, coef = _problem()
    eta = np.column_stack([np.zeros(len(X)), X @ coef])
    direct = np.log(np.exp(eta) / np.exp(eta).sum(1, keepdims=True))[np.arange(len(y)), y].sum()
    assert block_derivatives(X, y, None, coef).llf == pytest.approx(direct, rel=1e-13)


def test_row_blocks_sum_to_the_whole():
    X, y, w, coef = _problem(n=1000, weights=True)
    source = ArraySource(X, y, w, 4)
    source.block_rows = 97  # force many uneven blocks
    blocked = source.derivatives(vec(coef))
    whole = block_derivatives(X, y, w, coef)
    assert blocked.llf == pytest.approx(whole.llf, rel=1e-13)
    np.testing.assert_allclose(blocked.gradient, whole.gradient, rtol=1e-11, atol=1e-11)
    np.testing.assert_allclose(blocked.hessian, whole.hessian, rtol=1e-11, atol=1e-11)


def test_no_overflow_at_huge_linear_predictors():
    eta = np.array([[1e4, -1e4], [-800.0, -900.0], [750.0, 760.0]])
    probs = model_probabilities(eta)
    assert np.isfinite(probs).all()
    np.testing.assert_allclose(probs.sum(1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(probs[0], [0.0, 1.0, 0.0], atol=0)
    X = np.array([[1.0], [1.0]])
    d = block_derivatives(X, np.array([1, 0]), None, np.array([[800.0, -800.0]]))
    assert np.isfinite(d.llf) and d.llf == pytest.approx(-800.0, rel=1e-12)
    assert np.isfinite(d.hessian).all()


def _log_softmax(logits):
    out = logits.copy()
    log_softmax_inplace(out, np.empty_like(out), np.empty((len(out), 1)))
    return out


def test_log_softmax_is_shift_invariant_and_normalised():
    rng = np.random.default_rng(3)
    logits = rng.normal(size=(5, 4))
    np.testing.assert_allclose(_log_softmax(logits + 1000.0), _log_softmax(logits), atol=1e-12)
    np.testing.assert_allclose(np.exp(_log_softmax(logits)).sum(1), 1.0, rtol=1e-14)
    # Against the textbook formula where it cannot overflow.
    expected = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    np.testing.assert_allclose(_log_softmax(logits), expected, rtol=1e-14, atol=1e-15)
