"""Validation of the networks' inputs: clear package errors instead of numpy tracebacks."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..exceptions import DataError


def check_features(X: Any, dtype: np.dtype, n_features: int | None = None) -> np.ndarray:
    """X as a C-ordered (n, p) array of ``dtype`` (a copy only when needed).

    Examples
    --------
    >>> check_features([[0, 1], [1, 0]], np.dtype(np.float32)).dtype
    dtype('float32')
    >>> check_features([[0, np.nan]], np.dtype(np.float32))
    Traceback (most recent call last):
    ...
    mnlogit.exceptions.DataError: X has 1 non-finite value(s) (NaN or infinite), first in row 0
    """
    try:
        arr = np.asarray(X)
    except (ValueError, TypeError) as err:
        raise DataError(f"X cannot be read as a numeric array: {err}") from None
    if arr.dtype.kind not in "biuf":
        raise DataError(f"X must be numeric (got dtype {arr.dtype})")
    if arr.ndim != 2:
        raise DataError(f"X must be 2-dimensional (n_samples, n_features); got shape {arr.shape}")
    if arr.shape[0] == 0:
        raise DataError("X has no rows")
    if n_features is not None and arr.shape[1] != n_features:
        raise DataError(f"X has {arr.shape[1]} features but the network takes {n_features}")
    out = np.ascontiguousarray(arr, dtype=dtype)
    finite = np.isfinite(out).all(axis=1)
    if not finite.all():
        bad = int((~np.isfinite(out)).sum())
        first = int(np.argmin(finite))
        raise DataError(f"X has {bad} non-finite value(s) (NaN or infinite), first in row {first}")
    return out


def check_labels(y: Any, n_rows: int, n_classes: int | None, name: str = "y") -> np.ndarray:
    """Integer class labels 0..K-1 as an intp array of length ``n_rows``.

    Examples
    --------
    >>> check_labels([0, 2, 1.0], 3, 3)
    array([0, 2, 1])
    >>> check_labels([0, 3], 2, 3)
    Traceback (most recent call last):
    ...
    mnlogit.exceptions.DataError: y has label 3 outside 0..2
    """
    try:
        arr = np.asarray(y)
    except (ValueError, TypeError) as err:
        raise DataError(f"{name} cannot be read as an array of labels: {err}") from None
    if arr.ndim != 1:
        raise DataError(f"{name} must be 1-dimensional; got shape {arr.shape}")
    if arr.shape[0] != n_rows:
        raise DataError(f"{name} has {arr.shape[0]} labels for {n_rows} rows of X")
    if arr.dtype.kind == "f":
        if not np.isfinite(arr).all() or (arr != np.round(arr)).any():
            raise DataError(f"{name} must hold integer class labels 0..K-1 (found non-integers)")
    elif arr.dtype.kind not in "biu":
        raise DataError(f"{name} must hold integer class labels 0..K-1 (got dtype {arr.dtype})")
    labels = arr.astype(np.intp)
    low, high = int(labels.min()), int(labels.max())
    top = n_classes - 1 if n_classes is not None else None
    if low < 0 or (top is not None and high > top):
        bad = low if low < 0 else high
        raise DataError(f"{name} has label {bad} outside 0..{top if top is not None else 'K-1'}")
    return labels
