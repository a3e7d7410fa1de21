"""Covariance estimators of the coefficient vector (outcome-major order).

``nonrobust`` is the inverse of the observed information, (-H)^-1.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from .exceptions import MNLogitError
from .inference import inverse_information

CovType = Literal["nonrobust"]
COV_TYPES: tuple[str, ...] = ("nonrobust",)


def check_cov_type(cov_type: str) -> None:
    """Raise a clear error for an unknown covariance type.

    Examples
    --------
    >>> check_cov_type("nonrobust")
    """
    if cov_type not in COV_TYPES:
        raise MNLogitError(
            f"cov_type must be one of {', '.join(map(repr, COV_TYPES))}, got {cov_type!r}"
        )


def covariance(hessian: np.ndarray, cov_type: str = "nonrobust", **_: object) -> np.ndarray:
    """Covariance matrix of the estimates for the requested type.

    Examples
    --------
    >>> import numpy as np
    >>> covariance(-np.eye(2) * 4.0)
    array([[0.25, 0.  ],
           [0.  , 0.25]])
    """
    check_cov_type(cov_type)
    return inverse_information(hessian)
