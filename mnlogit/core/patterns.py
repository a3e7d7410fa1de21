"""Exact collapsing of repeated rows into frequency weights.

The log-likelihood is a weighted sum over rows of a function of (x, y), so rows
with the same design values and outcome can be replaced by one row carrying the
sum of their weights: the log-likelihood, gradient and Hessian are the same sums
in a different order. With categorical predictors only, a million rows often hold
a few hundred patterns and every likelihood pass becomes almost free. Only the
solver's row source is collapsed; the fit's own rows stay for everything per row
(robust covariances, residuals, predictions, margins).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

# Collapse only when it removes at least this share of the rows.
MIN_REDUCTION = 0.8
# Rows looked at first: designs with continuous columns are given up on at once.
_SCREEN_ROWS = 4096


class Patterns(NamedTuple):
    """Distinct (x, y) rows with the summed weights of the rows they stand for."""

    X: np.ndarray
    y: np.ndarray
    weights: np.ndarray


def _row_keys(X: np.ndarray) -> np.ndarray:
    """One float per row, equal for equal rows: a fixed random projection."""
    direction = np.random.default_rng(12345).uniform(1.0, 2.0, X.shape[1])
    return X @ direction


def collapse_rows(X: np.ndarray, y: np.ndarray, weights: np.ndarray | None) -> Patterns | None:
    """Distinct (x, y) rows and their total weights, or None if that saves little.

    Rows are grouped by a projection of x and the outcome, then every row is
    checked against its group's representative, so the result is exact whatever the
    projection: rows are merged only when all their values are equal.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.tile([[1.0, 0.0], [1.0, 1.0]], (50, 1)); y = np.tile([0, 1], 50)
    >>> p = collapse_rows(X, y, None)
    >>> p.X.tolist(), p.y.tolist(), p.weights.tolist()
    ([[1.0, 0.0], [1.0, 1.0]], [0, 1], [50.0, 50.0])
    """
    n_rows = X.shape[0]
    screen = np.linspace(0, n_rows - 1, min(n_rows, _SCREEN_ROWS)).astype(np.intp)
    screen_keys = _row_keys(X[screen]) + 0.5 * y[screen]
    if np.unique(screen_keys).size > (1.0 - MIN_REDUCTION) * screen.size:
        return None
    row_group = pd.factorize(_row_keys(X))[0]
    codes, uniques = pd.factorize(row_group * (int(y.max()) + 1) + y)
    if uniques.size > (1.0 - MIN_REDUCTION) * n_rows:
        return None
    first = np.empty(uniques.size, dtype=np.intp)
    first[codes[::-1]] = np.arange(n_rows - 1, -1, -1)
    X_patterns, y_patterns = X[first], y[first]
    step = 65_536
    for start in range(0, n_rows, step):
        rows = slice(start, start + step)
        block = codes[rows]
        if not (
            np.array_equal(X[rows], X_patterns[block])
            and np.array_equal(y[rows], y_patterns[block])
        ):
            return None  # two different rows shared a key: leave the rows as they are
    counts = np.bincount(codes, weights=weights, minlength=uniques.size)
    return Patterns(np.ascontiguousarray(X_patterns), y_patterns, counts.astype(np.float64))
