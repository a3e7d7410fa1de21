"""The Dask engine: exact Newton fits of data larger than memory (``mnlogit[dask]``).

``mnlogit.fit(formula, data=ddf)`` dispatches here when ``data`` is a Dask DataFrame
or a Parquet path; Dask itself is imported only then.
"""

from .fit import fit_dask
from .inputs import as_dask_frame, is_dask_collection, wants_dask
from .predict import predict_dask
from .results import DaskMNLogitResults

__all__ = [
    "DaskMNLogitResults",
    "as_dask_frame",
    "fit_dask",
    "is_dask_collection",
    "predict_dask",
    "wants_dask",
]
