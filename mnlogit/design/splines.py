"""Spline bases of a formula (patsy's ``bs``, ``cr`` and ``cc``) and their derivatives.

The values reproduce patsy's own evaluation (``patsy.splines.BS`` and
``patsy.mgcv_cubic_splines``: the same scipy ``splev`` calls and the same closed
forms), so designs equal patsy's; the derivatives with respect to the variable are
analytic (margins differentiate through them), including at the knots. Only the
knots and constraints learned in fitting are needed: plain numbers.

- B-splines (``bs``) are defined between the boundary knots only, as in patsy: a value
  outside them is an error naming the variable and the range.
- Natural cubic regression splines (``cr``) continue linearly beyond the boundary knots
  and cyclic ones (``cc``) wrap around, as in mgcv.
"""

from __future__ import annotations

import numpy as np
from scipy import linalg
from scipy.interpolate import splev

from ..exceptions import DataError


def bspline_basis(
    x: np.ndarray,
    knots: np.ndarray,
    degree: int,
    include_intercept: bool,
    variable: str = "x",
    derivative: bool = False,
) -> np.ndarray:
    """B-spline basis (n, columns) of ``x``, or its derivative with respect to ``x``.

    Parameters
    ----------
    x : (n,) values.
    knots : all knots (boundary knots repeated degree + 1 times), sorted.
    degree : polynomial degree.
    include_intercept : keep the first basis function (patsy drops it by default).
    variable : name for error messages.
    derivative : return d basis / dx instead of the basis.

    Examples
    --------
    >>> import numpy as np
    >>> knots = np.array([0.0, 0.0, 0.5, 1.0, 1.0])
    >>> bspline_basis(np.array([0.25, 0.5]), knots, 1, True)
    array([[0.5, 0.5, 0. ],
           [0. , 1. , 0. ]])
    >>> bspline_basis(np.array([0.25]), knots, 1, True, derivative=True)
    array([[-2.,  2.,  0.]])
    """
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    low, high = float(knots.min()), float(knots.max())
    if x.size and (x.min() < low or x.max() > high):
        raise DataError(
            f"values of {variable!r} from {x.min():.6g} to {x.max():.6g} fall outside the "
            f"spline's boundary knots [{low:.6g}, {high:.6g}], where a B-spline is not "
            "defined; pass lower_bound= and upper_bound= to bs() in the formula to widen them"
        )
    n_bases = len(knots) - (degree + 1)
    basis = np.empty((x.shape[0], n_bases))
    coefs = np.zeros(n_bases)
    for i in range(n_bases):
        coefs[:] = 0.0
        coefs[i] = 1.0
        basis[:, i] = splev(x, (knots, coefs, degree), der=int(derivative))
    return basis if include_intercept else basis[:, 1:]


def natural_f(knots: np.ndarray) -> np.ndarray:
    """Map from natural cubic spline values at the knots to second derivatives.

    (Wood, *Generalized Additive Models*, 2006, pp. 145-146; as patsy.)

    Examples
    --------
    >>> natural_f(np.array([0.0, 1.0, 2.0])).round(6)
    array([[ 0. ,  0. ,  0. ],
           [ 1.5, -3. ,  1.5],
           [ 0. ,  0. ,  0. ]])
    """
    h = knots[1:] - knots[:-1]
    diag = (h[:-1] + h[1:]) / 3.0
    ul_diag = h[1:-1] / 6.0
    banded_b = np.array([np.r_[0.0, ul_diag], diag, np.r_[ul_diag, 0.0]])
    d = np.zeros((knots.size - 2, knots.size))
    for i in range(knots.size - 2):
        d[i, i] = 1.0 / h[i]
        d[i, i + 2] = 1.0 / h[i + 1]
        d[i, i + 1] = -d[i, i] - d[i, i + 2]
    fm = linalg.solve_banded((1, 1), banded_b, d)
    return np.vstack([np.zeros(knots.size), fm, np.zeros(knots.size)])


def cyclic_f(knots: np.ndarray) -> np.ndarray:
    """Map from cyclic cubic spline values at the knots to second derivatives.

    (Wood 2006, pp. 146-147; as patsy.)

    Examples
    --------
    >>> cyclic_f(np.array([0.0, 1.0, 2.0, 3.0])).shape
    (3, 3)
    """
    h = knots[1:] - knots[:-1]
    n = knots.size - 1
    b = np.zeros((n, n))
    d = np.zeros((n, n))
    b[0, 0] = (h[n - 1] + h[0]) / 3.0
    b[0, n - 1] = h[n - 1] / 6.0
    b[n - 1, 0] = h[n - 1] / 6.0
    d[0, 0] = -1.0 / h[0] - 1.0 / h[n - 1]
    d[0, n - 1] = 1.0 / h[n - 1]
    d[n - 1, 0] = 1.0 / h[n - 1]
    for i in range(1, n):
        b[i, i] = (h[i - 1] + h[i]) / 3.0
        b[i, i - 1] = h[i - 1] / 6.0
        b[i - 1, i] = h[i - 1] / 6.0
        d[i, i] = -1.0 / h[i - 1] - 1.0 / h[i]
        d[i, i - 1] = 1.0 / h[i - 1]
        d[i - 1, i] = 1.0 / h[i - 1]
    return np.linalg.solve(b, d)


def cubic_basis(
    x: np.ndarray,
    knots: np.ndarray,
    constraints: np.ndarray | None,
    cyclic: bool,
    derivative: bool = False,
) -> np.ndarray:
    """Cubic regression spline basis (patsy ``cr``/``cc``) of ``x``, or its derivative.

    Parameters
    ----------
    x : (n,) values.
    knots : all knots, sorted.
    constraints : (c, K) linear constraints absorbed into the basis, or None.
    cyclic : cyclic spline (``cc``) rather than natural (``cr``).
    derivative : return d basis / dx instead of the basis.

    Examples
    --------
    >>> import numpy as np
    >>> knots = np.array([0.0, 1.0, 2.0])
    >>> cubic_basis(np.array([0.0, 1.0, 2.0]), knots, None, False)
    array([[1., 0., 0.],
           [0., 1., 0.],
           [0., 0., 1.]])
    """
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    n = knots.size
    low, high = float(knots.min()), float(knots.max())
    if cyclic:
        x = x.copy()
        above, below = x > high, x < low
        x[above] = low + (x[above] - high) % (high - low)
        x[below] = high - (low - x[below]) % (high - low)
        n -= 1
    j = np.searchsorted(knots, x) - 1
    j[j == -1] = 0
    j[j == knots.size - 1] = knots.size - 2
    h = knots[1:] - knots[:-1]
    hj = h[j]
    xj1_x = knots[j + 1] - x
    x_xj = x - knots[j]
    if derivative:
        ajm, ajp = -1.0 / hj, 1.0 / hj
        cjm_3 = -xj1_x * xj1_x / (2.0 * hj)
        cjm_3[x > high] = 0.0
        cjm = cjm_3 + hj / 6.0
        cjp_3 = x_xj * x_xj / (2.0 * hj)
        cjp_3[x < low] = 0.0
        cjp = cjp_3 - hj / 6.0
    else:
        ajm, ajp = xj1_x / hj, x_xj / hj
        cjm_3 = xj1_x * xj1_x * xj1_x / (6.0 * hj)
        cjm_3[x > high] = 0.0
        cjm = cjm_3 - hj * xj1_x / 6.0
        cjp_3 = x_xj * x_xj * x_xj / (6.0 * hj)
        cjp_3[x < low] = 0.0
        cjp = cjp_3 - hj * x_xj / 6.0
    j1 = j + 1
    if cyclic:
        j1[j1 == n] = 0
    identity = np.identity(n)
    f = cyclic_f(knots) if cyclic else natural_f(knots)
    dmt = ajm * identity[j, :].T + ajp * identity[j1, :].T + cjm * f[j, :].T + cjp * f[j1, :].T
    basis = dmt.T
    if constraints is not None:
        m = constraints.shape[0]
        q, _ = linalg.qr(np.transpose(constraints))
        basis = np.dot(basis, q[:, m:])
    return basis
