"""Validation of the networks' inputs: clear package errors instead of numpy tracebacks.

Features must be a dense 2-d numeric array. Class labels can be any numbers that are
whole, strings or booleans: the classes are the distinct labels, sorted
(``classes_``), and the network works with their codes 0..K-1.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from ..exceptions import DataError, MNLogitWarning, warn
from .estimator import DataConversionWarning, sklearn_compatible

SHOWN = 5  # labels named in a message


class FeatureTypeError(DataError, TypeError):
    """X holds objects that are not numbers (also a TypeError, as numpy's own error)."""


def show_labels(values: Any) -> str:
    """Up to SHOWN labels as plain Python reprs, for messages.

    Examples
    --------
    >>> show_labels(np.array([1, 2]))
    '1, 2'
    """
    values = list(values)
    text = ", ".join(repr(v.item() if isinstance(v, np.generic) else v) for v in values[:SHOWN])
    return text + (", ..." if len(values) > SHOWN else "")


def check_features(
    X: Any, dtype: np.dtype, n_features: int | None = None, owner: str = "the network"
) -> np.ndarray:
    """X as a C-ordered (n, p) array of ``dtype`` (a copy only when needed).

    ``n_features`` is the width the fitted network ``owner`` takes.

    Examples
    --------
    >>> check_features([[0, 1], [1, 0]], np.dtype(np.float32)).dtype
    dtype('float32')
    >>> check_features([[0, np.nan]], np.dtype(np.float32))
    Traceback (most recent call last):
    ...
    mnlogit.exceptions.DataError: X has 1 non-finite value(s) (NaN or inf), first in row 0
    >>> check_features([[0, 1]], np.dtype(np.float32), 3, "MLP")
    Traceback (most recent call last):
    ...
    mnlogit.exceptions.DataError: X has 2 features, but MLP is expecting 3 features as input
    """
    if sparse.issparse(X):
        raise DataError(
            f"X is a sparse {type(X).__name__}: sparse input is not supported; pass X.toarray()"
        )
    try:
        arr = np.asarray(X)
        if arr.dtype.kind == "O":  # numbers stored as objects, as from a mixed frame
            arr = arr.astype(dtype)
    except TypeError as err:
        raise FeatureTypeError(f"X cannot be read as numbers: {err}") from None
    except ValueError as err:
        raise DataError(f"X cannot be read as a numeric array: {err}") from None
    if arr.dtype.kind == "c":
        raise DataError(f"Complex data not supported: X has dtype {arr.dtype}")
    if arr.dtype.kind not in "biuf":
        raise DataError(f"X must be numeric (got dtype {arr.dtype})")
    if arr.ndim != 2:
        raise DataError(
            f"X must be 2-dimensional (n_samples, n_features); got shape {arr.shape}. Reshape "
            "your data: X.reshape(-1, 1) for one feature, X.reshape(1, -1) for one sample"
        )
    if arr.shape[0] == 0:
        raise DataError(f"X has no rows (shape={arr.shape}); at least 1 sample is required")
    if arr.shape[1] == 0:
        raise DataError(f"X has 0 feature(s) (shape={arr.shape}) while a minimum of 1 is required.")
    if n_features is not None and arr.shape[1] != n_features:
        raise DataError(
            f"X has {arr.shape[1]} features, but {owner} is expecting {n_features} features "
            "as input"
        )
    out = np.ascontiguousarray(arr, dtype=dtype)
    finite = np.isfinite(out).all(axis=1)
    if not finite.all():
        bad = int((~np.isfinite(out)).sum())
        first = int(np.argmin(finite))
        raise DataError(f"X has {bad} non-finite value(s) (NaN or inf), first in row {first}")
    return out


def _object_labels(arr: np.ndarray, name: str) -> np.ndarray:
    """Labels stored as Python objects: all strings, or all numbers."""
    if all(isinstance(v, str) for v in arr):
        return arr.astype(str)
    if all(isinstance(v, numbers.Real) for v in arr):
        return np.array(arr.tolist())
    kinds = sorted({type(v).__name__ for v in arr})
    found = f"mixes {' and '.join(kinds)}" if len(kinds) > 1 else f"holds {kinds[0]} values"
    raise DataError(
        f"Unknown label type: {name} {found}; class labels must be all whole numbers, all "
        "strings or all booleans"
    )


def label_array(y: Any, n_rows: int, name: str = "y") -> np.ndarray:
    """The labels ``y`` as a checked 1-d array of numbers that are whole, strings or booleans.

    A column vector (n, 1) is flattened with a :class:`DataConversionWarning`.

    Examples
    --------
    >>> label_array(["cat", "dog"], 2)
    array(['cat', 'dog'], dtype='<U3')
    >>> label_array([0.0, 0.5], 2)
    Traceback (most recent call last):
    ...
    mnlogit.exceptions.DataError: Unknown label type: y holds numbers that are not whole, such \
as 0.5 (row 1): class labels are whole numbers, strings or booleans, not a continuous target
    """
    if y is None:
        raise DataError(f"fit requires {name} to be passed, but the target {name} is None")
    if sparse.issparse(y):
        raise DataError(f"{name} is a sparse {type(y).__name__}; pass a 1-d array of labels")
    try:
        # A list keeps each label's own type (numpy would turn ["a", 1] into strings).
        arr = np.asarray(y) if hasattr(y, "dtype") else np.asarray(y, dtype=object)
    except (ValueError, TypeError) as err:
        raise DataError(f"{name} cannot be read as an array of labels: {err}") from None
    if arr.ndim == 2 and arr.shape[1] == 1:
        warn(
            f"A column-vector y was passed when a 1d array was expected: {name} of shape "
            f"{arr.shape} was flattened",
            sklearn_compatible(DataConversionWarning),
        )
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise DataError(f"{name} must be 1-dimensional; got shape {arr.shape}")
    if arr.shape[0] != n_rows:
        raise DataError(f"{name} has {arr.shape[0]} labels for {n_rows} rows of X")
    if arr.dtype.kind == "O":
        missing = np.asarray(pd.isna(arr))
        if missing.any():
            raise DataError(
                f"{name} has {int(missing.sum())} missing label(s) (None or NaN), first in row "
                f"{int(np.argmax(missing))}"
            )
        arr = _object_labels(arr, name)
    if arr.dtype.kind == "f":
        finite = np.isfinite(arr)
        if not finite.all():
            raise DataError(
                f"{name} has {int((~finite).sum())} missing or infinite label(s) (NaN or inf), "
                f"first in row {int(np.argmin(finite))}"
            )
        whole = arr == np.round(arr)
        if not whole.all():
            row = int(np.argmin(whole))
            raise DataError(
                f"Unknown label type: {name} holds numbers that are not whole, such as "
                f"{arr[row].item()!r} (row {row}): class labels are whole numbers, strings or "
                "booleans, not a continuous target"
            )
    elif arr.dtype.kind not in "biuUS":
        raise DataError(
            f"Unknown label type: {name} has dtype {arr.dtype}; class labels are whole numbers, "
            "strings or booleans"
        )
    return arr


def encode_labels(y: Any, n_rows: int) -> tuple[np.ndarray, np.ndarray]:
    """The classes (distinct labels, sorted) and each row's class code 0..K-1.

    Refuses a single class, and more classes than half the rows (labels that hardly
    repeat are a continuous target or an identifier, not classes). Warns about classes
    with a single example, which are often stray labels.

    Examples
    --------
    >>> classes, codes = encode_labels(["b", "a", "b", "c", "a", "c"], 6)
    >>> classes.tolist(), codes.tolist()
    (['a', 'b', 'c'], [1, 0, 1, 2, 0, 2])
    """
    labels = label_array(y, n_rows)
    classes, codes = np.unique(labels, return_inverse=True)
    if classes.shape[0] < 2:
        raise DataError(
            f"y has 1 class ({show_labels(classes)}); a classifier needs at least 2 classes"
        )
    if classes.shape[0] > max(2, n_rows // 2):
        raise DataError(
            f"y has {classes.shape[0]:,} distinct labels among {n_rows:,} rows: each class "
            "needs repeated examples (is y a continuous target or an identifier?)"
        )
    counts = np.bincount(codes, minlength=classes.shape[0])
    single = classes[counts == 1]
    if single.shape[0]:
        warn(
            f"y has {single.shape[0]} class(es) with a single example ({show_labels(single)}) "
            f"among {classes.shape[0]} classes: each distinct label is a class of its own; "
            "check for stray labels",
            MNLogitWarning,
        )
    return classes, codes.astype(np.intp)


def match_labels(labels: np.ndarray, classes: np.ndarray, name: str = "y") -> np.ndarray:
    """The class code of each label (from :func:`label_array`); -1 where it is no class.

    Labels of another kind than the classes (strings against numbers) are refused.

    Examples
    --------
    >>> match_labels(np.array([3, 1, 7]), np.array([1, 3])).tolist()
    [1, 0, -1]
    >>> match_labels(np.array(["1"]), np.array([1, 3]))
    Traceback (most recent call last):
    ...
    mnlogit.exceptions.DataError: y holds labels of dtype <U1 but the classes are of dtype int64
    """
    numeric = "biuf"
    if (labels.dtype.kind in numeric) != (classes.dtype.kind in numeric):
        raise DataError(
            f"{name} holds labels of dtype {labels.dtype} but the classes are of dtype "
            f"{classes.dtype}"
        )
    position = np.minimum(np.searchsorted(classes, labels), classes.shape[0] - 1)
    return np.where(classes[position] == labels, position, -1).astype(np.intp)
