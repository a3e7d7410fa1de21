"""The one parameter order used everywhere: outcome-major.

The coefficients form a matrix ``B`` of shape (k terms, m = J - 1 non-reference
outcomes). Flattened, they are stored outcome by outcome: all k terms of the first
non-reference outcome, then all terms of the next. Every consumer (solver,
covariance, Wald tests, margins, tables) goes through :func:`vec` / :func:`unvec`.
"""

from __future__ import annotations

import numpy as np


def vec(coef_matrix: np.ndarray) -> np.ndarray:
    """Flatten a (k, m) coefficient matrix into the outcome-major vector of length k*m.

    Examples
    --------
    >>> import numpy as np
    >>> vec(np.array([[1.0, 3.0], [2.0, 4.0]]))
    array([1., 2., 3., 4.])
    """
    return np.ascontiguousarray(np.asarray(coef_matrix).T).reshape(-1)


def unvec(theta: np.ndarray, n_terms: int) -> np.ndarray:
    """Inverse of :func:`vec`: the (k, m) coefficient matrix of an outcome-major vector.

    Examples
    --------
    >>> import numpy as np
    >>> unvec(np.array([1.0, 2.0, 3.0, 4.0]), 2)
    array([[1., 3.],
           [2., 4.]])
    """
    theta = np.asarray(theta)
    return theta.reshape(-1, n_terms).T
