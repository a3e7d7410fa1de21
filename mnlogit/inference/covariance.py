"""Covariance estimators of the coefficient vector (outcome-major order).

- ``nonrobust``: the inverse observed information, ``A = (-H)^-1``.
- ``HC0``: the sandwich ``A (Σ_i w_i s_i s_i') A`` with per-row scores ``s_i``
  (:mod:`mnlogit.inference.scores`); equals statsmodels' ``cov_type="HC0"``.
- ``HC1``: ``HC0`` times a small-sample factor chosen by ``correction``:
  ``"statsmodels"`` (default) ``N / (N - p)`` with ``N`` the number of observations
  (sum of frequency weights) and ``p = k (J - 1)`` the number of coefficients -- the
  factor of statsmodels' ``sandwich_covariance.cov_white_simple(use_correction=True)``
  (statsmodels' discrete models return the uncorrected HC0 matrix when asked for
  ``cov_type="HC1"``); ``"stata"`` ``N / (N - 1)``, Stata's ``vce(robust)`` for
  maximum-likelihood models such as ``mlogit``; ``None`` no factor.
- ``cluster``: ``A (Σ_g u_g u_g') A`` with ``u_g = Σ_{i in g} w_i s_i`` for ``G``
  clusters, times ``G / (G - 1) · (N - 1) / (N - p)`` (``correction="statsmodels"``,
  statsmodels' default for ``cov_type="cluster"``), ``G / (G - 1)``
  (``correction="stata"``, Stata's ``vce(cluster)``) or nothing (``None``).
- ``linearized``: ``A B A`` with ``B`` the design-based covariance of the score total
  under a survey design (:mod:`mnlogit.inference.survey`), computed once at fit time
  and passed as ``cov_kwds["meat"]``; only a fit with ``design=`` has it.

Frequency weights: a row of weight ``w`` counts as ``w`` identical observations
(in the same cluster), so its score enters the HC sums as ``w s s'`` and the
cluster sums as ``w s``. The scores are accumulated over row blocks, so memory
stays O(block · p) whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..design import FitFrame
from ..exceptions import DataError, MNLogitError
from .distributions import inverse_information
from .scores import group_totals, score_blocks

CovType = Literal["nonrobust", "HC0", "HC1", "cluster", "linearized"]
COV_TYPES: tuple[str, ...] = ("nonrobust", "HC0", "HC1", "cluster", "linearized")
Correction = Literal["statsmodels", "stata"] | None
CORRECTIONS: tuple[str | None, ...] = ("statsmodels", "stata", None)
# The small-sample factor of each (cov_type, correction), as the reports name it.
CORRECTION_FORMULAS: dict[tuple[str, str], str] = {
    ("HC1", "statsmodels"): "N/(N-p)",
    ("HC1", "stata"): "N/(N-1)",
    ("cluster", "statsmodels"): "G/(G-1)*(N-1)/(N-p)",
    ("cluster", "stata"): "G/(G-1)",
}


def check_cov_type(cov_type: str, cov_kwds: dict[str, Any] | None = None) -> None:
    """Raise a clear error for an unknown covariance type or missing cluster groups.

    Examples
    --------
    >>> check_cov_type("HC1")
    >>> check_cov_type("robust")
    Traceback (most recent call last):
    ...
    mnlogit.exceptions.MNLogitError: cov_type must be one of 'nonrobust', 'HC0', 'HC1', \
'cluster', 'linearized', got 'robust'
    """
    if not isinstance(cov_type, str) or cov_type not in COV_TYPES:
        raise MNLogitError(
            f"cov_type must be one of {', '.join(map(repr, COV_TYPES))}, got {cov_type!r}"
        )
    kwds = cov_kwds or {}
    if cov_type == "cluster" and kwds.get("groups") is None and kwds.get("meat") is None:
        raise MNLogitError("cov_type='cluster' needs groups= (a column name or one label per row)")
    if cov_type == "linearized" and (cov_kwds or {}).get("meat") is None:
        raise MNLogitError(
            "cov_type='linearized' is the covariance of a survey design: pass "
            "design=mnlogit.SurveyDesign(...) to fit instead"
        )


def covariance(
    hessian: np.ndarray, cov_type: str = "nonrobust", results: Any = None, **cov_kwds: Any
) -> np.ndarray:
    """Covariance matrix of the estimates for the requested type.

    Parameters
    ----------
    hessian : Hessian of the log-likelihood at the estimates.
    cov_type : ``"nonrobust"``, ``"HC0"``, ``"HC1"``, ``"cluster"`` or ``"linearized"``.
    results : the fitted results (robust types read its rows and estimates).
    **cov_kwds : ``groups`` (cluster codes aligned with the rows used) and
        ``correction`` (the small-sample factor: ``"statsmodels"``, the default,
        ``"stata"`` or None; see :func:`small_sample_factor`); ``meat`` (the score
        covariance computed elsewhere: the survey design's for ``"linearized"``, or a
        Dask fit's sum over partitions, with ``n_groups`` for clusters).

    Examples
    --------
    >>> import numpy as np
    >>> covariance(-np.eye(2) * 4.0)
    array([[0.25, 0.  ],
           [0.  , 0.25]])
    """
    check_cov_type(cov_type, cov_kwds)
    bread = inverse_information(hessian)
    if cov_type == "nonrobust":
        return bread
    if cov_type == "linearized":
        cov = bread @ np.asarray(cov_kwds["meat"], dtype=np.float64) @ bread
        return (cov + cov.T) / 2.0
    _check_penalty(cov_type, results.penalty[0])
    frame = results.model_frame
    n_params = bread.shape[0]
    nobs = frame.nobs
    groups = cov_kwds.get("groups") if cov_type == "cluster" else None
    if cov_kwds.get("meat") is not None:
        # Computed where the rows are (a Dask fit sums the scores partition by partition).
        meat = np.asarray(cov_kwds["meat"], dtype=np.float64)
        n_groups = cov_kwds.get("n_groups")
    else:
        meat = score_meat(frame.X, frame.outcome.codes, frame.weights, results.theta, groups)
        n_groups = len(np.unique(groups)) if groups is not None else None
    cov = bread @ meat @ bread
    correction = cov_kwds.get("correction", "statsmodels")
    cov *= small_sample_factor(cov_type, correction, nobs, n_params, n_groups)
    return (cov + cov.T) / 2.0


def check_correction(correction: Any) -> None:
    """Refuse a small-sample correction other than "statsmodels", "stata" or None.

    Examples
    --------
    >>> check_correction("stata")
    >>> check_correction("stats")
    Traceback (most recent call last):
    ...
    mnlogit.exceptions.MNLogitError: correction must be 'statsmodels', 'stata' or None, \
got 'stats'
    """
    if not (correction is None or isinstance(correction, str) and correction in CORRECTIONS):
        raise MNLogitError(f"correction must be 'statsmodels', 'stata' or None, got {correction!r}")


def small_sample_factor(
    cov_type: str,
    correction: Correction,
    nobs: float,
    n_params: int,
    n_groups: int | None = None,
) -> float:
    """The factor multiplying a sandwich covariance (1 where none applies).

    ``HC1``: ``N/(N-p)`` (``"statsmodels"``) or ``N/(N-1)`` (``"stata"``);
    ``cluster``: ``G/(G-1)·(N-1)/(N-p)`` (``"statsmodels"``) or ``G/(G-1)``
    (``"stata"``); ``nonrobust``, ``HC0`` and ``correction=None``: 1.

    Examples
    --------
    >>> small_sample_factor("cluster", "stata", 200, 8, n_groups=20)
    1.0526315789473684
    >>> round(small_sample_factor("cluster", "statsmodels", 200, 8, n_groups=20), 6)
    1.091009
    >>> small_sample_factor("HC1", "stata", 200, 8)
    1.0050251256281406
    """
    check_correction(correction)
    if correction is None or (cov_type, correction) not in CORRECTION_FORMULAS:
        return 1.0
    if cov_type == "HC1":
        return nobs / (nobs - (n_params if correction == "statsmodels" else 1.0))
    if n_groups is None:
        raise MNLogitError("the cluster small-sample factor needs the number of clusters")
    factor = n_groups / (n_groups - 1.0)
    if correction == "statsmodels":
        factor *= (nobs - 1.0) / (nobs - n_params)
    return factor


def correction_formula(cov_type: str, correction: Correction) -> str:
    """The small-sample factor of a covariance type in words ("" when none applies).

    Examples
    --------
    >>> correction_formula("cluster", "stata"), correction_formula("HC0", "stata")
    ('G/(G-1)', '')
    """
    check_correction(correction)
    return "" if correction is None else CORRECTION_FORMULAS.get((cov_type, correction), "")


def score_meat(
    X: np.ndarray,
    y: np.ndarray,
    weights: np.ndarray | None,
    theta: np.ndarray,
    groups: np.ndarray | None = None,
) -> np.ndarray:
    """Σ_i w_i s_i s_i' (``groups`` None) or Σ_g u_g u_g' with u_g = Σ_{i in g} w_i s_i.

    ``groups`` are integer cluster codes 0..G-1, one per row.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.ones((4, 1)); y = np.array([0, 1, 0, 1])
    >>> score_meat(X, y, None, np.zeros(1))
    array([[1.]])
    >>> score_meat(X, y, None, np.zeros(1), groups=np.array([0, 0, 1, 1]))
    array([[0.]])
    """
    return outer_product_sum(score_blocks(X, y, weights, theta), theta.size, groups)


def outer_product_sum(
    blocks: Iterable[tuple[slice, np.ndarray, np.ndarray]],
    n_params: int,
    groups: np.ndarray | None = None,
) -> np.ndarray:
    """Σ_i w_i s_i s_i' or Σ_g u_g u_g' over row blocks of (rows, scores, weights).

    The blocks are what :func:`mnlogit.inference.scores.score_blocks` yields, or any
    other per-row scores laid out the same way (the stacked scores of two fits for
    a seemingly-unrelated covariance); ``groups`` are cluster codes 0..G-1 per row.

    Examples
    --------
    >>> import numpy as np
    >>> block = (slice(0, 2), np.array([[1.0], [-1.0]]), np.ones(2))
    >>> outer_product_sum([block], 1), outer_product_sum([block], 1, np.array([0, 0]))
    (array([[2.]]), array([[0.]]))
    """
    if groups is None:
        meat = np.zeros((n_params, n_params))
        for _, scores, w in blocks:
            meat += scores.T @ (scores * w[:, None])
        return meat
    totals = group_totals(blocks, n_params, groups, int(groups.max()) + 1)
    return totals.T @ totals


def cluster_codes(values: Any, positions: np.ndarray, n_data: int, label: str) -> np.ndarray:
    """Integer cluster codes 0..G-1 of the rows used.

    ``values`` holds one label per row of the user's data (``n_data`` rows, of which
    ``positions`` were used) or one per row used. Missing labels are an error.

    Examples
    --------
    >>> import numpy as np
    >>> cluster_codes(["a", "b", "a", "c"], np.array([0, 2, 3]), 4, "cid")
    array([0, 0, 1])
    """
    array = _labels(values, label)
    if len(array) == n_data:
        array = array[positions]
    elif len(array) != len(positions):
        raise DataError(
            f"groups {label!r} must have one value per row of the data ({n_data}) or per "
            f"row used ({len(positions)}), got {len(array)}"
        )
    series = pd.Series(array)
    if series.isna().any():
        raise DataError(
            f"groups {label!r} has {int(series.isna().sum())} missing values among the rows used"
        )
    codes, uniques = pd.factorize(series, sort=True)
    if len(uniques) < 2:
        raise DataError(f"groups {label!r} has {len(uniques)} cluster(s); at least 2 are needed")
    return codes.astype(np.intp)


def _labels(values: Any, label: str) -> np.ndarray:
    """Cluster labels as a 1-D array of single values, or an error naming what is wrong.

    A column vector (n, 1) is one label per row, and so is a tuple; labels that are
    lists, arrays, dicts or sets (unhashable, and not one label each) are refused.
    """
    if isinstance(values, (pd.Series, pd.Index)):
        values = values.to_numpy()
    elif isinstance(values, (list, tuple)):
        nested = next((v for v in values if isinstance(v, (list, np.ndarray, dict, set))), None)
        if nested is not None:
            raise DataError(
                f"groups {label!r} holds values of type {type(nested).__name__} ({nested!r:.40}); "
                "a cluster label must be a single number or string per row"
            )
        if any(isinstance(v, tuple) for v in values):
            values = pd.Series(list(values), dtype=object).to_numpy()  # one label per tuple
    try:
        array = np.asarray(values)
    except ValueError:  # ragged nesting
        raise DataError(
            f"groups {label!r} must be one cluster label per row (numbers or strings)"
        ) from None
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise DataError(
            f"groups {label!r} must be one cluster label per row, got an array of shape "
            f"{array.shape}"
        )
    if array.dtype == object:
        unhashable = next((v for v in array if not isinstance(v, Hashable)), None)
        if unhashable is not None:
            raise DataError(
                f"groups {label!r} holds values of type {type(unhashable).__name__} "
                f"({unhashable!r:.40}); a cluster label must be a single number or string per row"
            )
    return array


def cov_options(
    cov_type: str,
    groups: Any,
    data: pd.DataFrame | None,
    frame: FitFrame,
    correction: Correction = "statsmodels",
    penalty: str = "none",
) -> dict[str, Any]:
    """Validated ``cov_kwds`` of a fit: cluster codes aligned with the rows used.

    ``groups`` is a column name of ``data`` or one label per row of the data
    (or per row used); ``correction`` picks the small-sample factor
    (:func:`small_sample_factor`).

    Examples
    --------
    >>> import mnlogit, pandas as pd
    >>> df = mnlogit.datasets.load_iris()
    >>> frame = mnlogit.MNLogit.from_formula("Species ~ Sepal_Length", df).frame
    >>> df["plot"] = df.index % 5
    >>> cov_options("cluster", "plot", df, frame)["n_groups"]
    5
    """
    check_cov_type(cov_type, {"groups": groups})
    check_correction(correction)
    _check_penalty(cov_type, penalty)
    if cov_type != "cluster":
        if groups is not None:
            raise MNLogitError(f"groups is used with cov_type='cluster' only, not {cov_type!r}")
        return {"correction": correction}
    n_data = len(frame.row_positions) + frame.n_dropped
    label = groups if isinstance(groups, str) else "groups"
    if isinstance(groups, str):
        if data is None or groups not in data.columns:
            raise DataError(f"groups column {groups!r} is not in the data")
        values = data[groups]
    else:
        values = groups
    codes = cluster_codes(values, frame.row_positions, n_data, label)
    return {
        "groups": codes,
        "groups_name": label,
        "n_groups": int(codes.max()) + 1,
        "correction": correction,
    }


def _check_penalty(cov_type: str, penalty: str) -> None:
    # The sandwich needs the scores of the likelihood that was maximised.
    if cov_type != "nonrobust" and penalty != "none":
        raise MNLogitError(
            f"cov_type={cov_type!r} is available for maximum-likelihood fits only, "
            f"not for the {penalty!r}-penalised fit"
        )
