"""fit_dask: the exact Newton fit of a formula over a Dask DataFrame (or Parquet files).

Passes over the data:

1. *scan* (one parallel pass): missing-value counts, distinct outcome values and the
   representative rows that fix every categorical level (:mod:`.frame`);
2. *design* : each partition's design block is built with the shared specification and
   summarised (row and outcome counts, weight checks, the R factor for the aliasing
   check); the blocks are persisted when they fit in memory;
3. one map-reduce of (llf, gradient, Hessian) per Newton evaluation (:mod:`.source`).

The solver, covariance, results and reports are the in-memory code.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import numpy as np

from ..core.estimate import FitOptions, checked_start, intercept_start, warn_about
from ..core.newton import SolverOptions, newton
from ..core.params import vec
from ..core.rank import find_aliased
from ..core.separation import Separation
from ..design import Columns, Weights, encode_outcome
from ..design.checks import (
    check_dropped,
    check_magnitudes,
    check_missing_policy,
    check_weight_magnitude,
    describe_counts,
)
from ..design.formula import check_names
from ..design.patsy_adapter import default_env, parse_formula
from ..exceptions import (
    CollinearityError,
    DataError,
    MNLogitError,
)
from ..log import IterationReporter
from .covariance import robust_cov_kwds
from .frame import (
    DaskModelFrame,
    columns_read,
    learned_spec,
    merge_scans,
    outcome_sample,
    partition_block,
    scan_partition,
)
from .inputs import as_dask_frame
from .results import DaskMNLogitResults
from .source import DaskSource, block_stats, constant_column, merge_stats

# Share of the (cluster) memory the persisted design blocks may take.
PERSIST_SHARE = 0.5


def fit_dask(
    formula: str,
    data: Any,
    reference: Hashable | None = None,
    weights: Weights = None,
    missing: str = "drop",
    *,
    maxiter: int = 100,
    gtol: float = 1e-10,
    ftol: float = 1e-10,
    start_params: np.ndarray | None = None,
    callback: Callable[[dict], None] | None = None,
    cov_type: str = "nonrobust",
    groups: str | None = None,
    correction: str | None = "statsmodels",
    detect_separation: bool = True,
    persist: bool | None = None,
    split_every: int = 8,
    verbose: bool | None = None,
    progress: bool | None = None,
    **unsupported: Any,
) -> DaskMNLogitResults:
    """Fit a multinomial logit to a Dask DataFrame by exact Newton iterations.

    Parameters
    ----------
    formula, reference, missing, maxiter, gtol, ftol, start_params, callback :
        as for :func:`mnlogit.fit`. Formulas see the data columns, patsy's builtins
        and ``np``; ``center`` and ``standardize`` learn from all partitions exactly;
        splines and stateful expressions, which need all rows at once, are refused.
    data : a Dask DataFrame, or a Parquet path, directory or glob.
    weights : frequency weights: the name of a column.
    persist : keep the design blocks in (cluster) memory across iterations; default:
        when they take less than half of it, else rebuild them from the source on
        each pass.
    split_every : fan-in of the tree reduction of the per-partition sums.
    verbose : print one line per Newton iteration (llf, step size, decrement, seconds) to
        standard error; every iteration is also an INFO record of the logger
        ``mnlogit.dask``. ``progress`` is the same switch under its former name.
    cov_type, groups, correction : as for :meth:`mnlogit.MNLogit.fit`; the score sums
        of ``"HC0"``, ``"HC1"`` and ``"cluster"`` covariances are computed partition by
        partition (``groups``: the name of a column; clusters may span partitions).
    detect_separation : accepted for compatibility; the Dask engine does not run the
        separation check (a linear program over all rows), and a fit that does not
        converge says so in its ConvergenceWarning.

    The computations run on the current Dask scheduler: the threaded one, or a
    ``dask.distributed`` client when one is active.

    Examples
    --------
    >>> import dask.dataframe as dd, mnlogit
    >>> ddf = dd.from_pandas(mnlogit.datasets.load_iris(), npartitions=3)
    >>> res = fit_dask("Species ~ Sepal_Length", ddf, progress=False)
    >>> res.params.round(3)
    Species       versicolor  virginica
    term
    Intercept        -26.082    -38.759
    Sepal_Length       4.816      6.846
    """
    import dask

    _reject(unsupported)
    FitOptions(maxiter, gtol, ftol, None, callback)  # the in-memory validation of options
    check_missing_policy(missing)
    source_ddf = as_dask_frame(data)
    ddf = source_ddf
    parsed = parse_formula(formula)
    if weights is not None and not isinstance(weights, str):
        raise DataError(
            "with a Dask DataFrame, weights must be the name of a column, "
            f"got {type(weights).__name__}"
        )
    if weights is not None and weights not in ddf.columns:
        raise DataError(f"weights column {weights!r} is not in the data")
    check_names(formula, (parsed.outcome, *parsed.factor_codes), Columns(ddf._meta), default_env())
    read = columns_read(formula, ddf.columns, weights)
    ddf = _known_categories(ddf[read])
    source_ddf = _known_categories(source_ddf)
    parts = ddf.to_delayed()

    scan_task = dask.delayed(scan_partition, pure=True)
    scans = dask.compute(*[scan_task(p, formula, weights) for p in parts])
    order = [parsed.outcome, *read, "weights"]
    scan = merge_scans(list(scans), order)
    if len(scan.outcomes) == 0:
        raise DataError(
            f"no rows left: all {scan.n_rows} rows have missing values "
            f"({describe_counts(scan.missing)})"
        )
    meta = ddf._meta[parsed.outcome].dtype if parsed.outcome in ddf.columns else None
    outcome = encode_outcome(outcome_sample(scan.outcomes, meta), parsed.outcome, reference)
    spec = learned_spec(formula, ddf.columns, scan)
    exog_names = spec.column_names
    n_terms, n_outcomes = len(exog_names), outcome.n_levels

    block_task = dask.delayed(partition_block, pure=True)
    rebuilt = [block_task(p, formula, weights, spec, outcome.model_levels) for p in parts]
    blocks = rebuilt
    if persist is None:
        persist = scan.n_rows * (n_terms + 2) * 8 <= PERSIST_SHARE * _memory_bytes()
    if persist:
        blocks = list(dask.persist(*blocks))
    stats_task = dask.delayed(block_stats, pure=True)
    block_facts = dask.compute(*[stats_task(b, n_outcomes) for b in blocks])
    stats = merge_stats(block_facts)

    n_dropped = scan.n_rows - stats.n_rows
    _check_rows(n_dropped, scan.n_rows, scan.missing, missing, stats)
    check_magnitudes(stats.largest, exog_names)
    aliasing = find_aliased(stats.R)
    if aliasing.aliased:
        raise CollinearityError(
            f"the design matrix is rank deficient: {aliasing.describe(exog_names)}. "
            "Remove the aliased column(s) or reformulate the model"
        )
    # The results' lazy rows rebuild from the source, so they do not pin persisted blocks.
    X, w = _lazy_rows(rebuilt, [s.n_rows for s in block_facts], n_terms, weights is not None)
    constant, first = constant_column(stats), stats.first_row
    frame = DaskModelFrame(
        X=X,
        outcome=outcome,
        weights=w,
        exog_names=exog_names,
        counts=stats.counts,
        n_dropped=n_dropped,
        dropped_by_column=scan.missing,
        spec=spec,
        constant_column=constant,
        constant_value=1.0 if constant is None or first is None else float(first[constant]),
        data=ddf,
        formula=formula,
        weights_name=weights,
        source=source_ddf,
        blocks=blocks,
    )
    if start_params is None:
        theta0 = vec(
            intercept_start(
                frame.outcome_counts(), n_terms, frame.constant_column, frame.constant_value
            )
        )
    else:
        theta0 = checked_start(start_params, frame)
    source = DaskSource(blocks, n_terms, n_outcomes, split_every)
    report = IterationReporter(
        bool(verbose if verbose is not None else progress), "dask", "mnlogit[dask]", callback
    )
    # Tests per unit of weight (as in memory): rescaled weights converge the same way.
    scale = float(frame.nobs) / max(stats.n_positive, 1) if weights is not None else 1.0
    result = newton(source.derivatives, theta0, SolverOptions(maxiter, gtol, ftol, report, scale))
    warn_about(result, Separation(False, checked=False), frame)
    cov_kwds = robust_cov_kwds(
        frame, result.theta, cov_type, groups, correction, "none", split_every
    )
    return DaskMNLogitResults(frame, result, cov_type, cov_kwds)


def _known_categories(ddf: Any) -> Any:
    """Categorical columns whose categories Dask does not know (each partition has its
    own, e.g. Parquet dictionaries) become plain values, whose levels are sorted."""
    import pandas as pd

    unknown = [
        name
        for name, dtype in ddf.dtypes.items()
        if isinstance(dtype, pd.CategoricalDtype) and not ddf[name].cat.known
    ]
    return ddf.astype({name: object for name in unknown}) if unknown else ddf


def _reject(options: dict[str, Any]) -> None:
    defaults = {"penalty": None, "drop_aliased": False}
    bad = [name for name, value in options.items() if defaults.get(name, object()) != value]
    if bad:
        raise MNLogitError(
            f"the Dask engine does not support {', '.join(map(repr, bad))}; "
            "fit a sample in memory for penalised fits or a survey design"
        )


def _check_rows(
    n_dropped: int, n_rows: int, counts: dict[str, int], missing: str, stats: Any
) -> None:
    check_dropped(n_dropped, n_rows, counts, missing)  # the in-memory policy and words
    if stats.n_infinite:
        raise DataError(f"weights contain {stats.n_infinite} infinite values")
    check_weight_magnitude(stats.max_weight)
    if stats.n_negative:
        raise DataError(f"weights must be non-negative; {stats.n_negative} are negative")
    if stats.counts.sum() <= 0:
        raise DataError("weights sum to zero: no observations to fit")
    n_terms = stats.R.shape[1]
    if n_terms > stats.n_positive:
        raise DataError(
            f"the design has {n_terms} columns but only {stats.n_positive} rows with positive "
            "weight: more parameters per outcome than observations"
        )


def _lazy_rows(blocks: list, sizes: list[int], n_terms: int, weighted: bool) -> tuple[Any, Any]:
    """Dask arrays (known shapes) of the design rows used and of their weights."""
    import dask.array as da

    pairs = list(zip(blocks, sizes, strict=True))
    X = da.concatenate([da.from_delayed(b.X, shape=(n, n_terms), dtype=float) for b, n in pairs])
    if not weighted:
        return X, None
    w = da.concatenate([da.from_delayed(b.w, shape=(n,), dtype=float) for b, n in pairs])
    return X, w


def _memory_bytes() -> float:
    """Memory of the active distributed cluster, else the memory available here."""
    try:
        from distributed import default_client

        workers = default_client().scheduler_info().get("workers", {})
        limits = [worker.get("memory_limit", 0) for worker in workers.values()]
        if limits and all(limits):
            return float(sum(limits))
    except (ImportError, ValueError):
        pass
    import psutil

    return float(psutil.virtual_memory().available)
