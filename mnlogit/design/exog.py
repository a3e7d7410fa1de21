"""Design matrices given as arrays (the array interface): checks and names.

``MNLogit(endog, exog)`` uses ``exog`` as given. Columns are named by a DataFrame's
names, else ``const`` (the first column equal to 1 everywhere) and ``x1``, ``x2``, ...
A numpy array is checked with numpy alone (no pandas objects: at a thousand rows the
checks would otherwise cost more than the fit).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from ..exceptions import DataError
from .checks import check_finite, check_scale, column_extremes


class Exog(NamedTuple):
    """A design given as an array: its values (the user's own array where possible),
    column names and row labels."""

    values: np.ndarray
    names: tuple[str, ...]
    row_index: pd.Index  # not "index", which would hide tuple.index
    # The columns' column_extremes when reading needed them (a numpy array's constant
    # column), for the checks after it.
    extremes: tuple[np.ndarray, np.ndarray] | None = None


def read_exog(exog: Any) -> Exog:
    """``exog`` as numeric values with unique column names.

    Raises
    ------
    DataError
        No rows or columns, more than two dimensions, duplicate column names, or
        columns that are not real numbers (named).

    Examples
    --------
    >>> read_exog(np.array([[1.0, 2.0], [1.0, 3.0]])).names
    ('const', 'x1')
    """
    if isinstance(exog, pd.Series):
        exog = exog.to_frame()
    if isinstance(exog, pd.DataFrame):
        return _from_frame(exog)
    array = np.asarray(exog)
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2:
        raise DataError(f"exog must be two-dimensional, got shape {array.shape}")
    _check_shape(array.shape)
    if array.dtype.kind == "c":
        raise DataError(
            "exog holds complex numbers; a design matrix must be real (pass the real and "
            "imaginary parts as separate columns if both matter)"
        )
    if array.dtype.kind not in "iufb":
        raise DataError(
            f"exog holds values of type {array.dtype}, which are not numbers; encode them or "
            "use the formula interface, e.g. mnlogit.fit('y ~ C(group)', data)"
        )
    names = [f"x{j + 1}" for j in range(array.shape[1])]
    extremes = column_extremes(array)
    constant = np.flatnonzero((extremes[0] == 1) & (extremes[1] == 1))
    if constant.size:
        names = _numbered(array.shape[1], int(constant[0]))
    return Exog(array, tuple(names), pd.RangeIndex(array.shape[0]), extremes)


def _check_shape(shape: tuple[int, ...]) -> None:
    if shape[0] == 0:
        raise DataError("exog has no rows")
    if shape[1] == 0:
        raise DataError("exog has no columns; add at least a constant column")


def _from_frame(frame: pd.DataFrame) -> Exog:
    _check_shape(frame.shape)
    duplicated = list(dict.fromkeys(frame.columns[frame.columns.duplicated()]))
    if duplicated:
        raise DataError(
            f"exog has several columns named {', '.join(map(repr, duplicated))}; "
            "give every column its own name"
        )
    dtypes = frame.dtypes
    complex_columns = [c for c, d in dtypes.items() if getattr(d, "kind", "") == "c"]
    if complex_columns:
        raise DataError(
            f"exog column(s) {', '.join(map(repr, complex_columns))} hold complex numbers; a "
            "design matrix must be real"
        )
    bad = [c for c, d in dtypes.items() if not pd.api.types.is_numeric_dtype(d)]
    if bad:
        raise DataError(
            f"exog column(s) {', '.join(map(repr, bad))} are not numeric; encode them or "
            "use the formula interface, e.g. mnlogit.fit('y ~ C(group)', data)"
        )
    values = frame.to_numpy(dtype=np.float64, na_value=np.nan)
    return Exog(values, tuple(map(str, frame.columns)), frame.index)


def _numbered(n_columns: int, constant: int) -> list[str]:
    """``const`` for the constant column, x1..x(k-1) for the others in order."""
    names, counter = [], 0
    for j in range(n_columns):
        if j == constant:
            names.append("const")
        else:
            counter += 1
            names.append(f"x{counter}")
    return names


def array_design(newdata: Any, names: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Design of new data for an array fit (columns by name for a DataFrame, else by
    position) and the positions of the rows kept (rows with NaN are left out).

    Examples
    --------
    >>> X, kept = array_design(np.array([[1.0, np.nan], [1.0, 2.0]]), ["const", "x1"])
    >>> X.tolist(), kept.tolist()
    ([[1.0, 2.0]], [1])
    """
    if isinstance(newdata, pd.DataFrame):
        absent = [n for n in names if n not in newdata.columns]
        if absent:
            raise DataError(f"newdata lacks the column(s) {', '.join(map(repr, absent))}")
        newdata = newdata[list(names)]
    values = read_exog(newdata).values
    if values.shape[1] != len(names):
        raise DataError(f"newdata has {values.shape[1]} columns; the model has {len(names)}")
    X = np.asarray(values, dtype=np.float64)
    ok = ~np.isnan(X).any(axis=1)
    X = np.ascontiguousarray(X[ok])
    check_finite(X, names)
    check_scale(X, names, fitting=False)
    return X, np.flatnonzero(ok)
