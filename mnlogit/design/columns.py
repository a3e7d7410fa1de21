"""Columns of the user's data by name, whatever kind of data frame holds them.

pandas DataFrames are read in place; polars DataFrames and LazyFrames, pyarrow Tables
and the other frames narwhals knows are read one column at a time (numeric columns
without a copy where the library allows). Every column comes out as a pandas Series
on a 0..n-1 index, in a type the design layer reads: nullable pandas dtypes with
``pd.NA`` become NaN (numbers) or None (others); dates, durations and complex numbers
are refused, naming the column. Nothing of the user's frame is modified.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import DataError


def type_name(obj: Any) -> str:
    """Fully qualified type name of an object, for messages.

    Examples
    --------
    >>> type_name(pd.DataFrame())
    'pandas.DataFrame'
    """
    kind = type(obj)
    module = kind.__module__.split(".")[0]
    return f"{module}.{kind.__qualname__}"


class Columns:
    """Read-only, cached access to the columns of one data frame.

    Parameters
    ----------
    data : a pandas DataFrame, or a polars DataFrame/LazyFrame, pyarrow Table (or
        another frame narwhals reads).

    Examples
    --------
    >>> cols = Columns(pd.DataFrame({"x": [1, None]}, dtype="Int64"))
    >>> cols.n_rows, cols["x"].tolist()
    (2, [1.0, nan])
    >>> Columns([1, 2])
    Traceback (most recent call last):
    ...
    mnlogit.exceptions.DataError: data must be a data frame (pandas, polars or pyarrow), got \
builtins.list
    """

    def __init__(self, data: Any) -> None:
        self._cache: dict[str, pd.Series] = {}
        self._overrides: dict[str, pd.Series] = {}
        if isinstance(data, pd.DataFrame):
            self._pandas: pd.DataFrame | None = data
            self._native: Any = None
            self.names = tuple(map(str, data.columns))
            self.n_rows = len(data)
            self.index = data.index
            return
        self._pandas = None
        self._native = _narwhals_frame(data)
        self.names = tuple(map(str, self._native.columns))
        self.n_rows = len(self._native)
        self.index = pd.RangeIndex(self.n_rows)

    def __contains__(self, name: object) -> bool:
        return name in self._overrides or name in self.names

    def __getitem__(self, name: str) -> pd.Series:
        if name in self._overrides:
            return self._overrides[name]
        cached = self._cache.get(name)
        if cached is None:
            cached = self._cache[name] = usable(self._read(name), name)
        return cached

    def _read(self, name: str) -> pd.Series:
        if name not in self.names:
            raise KeyError(name)
        if self._pandas is not None:
            if self.names.count(name) > 1:
                raise DataError(
                    f"the data has several columns named {name!r}; rename them so that the "
                    "formula reads one"
                )
            column = self._pandas[name]
            return column.set_axis(pd.RangeIndex(self.n_rows))
        series = self._native[name]
        if series.dtype.is_numeric():
            # The library's own buffer where it allows (read-only): pandas would copy it.
            return pd.Series(series.to_numpy(), name=name, copy=False)
        return series.to_pandas().set_axis(pd.RangeIndex(self.n_rows))

    def with_column(self, name: str, values: Any) -> Columns:
        """The same columns with ``name`` set to ``values`` (a scalar or one value per
        row): counterfactual data without copying the other columns.

        Examples
        --------
        >>> cols = Columns(pd.DataFrame({"x": [1.0, 2.0]})).with_column("x", 5.0)
        >>> cols["x"].tolist()
        [5.0, 5.0]
        """
        new = Columns.__new__(Columns)
        new.__dict__.update(self.__dict__)
        new._overrides = dict(self._overrides)
        if np.ndim(values) == 0:
            values = (
                np.repeat(values, self.n_rows)
                if not isinstance(values, str)
                else [values] * self.n_rows
            )
        series = pd.Series(values, index=pd.RangeIndex(self.n_rows))
        new._overrides[name] = usable(series, name)
        return new

    def frame(self, names: Iterable[str]) -> dict[str, pd.Series]:
        """A dict of the named columns (for evaluating expressions over them)."""
        return {name: self[name] for name in names if name in self}


def _narwhals_frame(data: Any) -> Any:
    """An eager narwhals frame of a polars/pyarrow/... object, or an error naming its type."""
    try:
        import narwhals as nw
    except ImportError:  # pragma: no cover - narwhals is a dependency
        raise DataError(f"data must be a pandas DataFrame, got {type_name(data)}") from None
    try:
        frame = nw.from_native(data)
    except TypeError:
        raise DataError(
            f"data must be a data frame (pandas, polars or pyarrow), got {type_name(data)}"
        ) from None
    if isinstance(frame, nw.LazyFrame):
        frame = frame.collect()
    if not isinstance(frame, nw.DataFrame):
        raise DataError(
            f"data must be a data frame (pandas, polars or pyarrow), got {type_name(data)}"
        )
    return frame


def usable(column: pd.Series, name: str) -> pd.Series:
    """A column in a type the design layer reads (a new Series where converted).

    Nullable columns (Int64, Float64, boolean, string, object holding ``pd.NA``) get
    NaN or None for missing values; dates, durations, periods, intervals and complex
    numbers are an error naming the column.

    Examples
    --------
    >>> usable(pd.Series([True, None], dtype="boolean"), "b").tolist()
    [True, None]
    """
    dtype = column.dtype
    if dtype.kind in "mMc" or isinstance(
        dtype, (pd.PeriodDtype, pd.IntervalDtype, pd.DatetimeTZDtype)
    ):
        raise DataError(
            f"column {name!r} has dtype {dtype}, which a formula cannot use; convert it "
            "to numbers (e.g. days since a date) or to strings (one level per value)"
        )
    if isinstance(dtype, pd.CategoricalDtype):
        return column
    if isinstance(dtype, np.dtype) and (dtype.kind in "fiub" or not column.hasnans):
        return column
    if dtype.kind in "fiu":
        return pd.Series(column.to_numpy(dtype=np.float64, na_value=np.nan), index=column.index)
    values = column.astype(object)
    return values.where(values.notna(), None)


def is_numeric(column: pd.Series) -> bool:
    """Whether a column is numbers (not booleans): one numeric design column.

    Examples
    --------
    >>> is_numeric(pd.Series([1, 2])), is_numeric(pd.Series([True])), is_numeric(pd.Series(["a"]))
    (True, False, False)
    """
    return column.dtype.kind in "iuf" and not isinstance(column.dtype, pd.CategoricalDtype)
