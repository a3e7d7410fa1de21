"""Reading a formula over the partitions of a Dask DataFrame, with the in-memory design layer.

Pass 1 (:func:`scan_partition`): each partition reads its rows exactly as an in-memory
fit reads a frame (:func:`mnlogit.design.formula.read_rows`: outcome, weights, missing
values, expressions) and observes what the factors learn from its complete rows
(distinct levels, moments). Observations merge exactly, so the
:class:`~mnlogit.design.DesignSpec` finished on the client is the one an in-memory fit
learns; it is plain data, sent to every worker. Pass 2 (:func:`partition_block`): each
partition builds its design block with that spec. Factors that learn from all rows at
once (spline knots, stateful expressions) are refused with an error saying so.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, NamedTuple, NoReturn

import numpy as np
import pandas as pd

from ..design import Columns, DesignSpec, Outcome, label_index
from ..design.checks import check_finite
from ..design.evaluate import assemble, factor_values
from ..design.expressions import referenced_names
from ..design.formula import read_rows
from ..design.learn import (
    NEEDS_ALL_ROWS,
    FactorPlan,
    NeedsAllRows,
    Observation,
    finish_spec,
    merge,
    observe,
    plan_factors,
)
from ..design.patsy_adapter import ParsedFormula, default_env, parse_formula
from ..exceptions import DataError


class Block(NamedTuple):
    """The rows of one partition used in the fit: design, model-order codes, weights."""

    X: np.ndarray
    y: np.ndarray
    w: np.ndarray | None


@functools.cache
def partition_plan(formula: str, names: tuple[str, ...]) -> tuple[ParsedFormula, list[FactorPlan]]:
    """The parsed formula and factor recipes (once per process and formula).

    Formulas on Dask see the columns, numpy and patsy's built-ins. Splines and stateful
    expressions are refused: their state needs all rows at once.

    Examples
    --------
    >>> parsed, plans = partition_plan("y ~ x + C(g)", ("y", "x", "g"))
    >>> [p.recipe.recipe for p in plans]
    ['column', 'C']
    """
    parsed = parse_formula(formula)
    plans = plan_factors(parsed, names, default_env())
    for plan in plans:
        if plan.needs_all_rows:
            raise NeedsAllRows(plan.code, spline=plan.recipe.recipe in NEEDS_ALL_ROWS)
    return parsed, plans


def columns_read(formula: str, names: Any, weights: str | None) -> list[str]:
    """The data columns the formula (and weights) read, in the order the in-memory
    frame reports their missing values.

    Examples
    --------
    >>> columns_read("y ~ x + C(g)", ["y", "x", "g", "z"], None)
    ['y', 'x', 'g']
    """
    parsed = parse_formula(formula)
    known = set(map(str, names))
    read = [
        n
        for code in (parsed.outcome, *parsed.factor_codes)
        for n in sorted(referenced_names(code))
        if n in known
    ]
    if weights is not None:
        read.append(weights)
    return list(dict.fromkeys(read))


class Scan(NamedTuple):
    """What one pass learns from a partition (merged over partitions by :func:`merge_scans`)."""

    n_rows: int
    missing: dict[str, int]
    observations: dict[str, Observation]
    outcomes: pd.Series


def scan_partition(part: pd.DataFrame, formula: str, weights: str | None) -> Scan:
    """Missing-value counts, the factors' observations and the distinct outcome values.

    Examples
    --------
    >>> df = pd.DataFrame({"y": ["a", "b", None], "g": ["u", "u", "v"], "x": [1.0, 2, 3]})
    >>> s = scan_partition(df, "y ~ x + g", None)
    >>> s.n_rows, s.missing, sorted(s.observations["g"].levels), s.outcomes.tolist()
    (3, {'y': 1}, ['u'], ['a', 'b'])
    """
    columns = Columns(part)
    parsed, plans = partition_plan(formula, columns.names)
    read = read_rows(parsed, plans, columns, weights, default_env())
    rows = np.flatnonzero(read.ok)
    observations = {
        plan.code: observe(plan, columns, rows, read.values.get(plan.code)) for plan in plans
    }
    outcomes = read.y[read.ok].drop_duplicates().reset_index(drop=True)
    return Scan(columns.n_rows, read.counts, observations, outcomes)


def merge_scans(scans: list[Scan], order: list[str]) -> Scan:
    """Combine the scans of all partitions (missing counts reported in ``order``).

    Examples
    --------
    >>> a = scan_partition(pd.DataFrame({"y": ["a", None], "x": [1.0, 2.0]}), "y ~ x", None)
    >>> b = scan_partition(pd.DataFrame({"y": ["b", "a"], "x": [3.0, None]}), "y ~ x", None)
    >>> m = merge_scans([a, b], ["y", "x", "weights"])
    >>> m.n_rows, m.missing, m.outcomes.tolist()
    (4, {'y': 1, 'x': 1}, ['a', 'b'])
    """
    missing = {name: sum(s.missing.get(name, 0) for s in scans) for name in order}
    missing = {name: count for name, count in missing.items() if count}
    observations = dict(scans[0].observations)
    for scan in scans[1:]:
        for code, observed in scan.observations.items():
            observations[code] = merge(observations[code], observed, f"the term {code!r}")
    outcomes = pd.concat([s.outcomes for s in scans], ignore_index=True).drop_duplicates()
    return Scan(
        sum(s.n_rows for s in scans), missing, observations, outcomes.reset_index(drop=True)
    )


def learned_spec(formula: str, names: Any, scan: Scan) -> DesignSpec:
    """The DesignSpec of the whole data from the merged scan."""
    parsed, plans = partition_plan(formula, tuple(map(str, names)))
    return finish_spec(parsed, plans, scan.observations, None)


def partition_rows(
    part: pd.DataFrame, formula: str, weights: str | None, spec: DesignSpec
) -> tuple[Columns, Any, np.ndarray, Any]:
    """A partition's columns, what its formula read, the rows used and the factor values."""
    columns = Columns(part)
    parsed, plans = partition_plan(formula, columns.names)
    read = read_rows(parsed, plans, columns, weights, default_env())
    values = factor_values(spec, columns, read.values, used=read.ok)
    ok = read.ok if values.missing is None else read.ok & ~values.missing
    return columns, read, np.flatnonzero(ok), values


def partition_block(
    part: pd.DataFrame, formula: str, weights: str | None, spec: DesignSpec, model_levels: tuple
) -> Block:
    """Design matrix, outcome codes and weights of a partition's complete rows.

    Examples
    --------
    >>> df = pd.DataFrame({"y": ["a", "b", "a"], "x": [1.0, None, 3.0]})
    >>> spec = learned_spec("y ~ x", df.columns, scan_partition(df, "y ~ x", None))
    >>> b = partition_block(df, "y ~ x", None, spec, ("a", "b"))
    >>> b.X.tolist(), b.y.tolist()
    ([[1.0, 1.0], [1.0, 3.0]], [0, 0])
    """
    _, read, kept, values = partition_rows(part, formula, weights, spec)
    X = assemble(spec, values, kept)
    check_finite(X, spec.column_names)
    codes = outcome_codes(read.y.iloc[kept], model_levels)
    w = None if read.weights is None else np.ascontiguousarray(read.weights[kept])
    return Block(X, codes, w)


def outcome_codes(values: pd.Series, model_levels: tuple) -> np.ndarray:
    """Model-order codes of outcome values (vectorised; an unknown value is an error).

    Examples
    --------
    >>> import pandas as pd
    >>> outcome_codes(pd.Series(["b", "a", "c"]), ("b", "a", "c")).tolist()
    [0, 1, 2]
    """
    index = label_index(model_levels)
    if isinstance(values.dtype, pd.CategoricalDtype):
        lookup = index.get_indexer(values.cat.categories.astype(object))
        codes = np.where(values.cat.codes.to_numpy() < 0, -1, lookup[values.cat.codes.to_numpy()])
    else:
        codes = index.get_indexer(pd.Index(values.to_numpy()))
    if (codes < 0).any():
        unknown = pd.unique(values[codes < 0])[:5]
        raise DataError(
            f"outcome has value(s) {', '.join(map(repr, unknown))} not found when scanning "
            f"the data (levels: {', '.join(map(repr, model_levels))})"
        )
    return codes.astype(np.intp)


@dataclass(frozen=True, eq=False)
class DaskModelFrame:
    """The frame of a Dask fit, with the attributes results and reports read.

    ``X`` and ``weights`` are lazy Dask arrays of the rows used (known shape);
    ``outcome`` carries levels and reference but no per-row codes, so the outcome
    counts are stored (:meth:`outcome_counts`). ``data`` holds the columns the fit reads,
    ``source`` all columns of the data given; ``blocks`` are the partitions' design blocks
    (persisted, or recomputed on use).
    """

    X: Any
    outcome: Outcome
    weights: Any
    exog_names: tuple[str, ...]
    counts: np.ndarray
    n_dropped: int
    dropped_by_column: dict[str, int]
    spec: DesignSpec
    constant_column: int | None
    constant_value: float
    data: Any
    formula: str
    weights_name: str | None = None
    source: Any = None
    blocks: Any = None
    aliased: tuple[str, ...] = ()
    all_exog_names: tuple[str, ...] = ()
    patterns: None = None

    @property
    def table_names(self) -> tuple[str, ...]:
        """Names of every design column."""
        return self.exog_names

    @property
    def nobs(self) -> float:
        """Number of observations: the sum of the frequency weights, or the row count."""
        return float(self.counts.sum())

    @property
    def in_memory(self) -> bool:
        """The rows stay on Dask: per-row methods need them passed in memory."""
        return False

    @property
    def n_rows(self) -> int:
        """Number of rows used."""
        return int(self.X.shape[0])

    @property
    def n_terms(self) -> int:
        """Number of design columns k."""
        return len(self.exog_names)

    @property
    def row_index(self) -> NoReturn:
        """Not materialised for Dask fits: use ``predict(ddf)`` for lazy per-row results."""
        raise DataError(
            "the rows of a Dask fit are not held in memory; pass the Dask DataFrame, "
            "e.g. results.predict(ddf), for lazy per-row predictions"
        )

    row_positions = row_index

    def outcome_counts(self) -> np.ndarray:
        """(Weighted) number of observations of each outcome, in model order."""
        return self.counts.copy()

    def design_for(self, newdata: Any) -> tuple[np.ndarray, np.ndarray]:
        """Design matrix of new (pandas) data with the fit's encoding."""
        return self.spec.build(newdata)


def outcome_sample(outcomes: pd.Series, meta: Any) -> pd.Series:
    """Distinct outcome values, with the declared categories when the column has them."""
    if isinstance(meta, pd.CategoricalDtype) and meta.categories is not None:
        return outcomes.astype(meta)
    return outcomes
