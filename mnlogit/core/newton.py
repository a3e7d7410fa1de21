"""Newton-Raphson maximisation of a concave log-likelihood given by a row source.

The solver only sees a callable returning (llf, gradient, Hessian) at theta, so
in-memory, chunked and distributed data all share it.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import linalg
from scipy.linalg import lapack

from .likelihood import Derivatives
from .rank import definite_cholesky

HISTORY_COLUMNS = ["iteration", "llf", "decrement", "step_size", "max_abs_gradient", "seconds"]


@dataclass(frozen=True)
class SolverOptions:
    """The settings every Newton solver here takes, in one place.

    Attributes
    ----------
    maxiter : maximum number of Newton steps.
    gtol : bound on the Newton decrement g'(-H)^-1 g (the squared step length in
        standard-error units), divided by ``scale``.
    ftol : bound on the change of the log-likelihood in the last step, relative to
        max(``scale``, |llf|).
    callback : called with each history row (a dict), e.g. to report progress.
    scale : the mean frequency weight of a row (:func:`weight_scale`; 1 without
        weights): the tests divide by it, so rescaled weights give the same iterations.

    Examples
    --------
    >>> SolverOptions(maxiter=50).gtol
    1e-10
    """

    maxiter: int = 100
    gtol: float = 1e-10
    ftol: float = 1e-10
    callback: Callable[[dict], None] | None = None
    scale: float = 1.0


# The defaults (frozen, so one shared instance serves every call).
DEFAULT_SOLVER = SolverOptions()


@dataclass(frozen=True)
class NewtonResult:
    """Outcome of :func:`newton`: the estimate, its derivatives and how it was reached."""

    theta: np.ndarray
    llf: float
    gradient: np.ndarray
    hessian: np.ndarray
    converged: bool
    iterations: int
    # The iteration history as one array per column of HISTORY_COLUMNS: a data frame
    # costs a millisecond, a sixth of a small fit, and most fits never look at it.
    trace: dict[str, np.ndarray]
    message: str

    @property
    def history(self) -> pd.DataFrame:
        """The iteration history, one row per Newton step (columns HISTORY_COLUMNS)."""
        return pd.DataFrame(self.trace)


def newton_direction(gradient: np.ndarray, hessian: np.ndarray) -> tuple[np.ndarray, bool]:
    """Newton step solving ``-H step = g``; the flag is False if -H is not positive definite.

    When -H is not positive definite (aliased columns, separation) the step uses
    the eigen-decomposition with small and negative curvatures floored at 1e-10 of
    the largest one (relative, so the step does not depend on the scale of the
    weights), which is still an ascent direction.

    Examples
    --------
    >>> import numpy as np
    >>> newton_direction(np.array([1.0, 2.0]), -2.0 * np.eye(2))
    (array([0.5, 1. ]), True)
    """
    try:
        lower, _ = definite_cholesky(-hessian)
        step, _ = lapack.dpotrs(lower, gradient, lower=1)
        if np.all(np.isfinite(step)):
            return step, True
    except linalg.LinAlgError:
        pass
    values, vectors = np.linalg.eigh(-hessian)
    largest = values.max()
    floor = largest * 1e-10 if largest > 0 else 1.0
    return vectors @ ((vectors.T @ gradient) / np.maximum(values, floor)), False


def newton(
    evaluate: Callable[[np.ndarray], Derivatives],
    theta0: np.ndarray,
    options: SolverOptions = DEFAULT_SOLVER,
    *,
    scoring: bool = False,
    first: Derivatives | None = None,
) -> NewtonResult:
    """Maximise a concave log-likelihood by Newton-Raphson with step-halving.

    Parameters
    ----------
    evaluate : returns (llf, gradient, Hessian) at theta.
    theta0 : starting values.
    options : maxiter, gtol, ftol, callback and scale (:class:`SolverOptions`). The
        step that meets ``gtol`` is still taken. The log-likelihood, its derivatives,
        the decrement and the rounding of the llf all grow in proportion to the
        weights; every test divides them by ``scale``, so weights multiplied by any
        constant give the same iterations and the same verdict. The history's
        ``decrement`` is the divided one.
    scoring : the "Hessian" is an approximation (Fisher scoring on an adjusted score,
        as for Firth's penalty), so the iterations converge linearly and the objective
        -- a log-determinant of an ill-conditioned information -- is rounded far more
        coarsely than the score. A step is then also accepted when it shrinks the
        decrement (the adjusted score in the information metric: progress the
        objective's rounding cannot show), and convergence needs a decrement of at
        most ``gtol**2`` (after a linear last step the error is near the step itself),
        or of at most ``gtol`` once the decrement stops falling: its rounding floor,
        beyond which no iteration can improve the estimate.
    first : the derivatives at ``theta0`` when they are known without calling
        ``evaluate`` (e.g. a Hessian in closed form at the starting values).

    Returns
    -------
    NewtonResult
        ``converged`` is True only if both criteria hold, all values are finite
        and -H is positive definite at the estimate.

    Examples
    --------
    >>> import numpy as np
    >>> from mnlogit.core.likelihood import Derivatives
    >>> f = lambda t: Derivatives(-float((t - 3.0) @ (t - 3.0)), -2 * (t - 3.0), -2 * np.eye(1))
    >>> newton(f, np.zeros(1)).theta
    array([3.])
    """
    maxiter, gtol, ftol = options.maxiter, options.gtol, options.ftol
    callback, scale = options.callback, options.scale
    start = time.perf_counter()
    theta = np.array(theta0, dtype=np.float64)
    current = evaluate(theta) if first is None else first
    if not np.isfinite(current.llf):
        raise FloatingPointError("log-likelihood is not finite at the starting values")
    rows: list[dict] = []
    converged = False
    message = f"maximum number of iterations ({maxiter}) reached"
    previous = np.inf
    for iteration in range(1, maxiter + 1):
        step, _ = newton_direction(current.gradient, current.required_hessian())
        decrement = float(current.gradient @ step) / scale
        merit = decrement if scoring else None
        theta, candidate, step_size = _line_search(evaluate, theta, step, current, scale, merit)
        change = candidate.llf - current.llf
        current = candidate
        rows.append(_row(iteration, current, decrement, step_size, start))
        if callback is not None:
            callback(rows[-1])
        small_change = abs(change) <= ftol * max(scale, abs(current.llf))
        if scoring:
            at_floor = decrement <= gtol and (decrement >= previous or step_size == 0.0)
            close = decrement <= gtol * gtol or at_floor
        else:
            close = decrement <= gtol
        if close and small_change:
            converged = True
            message = "converged"
            break
        if step_size == 0.0:
            message = "no step increased the log-likelihood"
            break
        previous = decrement
    if scoring and not converged and len(rows) == maxiter:
        message += _floor_note([row["decrement"] for row in rows], gtol)
    return _finish(theta, current, converged, message, rows)


def _floor_note(decrements: list[float], gtol: float) -> str:
    """Words for a linear iteration whose decrement has stopped falling above ``gtol``
    (less than tenfold over the last five steps; a contraction this slow is stalled)."""
    if len(decrements) < 10 or min(decrements[-5:]) < 0.1 * min(decrements[-10:-5]):
        return ""
    return (
        f"; the decrement has stopped falling near {min(decrements[-5:]):.2g}, above "
        f"gtol={gtol:g}: that is where rounding leaves the adjusted score for this "
        "ill-conditioned information, so a looser gtol accepts the estimate"
    )


def _finish(
    theta: np.ndarray, current: Derivatives, converged: bool, message: str, rows: list[dict]
) -> NewtonResult:
    """The result, with convergence withdrawn at non-finite or non-definite estimates."""
    hessian = current.required_hessian()
    finite = bool(
        np.isfinite(theta).all()
        and np.isfinite(current.gradient).all()
        and np.isfinite(hessian).all()
    )
    _, definite = newton_direction(current.gradient, hessian) if finite else (None, False)
    if converged and not finite:
        converged, message = False, "non-finite values at the estimate"
    elif converged and not definite:
        converged, message = False, "the Hessian is not negative definite at the estimate"
    trace = {c: np.array([row[c] for row in rows], dtype=np.float64) for c in HISTORY_COLUMNS}
    trace["iteration"] = trace["iteration"].astype(np.int64)
    return NewtonResult(
        theta,
        current.llf,
        current.gradient,
        hessian,
        converged,
        len(rows),
        trace,
        message,
    )


def _line_search(
    evaluate: Callable[[np.ndarray], Derivatives],
    theta: np.ndarray,
    step: np.ndarray,
    current: Derivatives,
    scale: float,
    decrement: float | None = None,
) -> tuple[np.ndarray, Derivatives, float]:
    """Halve the step until the llf does not fall beyond rounding (or, given the current
    ``decrement``, until the candidate's decrement is smaller); (theta, current, 0) if
    no step does."""
    step_size = 1.0
    # Accept any step that does not lower the llf beyond rounding.
    tolerance = 1e-13 * max(scale, abs(current.llf))
    while step_size >= 2.0**-40:
        candidate_theta = theta + step_size * step
        candidate = evaluate(candidate_theta)
        if np.isfinite(candidate.llf) and (
            candidate.llf >= current.llf - tolerance
            or (decrement is not None and _decrement(candidate) / scale < decrement)
        ):
            return candidate_theta, candidate, step_size
        step_size /= 2.0
    return theta, current, 0.0


def _decrement(derivatives: Derivatives) -> float:
    step, _ = newton_direction(derivatives.gradient, derivatives.required_hessian())
    return float(derivatives.gradient @ step)


def _row(
    iteration: int, current: Derivatives, decrement: float, step_size: float, start: float
) -> dict[str, float]:
    return {
        "iteration": iteration,
        "llf": current.llf,
        "decrement": decrement,
        "step_size": step_size,
        "max_abs_gradient": float(np.max(np.abs(current.gradient), initial=0.0)),
        "seconds": time.perf_counter() - start,
    }


def weight_scale(weights: np.ndarray | None) -> float:
    """The mean of the positive frequency weights (1 without weights): the ``scale``
    of a row's contribution for the solver's tests (see :func:`newton`).

    Examples
    --------
    >>> import numpy as np
    >>> weight_scale(None), weight_scale(np.array([0.0, 0.5, 1.5]))
    (1.0, 1.0)
    """
    if weights is None:
        return 1.0
    positive = weights[weights > 0]
    return float(positive.mean()) if positive.size else 1.0


def secant_update(hessian: np.ndarray, step: np.ndarray, change: np.ndarray) -> np.ndarray:
    """BFGS update of a (negative definite) Hessian approximation after a step.

    The updated matrix maps ``step`` to the observed gradient ``change`` and stays
    negative definite; an update that would break that (no curvature seen) is skipped.

    Examples
    --------
    >>> import numpy as np
    >>> H = secant_update(-np.eye(2), np.array([1.0, 0.0]), np.array([-2.0, 0.0]))
    >>> H @ np.array([1.0, 0.0])
    array([-2.,  0.])
    """
    curvature = -float(change @ step)
    if not curvature > 0.0:
        return hessian
    Bs = -hessian @ step
    # B = -H is updated as in BFGS for minimising -llf, whose gradient change is -change.
    return hessian + np.outer(Bs, Bs) / float(step @ Bs) - np.outer(change, change) / curvature


def newton_reusing_hessian(
    derivatives: Callable[..., Derivatives],
    theta0: np.ndarray,
    hessian0: np.ndarray | None,
    options: SolverOptions = DEFAULT_SOLVER,
    *,
    exact_start: bool = False,
    exact_above: float = np.inf,
) -> NewtonResult:
    """Newton-Raphson that re-uses a Hessian between exact evaluations, for many rows.

    Steps solve ``-A step = g`` with ``A`` the last Hessian at hand -- at first
    ``hessian0``, e.g. a subsample's Hessian scaled to the data -- so most passes
    over the data need only the log-likelihood and gradient (a fraction of the
    cost of a Hessian); the approximation gets a BFGS update after every step. The
    exact Hessian is evaluated at the current estimate when the approximate decrement
    is below ``gtol**2`` (where a plain Newton fit would end up after its quadratic
    last step), when a step was halved, or when the decrement did not shrink fourfold.

    Convergence is declared only where the exact Hessian was evaluated: its Newton
    decrement is <= ``gtol``, the relative llf change of the last step is <= ``ftol``,
    and -H is positive definite; that Hessian is returned (the covariance is its
    inverse at the estimate). The confirming evaluation is the last history row,
    with step size 0 -- or, if its decrement is not yet below rounding (``gtol**2``
    / 1e4), the last exact step, taken as plain Newton would.

    Far from the optimum, where the decrement exceeds ``exact_above``, the steps are
    plain Newton steps (each accepted point gets its exact Hessian): an approximation
    updated from far away would cost more gradient steps than the Hessians it saves.

    Parameters
    ----------
    derivatives : ``derivatives(theta, hessian)`` of a row source.
    theta0 : starting values.
    hessian0 : Hessian approximation near ``theta0``; None evaluates it exactly.
    options : maxiter, gtol, ftol, callback and scale, as in :func:`newton`.
    exact_start : ``hessian0`` is the exact Hessian at ``theta0``.
    exact_above : decrement (per unit of ``scale``) above which steps are exact Newton.

    Examples
    --------
    >>> import numpy as np
    >>> from mnlogit.core.likelihood import Derivatives
    >>> def f(t, hessian=True):
    ...     return Derivatives(-float((t - 3.0) @ (t - 3.0)), -2 * (t - 3.0), -2 * np.eye(1))
    >>> res = newton_reusing_hessian(f, np.zeros(1), -1.5 * np.eye(1))
    >>> res.theta.round(8), res.converged
    (array([3.]), True)
    """
    maxiter, gtol, ftol = options.maxiter, options.gtol, options.ftol
    callback, scale = options.callback, options.scale
    start = time.perf_counter()
    theta = np.array(theta0, dtype=np.float64)
    current = derivatives(theta, hessian0 is None)
    if not np.isfinite(current.llf):
        raise FloatingPointError("log-likelihood is not finite at the starting values")
    if hessian0 is None:
        hess, exact = current.required_hessian(), True
    else:
        hess, exact = hessian0, exact_start
    rows: list[dict] = []
    converged, refresh = False, False
    message = f"maximum number of iterations ({maxiter}) reached"
    change, previous = np.inf, np.inf
    # Gradient steps are cheap: go on to where an exact Newton step would be below
    # rounding, so that the estimate equals a plain Newton fit's to machine precision.
    tight = gtol * gtol * 1e-4
    while True:
        step, _ = newton_direction(current.gradient, hess)
        decrement = float(current.gradient @ step) / scale
        if not exact and (refresh or decrement <= tight or decrement > previous / 4.0):
            current = derivatives(theta, True)
            hess, exact = current.required_hessian(), True
            step, _ = newton_direction(current.gradient, hess)
            decrement = float(current.gradient @ step) / scale
        small_change = abs(change) <= ftol * max(scale, abs(current.llf))
        if exact and decrement <= gtol and small_change:
            converged, message, step_size = True, "converged", 0.0
            if decrement > tight:
                # Still above rounding: take the step, as plain Newton does, with the
                # exact Hessian at its end for the covariance.
                new_theta, candidate, step_size = _line_search(
                    functools.partial(derivatives, hessian=True), theta, step, current, scale
                )
                theta, current = new_theta, candidate
            rows.append(_row(len(rows) + 1, current, decrement, step_size, start))
            if callback is not None:
                callback(rows[-1])
            break
        if len(rows) >= maxiter:
            break
        far = decrement > exact_above
        new_theta, candidate, step_size = _line_search(
            functools.partial(derivatives, hessian=far), theta, step, current, scale
        )
        if step_size == 0.0:
            if not exact:
                refresh = True
                continue
            message = "no step increased the log-likelihood"
            break
        change = candidate.llf - current.llf
        if far:
            hess = candidate.required_hessian()
        else:
            hess = secant_update(hess, new_theta - theta, candidate.gradient - current.gradient)
        theta, current, exact = new_theta, candidate, far
        refresh, previous = step_size < 1.0, decrement
        rows.append(_row(len(rows) + 1, current, decrement, step_size, start))
        if callback is not None:
            callback(rows[-1])
    if not exact:
        current = derivatives(theta, True)
    return _finish(theta, current, converged, message, rows)
