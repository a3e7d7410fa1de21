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

from .likelihood import Derivatives, assemble, block_products, column_products
from .params import unvec
from .threads import available_cores, row_pool, single_threaded_blas

# Bytes of the temporaries of one row block (rows x (k(k+1)/2 + m(m+1)/2) doubles):
# small enough that a block per core stays in cache.
_BLOCK_BYTES = 4 * 2**20
# Rows per block of a pass without the Hessian.
_GRADIENT_ROWS = 8192
# The packed row products x_t x_u are kept between Hessian passes up to this size.
_KEEP_PRODUCTS_BYTES = 48 * 2**20
# Floating-point operations of one pass below which the row-block threads do not pay:
# handing blocks to the pool and joining costs about 0.1 ms, a few percent of a pass
# this size (measured on the 2-core machine of benchmarks/RESULTS_small.md).
POOL_FLOPS = 60e6


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
        packed = self.n_terms * (self.n_terms + 1) // 2
        per_row = 8 * max(1, packed + m * (m + 1) // 2 + 2 * (m + 1))
        self.block_rows = max(256, _BLOCK_BYTES // per_row)
        self.workers = available_cores() if workers is None else max(1, workers)
        # Floating-point operations per row of a pass with / without the Hessian.
        self.row_flops = (
            2 * (m * (m + 1) // 2) * packed + 4 * m * self.n_terms,
            4 * m * self.n_terms,
        )
        self.keep_products = 8 * packed * self.n_rows <= _KEEP_PRODUCTS_BYTES
        self._products: np.ndarray | None = None
        self._gram: np.ndarray | None = None

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

    def gram(self) -> np.ndarray:
        """The weighted cross products X'WX of the design (computed once per source).

        Examples
        --------
        >>> import numpy as np
        >>> ArraySource(np.ones((4, 1)), np.zeros(4, int), np.full(4, 0.5), 2).gram()
        array([[2.]])
        """
        if self._gram is None:
            gram = np.zeros((self.n_terms, self.n_terms))
            step = 65_536
            with single_threaded_blas():
                for start in range(0, self.n_rows, step):
                    X = self.X[start : start + step]
                    w = self.weights
                    gram += X.T @ (X if w is None else X * w[start : start + step, None])
            gram.flags.writeable = False
            self._gram = gram
        return self._gram

    def total_weight(self) -> float:
        """Sum of the frequency weights (the row count when unweighted)."""
        return float(self.n_rows if self.weights is None else self.weights.sum())

    def derivatives(self, theta: np.ndarray, hessian: bool = True) -> Derivatives:
        """Sums of log-likelihood, gradient and (optionally) Hessian at ``theta``.

        BLAS runs single-threaded: small passes lose to a multi-threaded BLAS's
        start-up (and spin by orders of magnitude on a busy machine); passes with
        enough work to pay for threads (:data:`POOL_FLOPS`) split their row blocks
        between the row pool's threads instead.
        """
        coef = unvec(theta, self.n_terms)
        # Without the Hessian the temporaries are narrow: larger blocks, fewer Python steps.
        step = self.block_rows if hessian else max(self.block_rows, _GRADIENT_ROWS)
        products = self._kept_products() if hessian else None

        def rows(span: tuple[int, int]) -> tuple[float, np.ndarray]:
            llf, total = 0.0, None
            for first in range(span[0], span[1], step):
                last = min(span[1], first + step)
                w = None if self.weights is None else self.weights[first:last]
                kept = None if products is None else products[:, first:last]
                part, sums = block_products(
                    self.X[first:last], self.y[first:last], w, coef, hessian, kept
                )
                llf += part
                total = sums if total is None else np.add(total, sums, out=total)
            assert total is not None, "a span of no rows"  # spans split n_rows >= 1 rows
            return llf, total

        flops = self.row_flops[0 if hessian else 1] * self.n_rows
        workers = min(self.workers, self.n_rows // step)
        with single_threaded_blas():
            if workers < 2 or flops < POOL_FLOPS:
                parts = [rows((0, self.n_rows))]
            else:
                edges = np.linspace(0, self.n_rows, workers + 1).astype(int)
                spans = zip(edges[:-1], edges[1:], strict=True)
                parts = list(row_pool(workers).map(rows, spans))
        total = parts[0][1]
        for _, sums in parts[1:]:
            total = total + sums
        gradient, hess = assemble(total, self.n_outcomes - 1, self.n_terms)
        return Derivatives(float(sum(p[0] for p in parts)), gradient, hess)

    def _kept_products(self) -> np.ndarray | None:
        """The packed row products of all rows, computed once, if they fit the budget."""
        if not self.keep_products:
            return None
        if self._products is None:
            with single_threaded_blas():
                self._products = column_products(self.X)
        return self._products
