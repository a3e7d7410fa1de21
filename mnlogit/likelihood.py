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
from scipy.linalg import blas

from .params import vec


def log_softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise log-softmax of a (b, J) logit array, stable for any finite logits.

    Examples
    --------
    >>> import numpy as np
    >>> np.exp(log_softmax(np.array([[0.0, 1000.0]]))).round(3)
    array([[0., 1.]])
    """
    out = np.array(logits, dtype=np.result_type(logits, 0.0))
    log_softmax_inplace(out, np.empty_like(out), np.empty((out.shape[0], 1), out.dtype))
    return out


def log_softmax_inplace(logits: np.ndarray, probs: np.ndarray, work: np.ndarray) -> None:
    """Stable row-wise softmax of a (b, J) block without allocating (any float dtype).

    On return ``logits`` holds the log-softmax, ``probs`` the probabilities and
    ``work`` (shape (b, 1)) the log-sum-exp of the shifted logits. The rows are
    shifted by their maximum first, so nothing overflows. This is the kernel of the
    networks' minibatch loop, where every buffer is preallocated.

    Examples
    --------
    >>> import numpy as np
    >>> z = np.array([[0.0, 1000.0], [0.0, 0.0]], dtype=np.float32)
    >>> p, w = np.empty_like(z), np.empty((2, 1), np.float32)
    >>> log_softmax_inplace(z, p, w)
    >>> p.tolist(), bool(z[1, 0] == -np.log(np.float32(2)))
    ([[0.0, 1.0], [0.5, 0.5]], True)
    """
    np.max(logits, axis=1, keepdims=True, out=work)
    np.subtract(logits, work, out=logits)
    np.exp(logits, out=probs)
    np.sum(probs, axis=1, keepdims=True, out=work)
    np.divide(probs, work, out=probs)
    np.log(work, out=work)
    np.subtract(logits, work, out=logits)


def reference_log_sum_exp(eta: np.ndarray) -> np.ndarray:
    """log(1 + sum_j exp(eta_j)) for each row of a (b, m) predictor, without overflow.

    Examples
    --------
    >>> import numpy as np
    >>> reference_log_sum_exp(np.array([[0.0, 0.0], [800.0, 0.0]]))
    array([  1.09861229, 800.        ])
    """
    shift = np.maximum(eta.max(axis=1), 0.0)
    return shift + np.log(np.exp(-shift) + np.exp(eta - shift[:, None]).sum(axis=1))


def model_probabilities(eta: np.ndarray) -> np.ndarray:
    """Probabilities in model order, (b, J) with the reference in column 0.

    Examples
    --------
    >>> import numpy as np
    >>> model_probabilities(np.array([[np.log(2.0)]])).round(4)
    array([[0.3333, 0.6667]])
    """
    # Normalise the shifted exponentials directly: dividing by their sum keeps
    # full relative accuracy even when eta is in the hundreds.
    shift = np.maximum(eta.max(axis=1), 0.0)[:, None]
    probs = np.empty((eta.shape[0], eta.shape[1] + 1))
    probs[:, :1] = np.exp(-shift)
    np.exp(eta - shift, out=probs[:, 1:])
    probs /= probs.sum(axis=1, keepdims=True)
    return probs


class Derivatives(NamedTuple):
    """Log-likelihood, gradient and Hessian at one parameter vector (outcome-major)."""

    llf: float
    gradient: np.ndarray
    hessian: np.ndarray | None


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

    The Hessian is ``-(blockdiag_j X' diag(w p_j) X - M' M)`` with
    ``M = [X * sqrt(w) p_1, ..., X * sqrt(w) p_m]``: one GEMM for the diagonal
    blocks and one symmetric rank-b update (SYRK) for all outcome pairs.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.ones((4, 1)); y = np.array([0, 1, 1, 2])
    >>> d = block_derivatives(X, y, None, np.zeros((1, 2)))
    >>> round(d.llf, 6), d.gradient.round(6)
    (-4.394449, array([ 0.666667, -0.333333]))
    """
    n_rows, n_terms = X.shape
    n_free = coef.shape[1]
    eta = X @ coef
    lse = reference_log_sum_exp(eta)
    rows = np.arange(n_rows)
    chosen = np.zeros(n_rows)
    nonref = y > 0
    chosen[nonref] = eta[rows[nonref], y[nonref] - 1]
    loglik = chosen - lse
    probs = np.exp(eta - lse[:, None])  # (b, m) non-reference probabilities

    w = np.ones(n_rows) if weights is None else weights
    llf = float(loglik @ w)
    resid = -probs * w[:, None]
    resid[rows[nonref], y[nonref] - 1] += w[nonref]
    gradient = vec(X.T @ resid)
    if not hessian:
        return Derivatives(llf, gradient, None)

    wp = probs * w[:, None]
    size = n_terms * n_free
    # Diagonal blocks X' diag(w p_j) X for every j in one GEMM.
    weighted = (X[:, None, :] * wp[:, :, None]).reshape(n_rows, size)
    diag_blocks = X.T @ weighted  # (k, m*k)
    # All outcome pairs: M' M through SYRK on the Fortran view of M (no copy).
    scaled = (X[:, None, :] * (probs * np.sqrt(w)[:, None])[:, :, None]).reshape(n_rows, size)
    cross = blas.dsyrk(1.0, scaled.T, lower=0)
    cross = np.triu(cross) + np.triu(cross, 1).T
    hess = cross
    for j in range(n_free):
        block = slice(j * n_terms, (j + 1) * n_terms)
        hess[block, block] -= diag_blocks[:, block]
    return Derivatives(llf, gradient, hess)
