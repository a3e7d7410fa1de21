"""Lazy predictions on a Dask DataFrame with the fit's design specification."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..core.params import unvec
from ..design import DesignSpec
from ..design.outcome import Outcome
from ..exceptions import DataError
from ..inference.prediction import PredictKind, prediction_table
from .frame import partition_rows


@dataclass(frozen=True)
class PredictionFrame:
    """The picklable part of a fit that prediction needs (sent to every partition)."""

    spec: DesignSpec
    outcome: Outcome
    exog_names: tuple[str, ...]
    theta: np.ndarray
    formula: str
    weights_name: str | None

    def design_for(self, newdata: Any) -> tuple[np.ndarray, np.ndarray]:
        """Design matrix of a pandas partition with the fit's encoding."""
        return self.spec.build(newdata)


def predict_partition(
    part: pd.DataFrame, frame: PredictionFrame, kind: PredictKind, rows_used: bool
) -> pd.DataFrame | pd.Series:
    """In-memory ``predict`` of one partition; with ``rows_used`` only complete rows."""
    if rows_used:
        part = part.iloc[partition_rows(part, frame.formula, frame.weights_name, frame.spec)[2]]
    # Missing rows get missing predictions, without the in-memory warning: they cannot
    # be counted lazily.
    X, kept = frame.design_for(part)
    coef = unvec(frame.theta, len(frame.exog_names))
    return prediction_table(frame.outcome, coef, X, kept, part.index, kind)


def predict_dask(
    results: Any, newdata: Any = None, kind: PredictKind = "prob", se: bool = False
) -> Any:
    """Lazy ``predict`` of a Dask DataFrame: a Dask DataFrame (or Series for ``"class"``).

    ``newdata=None`` predicts the rows used in fitting (rows with missing values
    left out). Rows of ``newdata`` with missing values get missing predictions.

    Examples
    --------
    >>> import dask.dataframe as dd, mnlogit
    >>> ddf = dd.from_pandas(mnlogit.datasets.load_iris(), npartitions=3)
    >>> res = mnlogit.fit("Species ~ Sepal_Length", ddf, progress=False)
    >>> res.predict(ddf).compute().round(3).head(2)
       setosa  versicolor  virginica
    0   0.807       0.176      0.017
    1   0.918       0.077      0.005
    """
    if se:
        raise DataError(
            "standard errors of predictions are not available lazily; "
            "pass a pandas DataFrame (e.g. ddf.head(1000)) with se=True"
        )
    model_frame = results.model_frame
    spec = getattr(model_frame, "spec", None)
    if spec is None:
        raise DataError(
            "lazy Dask predictions need a fit made on a Dask DataFrame; for an in-memory "
            "fit use ddf.map_partitions(results.predict) with the threaded scheduler"
        )
    rows_used = newdata is None
    ddf = model_frame.data if rows_used else newdata
    frame = PredictionFrame(
        spec,
        model_frame.outcome,
        tuple(results.exog_names),
        np.asarray(results.theta),
        model_frame.formula,
        model_frame.weights_name,
    )
    meta = predict_partition(ddf._meta, frame, kind, rows_used)
    return ddf.map_partitions(predict_partition, frame, kind, rows_used, meta=meta)
