"""Newton-Raphson maximisation of a concave log-likelihood given by a row source.

The solver only sees a callable returning (llf, gradient, Hessian) at theta, so
in-memory, chunked and distributed data all share it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import linalg

from .likelihood import Derivatives

HISTORY_COLUMNS = ["iteration", "llf", "decrement", "step_size", "max_abs_gradient", "seconds"]


@dataclass(frozen=True)
class NewtonResult:
    """Outcome of :func:`newton`: the estimate, its derivatives and how it was reached."""

    theta: np.ndarray
    llf: float
    gradient: np.ndarray
    hessian: np.ndarray
    converged: bool
    iterations: int
    history: pd.DataFrame
    message: str


def newton_direction(gradient: np.ndarray, hessian: np.ndarray) -> tuple[np.ndarray, bool]:
    """Newton step solving ``-H step = g``; the flag is False if -H is not positive definite.

    When -H is not positive definite (aliased columns, separation) the step uses
    the eigen-decomposition with small and negative curvatures floored, which is
    still an ascent direction.

    Examples
    --------
    >>> import numpy as np
    >>> newton_direction(np.array([1.0, 2.0]), -2.0 * np.eye(2))
    (array([0.5, 1. ]), True)
    """
    try:
        factor = linalg.cho_factor(-hessian, lower=True, check_finite=False)
        step = linalg.cho_solve(factor, gradient, check_finite=False)
        if np.all(np.isfinite(step)):
            return step, True
    except linalg.LinAlgError:
        pass
    values, vectors = np.linalg.eigh(-hessian)
    floor = max(values.max(), 1.0) * 1e-10
    return vectors @ ((vectors.T @ gradient) / np.maximum(values, floor)), False


def newton(
    evaluate: Callable[[np.ndarray], Derivatives],
    theta0: np.ndarray,
    maxiter: int = 100,
    gtol: float = 1e-10,
    ftol: float = 1e-10,
    callback: Callable[[dict], None] | None = None,
) -> NewtonResult:
    """Maximise a concave log-likelihood by Newton-Raphson with step-halving.

    Parameters
    ----------
    evaluate : returns (llf, gradient, Hessian) at theta.
    theta0 : starting values.
    maxiter : maximum number of Newton steps.
    gtol : bound on the Newton decrement g'(-H)^-1 g, the squared length of the
        step in standard-error units; the step that meets it is still taken.
    ftol : bound on the relative change of the log-likelihood in the last step.
    callback : called with each history row (a dict), e.g. to print progress.

    Returns
    -------
    NewtonResult
        ``converged`` is True only if both criteria hold, all values are finite
        and -H is positive definite at the estimate.

    Examples
    --------
    >>> import numpy as np
    >>> from mnlogit.likelihood import Derivatives
    >>> f = lambda t: Derivatives(-float((t - 3.0) @ (t - 3.0)), -2 * (t - 3.0), -2 * np.eye(1))
    >>> newton(f, np.zeros(1)).theta
    array([3.])
    """
    start = time.perf_counter()
    theta = np.array(theta0, dtype=np.float64)
    current = evaluate(theta)
    if not np.isfinite(current.llf):
        raise FloatingPointError("log-likelihood is not finite at the starting values")
    rows: list[dict] = []
    converged = False
    message = f"maximum number of iterations ({maxiter}) reached"
    for iteration in range(1, maxiter + 1):
        step, _ = newton_direction(current.gradient, current.hessian)
        decrement = float(current.gradient @ step)
        step_size = 1.0
        while True:
            candidate_theta = theta + step_size * step
            candidate = evaluate(candidate_theta)
            # Accept any step that does not lower the llf beyond rounding.
            tolerance = 1e-13 * max(1.0, abs(current.llf))
            if np.isfinite(candidate.llf) and candidate.llf >= current.llf - tolerance:
                break
            step_size /= 2.0
            if step_size < 2.0**-40:
                candidate_theta, candidate = theta, current
                break
        change = candidate.llf - current.llf
        theta, current = candidate_theta, candidate
        row = {
            "iteration": iteration,
            "llf": current.llf,
            "decrement": decrement,
            "step_size": step_size,
            "max_abs_gradient": float(np.max(np.abs(current.gradient), initial=0.0)),
            "seconds": time.perf_counter() - start,
        }
        rows.append(row)
        if callback is not None:
            callback(row)
        small_change = abs(change) <= ftol * max(1.0, abs(current.llf))
        if decrement <= gtol and small_change:
            converged = True
            message = "converged"
            break
        if step_size < 2.0**-40:
            message = "no step increased the log-likelihood"
            break
    finite = bool(
        np.isfinite(theta).all()
        and np.isfinite(current.gradient).all()
        and np.isfinite(current.hessian).all()
    )
    _, definite = newton_direction(current.gradient, current.hessian) if finite else (None, False)
    if converged and not finite:
        converged, message = False, "non-finite values at the estimate"
    elif converged and not definite:
        converged, message = False, "the Hessian is not negative definite at the estimate"
    history = pd.DataFrame(rows, columns=HISTORY_COLUMNS)
    return NewtonResult(
        theta, current.llf, current.gradient, current.hessian, converged, len(rows), history,
        message,
    )
