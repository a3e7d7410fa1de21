"""Per-observation scores of the multinomial logit, in row blocks.

The score of row i is ``x_i ⊗ (y_i - p_i)`` over the m non-reference outcomes,
laid out outcome-major like the parameter vector (all k terms of the first
non-reference outcome, then the next): ``s_i[j*k + t] = x_it (1{y_i = j} - p_ij)``.
Robust covariances need only sums of outer products of these scores, so they are
produced one row block at a time and never held for all rows at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
from scipy import sparse

from ..core.likelihood import model_probabilities
from ..core.params import unvec

# Rows per block: the (rows x k*m) score block stays a few megabytes.
_BLOCK_BYTES = 8 * 2**20


def block_rows(n_params: int) -> int:
    """Rows per block so that a block of scores takes about 8 MB.

    Examples
    --------
    >>> block_rows(1_000_000)
    256
    """
    return max(256, _BLOCK_BYTES // (8 * max(1, n_params)))


def score_rows(X: np.ndarray, y: np.ndarray, coef: np.ndarray) -> np.ndarray:
    """Unweighted per-row scores (b, k*m) of one block, outcome-major.

    Parameters
    ----------
    X : (b, k) design block.
    y : (b,) model-order outcome codes (0 = reference).
    coef : (k, m) coefficient matrix.

    Examples
    --------
    >>> import numpy as np
    >>> score_rows(np.ones((2, 1)), np.array([0, 1]), np.zeros((1, 1)))
    array([[-0.5],
           [ 0.5]])
    """
    n_rows, n_terms = X.shape
    resid = -model_probabilities(X @ coef)[:, 1:]
    nonref = y > 0
    resid[np.flatnonzero(nonref), y[nonref] - 1] += 1.0
    return (resid[:, :, None] * X[:, None, :]).reshape(n_rows, -1)


def score_blocks(
    X: np.ndarray, y: np.ndarray, weights: np.ndarray | None, theta: np.ndarray
) -> Iterator[tuple[slice, np.ndarray, np.ndarray]]:
    """Yield (rows, scores, weights) per row block at the outcome-major ``theta``.

    Examples
    --------
    >>> import numpy as np
    >>> [s.shape for _, s, _ in score_blocks(np.ones((3, 2)), np.array([0, 1, 1]), None,
    ...                                      np.zeros(2))]
    [(3, 2)]
    """
    coef = unvec(np.asarray(theta), X.shape[1])
    step = block_rows(theta.size)
    for start in range(0, X.shape[0], step):
        rows = slice(start, min(X.shape[0], start + step))
        w = np.ones(rows.stop - start) if weights is None else weights[rows]
        yield rows, score_rows(X[rows], y[rows], coef), w


def score_totals(
    X: np.ndarray,
    y: np.ndarray,
    weights: np.ndarray | None,
    theta: np.ndarray,
    groups: np.ndarray,
    n_groups: int,
) -> np.ndarray:
    """Weighted score totals per group, ``u_g = Σ_{i in g} w_i s_i`` (n_groups, k*m).

    ``groups`` holds an integer code 0..n_groups-1 per row; a group without rows
    gets a zero total (a survey PSU outside the estimation domain).

    Examples
    --------
    >>> import numpy as np
    >>> score_totals(np.ones((3, 1)), np.array([0, 1, 1]), None, np.zeros(1),
    ...              np.array([0, 0, 2]), 3)
    array([[0. ],
           [0. ],
           [0.5]])
    """
    return group_totals(score_blocks(X, y, weights, theta), theta.size, groups, n_groups)


def group_totals(
    blocks: Iterable[tuple[slice, np.ndarray, np.ndarray]],
    n_params: int,
    groups: np.ndarray,
    n_groups: int,
) -> np.ndarray:
    """Σ_{i in g} w_i s_i per group over row blocks of (rows, scores, weights) -- the
    blocks of :func:`score_blocks` or any per-row scores laid out the same way.

    Examples
    --------
    >>> import numpy as np
    >>> block = (slice(0, 2), np.array([[1.0], [2.0]]), np.ones(2))
    >>> group_totals([block], 1, np.array([1, 1]), 2)
    array([[0.],
           [3.]])
    """
    totals = np.zeros((n_groups, n_params))
    for rows, scores, w in blocks:
        g = groups[rows]
        summing = sparse.csr_matrix((w, (g, np.arange(g.size))), shape=(n_groups, g.size))
        totals += summing @ scores
    return totals
