"""Covariance of the estimates and Wald inference on individual coefficients."""

from __future__ import annotations

import numbers

import numpy as np
from scipy import linalg, stats
from scipy.linalg import lapack

from ..core.rank import definite_cholesky
from ..core.threads import single_threaded_blas
from ..exceptions import MNLogitError


def inverse_information(hessian: np.ndarray) -> np.ndarray:
    """Covariance of the MLE, (-H)^-1, by Cholesky; NaN where -H is not positive definite.

    Examples
    --------
    >>> import numpy as np
    >>> inverse_information(-np.diag([4.0, 1.0]))
    array([[0.25, 0.  ],
           [0.  , 1.  ]])
    """
    # A small dense inverse: a multi-threaded BLAS only adds start-up (and spins on a
    # busy machine: 12 ms instead of 0.1 ms for 84 x 84).
    with single_threaded_blas():
        try:
            factor = definite_cholesky(-hessian)
        except linalg.LinAlgError:
            return np.full(hessian.shape, np.nan)
        # The inverse from the factor itself (LAPACK's potri, half the arithmetic of
        # solving against the identity); it fills the lower triangle only.
        lower, info = lapack.dpotri(factor[0], lower=1)
    if info != 0:
        return np.full(hessian.shape, np.nan)
    return np.tril(lower) + np.tril(lower, -1).T


def normal_quantile(alpha: float) -> float:
    """Two-sided critical value z_{1-alpha/2} of the standard normal.

    Examples
    --------
    >>> round(normal_quantile(0.05), 4)
    1.96
    """
    if not isinstance(alpha, numbers.Real) or not 0.0 < alpha < 1.0:
        raise MNLogitError(f"alpha must be strictly between 0 and 1, got {alpha!r}")
    return float(stats.norm.isf(alpha / 2.0))


def critical_value(alpha: float, df: float | None = None) -> float:
    """Two-sided critical value: Student t with ``df`` degrees of freedom (survey
    designs: the design df), the standard normal when ``df`` is None.

    Examples
    --------
    >>> round(critical_value(0.05, df=16), 4), round(critical_value(0.05), 4)
    (2.1199, 1.96)
    """
    z = normal_quantile(alpha)  # validates alpha
    return z if df is None else float(stats.t.isf(alpha / 2.0, df))


def two_sided_pvalues(z: np.ndarray, df: float | None = None) -> np.ndarray:
    """P(|Z| > |z|) for a standard normal Z (or Student t with ``df`` degrees of
    freedom), accurate far into the tails.

    Examples
    --------
    >>> import numpy as np
    >>> two_sided_pvalues(np.array([1.959964])).round(4)
    array([0.05])
    >>> two_sided_pvalues(np.array([2.119905]), df=16).round(4)
    array([0.05])
    """
    if df is None:
        return 2.0 * stats.norm.sf(np.abs(z))
    return 2.0 * stats.t.sf(np.abs(z), df)


def chi2_pvalue(statistic: float, df: float) -> float:
    """Upper-tail probability of a chi-squared statistic.

    Examples
    --------
    >>> round(chi2_pvalue(3.841459, 1), 4)
    0.05
    """
    return float(stats.chi2.sf(statistic, df))
