"""Row sources: where the rows live.

The solver asks a row source one question -- the sums of log-likelihood,
gradient and Hessian at a parameter vector -- and never touches the data.
:class:`ArraySource` answers it for in-memory arrays, processing row blocks of
cache size (:func:`mnlogit.core.likelihood.block_products`), so temporaries stay a
few megabytes whatever the number of rows. Large arrays are split between one
thread per core, each running single-threaded BLAS: on a busy machine a
multi-threaded BLAS on small blocks spins and slows down by an order of magnitude.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from .likelihood import Derivatives, assemble, block_products
from .params import unvec
from .threads import available_cores, row_pool, single_threaded_blas

# Bytes of the GEMM operand of one row block (rows x (m + k*m*(m+1)/2) doubles):
# small enough that a block per core stays in cache.
_BLOCK_BYTES = 4 * 2**20
# Rows per block of a pass without the Hessian.
_GRADIENT_ROWS = 8192


class ArraySource:
    """In-memory rows: a float64 design matrix, outcome codes and optional weights.

    Parameters
    ----------
    X : (n, k) design matrix.
    y : (n,) outcome codes in model order (0 = reference).
    weights : (n,) frequency weights or None.
    n_outcomes : number of outcomes J (including the reference).
    workers : threads sharing the row blocks; default one per core for large
        arrays (the Dask engine passes 1: it already runs one task per core).

    Examples
    --------
    >>> import numpy as np
    >>> src = ArraySource(np.ones((4, 1)), np.array([0, 1, 1, 2]), None, 3)
    >>> round(src.derivatives(np.zeros(2)).llf, 6)
    -4.394449
    """

    def __init__(
        self,
        X: np.ndarray,
        y: np.ndarray,
        weights: np.ndarray | None,
        n_outcomes: int,
        workers: int | None = None,
    ) -> None:
        self.X = np.ascontiguousarray(X, dtype=np.float64)
        self.y = np.asarray(y, dtype=np.intp)
        self.weights = None if weights is None else np.asarray(weights, dtype=np.float64)
        self.n_outcomes = n_outcomes
        self.n_terms = self.X.shape[1]
        m = n_outcomes - 1
        per_row = 8 * max(1, m + self.n_terms * m * (m + 1) // 2)
        self.block_rows = max(256, _BLOCK_BYTES // per_row)
        self.workers = available_cores() if workers is None else max(1, workers)

    @property
    def n_rows(self) -> int:
        """Number of rows."""
        return self.X.shape[0]

    def blocks(
        self, start: int = 0, stop: int | None = None, rows: int | None = None
    ) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray | None]]:
        """Yield (X, y, weights) blocks of ``rows`` rows (default ``block_rows``) of
        rows ``start:stop`` (default all)."""
        stop = self.n_rows if stop is None else stop
        rows = rows or self.block_rows
        for first in range(start, stop, rows):
            last = min(stop, first + rows)
            w = None if self.weights is None else self.weights[first:last]
            yield self.X[first:last], self.y[first:last], w

    def subsample(self, n_rows: int, seed: int = 0) -> ArraySource:
        """A source over ``n_rows`` rows drawn without replacement (in their original order).

        Examples
        --------
        >>> import numpy as np
        >>> src = ArraySource(np.ones((10, 1)), np.zeros(10, int), None, 2)
        >>> src.subsample(4).n_rows
        4
        """
        rows = np.sort(np.random.default_rng(seed).choice(self.n_rows, n_rows, replace=False))
        w = None if self.weights is None else self.weights[rows]
        return ArraySource(self.X[rows], self.y[rows], w, self.n_outcomes)

    def total_weight(self) -> float:
        """Sum of the frequency weights (the row count when unweighted)."""
        return float(self.n_rows if self.weights is None else self.weights.sum())

    def derivatives(self, theta: np.ndarray, hessian: bool = True) -> Derivatives:
        """Sums of log-likelihood, gradient and (optionally) Hessian at ``theta``."""
        coef = unvec(theta, self.n_terms)
        # Without the Hessian the operand is narrow: larger blocks, fewer Python steps.
        step = self.block_rows if hessian else max(self.block_rows, _GRADIENT_ROWS)

        def rows(span: tuple[int, int]) -> tuple[float, np.ndarray | None]:
            llf, total = 0.0, None
            for X, y, w in self.blocks(*span, step):
                part, products = block_products(X, y, w, coef, hessian)
                llf += part
                total = products if total is None else np.add(total, products, out=total)
            return llf, total

        if self.n_rows < 2 * step:
            # One block: BLAS as configured.
            parts = [rows((0, self.n_rows))]
        else:
            workers = max(1, min(self.workers, self.n_rows // step))
            edges = np.linspace(0, self.n_rows, workers + 1).astype(int)
            with single_threaded_blas():
                parts = list(row_pool(workers).map(rows, zip(edges[:-1], edges[1:], strict=True)))
        products = sum(p[1] for p in parts if p[1] is not None)
        gradient, hess = assemble(products, self.n_outcomes - 1)
        return Derivatives(float(sum(p[0] for p in parts)), gradient, hess)
