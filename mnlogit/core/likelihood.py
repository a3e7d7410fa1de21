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

import functools
from typing import NamedTuple, TypeVar

import numpy as np

ArraysT = TypeVar("ArraysT", bound=tuple[np.ndarray, ...])


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

    def required_hessian(self) -> np.ndarray:
        """The Hessian, of a pass asked for it (a gradient-only pass has None).

        Examples
        --------
        >>> Derivatives(0.0, np.zeros(1), -np.eye(1)).required_hessian()
        array([[-1.]])
        """
        if self.hessian is None:
            raise ValueError("the derivatives of a gradient-only pass have no Hessian")
        return self.hessian


@functools.cache
def outcome_pairs(n_free: int) -> tuple[np.ndarray, np.ndarray]:
    """The (j, l) pairs with j <= l of the m non-reference outcomes, row-major
    (read-only arrays, computed once per m).

    Examples
    --------
    >>> outcome_pairs(3)
    (array([0, 0, 0, 1, 1, 2]), array([0, 1, 2, 1, 2, 2]))
    """
    return _read_only(np.triu_indices(n_free))


def _read_only(arrays: ArraysT) -> ArraysT:
    for array in arrays:
        array.flags.writeable = False
    return arrays


@functools.cache
def _pair_layout(n_free: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For the outcome pairs: first and second outcomes, and whether they are equal
    (as a column, to broadcast over rows)."""
    first, second = outcome_pairs(n_free)
    return _read_only((first, second, (first == second)[:, None].astype(np.float64)))


@functools.cache
def _hessian_positions(n_free: int, n_terms: int) -> np.ndarray:
    """For every entry of the (k*m, k*m) outcome-major Hessian, its position in the
    packed products of :func:`block_products` (the gradient's m*k entries first, then
    one packed upper triangle of k(k+1)/2 entries per outcome pair j <= l)."""
    rows, cols = np.triu_indices(n_terms)
    within = np.empty((n_terms, n_terms), dtype=np.intp)
    within[rows, cols] = within[cols, rows] = np.arange(rows.size)
    pair = np.empty((n_free, n_free), dtype=np.intp)
    first, second = outcome_pairs(n_free)
    pair[first, second] = pair[second, first] = np.arange(first.size)
    # Entry (j*k + t, l*k + u) is product (t, u) of pair (j, l).
    packed = pair[:, None, :, None] * rows.size + within[None, :, None, :]
    size = n_free * n_terms
    return _read_only((size + packed.reshape(size, size),))[0]


def column_products(X: np.ndarray) -> np.ndarray:
    """The products ``x_t x_u`` (t <= u) of every row's design values: (k(k+1)/2, b).

    Column ``t`` of ``X`` times columns ``t..k-1``, for t = 0, 1, ...: the packed upper
    triangle of ``x x'``, one row of the result per entry (rows along the last axis,
    so every product is one contiguous loop), in the order :func:`numpy.triu_indices`
    gives. The Hessian block of an outcome pair is then ``c' W'`` -- half the
    arithmetic of ``(X * c)' X``, since each symmetric entry is summed once.

    Examples
    --------
    >>> import numpy as np
    >>> column_products(np.array([[1.0, 2.0, 3.0]])).ravel()
    array([1., 2., 3., 4., 6., 9.])
    """
    n_rows, n_terms = X.shape
    Xt = np.ascontiguousarray(X.T)
    out = np.empty((n_terms * (n_terms + 1) // 2, n_rows))
    start = 0
    for t in range(n_terms):
        np.multiply(Xt[t:], Xt[t], out=out[start : start + n_terms - t])
        start += n_terms - t
    return out


def block_products(
    X: np.ndarray,
    y: np.ndarray,
    weights: np.ndarray | None,
    coef: np.ndarray,
    hessian: bool = True,
    products: np.ndarray | None = None,
) -> tuple[float, np.ndarray]:
    """Log-likelihood and the summable cross products of one block of rows.

    One fused pass: the softmax, the log-likelihood, the (m, b) weighted residuals
    ``R[j] = w (1{y = j} - p_j)`` and, with ``hessian``, for every outcome pair
    j <= l (:func:`outcome_pairs`) the Hessian weights ``c_jl = w p_j (1{j = l} - p_l)``;
    then two GEMMs: ``R X`` (the gradient) and ``C W'`` with ``W`` the packed products
    ``x_t x_u`` of each row (:func:`column_products`, (k(k+1)/2, b); pass them as
    ``products`` when they are kept between passes). Rows run along the last axis so
    every elementwise step is a long contiguous loop. Summed over row blocks,
    :func:`assemble` turns the result into the gradient and Hessian. There is no
    one-hot matrix.

    Returns
    -------
    llf : the block's log-likelihood.
    products : flat, m*k entries without ``hessian``, else m*k + P*k(k+1)/2 for the P
        outcome pairs.

    Examples
    --------
    >>> import numpy as np
    >>> llf, G = block_products(np.ones((4, 1)), np.array([0, 1, 1, 2]), None, np.zeros((1, 2)))
    >>> round(llf, 6), G.shape
    (-4.394449, (5,))
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
    # Residuals in full outcome order; the reference row is then dropped.
    resid = -probs if weights is None else probs * -weights
    resid[y, rows] += 1.0 if weights is None else weights
    gradient = resid[1:] @ X
    if not hessian:
        return llf, gradient.reshape(-1)
    p = probs[1:]
    wp = p if weights is None else p * weights
    first, second, same = _pair_layout(n_free)
    pair_weights = wp[first] * (same - p[second])
    if products is None:
        products = column_products(X)
    packed = pair_weights @ products.T
    return llf, np.concatenate([gradient.reshape(-1), packed.reshape(-1)])


def assemble(
    products: np.ndarray, n_free: int, n_terms: int
) -> tuple[np.ndarray, np.ndarray | None]:
    """Gradient and (if present) Hessian, outcome-major, from summed :func:`block_products`.

    Examples
    --------
    >>> import numpy as np
    >>> _, G = block_products(np.ones((4, 1)), np.array([0, 1, 1, 2]), None, np.zeros((1, 2)))
    >>> grad, hess = assemble(G, 2, 1)
    >>> grad.round(6), (hess * 9).round(6)
    (array([ 0.666667, -0.333333]), array([[-8.,  4.],
           [ 4., -8.]]))
    """
    size = n_terms * n_free
    gradient = products[:size].copy()
    if products.size == size:
        return gradient, None
    # One gather for the whole matrix: per-pair block copies cost more than the GEMM
    # that produced them on a 10^3-row fit.
    hess = np.negative(products[_hessian_positions(n_free, n_terms)])
    return gradient, hess


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
    all of them come from one GEMM over the packed row products (:func:`block_products`).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.ones((4, 1)); y = np.array([0, 1, 1, 2])
    >>> d = block_derivatives(X, y, None, np.zeros((1, 2)))
    >>> round(d.llf, 6), d.gradient.round(6)
    (-4.394449, array([ 0.666667, -0.333333]))
    """
    llf, products = block_products(X, y, weights, coef, hessian)
    return Derivatives(llf, *assemble(products, coef.shape[1], X.shape[1]))
