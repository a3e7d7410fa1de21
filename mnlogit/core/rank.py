"""Detection of aliased (perfectly collinear) design columns.

The triangular factor R of the design is accumulated over row blocks (a
tall-skinny QR), so memory stays O(block x k); a column-pivoted QR of the
column-scaled R then finds the rank with the tolerance R's ``lm`` uses (1e-7).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import linalg
from scipy.linalg import lapack

RANK_TOLERANCE = 1e-7


@dataclass(frozen=True)
class Aliasing:
    """Aliased columns and, for each, the columns it is a combination of."""

    aliased: tuple[int, ...]
    combinations: dict[int, dict[int, float]]

    def describe(self, names: Sequence[str]) -> str:
        """Plain-words account, e.g. ``'x2' = 2*'x1'``."""
        parts = []
        for j in self.aliased:
            combo = self.combinations[j]
            if not combo:
                parts.append(f"{names[j]!r} is zero in every row used")
                continue
            terms = " + ".join(f"{c:.4g}*{names[i]!r}" for i, c in combo.items())
            parts.append(f"{names[j]!r} = {terms}")
        return "; ".join(parts)


def triangular_factor(blocks: Iterable[np.ndarray], n_cols: int) -> np.ndarray:
    """R of the QR decomposition of the row-stacked blocks (up to row signs).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.arange(12.0).reshape(6, 2)
    >>> R = triangular_factor([X[:3], X[3:]], 2)
    >>> np.allclose(R.T @ R, X.T @ X)
    True
    """
    R = np.zeros((0, n_cols))
    for block in blocks:
        R = linalg.qr(np.vstack([R, block]), mode="r", check_finite=False)[0][:n_cols]
    return R


def find_aliased(R: np.ndarray, tol: float = RANK_TOLERANCE) -> Aliasing:
    """Aliased columns of a design given its triangular factor R.

    Columns are taken in order and a column is aliased when what is left of it
    after projecting out the earlier kept columns is below ``tol`` of its norm
    (LINPACK's dqrdc2 rule, as in R's ``lm``): the later of two collinear
    columns is the one reported, e.g. the last dummy of a full set.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.column_stack([np.ones(4), [1.0, 2, 3, 4], [2.0, 4, 6, 8]])
    >>> a = find_aliased(triangular_factor([X], 3))
    >>> a.aliased, a.describe(["const", "x1", "x2"])
    ((2,), "'x2' = 2*'x1'")
    """
    # Column norms scaled first, so that huge or tiny columns neither overflow nor vanish.
    scale = np.abs(R).max(axis=0, initial=0.0)
    unit = scale > 0
    norms = np.zeros(R.shape[1])
    norms[unit] = scale[unit] * np.sqrt(((R[:, unit] / scale[unit]) ** 2).sum(axis=0))
    work = R / np.where(norms == 0, 1.0, norms)
    kept: list[int] = []
    aliased: list[int] = []
    for j in range(R.shape[1]):
        row = len(kept)
        column = work[row:, j]
        length = np.linalg.norm(column)
        if norms[j] == 0 or length <= tol:
            aliased.append(j)
            continue
        # Householder reflection zeroing work[row+1:, j]; applied to later columns.
        v = column.copy()
        v[0] += np.copysign(length, v[0])
        v /= np.linalg.norm(v)
        work[row:, j:] -= 2.0 * np.outer(v, v @ work[row:, j:])
        kept.append(j)
    combinations: dict[int, dict[int, float]] = {}
    for j in aliased:
        coef = linalg.lstsq(R[:, kept], R[:, j], check_finite=False)[0] if kept else []
        pairs = zip(kept, coef, strict=True)
        combinations[j] = {int(i): float(c) for i, c in pairs if abs(c) > 1e-8}
    return Aliasing(tuple(aliased), combinations)


def definite_cholesky(matrix: np.ndarray, tol: float = RANK_TOLERANCE) -> tuple:
    """Cholesky factor (``scipy.linalg.cho_factor``) of a positive definite matrix.

    A matrix that is singular up to rounding often still factors, with a pivot of
    rounding size; so the matrix is first scaled to unit diagonal (which makes the
    test blind to the units of the predictors) and a pivot below ``tol`` -- the
    rank tolerance of the design -- counts as singular: ``LinAlgError``.

    Examples
    --------
    >>> import numpy as np
    >>> definite_cholesky(np.array([[4.0, 2.0], [2.0, 3.0]]))[0].round(3)
    array([[2.   , 2.   ],
           [1.   , 1.414]])
    >>> definite_cholesky(2.0 * np.ones((2, 2)))
    Traceback (most recent call last):
    ...
    numpy.linalg.LinAlgError: the matrix is not positive definite (relative pivot 1.5e-08)
    """
    diagonal = np.diag(matrix)
    if not (np.isfinite(diagonal).all() and (diagonal > 0).all()):
        raise np.linalg.LinAlgError("the matrix is not positive definite (diagonal)")
    # LAPACK's potrf directly, as cho_factor does (same factor), without its wrapper's
    # checks: a fit factors its small Hessian at every step.
    lower, info = lapack.dpotrf(np.asarray(matrix, dtype=np.float64), lower=1, clean=0)
    if info > 0:
        raise np.linalg.LinAlgError(f"the matrix is not positive definite (pivot {info})")
    factor = (lower, True)
    pivots = np.abs(np.diag(lower)) / np.sqrt(diagonal)
    if not pivots.min() > tol:
        raise np.linalg.LinAlgError(
            f"the matrix is not positive definite (relative pivot {pivots.min():.2g})"
        )
    return factor
