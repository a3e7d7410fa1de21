"""The public ``fit``: the one place that chooses the engine (in memory or Dask)."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import patsy

from .dask_engine import fit_dask, wants_dask
from .design import MissingPolicy, Weights
from .exceptions import MNLogitError
from .inference.survey import SurveyDesign
from .model import MNLogit
from .results import MNLogitResults


def fit(
    formula: str,
    data: Any,
    reference: Hashable | None = None,
    weights: Weights = None,
    missing: MissingPolicy = "drop",
    design: SurveyDesign | None = None,
    subpop: Any = None,
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
        Frequency weights: a column name or an array of one weight per row (each row
        counts as that many identical observations). Sampling weights go in ``design``.
    missing : {"drop", "raise"}
        Drop rows with missing values (their count is reported) or raise. Under a
        design the dropped rows stay in it, outside the estimation domain.
    design : SurveyDesign, optional
        A complex survey design (sampling weights, strata, PSUs, fpc): the estimate is
        the weighted MLE, its covariance the linearised (design-based) one, and
        p-values and intervals use Student t with the design degrees of freedom
        (:mod:`mnlogit.inference.survey`). Excludes ``weights=`` and ``cov_type=``.
    subpop : str or array-like, optional
        With ``design``, the subpopulation (domain) to estimate: a column name or one
        True/False per row. The whole design still counts in the variance (Stata's
        ``svy, subpop()``, R's ``subset(design, ...)``), never a plain subset.
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

    Under a survey design (here three strata, every row its own PSU):

    >>> df["stratum"] = df.index % 3
    >>> res = mnlogit.fit("Species ~ Sepal_Length", df, reference="versicolor",
    ...                   design=mnlogit.SurveyDesign(strata="stratum"))
    >>> res.cov_type, res.design_df
    ('linearized', 147)
    """
    if wants_dask(data):  # Dask itself is imported only when its engine is used
        if design is not None or subpop is not None:
            raise MNLogitError(
                "survey designs are fitted in memory only for now: pass a pandas DataFrame "
                "(e.g. data.compute()) with design="
            )
        return fit_dask(formula, data, reference, weights, missing, **fit_options)
    env = patsy.EvalEnvironment.capture(1)
    model = MNLogit.from_formula(
        formula, data, reference, weights, missing, eval_env=env, design=design, subpop=subpop
    )
    return model.fit(**fit_options)
