"""The public ``fit``: the one place that chooses the engine (in memory or Dask)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import patsy

from .dask_engine import fit_dask, wants_dask
from .design import MissingPolicy
from .model import MNLogit
from .results import MNLogitResults


def fit(
    formula: str,
    data: Any,
    reference: Hashable | None = None,
    weights: str | Sequence[float] | np.ndarray | pd.Series | None = None,
    missing: MissingPolicy = "drop",
    **fit_options: Any,
) -> MNLogitResults:
    """Fit a multinomial logit given by a patsy formula over a data frame.

    Parameters
    ----------
    formula : str
        ``"outcome ~ terms"``; the outcome may be strings, a Categorical (its
        category order is kept), integers or booleans.
    data : DataFrame
        A pandas DataFrame (never modified); a Dask DataFrame or a Parquet
        path/glob fits out of core with :func:`mnlogit.dask_engine.fit_dask`
        (``mnlogit[dask]``).
    reference : label, optional
        The baseline outcome (default: the first level).
    weights : str or array-like, optional
        Frequency weights: a column name or an array of one weight per row.
    missing : {"drop", "raise"}
        Drop rows with missing values (their count is reported) or raise.
    **fit_options
        Passed to :meth:`MNLogit.fit` (``maxiter``, ``gtol``, ``cov_type``, ...).

    Returns
    -------
    MNLogitResults
        The fitted model.

    Examples
    --------
    >>> import mnlogit
    >>> df = mnlogit.datasets.load_iris()
    >>> res = mnlogit.fit("Species ~ Sepal_Length", data=df, reference="versicolor")
    >>> list(res.params.columns)
    ['setosa', 'virginica']
    """
    if wants_dask(data):  # Dask itself is imported only when its engine is used
        return fit_dask(formula, data, reference, weights, missing, **fit_options)
    env = patsy.EvalEnvironment.capture(1)
    model = MNLogit.from_formula(formula, data, reference, weights, missing, eval_env=env)
    return model.fit(**fit_options)
