"""Results of a Dask fit: the in-memory results type with lazy per-row predictions."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..exceptions import MNLogitError
from ..inference.prediction import PredictKind
from ..results import MNLogitResults
from .covariance import robust_cov_kwds
from .frame import DaskModelFrame
from .inputs import is_dask_collection
from .predict import predict_dask


class DaskMNLogitResults(MNLogitResults):
    """Fitted model of :func:`mnlogit.dask_engine.fit_dask`.

    Everything is as for in-memory fits, except that ``predict`` of a Dask
    DataFrame (or of the fitted rows, ``newdata=None``) is lazy: it returns a Dask
    DataFrame (a Dask Series for ``kind="class"``).

    Examples
    --------
    >>> import dask.dataframe as dd, mnlogit
    >>> ddf = dd.from_pandas(mnlogit.datasets.load_iris(), npartitions=3)
    >>> res = mnlogit.fit("Species ~ Sepal_Length", ddf, progress=False)
    >>> type(res.predict(ddf)).__module__.split(".")[0]
    'dask'
    """

    model_frame: DaskModelFrame

    def predict(
        self,
        newdata: Any = None,
        kind: PredictKind = "prob",
        se: bool = False,
        alpha: float = 0.05,
    ) -> pd.DataFrame | pd.Series:
        """Predictions; lazy for a Dask DataFrame or ``newdata=None`` (the fitted rows).

        Examples
        --------
        >>> import dask.dataframe as dd, mnlogit
        >>> df = mnlogit.datasets.load_iris()
        >>> res = mnlogit.fit("Species ~ Sepal_Length", dd.from_pandas(df, 2), progress=False)
        >>> res.predict(df.head(1)).round(3)
           setosa  versicolor  virginica
        0   0.807       0.176      0.017
        """
        if newdata is None or is_dask_collection(newdata):
            self.check_predict_kind(kind)
            return predict_dask(self, newdata, kind, se)
        return super().predict(newdata, kind, se, alpha)

    def with_cov_type(
        self, cov_type: str, groups: Any = None, correction: Any = "statsmodels"
    ) -> DaskMNLogitResults:
        """The same fit with another covariance type (its score sums computed over the
        partitions; ``groups``: the name of a column, default the fit's clusters).

        Examples
        --------
        >>> import dask.dataframe as dd, mnlogit
        >>> df = mnlogit.datasets.load_iris()
        >>> res = mnlogit.fit("Species ~ Sepal_Length", dd.from_pandas(df, 2), progress=False)
        >>> res.with_cov_type("HC0").cov_type
        'HC0'
        """
        if cov_type == "cluster" and groups is None:
            groups = self.cov_kwds.get("groups_name")
        cov_kwds = robust_cov_kwds(
            self.model_frame, self.theta, cov_type, groups, correction, self.penalty[0]
        )
        return DaskMNLogitResults(
            self.model_frame, self.estimate, cov_type, cov_kwds, self.penalty, self.separation
        )

    def save(self, path: Any) -> None:
        """Refused: a saved model carries the fit's rows, which a Dask fit keeps on Dask.

        Parameters
        ----------
        path : str or os.PathLike
            Where the model would have been written.

        Raises
        ------
        MNLogitError
            Always, saying what to do instead.

        Examples
        --------
        >>> import dask.dataframe as dd, mnlogit
        >>> df = mnlogit.datasets.load_iris()
        >>> res = mnlogit.fit("Species ~ Sepal_Length", dd.from_pandas(df, 2), progress=False)
        >>> res.save("iris.mnlogit")
        Traceback (most recent call last):
        ...
        mnlogit.exceptions.MNLogitError: a Dask fit cannot be saved: the saved format holds the \
fit's rows, which stay on Dask; keep the estimates with res.params and res.cov_params(), or \
fit in memory to save the model
        """
        raise MNLogitError(
            "a Dask fit cannot be saved: the saved format holds the fit's rows, which stay on "
            "Dask; keep the estimates with res.params and res.cov_params(), or fit in memory "
            "to save the model"
        )
