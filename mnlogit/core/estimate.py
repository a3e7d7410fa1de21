"""One maximum-likelihood fit of a model frame: checks, starting values, the solver,
separation and the warnings that go with them.

This is the engine-independent core of ``MNLogit.fit``: it takes a model frame (the
rows, outcome codes and weights) and :class:`FitOptions`, and returns an
:class:`Estimate` -- the Newton result, the frame actually fitted (aliased columns
dropped) and the separation check. Covariances and results live above it.
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from scipy import linalg

from ..design import FitFrame, ModelFrame
from ..exceptions import (
    AliasedColumnsWarning,
    CollinearityError,
    ConvergenceWarning,
    DataError,
    MNLogitError,
    PerfectSeparationWarning,
    warn,
)
from ..log import IterationReporter
from .likelihood import model_probabilities
from .newton import NewtonResult, SolverOptions, newton, newton_direction, weight_scale
from .params import unvec, vec
from .patterns import collapse_rows
from .penalty import Penalty, firth_evaluator, parse_penalty, ridge_evaluator
from .rank import Aliasing, find_aliased, triangular_factor
from .separation import Separation, check_separation
from .sources import ArraySource
from .strategy import fit_rows
from .threads import single_threaded_blas

# A coefficient moving a linear predictor by more than this looks divergent.
DIVERGENT_CONTRIBUTION = 15.0
# Designs with fewer rows are never collapsed into patterns (nothing to gain).
COLLAPSE_ROWS = 10_000
# Scaled Cholesky diagonal above which no design column can be aliased.
FULL_RANK_MARGIN = 1e-4
# A converged fit's next Newton step moves no linear predictor by more than this.
STILL_MOVING = 0.1


@dataclass(frozen=True)
class FitOptions:
    """The settings of one fit, validated once on construction.

    Parameters
    ----------
    maxiter : maximum number of Newton steps (a positive integer).
    gtol : bound on the Newton decrement (squared step length in SE units).
    ftol : bound on the relative change of the log-likelihood.
    start_params : (k, J-1) starting coefficients, or None.
    callback : called with each iteration's history row.
    penalty : None, ``"firth"`` or ``("l2", lam)``.
    drop_aliased : drop perfectly collinear columns with a warning instead of raising.
    detect_separation : check a divergent-looking fit for separation (linear program).
        Separated fits are never reported converged; with or without the check, nor is
        a fit whose next Newton step would still move a linear predictor by more than
        :data:`STILL_MOVING`.
    verbose : print one line per Newton iteration to standard error (every iteration
        is an INFO record of the logger ``mnlogit.newton`` either way).

    Examples
    --------
    >>> FitOptions(maxiter=50).maxiter
    50
    >>> FitOptions(gtol=-1.0)
    Traceback (most recent call last):
    ...
    mnlogit.exceptions.MNLogitError: gtol must be a positive finite number, got -1.0
    """

    maxiter: int = 100
    gtol: float = 1e-10
    ftol: float = 1e-10
    start_params: Any = None
    callback: Callable[[dict], None] | None = None
    penalty: Penalty = None
    drop_aliased: bool = False
    detect_separation: bool = True
    verbose: bool = False

    def __post_init__(self) -> None:
        maxiter = self.maxiter
        if isinstance(maxiter, bool) or not isinstance(maxiter, numbers.Integral) or maxiter < 1:
            raise MNLogitError(f"maxiter must be a positive integer, got {maxiter!r}")
        object.__setattr__(self, "maxiter", int(maxiter))
        for name in ("gtol", "ftol"):
            value = getattr(self, name)
            ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
            if not (ok and math.isfinite(value) and value > 0):
                raise MNLogitError(f"{name} must be a positive finite number, got {value!r}")
            object.__setattr__(self, name, float(value))
        if self.callback is not None and not callable(self.callback):
            raise MNLogitError(f"callback must be callable, got {type(self.callback).__name__}")
        for name in ("drop_aliased", "detect_separation", "verbose"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise MNLogitError(f"{name} must be True or False, got {getattr(self, name)!r}")
        parse_penalty(self.penalty)

    @property
    def penalty_kind(self) -> tuple[str, float]:
        """The parsed penalty: (``"none" | "firth" | "l2"``, lambda)."""
        return parse_penalty(self.penalty)

    def solver(self, scale: float = 1.0) -> SolverOptions:
        """The solver's settings: tolerances, the progress reporter (wrapping the
        user's callback) and the weight scale of the tests.

        Examples
        --------
        >>> FitOptions(maxiter=7).solver(scale=2.0).maxiter
        7
        """
        report = IterationReporter(self.verbose, "newton", "mnlogit", self.callback)
        return SolverOptions(self.maxiter, self.gtol, self.ftol, report, scale)


@dataclass(frozen=True)
class Estimate:
    """What :func:`estimate` returns: the fitted frame, the Newton result, separation."""

    frame: ModelFrame
    result: NewtonResult
    separation: Separation
    penalty: tuple[str, float]


def estimate(frame: ModelFrame, options: FitOptions) -> Estimate:
    """Maximum-likelihood (or penalised) estimates of the model on ``frame``.

    Examples
    --------
    >>> import numpy as np, mnlogit
    >>> frame = mnlogit.MNLogit(["a", "b", "b", "a", "b"], np.ones((5, 1))).frame
    >>> est = estimate(frame, FitOptions())
    >>> round(float(est.result.theta[0]), 6) == round(float(np.log(1.5)), 6)
    True
    """
    # The dense algebra of a fit is small (k(J-1) parameters): a multi-threaded BLAS
    # only adds start-up costs, and spins when the machine is busy. Large passes over
    # the rows get threads from the row pool instead (ArraySource.derivatives).
    with single_threaded_blas():
        kind, lam = options.penalty_kind
        source = solver_rows(frame)
        aliasing = check_design(frame, source, options.drop_aliased)
        if aliasing.aliased:
            warn(
                f"dropped aliased design column(s): {aliasing.describe(frame.exog_names)}",
                AliasedColumnsWarning,
            )
            frame = frame.without_columns(aliasing.aliased)
            source = solver_rows(frame)
        if options.start_params is None:
            theta0 = vec(start_values(frame))
        else:
            theta0 = checked_start(options.start_params, frame)
        result = _maximise(source, frame, theta0, options)
        separation = Separation(False)
        if kind == "none":
            high, low = frame.column_extremes
            ranges = np.maximum(high, -low)
            step, moves = next_step(result, ranges)
            if options.detect_separation and _looks_divergent(result, ranges):
                # The iterations move every diverging coefficient, including those a
                # separating direction of the linear program may leave at zero.
                separation = _separation(frame).extended(moves > STILL_MOVING, step)
            result = _honest_verdict(result, separation, moves, frame)
        else:
            # Report the likelihood itself; the penalised objective is in the history.
            result = replace(result, llf=source.derivatives(result.theta, hessian=False).llf)
        warn_about(result, separation, frame)
        return Estimate(frame, result, separation, (kind, lam))


def _maximise(
    source: ArraySource, frame: ModelFrame, theta0: np.ndarray, options: FitOptions
) -> NewtonResult:
    """The solver's run for the fit's penalty, from ``theta0``."""
    kind, lam = options.penalty_kind
    # Tests per unit of weight: rescaled weights converge the same way.
    solver = options.solver(weight_scale(frame.weights))
    if kind == "none":
        start = (
            None if options.start_params is not None else lambda: intercept_hessian(frame, source)
        )
        return fit_rows(source, theta0, solver, hessian0=start)
    if kind == "l2":
        evaluate = ridge_evaluator(source, lam, frame.constant_column)
    else:
        # Fisher scoring on the adjusted score (linear convergence; brglm2 agrees to 1e-11).
        evaluate = firth_evaluator(source)
    return newton(evaluate, theta0, solver, scoring=kind == "firth")


def intercept_hessian(frame: ModelFrame, source: ArraySource) -> np.ndarray | None:
    """The exact Hessian at the intercept-only start, without a pass over the rows.

    There every row has the same probabilities p, so the Hessian is
    ``-(diag(p) - p p') (x) X'WX`` (Kronecker product, outcome-major): the design's
    weighted cross products, which the rank check computed already. None without a
    constant column.

    Examples
    --------
    >>> import numpy as np, mnlogit
    >>> X = np.column_stack([np.ones(4), [1.0, 2, 3, 5]])
    >>> frame = mnlogit.MNLogit(["a", "b", "b", "a"], X).frame
    >>> source = solver_rows(frame)
    >>> exact = source.derivatives(vec(start_values(frame))).hessian
    >>> bool(np.allclose(intercept_hessian(frame, source), exact, rtol=1e-14))
    True
    """
    constant = frame.constant_column
    if constant is None:
        return None
    eta = start_values(frame)[constant] * frame.constant_value
    p = model_probabilities(eta[None, :])[0, 1:]
    return -np.kron(np.diag(p) - np.outer(p, p), source.gram())


def start_values(frame: ModelFrame) -> np.ndarray:
    """Starting coefficients (k, J-1) of a frame: see :func:`intercept_start`.

    Examples
    --------
    >>> import numpy as np, mnlogit
    >>> frame = mnlogit.MNLogit(["a", "b", "b", "b"], np.ones((4, 1))).frame
    >>> start_values(frame).round(4)
    array([[1.0986]])
    """
    return intercept_start(
        frame.outcome_counts(), frame.n_terms, frame.constant_column, frame.constant_value
    )


def intercept_start(
    counts: np.ndarray, n_terms: int, constant_column: int | None, constant_value: float
) -> np.ndarray:
    """Intercepts at the log ratios of the (weighted) outcome shares, other terms zero.

    ``counts`` are the (weighted) outcome counts in model order; the constant column
    holds ``constant_value`` in every row. An outcome without weight counts as half
    the smallest positive count (a floor relative to the counts, so rescaled weights
    start at the same values).

    Examples
    --------
    >>> import numpy as np
    >>> intercept_start(np.array([1.0, 3.0]), 2, 0, 1.0).round(4)
    array([[1.0986],
           [0.    ]])
    """
    start = np.zeros((n_terms, len(counts) - 1))
    if constant_column is not None:
        floor = 0.5 * counts[counts > 0].min(initial=np.inf)
        shares = np.maximum(counts, floor) / counts.sum()
        start[constant_column] = np.log(shares[1:] / shares[0]) / constant_value
    return start


def checked_start(start_params: Any, frame: FitFrame) -> np.ndarray:
    """User starting values as theta: (k, J-1) finite numbers, or an error saying so."""
    shape = (frame.n_terms, frame.outcome.n_levels - 1)
    try:
        start = np.asarray(start_params, dtype=float)
        got = f"shape {start.shape}"
    except (TypeError, ValueError):
        start, got = np.full(0, np.nan), f"non-numeric {type(start_params).__name__}"
    if start.shape != shape or not np.isfinite(start).all():
        raise DataError(
            f"start_params must be finite numbers of shape {shape} (design columns x "
            f"non-reference outcomes), got {got}"
        )
    return vec(start)


def solver_rows(frame: ModelFrame) -> ArraySource:
    """The solver's rows: the fit's rows, or their distinct (x, y) patterns with counts."""
    if frame.patterns is not None:  # factor-only designs arrive collapsed
        patterns = frame.patterns
        return ArraySource(patterns.X, patterns.y, patterns.weights, frame.outcome.n_levels)
    X, y, w = frame.X, frame.outcome.codes, frame.weights
    collapsed = collapse_rows(X, y, w) if len(X) >= COLLAPSE_ROWS else None
    if collapsed is not None:
        X, y, w = collapsed
    return ArraySource(X, y, w, frame.outcome.n_levels)


def check_design(frame: ModelFrame, source: ArraySource, drop_aliased: bool = False) -> Aliasing:
    """Fail before fitting on too few rows or aliased design columns, naming them.

    With ``drop_aliased`` the aliased columns are returned instead of raised.
    """
    n_used = int(np.count_nonzero(frame.weights)) if frame.weights is not None else frame.n_rows
    if frame.n_terms > n_used:
        raise DataError(
            f"the design has {frame.n_terms} columns but only {n_used} rows with positive "
            "weight: more parameters per outcome than observations"
        )
    _check_dense_size(frame)
    if clearly_full_rank(source):
        return Aliasing((), {})
    blocks = (X if w is None else X * np.sqrt(w)[:, None] for X, _, w in source.blocks())
    aliasing = find_aliased(triangular_factor(blocks, frame.n_terms))
    if aliasing.aliased and frame.weights is not None:
        _check_weight_range(frame, frame.weights, aliasing)
    if aliasing.aliased and not drop_aliased:
        raise CollinearityError(
            f"the design matrix is rank deficient: {aliasing.describe(frame.exog_names)}. "
            "Remove the aliased column(s), reformulate the model, or pass drop_aliased=True"
        )
    return aliasing


# Dense (p x p) arrays a fit holds at once: the Hessian, its factor, an updated
# approximation and the covariance.
DENSE_COPIES = 4


def _check_dense_size(frame: ModelFrame) -> None:
    """Refuse a model whose Hessian cannot be held, naming the counts (before: numpy's
    MemoryError deep in the solver)."""
    n_params = frame.n_terms * (frame.outcome.n_levels - 1)
    needed = DENSE_COPIES * 8.0 * n_params * n_params
    available = memory_limit()
    if available is not None and needed > available:
        raise DataError(
            f"the model has {n_params:,} coefficients ({frame.n_terms:,} design columns x "
            f"{frame.outcome.n_levels - 1} equations); its Hessian and covariance need "
            f"{needed / 1e9:.1f} GB, more than the {available / 1e9:.1f} GB available: merge "
            "rare levels of large factors or drop terms"
        )


def memory_limit() -> float | None:
    """Bytes this process may still allocate: free physical memory, or the address-space
    limit if lower (None where neither can be read).

    Examples
    --------
    >>> limit = memory_limit()
    >>> limit is None or limit > 0
    True
    """
    bounds = []
    try:
        bounds.append(float(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")))
    except (ValueError, OSError, AttributeError):
        pass
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
        if soft != resource.RLIM_INFINITY:
            bounds.append(float(soft))
    except (ImportError, ValueError, OSError):
        pass
    return min(bounds) if bounds else None


def _check_weight_range(frame: ModelFrame, weights: np.ndarray, aliasing: Aliasing) -> None:
    """Refuse weights whose range alone makes a full-rank design look aliased.

    Next to a weight of 1e90 the other rows count for less than double precision can
    hold: the weighted design is rank deficient although the rows themselves are not,
    and the remedy is the weights, not the columns.
    """
    used = weights > 0
    if find_aliased(triangular_factor([frame.X[used]], frame.n_terms)).aliased:
        return
    largest = int(np.argmax(weights))
    raise DataError(
        f"the weights range from {weights[used].min():.3g} to {weights[largest]:.3g} (row "
        f"{frame.row_index[largest]!r}): next to the largest, the other rows count for less "
        "than double precision can hold, so the weighted design looks rank deficient "
        f"({aliasing.describe(frame.exog_names)}) although its rows are not; rescale or cap "
        "the weights"
    )


def clearly_full_rank(source: ArraySource) -> bool:
    """True when the weighted cross-product matrix shows every column far from aliased.

    The Cholesky factor of the column-scaled X'WX holds, on its diagonal, the share of
    each column's length left after projecting out the earlier columns, the quantity
    the QR rule compares with 1e-7. Rounding makes its square uncertain by about
    1e-15, so a diagonal above 1e-4 settles the question; anything closer goes to
    the QR of :func:`mnlogit.core.rank.find_aliased` (and this pass costs a twentieth of it).
    """
    gram = source.gram()
    scale = np.sqrt(np.diag(gram))
    if not (np.isfinite(gram).all() and (scale > 0).all()):
        return False
    try:
        factor = linalg.cholesky(gram / np.outer(scale, scale), check_finite=False)
    except linalg.LinAlgError:
        return False
    return bool(np.diag(factor).min() >= FULL_RANK_MARGIN)


def _separation(frame: ModelFrame) -> Separation:
    outcome = frame.outcome
    w: np.ndarray | None
    if frame.patterns is not None:  # the distinct rows separate exactly as all rows do
        X, y, w = frame.patterns.X, frame.patterns.y, frame.patterns.weights
    else:
        X, y, w = frame.X, outcome.codes, frame.weights
    return check_separation(X, y, w, outcome.n_levels, frame.exog_names, outcome.others)


def next_step(result: NewtonResult, ranges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The next Newton step at the estimate (k, m), and how far it would move each
    coefficient's contribution to the linear predictors (step times the column's
    largest |value|, ``ranges``).

    Examples
    --------
    >>> import numpy as np, mnlogit
    >>> frame = mnlogit.MNLogit(["a", "b", "b", "a", "b"], np.ones((5, 1))).frame
    >>> step, moves = next_step(estimate(frame, FitOptions()).result, np.ones(1))
    >>> bool(moves.max() < 1e-6)
    True
    """
    step, _ = newton_direction(result.gradient, result.hessian)
    step = unvec(step, ranges.size)
    return step, np.abs(step) * ranges[:, None]


def _honest_verdict(
    result: NewtonResult, separation: Separation, moves: np.ndarray, frame: ModelFrame
) -> NewtonResult:
    """Convergence withdrawn where the maximum-likelihood estimate does not exist.

    Under complete or quasi-complete separation the log-likelihood only approaches its
    supremum as some coefficients go to infinity: the decrement and the llf change
    become small and the tests pass far from any maximum. Separation found by the
    linear program is not convergence; nor is a fit whose next Newton step would still
    move a linear predictor by more than :data:`STILL_MOVING` (at a true maximum the
    last steps shrink quadratically to rounding; along a separating direction they
    stay near one), whether the check was skipped or could not run.
    """
    if separation.separated:
        return replace(
            result,
            converged=False,
            message=(
                "the maximum-likelihood estimates do not exist (perfect or quasi-perfect "
                "separation)"
            ),
        )
    if not result.converged or not moves.max(initial=0.0) > STILL_MOVING:
        return result
    rows, cols = np.nonzero(moves > STILL_MOVING)
    names = ", ".join(
        f"{frame.outcome.others[j]!r}: {frame.exog_names[i]!r}"
        for i, j in zip(rows, cols, strict=True)
    )
    return replace(
        result,
        converged=False,
        message=(
            f"the estimates are still moving (the next Newton step changes a linear "
            f"predictor by {moves.max():.3g}, through {names}): the log-likelihood seems "
            "to have no maximum in that direction, as under separation "
            "(detect_separation=True checks; penalty='firth' gives finite estimates)"
        ),
    )


def _looks_divergent(result: NewtonResult, ranges: np.ndarray) -> bool:
    """Symptoms of separation: no convergence, or a term moving a linear predictor a lot.

    ``ranges`` are the largest |values| of the design columns.
    """
    if not result.converged:
        return True
    contribution = np.abs(unvec(result.theta, ranges.size)) * ranges[:, None]
    return bool(contribution.max(initial=0.0) > DIVERGENT_CONTRIBUTION)


def warn_about(result: NewtonResult, separation: Separation, frame: FitFrame) -> None:
    if separation.separated:
        warn(separation.describe(frame.outcome.reference), PerfectSeparationWarning)
        return
    if result.converged:
        return
    message = result.message
    if "not negative definite" in message:
        message += f" (directions involving {weak_directions(result.hessian, frame)})"
    if not separation.checked:
        message += "; separation could not be checked (too many distinct rows)"
    warn(
        f"Newton iterations did not converge after {result.iterations} steps: "
        f"{message}; estimates and standard errors are unreliable",
        ConvergenceWarning,
    )


def weak_directions(hessian: np.ndarray, frame: FitFrame) -> str:
    """The (outcome, term) coefficients of the flattest direction of the likelihood.

    Examples
    --------
    >>> import numpy as np, mnlogit
    >>> m = mnlogit.MNLogit(["a", "b", "a", "b"], np.column_stack([np.ones(4), [1.0, 2, 3, 4]]))
    >>> weak_directions(-np.diag([1.0, 1e-12]), m.frame)
    "'b': 'x1'"
    """
    values, vectors = np.linalg.eigh(-hessian)
    flat = unvec(np.abs(vectors[:, 0]), frame.n_terms)
    rows, cols = np.nonzero(flat > 0.1 * flat.max())
    return ", ".join(
        f"{frame.outcome.others[j]!r}: {frame.exog_names[i]!r}"
        for i, j in zip(rows, cols, strict=True)
    )
