"""Weighted sums over a block of rows of probabilities and of their derivatives, each
with its Jacobian with respect to the coefficients: the kernels of predictive margins
and marginal effects.

Notation (model order: outcome 0 is the reference): ``coef`` is the (k, J) coefficient
matrix with a zero first column, ``p_ij`` the probabilities of row ``x_i`` and
``a_ijl = p_ij (1{j = l} - p_il)`` (l a non-reference outcome) the derivative of
``p_ij`` with respect to ``x_i' β_l``. Then

- ``d p_ij / d β_l = a_ijl x_i``, so the Jacobian of ``Σ_i w_i p_ij`` is
  ``Σ_i w_i a_ijl x_i``: one (J·m, b) x (b, k) product per block;
- a variable v with design derivative ``g_i = dx_i/dv`` moves the linear predictors by
  ``u_ij = g_i' β_j`` and the probabilities by ``p_ij dev_ij``, ``dev_ij = u_ij - ū_i``,
  ``ū_i = Σ_h p_ih u_ih``; its Jacobian is
  ``Σ_i w_i [a_ijl dev_ij - p_ij p_il dev_il] x_i + Σ_i w_i a_ijl g_i``.

Every Jacobian is returned as (..., J, m·k) with the coefficients in outcome-major order
(:mod:`mnlogit.core.params`); sums are in model order. No loop over coefficients and no
finite differences: each block costs a few elementwise passes and one GEMM.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..core.likelihood import model_probabilities
from .prediction import probability_jacobian


def probability_sums(
    X: np.ndarray, weights: np.ndarray, coef: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``Σ_i w_i p_i`` (J,) and its Jacobian (J, m·k) over the rows of ``X``.

    Examples
    --------
    >>> import numpy as np
    >>> total, jac = probability_sums(np.ones((2, 1)), np.ones(2), np.zeros((1, 2)))
    >>> total, jac
    (array([1., 1.]), array([[-0.5],
           [ 0.5]]))
    """
    probs = model_probabilities(X @ coef[:, 1:])
    n_out, n_free = probs.shape[1], probs.shape[1] - 1
    # Rows along the last axis: the (J·m, b) operand is C-ordered for the GEMM (2.5x
    # faster than the (b, J, m) layout and its transposed product).
    p = np.ascontiguousarray(probs.T)
    wp = p * weights
    operand = np.multiply(wp[:, None, :], p[None, 1:, :])  # w p_ij p_il
    np.negative(operand, out=operand)
    operand[np.arange(1, n_out), np.arange(n_free)] += wp[1:]  # + w p_ij when j = l
    jac = operand.reshape(n_out * n_free, -1) @ X
    return wp.sum(axis=1), jac.reshape(n_out, n_free * X.shape[1])


def _effect_weights(
    probs: np.ndarray, dev: np.ndarray, weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``w_i [a_ijl dev_ivj - p_ij p_il dev_ivl]`` (b, V, J, m) and ``w_i a_ijl`` (b, J, m)."""
    weighted_a = probability_jacobian(probs)
    weighted_a *= weights[:, None, None]
    c = weighted_a[:, None, :, :] * dev[:, :, :, None]
    wp = probs * weights[:, None]
    other = probs[:, None, 1:] * dev[:, :, 1:]  # (b, V, m): p_il dev_ivl
    c -= wp[:, None, :, None] * other[:, :, None, :]
    return c, weighted_a


def slope_sums(
    X: np.ndarray, weights: np.ndarray, coef: np.ndarray, columns: Sequence[int]
) -> tuple[np.ndarray, np.ndarray]:
    """Sums of ``dp_ij/dv`` (V, J) and their Jacobians (V, J, m·k) for variables that
    enter the design as one column each (``g_i`` the unit vector of that column).

    The per-row work grows with V·J·m; past V = J the moments of the probabilities
    (:func:`_moment_slope_sums`) cost J·J·m whatever the number of variables.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 0.0]]); coef = np.array([[0.0, 0.0], [0.0, 2.0]])
    >>> effect, jac = slope_sums(X, np.ones(1), coef, [1])
    >>> effect  # p = (1/2, 1/2): dp/dx = ±p(1 - p)·2
    array([[-0.5,  0.5]])
    """
    columns = list(columns)
    if len(columns) > coef.shape[1]:
        return _moment_slope_sums(X, weights, coef, columns)
    probs = model_probabilities(X @ coef[:, 1:])
    slopes = coef[columns]  # (V, J): u_ivj, the same for every row
    dev = slopes[None, :, :] - (probs @ slopes.T)[:, :, None]
    c, weighted_a = _effect_weights(probs, dev, weights)
    n_rows, n_var, n_out, n_free = c.shape
    jac = (c.reshape(n_rows, -1).T @ X).reshape(n_var, n_out, n_free, X.shape[1])
    jac[np.arange(n_var), :, :, columns] += weighted_a.sum(axis=0)
    effect = np.einsum("ij,ivj->vj", probs * weights[:, None], dev)
    return effect, jac.reshape(n_var, n_out, -1)


def _moment_slope_sums(
    X: np.ndarray, weights: np.ndarray, coef: np.ndarray, columns: list[int]
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`slope_sums` through weighted moments of the probabilities.

    With ``dev_ivj = β_vj - Σ_h β_vh p_ih`` every sum is linear in ``β_v``:
    ``Σ_i w_i p_ij dev_ivj = β_vj S_j - Σ_h β_vh Q_hj`` and the Jacobian is
    ``1{j = l} (β_vj M_j - Σ_h β_vh T_hj) - (β_vj + β_vl) T_jl + 2 Σ_h β_vh U_hjl``
    (plus ``Σ_i w_i a_ijl`` in v's column), with ``S_j = Σ w p_j``, ``Q_hj = Σ w p_h p_j``,
    ``M_j = Σ w p_j x``, ``T_hj = Σ w p_h p_j x`` and ``U_hjl = Σ w p_h p_j p_l x``:
    one GEMM of J + J² + J²m columns, then small products with the coefficients.
    """
    probs = model_probabilities(X @ coef[:, 1:])
    n_rows, n_out = probs.shape
    n_free, n_terms = n_out - 1, X.shape[1]
    # One C-ordered (J + J² + J²m, b) operand, rows along the last axis, for one GEMM.
    p = np.ascontiguousarray(probs.T)
    operand = np.empty((n_out * (1 + n_out + n_out * n_free), n_rows))
    first = operand[:n_out]
    second = operand[n_out : n_out + n_out**2].reshape(n_out, n_out, n_rows)
    third = operand[n_out + n_out**2 :].reshape(n_out, n_out, n_free, n_rows)
    np.multiply(p, weights, out=first)
    np.multiply(first[:, None, :], p[None, :, :], out=second)
    np.multiply(second[:, :, None, :], p[None, None, 1:, :], out=third)
    moments = operand @ X
    M = moments[:n_out]
    T = moments[n_out : n_out + n_out**2].reshape(n_out, n_out, n_terms)
    U = moments[n_out + n_out**2 :].reshape(n_out, n_out, n_free, n_terms)
    S, Q = first.sum(axis=1), second.sum(axis=2)
    beta = coef[columns]  # (V, J)
    effect = beta * S - beta @ Q
    diagonal = beta[:, :, None] * M - np.einsum("vh,hjk->vjk", beta, T)  # (V, J, k)
    jac = 2.0 * np.einsum("vh,hjlk->vjlk", beta, U)
    jac -= (beta[:, :, None] + beta[:, None, 1:])[..., None] * T[None, :, 1:, :]
    others = np.arange(1, n_out)
    jac[:, others, others - 1, :] += diagonal[:, 1:, :]
    linear = np.diag(S)[:, 1:] - Q[:, 1:]  # Σ_i w_i a_ijl
    jac[np.arange(len(columns)), :, :, columns] += linear
    return effect, jac.reshape(len(columns), n_out, -1)


def derivative_sums(
    X: np.ndarray, gradient: np.ndarray, weights: np.ndarray, coef: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Sum of ``dp_ij/dv`` (J,) and its Jacobian (J, m·k), with ``gradient`` the rows'
    design derivatives ``dx_i/dv`` (b, k).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 0.0]]); coef = np.array([[0.0, 0.0], [0.0, 2.0]])
    >>> effect, _ = derivative_sums(X, np.array([[0.0, 1.0]]), np.ones(1), coef)
    >>> effect
    array([-0.5,  0.5])
    """
    probs = model_probabilities(X @ coef[:, 1:])
    u = gradient @ coef
    dev = (u - np.einsum("ij,ij->i", probs, u)[:, None])[:, None, :]
    c, weighted_a = _effect_weights(probs, dev, weights)
    n_rows, _, n_out, n_free = c.shape
    jac = c.reshape(n_rows, -1).T @ X + weighted_a.reshape(n_rows, -1).T @ gradient
    effect = (probs * weights[:, None] * dev[:, 0]).sum(axis=0)
    return effect, jac.reshape(n_out, -1)
