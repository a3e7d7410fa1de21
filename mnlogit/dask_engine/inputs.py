"""What the Dask engine accepts: Dask collections and Parquet paths, recognised without
importing Dask."""

from __future__ import annotations

import glob
import os
from typing import Any

from ..exceptions import DataError
from ..optional import require

PARQUET_SUFFIXES = (".parquet", ".parq", ".pq")


def as_dask_frame(data: Any) -> Any:
    """A Dask DataFrame as given, or read from a Parquet path, directory or glob.

    Examples
    --------
    >>> import dask.dataframe as dd, pandas as pd
    >>> ddf = dd.from_pandas(pd.DataFrame({"x": [1.0, 2.0]}), npartitions=1)
    >>> as_dask_frame(ddf) is ddf
    True
    """
    if _is_parquet_path(data):
        dd = require("dask.dataframe", "dask", "fitting Parquet files")
        path = os.fspath(data)
        if not os.path.isdir(path) and not glob.glob(path):
            raise DataError(f"no Parquet file matches {path!r}")
        try:
            return dd.read_parquet(path)
        except (OSError, ValueError) as err:  # pyarrow's ArrowInvalid is a ValueError
            reason: BaseException = err
            while (inner := reason.__cause__ or reason.__context__) is not None:
                reason = inner  # the reader's own words
            raise DataError(f"cannot read {path!r} as Parquet: {reason}") from None
    if not is_dask_collection(data):
        raise DataError(f"expected a Dask DataFrame or a Parquet path, got {type(data).__name__}")
    return data


def is_dask_collection(data: Any) -> bool:
    """Whether ``data`` is a Dask object (checked without importing Dask).

    Examples
    --------
    >>> import pandas as pd
    >>> is_dask_collection(pd.DataFrame())
    False
    """
    return type(data).__module__.split(".")[0] in ("dask", "dask_expr")


def wants_dask(data: Any) -> bool:
    """Whether ``mnlogit.fit`` should use this engine: a Dask object or a Parquet path.

    Examples
    --------
    >>> wants_dask("data/*.parquet"), wants_dask("data.csv"), wants_dask([1, 2])
    (True, False, False)
    """
    return _is_parquet_path(data) or is_dask_collection(data)


def _is_parquet_path(data: Any) -> bool:
    """A path (or glob) of Parquet files, or a directory (a Parquet data set)."""
    if not isinstance(data, (str, os.PathLike)):
        return False
    path = os.fspath(data)
    return path.lower().endswith(PARQUET_SUFFIXES) or os.path.isdir(path)
