"""Delta-method inference for estimates that are smooth functions of the coefficients.

An estimate ``g(θ)`` with Jacobian ``G = dg/dθ`` has the covariance ``G V G'``, with
``V`` the fit's covariance of θ (so robust, cluster and survey covariances carry over).
Intervals are the symmetric normal ones, ``g ± z se``, as Stata's ``margins``,
``lincom`` and ``nlcom`` report them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .distributions import critical_value, two_sided_pvalues

INFERENCE_COLUMNS = ["estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high"]


def delta_covariance(jacobian: np.ndarray, cov: np.ndarray) -> np.ndarray:
    """``G V G'`` for a (q, p) Jacobian and the (p, p) covariance of the coefficients.

    Examples
    --------
    >>> import numpy as np
    >>> delta_covariance(np.array([[1.0, -1.0]]), np.eye(2))
    array([[2.]])
    """
    jacobian = np.atleast_2d(jacobian)
    return jacobian @ np.asarray(cov) @ jacobian.T


def delta_table(
    estimate: np.ndarray,
    jacobian: np.ndarray,
    cov: np.ndarray,
    alpha: float = 0.05,
    df: float | None = None,
) -> pd.DataFrame:
    """estimate, std_error, statistic (z), p_value, conf_low, conf_high of estimates
    (q,) with Jacobian (q, p); an estimate without variance has no z or p-value.
    ``df``: the design degrees of freedom of a survey fit (t tests and intervals).

    Examples
    --------
    >>> import numpy as np
    >>> delta_table(np.array([1.96]), np.array([[1.0]]), np.eye(1)).round(3).values.tolist()
    [[1.96, 1.0, 1.96, 0.05, 0.0, 3.92]]
    """
    z_crit = critical_value(alpha, df)
    estimate = np.asarray(estimate, dtype=float)
    jacobian = np.asarray(jacobian, dtype=float).reshape(len(estimate), -1)
    variance = np.einsum("ip,pq,iq->i", jacobian, np.asarray(cov), jacobian)
    se = np.sqrt(np.maximum(variance, 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        statistic = np.where(se > 0, estimate / se, np.nan)
    return pd.DataFrame(
        {
            "estimate": estimate,
            "std_error": se,
            "statistic": statistic,
            "p_value": two_sided_pvalues(statistic, df),
            "conf_low": estimate - z_crit * se,
            "conf_high": estimate + z_crit * se,
        },
        columns=INFERENCE_COLUMNS,
    )
