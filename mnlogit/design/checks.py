"""Checks of the rows of a fit: finite and representable design values, weights,
missing-value policy, and the words that report dropped rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..exceptions import DataError, MissingDataWarning, warn

# Design values beyond this magnitude (or nonzero columns below its inverse) would
# overflow (underflow) in the Hessian's products of two columns.
MAX_MAGNITUDE = 1e100


def check_missing_policy(missing: Any) -> None:
    """Refuse a ``missing`` option other than "drop" or "raise".

    Examples
    --------
    >>> check_missing_policy("skip")
    Traceback (most recent call last):
    ...
    mnlogit.exceptions.DataError: missing must be 'drop' or 'raise', got 'skip'
    """
    if missing not in ("drop", "raise"):
        raise DataError(f"missing must be 'drop' or 'raise', got {missing!r}")


# Rows per block of :func:`column_extremes`: its temporaries stay a few hundred kB.
_EXTREMES_ROWS = 8192
# Below this many columns a row is too short for numpy's row-by-row column reduction.
_NARROW = 64


def column_extremes(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Largest and smallest value of each column of a 2-d array (float64; -inf and inf
    for columns without rows; NaN where a column holds one).

    numpy reduces the columns of a C-ordered array one row at a time, a short inner
    loop per row: at 21 columns that takes 3.4 times as long as folding the rows in
    halves with whole-block ``maximum``/``minimum`` (a third of a fit's checks at 10^6
    rows). Narrow C-ordered arrays are folded block by block; others use numpy.

    Examples
    --------
    >>> high, low = column_extremes(np.array([[1.0, -2.0], [3.0, 5.0], [0.0, 4.0]]))
    >>> high.tolist(), low.tolist()
    ([3.0, 5.0], [0.0, -2.0])
    """
    n_rows, n_cols = X.shape
    high, low = np.full(n_cols, -np.inf), np.full(n_cols, np.inf)
    if n_cols >= _NARROW or not X.flags.c_contiguous:
        if n_rows:
            np.maximum(high, X.max(axis=0), out=high)
            np.minimum(low, X.min(axis=0), out=low)
        return high, low
    for start in range(0, n_rows, _EXTREMES_ROWS):
        block = X[start : start + _EXTREMES_ROWS]
        for fold, best in ((np.maximum, high), (np.minimum, low)):
            part = block
            while part.shape[0] > 16:
                half = part.shape[0] // 2
                # The first fold writes a new array (the block is the user's); the
                # later ones fold that array in place.
                out = None if part is block else part[:half]
                folded = fold(part[:half], part[half : 2 * half], out=out)
                if part.shape[0] % 2:
                    fold(folded[0], part[-1], out=folded[0])
                part = folded
            fold(best, fold.reduce(part, axis=0), out=best)
    return high, low


def check_scale(X: np.ndarray, names: Sequence[str], fitting: bool = True) -> None:
    """Refuse columns so large (or, in fitting, so small) that products of two columns
    in the Hessian or the linear predictors would overflow (or underflow).

    Examples
    --------
    >>> check_scale(np.array([[1e120]]), ["x"])
    Traceback (most recent call last):
    ...
    mnlogit.exceptions.DataError: design column(s) 'x' (largest |value| 1e+120) are out of the \
range double precision can fit (above 1e100 or, when nonzero, all below 1e-100); rescale them, \
e.g. divide or multiply by a power of ten
    """
    check_extremes(column_extremes(X), names, fitting)


def check_extremes(
    extremes: tuple[np.ndarray, np.ndarray], names: Sequence[str], fitting: bool = True
) -> None:
    """:func:`check_scale` given the columns' :func:`column_extremes` (computed once,
    read by several checks).

    Examples
    --------
    >>> check_extremes((np.array([1.0, 2.0]), np.array([-3.0, 0.0])), ["a", "b"])
    """
    high, low = extremes
    largest = np.maximum(np.maximum(high, -low), 0.0)
    check_magnitudes(largest, names, fitting)


def check_magnitudes(largest: np.ndarray, names: Sequence[str], fitting: bool = True) -> None:
    """:func:`check_scale` given each column's largest absolute value (data held in
    pieces compute those piece by piece).

    Examples
    --------
    >>> check_magnitudes(np.array([1.0, 2.0]), ["a", "b"])
    """
    bad = largest > MAX_MAGNITUDE
    if fitting:
        bad |= (largest > 0) & (largest < 1.0 / MAX_MAGNITUDE)
    if bad.any():
        columns = ", ".join(
            f"{names[j]!r} (largest |value| {largest[j]:.3g})" for j in np.flatnonzero(bad).tolist()
        )
        limit = "above 1e100" if not fitting else "above 1e100 or, when nonzero, all below 1e-100"
        raise DataError(
            f"design column(s) {columns} are out of the range double precision can fit "
            f"({limit}); rescale them, e.g. divide or multiply by a power of ten"
        )


def check_finite(X: np.ndarray, names: Sequence[str]) -> None:
    """Refuse infinite design values, naming the columns and counts.

    Examples
    --------
    >>> check_finite(np.array([[1.0, np.inf]]), ["a", "b"])
    Traceback (most recent call last):
    ...
    mnlogit.exceptions.DataError: design columns contain infinite values: 'b' (1 values) (in \
the data or from overflow in a formula expression); missing values are dropped, infinite ones \
are not
    """
    # Any infinite or NaN value makes the total non-finite: one pass, no temporary
    # (+inf and -inf together make it NaN, which numpy would warn about).
    with np.errstate(invalid="ignore", over="ignore"):
        total = X.sum()
    if np.isfinite(total):
        return
    bad = ~np.isfinite(X)
    if bad.any():
        columns = [
            f"{names[j]!r} ({int(bad[:, j].sum())} values)"
            for j in np.flatnonzero(bad.any(0)).tolist()
        ]
        raise DataError(
            f"design columns contain infinite values: {', '.join(columns)} (in the data or "
            "from overflow in a formula expression); missing values are dropped, infinite "
            "ones are not"
        )


def describe_counts(counts: dict[str, int]) -> str:
    """Missing values per variable, in words.

    Examples
    --------
    >>> describe_counts({"x": 2, "weights": 1})
    "2 in 'x', 1 in 'weights'"
    """
    if not counts:
        return "missing values produced by formula expressions"
    return ", ".join(f"{n} in {name!r}" for name, n in counts.items())


def warn_dropped(n_dropped: int, n_rows: int, counts: dict[str, int]) -> None:
    """The MissingDataWarning of rows dropped for missing values."""
    warn(
        f"dropped {n_dropped} of {n_rows} rows with missing values ({describe_counts(counts)})",
        MissingDataWarning,
    )


def check_dropped(n_dropped: int, n_rows: int, counts: dict[str, int], missing: str) -> None:
    """Apply the missing-value policy: raise, refuse an empty fit, or warn.

    Examples
    --------
    >>> check_dropped(3, 3, {"x": 3}, "drop")
    Traceback (most recent call last):
    ...
    mnlogit.exceptions.DataError: no rows left: all 3 rows have missing values (3 in 'x')
    """
    what = describe_counts(counts)
    if n_rows == 0:
        raise DataError("the data have no rows")
    if n_dropped and missing == "raise":
        raise DataError(
            f"{n_dropped} of {n_rows} rows have missing values ({what}); "
            "drop them or pass missing='drop'"
        )
    if n_dropped == n_rows:
        raise DataError(f"no rows left: all {n_rows} rows have missing values ({what})")
    if n_dropped:
        warn_dropped(n_dropped, n_rows, counts)


def resolve_weights(weights: Any, n_rows: int, column: Any = None) -> np.ndarray | None:
    """Weights as a float64 vector of one value per row (NaN where missing).

    ``column`` is the data column when ``weights`` names one.

    Examples
    --------
    >>> resolve_weights([1, 2], 2).tolist()
    [1.0, 2.0]
    """
    if weights is None:
        return None
    label = f"weights column {weights!r}" if isinstance(weights, str) else "weights"
    values = column if isinstance(weights, str) else weights
    try:
        array = np.asarray(values, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise DataError(f"{label} must be numeric") from None
    if array.shape[0] != n_rows:
        raise DataError(f"{label} has {array.shape[0]} values for {n_rows} rows of data")
    return array


def check_weight_magnitude(largest: float) -> None:
    """Refuse weights beyond 1e100 (their products in the Hessian would overflow).

    Examples
    --------
    >>> check_weight_magnitude(1e200)
    Traceback (most recent call last):
    ...
    mnlogit.exceptions.DataError: weights up to 1e+200 exceed 1e100; rescale them
    """
    if largest > MAX_MAGNITUDE:
        raise DataError(f"weights up to {largest:.3g} exceed 1e100; rescale them")


def check_weights(
    w: np.ndarray, totals: np.ndarray, levels: Sequence[Any], name: str
) -> np.ndarray:
    """Refuse infinite, huge, negative or all-zero weights and outcome levels of total
    weight zero; ``totals`` are the outcome totals of ``w`` in the order of ``levels``.

    Examples
    --------
    >>> check_weights(np.array([1.0, -1.0]), np.array([1.0, -1.0]), ["a", "b"], "y")
    Traceback (most recent call last):
    ...
    mnlogit.exceptions.DataError: weights must be non-negative; 1 are negative
    """
    if np.isinf(w).any():
        raise DataError(f"weights contain {int(np.isinf(w).sum())} infinite values")
    check_weight_magnitude(float(w.max(initial=0.0)))
    if (w < 0).any():
        raise DataError(f"weights must be non-negative; {int((w < 0).sum())} are negative")
    if w.sum() <= 0:
        raise DataError("weights sum to zero: no observations to fit")
    empty = [levels[j] for j in np.flatnonzero(totals == 0).tolist()]
    if empty:
        # Its coefficients would diverge to -inf: the level is as absent as one without rows.
        raise DataError(
            f"outcome {name!r} level(s) {', '.join(map(repr, empty))} have total "
            "weight zero; drop their rows or give them positive weights"
        )
    return np.ascontiguousarray(w)
