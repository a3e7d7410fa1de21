"""DaskSource: the row-source interface over the partitions of a Dask collection.

Each call of :meth:`DaskSource.derivatives` maps the in-memory kernel
(:class:`mnlogit.core.sources.ArraySource`, row blocks through
:func:`mnlogit.core.likelihood.block_derivatives`) over the partitions' design blocks and
tree-reduces the sums of (llf, gradient, Hessian) to the client. The blocks are
either persisted in (cluster) memory or rebuilt from the source files on each pass.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np

from ..core.likelihood import Derivatives
from ..core.rank import triangular_factor
from ..core.sources import ArraySource
from ..core.threads import single_threaded_blas
from .frame import Block


def partition_derivatives(
    block: Block, theta: np.ndarray, n_outcomes: int, hessian: bool = True
) -> Derivatives:
    """Sums of llf, gradient and Hessian over one partition (in row blocks).

    Examples
    --------
    >>> import numpy as np
    >>> b = Block(np.ones((4, 1)), np.array([0, 1, 1, 2]), None)
    >>> round(partition_derivatives(b, np.zeros(2), 3).llf, 6)
    -4.394449
    """
    if block.X.shape[0] == 0:  # a partition left empty by a filter or by missing values
        size = theta.size
        return Derivatives(0.0, np.zeros(size), np.zeros((size, size)) if hessian else None)
    with single_threaded_blas():
        source = ArraySource(block.X, block.y, block.w, n_outcomes, workers=1)
        return source.derivatives(theta, hessian)


def add_derivatives(*parts: Derivatives) -> Derivatives:
    """Sum of several partitions' derivatives.

    Examples
    --------
    >>> import numpy as np
    >>> d = Derivatives(1.0, np.ones(1), np.ones((1, 1)))
    >>> add_derivatives(d, d).llf
    2.0
    """
    # Sums from zero arrays (not sum()'s integer 0): the same values, typed as arrays.
    first = parts[0]
    gradient = sum((p.gradient for p in parts), np.zeros_like(first.gradient))
    hessian = None
    if first.hessian is not None:
        hessian = sum((p.required_hessian() for p in parts), np.zeros_like(first.hessian))
    return Derivatives(float(sum(p.llf for p in parts)), gradient, hessian)


def tree_reduce(items: Sequence[Any], combine: Callable[..., Any], split_every: int = 8) -> Any:
    """Delayed tree reduction: combine groups of ``split_every`` items until one is left.

    Examples
    --------
    >>> import dask
    >>> parts = [dask.delayed(i) for i in range(10)]
    >>> tree_reduce(parts, lambda *xs: sum(xs), 3).compute()
    45
    """
    import dask

    items = list(items)
    combine_delayed = dask.delayed(combine, pure=True)
    while len(items) > 1:
        items = [
            combine_delayed(*items[i : i + split_every]) for i in range(0, len(items), split_every)
        ]
    return items[0]


class DaskSource:
    """Rows held as delayed design blocks, one per partition.

    Parameters
    ----------
    blocks : Dask delayed objects, each evaluating to a :class:`Block`
        (persisted futures, or tasks that read and rebuild the partition).
    n_terms : number of design columns k.
    n_outcomes : number of outcomes J.
    split_every : fan-in of the tree reduction.

    Examples
    --------
    >>> import dask, numpy as np
    >>> b = dask.delayed(Block(np.ones((4, 1)), np.array([0, 1, 1, 2]), None))
    >>> src = DaskSource([b, b], 1, 3)
    >>> round(src.derivatives(np.zeros(2)).llf, 6)
    -8.788898
    """

    def __init__(
        self, blocks: Sequence[Any], n_terms: int, n_outcomes: int, split_every: int = 8
    ) -> None:
        self.blocks = list(blocks)
        self.n_terms = n_terms
        self.n_outcomes = n_outcomes
        self.split_every = split_every

    def derivatives(self, theta: np.ndarray, hessian: bool = True) -> Derivatives:
        """Sums of log-likelihood, gradient and (optionally) Hessian at ``theta``."""
        import dask

        theta = np.asarray(theta, dtype=np.float64)
        task = dask.delayed(partition_derivatives, pure=True)
        parts = [task(block, theta, self.n_outcomes, hessian) for block in self.blocks]
        (total,) = dask.compute(tree_reduce(parts, add_derivatives, self.split_every))
        return total


class BlockStats(NamedTuple):
    """Facts about the rows of one or more partitions, gathered in the design pass."""

    n_rows: int
    counts: np.ndarray
    n_positive: int
    n_negative: int
    n_infinite: int
    max_weight: float
    largest: np.ndarray
    first_row: np.ndarray | None
    constant: np.ndarray
    R: np.ndarray


def block_stats(block: Block, n_outcomes: int) -> BlockStats:
    """Row count, weighted outcome counts, weight checks, constant columns and the R
    factor of the (weighted) design of one partition.

    Examples
    --------
    >>> import numpy as np
    >>> s = block_stats(Block(np.ones((3, 1)), np.array([0, 1, 1]), None), 2)
    >>> s.n_rows, s.counts.tolist(), s.constant.tolist()
    (3, [1.0, 2.0], [True])
    """
    X, y, w = block
    n_rows, n_terms = X.shape
    counts = np.bincount(y, weights=w, minlength=n_outcomes).astype(float)
    if w is None:
        n_positive, n_negative, n_infinite, scaled = n_rows, 0, 0, X
        max_weight = 1.0
    else:
        n_positive = int(np.count_nonzero(w > 0))
        n_negative = int(np.count_nonzero(w < 0))
        n_infinite = int(np.count_nonzero(np.isinf(w)))
        max_weight = float(np.max(w, initial=0.0))
        safe = np.where(np.isfinite(w) & (w > 0), w, 0.0)
        scaled = X * np.sqrt(safe)[:, None]
    first = X[0].copy() if n_rows else None
    constant = np.all(X == X[0], axis=0) if n_rows else np.ones(n_terms, bool)
    chunk = 65536
    with single_threaded_blas():
        R = triangular_factor((scaled[i : i + chunk] for i in range(0, n_rows, chunk)), n_terms)
    largest = np.maximum(X.max(axis=0, initial=0.0), -X.min(axis=0, initial=0.0))
    return BlockStats(
        n_rows,
        counts,
        n_positive,
        n_negative,
        n_infinite,
        max_weight,
        largest,
        first,
        constant,
        R,
    )


def merge_stats(stats: Sequence[BlockStats]) -> BlockStats:
    """Combine partitions' statistics (in partition order).

    Examples
    --------
    >>> import numpy as np
    >>> a = block_stats(Block(np.ones((2, 1)), np.array([0, 1]), None), 2)
    >>> b = block_stats(Block(np.full((1, 1), 2.0), np.array([1]), None), 2)
    >>> m = merge_stats([a, b])
    >>> m.n_rows, m.counts.tolist(), m.constant.tolist()
    (3, [1.0, 2.0], [False])
    """
    nonempty = [s for s in stats if s.n_rows]
    first = nonempty[0].first_row if nonempty else None
    constant = np.ones(stats[0].constant.shape, bool)
    for s in nonempty:
        constant &= s.constant & (s.first_row == first)
    n_terms = stats[0].R.shape[1]
    return BlockStats(
        sum(s.n_rows for s in stats),
        np.sum([s.counts for s in stats], axis=0),
        sum(s.n_positive for s in stats),
        sum(s.n_negative for s in stats),
        sum(s.n_infinite for s in stats),
        max(s.max_weight for s in stats),
        np.max([s.largest for s in stats], axis=0),
        first,
        constant,
        triangular_factor((s.R for s in stats), n_terms),
    )


def constant_column(stats: BlockStats) -> int | None:
    """Index of the first non-zero constant design column (as ModelFrame defines it)."""
    if stats.first_row is None:
        return None
    candidates = np.flatnonzero((stats.first_row != 0) & stats.constant)
    return int(candidates[0]) if candidates.size else None
