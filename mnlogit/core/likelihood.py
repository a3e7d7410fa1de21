"""Pure numpy kernels of the baseline-category multinomial logit.

Outcomes are coded in *model order*: code 0 is the reference outcome and codes
1..m are the m = J - 1 non-reference outcomes. The linear predictor of the
reference is fixed at zero, so a block of rows has the (b, m) predictor
``eta = X @ B`` and the full logits are ``[0, eta]``.

Every function here works on one block of rows and returns sums over it, so the
same code serves in-memory row blocks, chunk iterators and Dask partitions.
The softmax is computed through a shifted log-sum-exp and never overflows.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


def log_softmax_inplace(logits: np.ndarray, probs: np.ndarray, work: np.ndarray) -> None:
    """Stable row-wise softmax of a (b, J) block without allocating (any float dtype).

    On return ``logits`` holds the log-softmax, ``probs`` the probabilities and
    ``work`` (shape (b, 1)) the log-sum-exp of the shifted logits. The rows are
    shifted by their maximum first, so nothing overflows. The one softmax kernel of the
    package: the likelihood blocks, predictions and the networks' minibatch loop (where
    every buffer is preallocated) all call it.

    Examples
    --------
    >>> import numpy as np
    >>> z = np.array([[0.0, 1000.0], [0.0, 0.0]], dtype=np.float32)
    >>> p, w = np.empty_like(z), np.empty((2, 1), np.float32)
    >>> log_softmax_inplace(z, p, w)
    >>> p.tolist(), bool(z[1, 0] == -np.log(np.float32(2)))
    ([[0.0, 1.0], [0.5, 0.5]], True)
    """
    # The ufuncs' own reduce: np.max and np.sum add microseconds of Python per call,
    # which the networks' small minibatches pay thousands of times an epoch.
    np.maximum.reduce(logits, axis=1, keepdims=True, out=work)
    np.subtract(logits, work, out=logits)
    np.exp(logits, out=probs)
    np.add.reduce(probs, axis=1, keepdims=True, out=work)
    np.divide(probs, work, out=probs)
    np.log(work, out=work)
    np.subtract(logits, work, out=logits)


def model_probabilities(eta: np.ndarray) -> np.ndarray:
    """Probabilities in model order, (b, J) with the reference in column 0.

    Examples
    --------
    >>> import numpy as np
    >>> model_probabilities(np.array([[np.log(2.0)]])).round(4)
    array([[0.3333, 0.6667]])
    """
    logits = np.empty((eta.shape[0], eta.shape[1] + 1))
    logits[:, 0] = 0.0
    logits[:, 1:] = eta
    probs = np.empty_like(logits)
    log_softmax_inplace(logits, probs, np.empty((eta.shape[0], 1)))
    return probs


class Derivatives(NamedTuple):
    """Log-likelihood, gradient and Hessian at one parameter vector (outcome-major)."""

    llf: float
    gradient: np.ndarray
    hessian: np.ndarray | None


def outcome_pairs(n_free: int) -> tuple[np.ndarray, np.ndarray]:
    """The (j, l) pairs with j <= l of the m non-reference outcomes, row-major.

    Examples
    --------
    >>> outcome_pairs(3)
    (array([0, 0, 0, 1, 1, 2]), array([0, 1, 2, 1, 2, 2]))
    """
    return np.triu_indices(n_free)


def block_products(
    X: np.ndarray,
    y: np.ndarray,
    weights: np.ndarray | None,
    coef: np.ndarray,
    hessian: bool = True,
) -> tuple[float, np.ndarray]:
    """Log-likelihood and the cross products ``[R, Z_11, Z_12, ..., Z_mm] X`` of one block.

    One fused pass: the softmax, the log-likelihood, the (m, b) weighted residuals
    ``R[j] = w (1{y = j} - p_j)`` and, with ``hessian``, for every outcome pair
    j <= l (:func:`outcome_pairs`) the (k, b) rows ``Z_jl = X' * c_jl`` with the
    Hessian weights ``c_jl = w p_j (1{j = l} - p_l)``; then one GEMM with X. Rows
    run along the last axis so every elementwise step is a long contiguous loop.
    Summed over row blocks, :func:`assemble` turns the products into the gradient
    and Hessian. There is no one-hot matrix and no copy of X beyond the block.

    Returns
    -------
    llf : the block's log-likelihood.
    products : (m, k) without ``hessian``, else (m + k*m*(m+1)/2, k).

    Examples
    --------
    >>> import numpy as np
    >>> llf, G = block_products(np.ones((4, 1)), np.array([0, 1, 1, 2]), None, np.zeros((1, 2)))
    >>> round(llf, 6), G.shape
    (-4.394449, (5, 1))
    """
    n_rows, n_terms = X.shape
    n_free = coef.shape[1]
    logits = np.empty((n_free + 1, n_rows))
    logits[0] = 0.0
    np.matmul(coef.T, X.T, out=logits[1:])
    probs = np.empty_like(logits)
    log_softmax_inplace(logits.T, probs.T, np.empty((n_rows, 1)))
    rows = np.arange(n_rows)
    chosen = logits[y, rows]  # log-probability of the observed outcome, never log(0)
    llf = float(chosen.sum() if weights is None else chosen @ weights)
    n_pairs = n_free * (n_free + 1) // 2 if hessian else 0
    operand = np.empty((n_free + n_pairs * n_terms, n_rows))
    # Residuals in full outcome order; the reference row is then dropped.
    resid = -probs if weights is None else probs * -weights
    resid[y, rows] += 1.0 if weights is None else weights
    operand[:n_free] = resid[1:]
    if hessian:
        p = probs[1:]
        wp = p if weights is None else p * weights
        first, second = outcome_pairs(n_free)
        pair_weights = wp[first] * ((first == second)[:, None] - p[second])
        Xt = np.ascontiguousarray(X.T)  # rows along the last axis for the long loops
        np.multiply(
            pair_weights[:, None, :],
            Xt[None, :, :],
            out=operand[n_free:].reshape(n_pairs, n_terms, n_rows),
        )
    return llf, operand @ X


def assemble(products: np.ndarray, n_free: int) -> tuple[np.ndarray, np.ndarray | None]:
    """Gradient and (if present) Hessian, outcome-major, from summed :func:`block_products`.

    Examples
    --------
    >>> import numpy as np
    >>> _, G = block_products(np.ones((4, 1)), np.array([0, 1, 1, 2]), None, np.zeros((1, 2)))
    >>> grad, hess = assemble(G, 2)
    >>> grad.round(6), (hess * 9).round(6)
    (array([ 0.666667, -0.333333]), array([[-8.,  4.],
           [ 4., -8.]]))
    """
    n_terms = products.shape[1]
    gradient = products[:n_free].reshape(-1).copy()
    if products.shape[0] == n_free:
        return gradient, None
    size = n_terms * n_free
    hess = np.empty((size, size))
    for pair, (left, right) in enumerate(zip(*outcome_pairs(n_free), strict=True)):
        start = n_free + pair * n_terms
        block = -products[start : start + n_terms]
        rows = slice(left * n_terms, (left + 1) * n_terms)
        cols = slice(right * n_terms, (right + 1) * n_terms)
        hess[rows, cols] = block
        hess[cols, rows] = block.T
    # Each block is symmetric up to rounding; make the whole matrix exactly so.
    return gradient, (hess + hess.T) / 2.0


def block_derivatives(
    X: np.ndarray,
    y: np.ndarray,
    weights: np.ndarray | None,
    coef: np.ndarray,
    hessian: bool = True,
) -> Derivatives:
    """Sums of log-likelihood, score and Hessian over one block of rows.

    Parameters
    ----------
    X : (b, k) float64 design block.
    y : (b,) integer outcome codes in model order (0 = reference).
    weights : (b,) non-negative frequency weights, or None for unit weights.
    coef : (k, m) coefficient matrix.
    hessian : whether to compute the (k*m, k*m) Hessian.

    The Hessian block of outcomes (j, l) is ``-X' diag(w p_j (1{j = l} - p_l)) X``;
    all of them come from one GEMM (:func:`block_products`).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.ones((4, 1)); y = np.array([0, 1, 1, 2])
    >>> d = block_derivatives(X, y, None, np.zeros((1, 2)))
    >>> round(d.llf, 6), d.gradient.round(6)
    (-4.394449, array([ 0.666667, -0.333333]))
    """
    llf, products = block_products(X, y, weights, coef, hessian)
    return Derivatives(llf, *assemble(products, coef.shape[1]))
