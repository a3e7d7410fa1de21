"""Row sources: where the rows live.

The solver asks a row source one question -- the sums of log-likelihood,
gradient and Hessian at a parameter vector -- and never touches the data.
:class:`ArraySource` answers it for in-memory arrays, processing row blocks so
that temporaries stay a few megabytes whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from .likelihood import Derivatives, block_derivatives
from .params import unvec

# Bytes of the widest per-block temporary (rows x outcomes x terms doubles).
_BLOCK_BYTES = 8 * 2**20


class ArraySource:
    """In-memory rows: a float64 design matrix, outcome codes and optional weights.

    Parameters
    ----------
    X : (n, k) design matrix.
    y : (n,) outcome codes in model order (0 = reference).
    weights : (n,) frequency weights or None.
    n_outcomes : number of outcomes J (including the reference).

    Examples
    --------
    >>> import numpy as np
    >>> src = ArraySource(np.ones((4, 1)), np.array([0, 1, 1, 2]), None, 3)
    >>> round(src.derivatives(np.zeros(2)).llf, 6)
    -4.394449
    """

    def __init__(
        self, X: np.ndarray, y: np.ndarray, weights: np.ndarray | None, n_outcomes: int
    ) -> None:
        self.X = np.ascontiguousarray(X, dtype=np.float64)
        self.y = np.asarray(y, dtype=np.intp)
        self.weights = None if weights is None else np.asarray(weights, dtype=np.float64)
        self.n_outcomes = n_outcomes
        self.n_terms = self.X.shape[1]
        per_row = 8 * max(1, (n_outcomes - 1) * self.n_terms)
        self.block_rows = max(256, _BLOCK_BYTES // per_row)

    def blocks(self) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray | None]]:
        """Yield (X, y, weights) row blocks."""
        n = self.X.shape[0]
        for start in range(0, n, self.block_rows):
            stop = min(n, start + self.block_rows)
            w = None if self.weights is None else self.weights[start:stop]
            yield self.X[start:stop], self.y[start:stop], w

    def derivatives(self, theta: np.ndarray, hessian: bool = True) -> Derivatives:
        """Sums of log-likelihood, gradient and (optionally) Hessian at ``theta``."""
        coef = unvec(theta, self.n_terms)
        llf = 0.0
        grad = np.zeros(theta.size)
        hess = np.zeros((theta.size, theta.size)) if hessian else None
        for X, y, w in self.blocks():
            part = block_derivatives(X, y, w, coef, hessian=hessian)
            llf += part.llf
            grad += part.gradient
            if hessian:
                hess += part.hessian
        return Derivatives(llf, grad, hess)
