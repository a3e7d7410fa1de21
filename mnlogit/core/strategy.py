"""A cheap approach to the optimum for many rows: Newton on a row subsample first.

On n rows an exact Newton step costs one Hessian pass over the data. Started from
the maximum-likelihood estimate of a random subsample of the rows, the estimate is
within a few standard errors of the full-data one, and the subsample's Hessian,
scaled to the full data, is a good Hessian approximation there: the full-data
steps of :func:`mnlogit.core.newton.newton_reusing_hessian` then need only gradient
passes until the exact Hessian confirms convergence (usually the one Hessian pass
of the whole fit). The estimate and the covariance are those of an exact Newton fit:
only the route to the optimum changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from .newton import (
    DEFAULT_SOLVER,
    NewtonResult,
    SolverOptions,
    newton,
    newton_reusing_hessian,
)
from .sources import ArraySource
from .threads import single_threaded_blas

# Fits on fewer rows run without the subsample pilot.
MANY_ROWS = 50_000
# Hessian passes cheaper than this (floating-point operations) are taken at every
# Newton step: a secant-updated approximation would save less than its extra
# gradient passes and small solves cost.
REUSE_FLOPS = 20e6
# Far from the optimum (decrement per unit weight above this) steps are exact Newton;
# closer, the last exact Hessian is updated by secant steps until the confirming one.
EXACT_ABOVE = 100.0
# The pilot fit on the subsample only needs to be well inside its sampling error.
_PILOT_GTOL = 1e-6


def subsample_size(n_rows: int, n_params: int) -> int:
    """Rows of the pilot subsample: a twentieth of the rows, at least 20,000 and 50
    per parameter (so the scaled Hessian is within a few percent), at most 200,000.

    Examples
    --------
    >>> subsample_size(1_000_000, 84), subsample_size(10_000_000, 84)
    (50000, 200000)
    """
    wanted = max(20_000, 50 * n_params, min(n_rows // 20, 200_000))
    return min(n_rows, wanted)


def fit_rows(
    source: ArraySource,
    theta0: np.ndarray,
    options: SolverOptions = DEFAULT_SOLVER,
    *,
    hessian0: Callable[[], np.ndarray | None] | None = None,
) -> NewtonResult:
    """Maximum likelihood on a row source, by the route its size calls for.

    Many rows (:data:`MANY_ROWS`): :func:`fit_many_rows`. Hessian passes cheaper than
    :data:`REUSE_FLOPS`: plain Newton (its first step with ``hessian0``'s Hessian and a
    gradient pass, if it has one). In between: exact Newton steps while the
    decrement exceeds :data:`EXACT_ABOVE`, then secant-updated Hessians and gradient
    passes (:func:`mnlogit.core.newton.newton_reusing_hessian`) up to the confirming
    exact Hessian -- about half the Hessian passes of plain Newton, the same estimate
    to rounding. ``hessian0`` computes the exact Hessian at ``theta0`` without a pass
    over the rows, if that is possible (it returns None otherwise).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = np.column_stack([np.ones(1000), rng.normal(size=1000)])
    >>> y = (rng.random(1000) < 1 / (1 + np.exp(-X[:, 1]))).astype(int)
    >>> source = ArraySource(X, y, None, 2)
    >>> res = fit_rows(source, np.zeros(2))
    >>> res.converged, bool(np.allclose(res.theta, newton(source.derivatives, np.zeros(2)).theta))
    (True, True)
    """
    if source.n_rows >= MANY_ROWS:
        return fit_many_rows(source, theta0, options)
    start = None if hessian0 is None else hessian0()
    if source.row_flops[0] * source.n_rows < REUSE_FLOPS:
        # The first step needs no Hessian pass when the start's Hessian is known.
        first = None
        if start is not None:
            first = source.derivatives(theta0, hessian=False)._replace(hessian=start)
        return newton(source.derivatives, theta0, options, first=first)
    return newton_reusing_hessian(
        source.derivatives,
        theta0,
        start,
        options,
        exact_start=start is not None,
        exact_above=EXACT_ABOVE,
    )


def fit_many_rows(
    source: ArraySource, theta0: np.ndarray, options: SolverOptions = DEFAULT_SOLVER
) -> NewtonResult:
    """Maximum likelihood on many rows: pilot Newton on a subsample, then full-data steps.

    Falls back to plain Newton from ``theta0`` when the subsample is not much smaller
    than the data or its fit does not converge (e.g. an outcome or a dummy column
    absent from it). The history holds the full-data steps only. ``options`` as in
    :func:`mnlogit.core.newton.newton`.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = np.column_stack([np.ones(100_000), rng.normal(size=100_000)])
    >>> y = (rng.random(100_000) < 1 / (1 + np.exp(-X[:, 1]))).astype(int)
    >>> res = fit_many_rows(ArraySource(X, y, None, 2), np.zeros(2))
    >>> res.converged, float(res.history["step_size"].iloc[-1]), (res.theta.round(1) + 0.0).tolist()
    (True, 0.0, [0.0, 1.0])
    """
    n_sub = subsample_size(source.n_rows, theta0.size)
    if 4 * n_sub > source.n_rows:
        return newton(source.derivatives, theta0, options)
    # Small dense solves too: a multi-threaded BLAS spins on a busy machine.
    with single_threaded_blas():
        pilot_source = source.subsample(n_sub)
        pilot = _pilot(pilot_source, theta0, options)
        if pilot is None:
            return newton(source.derivatives, theta0, options)
        ratio = source.total_weight() / pilot_source.total_weight()
        return newton_reusing_hessian(
            source.derivatives, pilot.theta, pilot.hessian * ratio, options
        )


def _pilot(source: ArraySource, theta0: np.ndarray, options: SolverOptions) -> NewtonResult | None:
    """The subsample's estimate and Hessian, None if its fit fails. Newton's first,
    far-off iterations run on a smaller subsample still (10 rows per parameter): the
    pilot itself then needs gradient passes and one Hessian."""
    if source.total_weight() <= 0:
        return None
    # Well inside the sampling error is enough; the pilot reports no progress.
    pilot_options = replace(options, maxiter=50, gtol=_PILOT_GTOL, callback=None)
    with np.errstate(all="ignore"):
        n_small = max(2_000, 10 * theta0.size)
        pilot = None
        if 4 * n_small <= source.n_rows:
            small = source.subsample(n_small, seed=1)
            first = newton(small.derivatives, theta0, pilot_options)
            if first.converged and small.total_weight() > 0:
                start = first.hessian * (source.total_weight() / small.total_weight())
                pilot = newton_reusing_hessian(
                    source.derivatives, first.theta, start, pilot_options
                )
        if pilot is None or not pilot.converged:
            pilot = newton(source.derivatives, theta0, pilot_options)
    return pilot if pilot.converged else None
