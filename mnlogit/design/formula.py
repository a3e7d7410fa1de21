"""The formula interface: a ModelFrame from ``"outcome ~ terms"`` over a data frame.

The variables the formula needs are read from the user's data frame (pandas, polars,
pyarrow; never modified); rows with a missing value are dropped and counted per
variable; the :class:`~mnlogit.design.spec.DesignSpec` is learned from the rows used and
the design is written once into a C-ordered float64 array. When every factor is
categorical, the rows are collapsed on their level codes first: the solver gets the
distinct (codes, outcome) patterns with summed weights.
"""

from __future__ import annotations

import builtins
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

import numpy as np
import pandas as pd

from ..exceptions import DataError, FormulaError
from .checks import (
    check_dropped,
    check_extremes,
    check_finite,
    check_missing_policy,
    check_weights,
    column_extremes,
    resolve_weights,
)
from .columns import Columns
from .evaluate import FactorValues, assemble, factor_values, value_missing
from .expressions import referenced_names
from .learn import FactorPlan, expression_input, learn_in_memory, plan_factors
from .model_frame import CodedRows, ModelFrame, Patterns
from .outcome import Outcome, encode_outcome
from .patsy_adapter import (
    BUILTIN_NAMES,
    ParsedFormula,
    capture_env,
    env_defines,
    evaluate,
    parse_formula,
)
from .spec import DesignSpec

MissingPolicy = Literal["drop", "raise"]
# The weights argument of a fit: a column name, or one frequency weight per row.
Weights: TypeAlias = str | Sequence[float] | np.ndarray | pd.Series | None
# Factor-only designs with at least this many rows are collapsed on their level codes.
COLLAPSE_ROWS = 10_000


def check_names(formula: str, codes: Sequence[str], columns: Columns, env: Any) -> None:
    """Refuse names that are neither data columns nor defined where the fit was called.

    Examples
    --------
    >>> import pandas as pd
    >>> check_names("y ~ z", ["y", "z"], Columns(pd.DataFrame({"y": [1]})), None)
    Traceback (most recent call last):
    ...
    mnlogit.exceptions.FormulaError: formula 'y ~ z' names 'z', which is not a column of the \
data (columns: 'y')
    """
    known = set(columns.names) | set(dir(builtins)) | BUILTIN_NAMES
    unknown: list[str] = []
    for code in codes:
        for name in sorted(referenced_names(code)):
            if name not in known and not env_defines(env, name) and name not in unknown:
                unknown.append(name)
    if unknown:
        names = list(columns.names)
        shown = ", ".join(map(repr, names[:20]))
        more = "" if len(names) <= 20 else f" and {len(names) - 20} more"
        what = "is not a column" if len(unknown) == 1 else "are not columns"
        if not names:
            raise FormulaError(
                f"formula {formula!r} names {', '.join(map(repr, unknown))}, "
                "but the data have no columns"
            )
        raise FormulaError(
            f"formula {formula!r} names {', '.join(map(repr, unknown))}, which {what} "
            f"of the data (columns: {shown}{more})"
        )


def outcome_values(code: str, columns: Columns, env: Any) -> pd.Series:
    """The outcome's values (a data column, or an expression of the columns)."""
    n = columns.n_rows
    if code in columns:
        values = columns[code]
    else:
        names = [name for name in referenced_names(code) if name in columns]
        values = evaluate(code, columns.frame(names), env)
    if isinstance(values, pd.DataFrame):
        raise FormulaError(f"the outcome {code!r} must be one column, got {values.shape[1]}")
    if not isinstance(values, pd.Series):
        values = pd.Series(values)
    if len(values) != n:
        raise FormulaError(f"the outcome {code!r} has {len(values)} values for {n} rows")
    return values.set_axis(pd.RangeIndex(n))


def frame_from_formula(
    formula: str,
    data: Any,
    reference: Hashable | None = None,
    weights: Weights = None,
    missing: MissingPolicy = "drop",
    eval_env: Any = 0,
) -> ModelFrame:
    """Build the ModelFrame of ``formula`` evaluated on ``data``.

    Parameters
    ----------
    formula : ``"outcome ~ terms"`` (patsy).
    data : a pandas DataFrame (never modified), a polars DataFrame or LazyFrame, or a
        pyarrow Table.
    reference : the baseline outcome (default: the first level).
    weights : frequency weights: a column name or one value per row.
    missing : ``"drop"`` rows with missing values (counted) or ``"raise"``.
    eval_env : where formula expressions look up names that are not columns (a
        patsy EvalEnvironment, or a depth of frames above the caller).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"y": ["a", "b", "a", "c"], "x": [1.0, 2.0, 3.0, 5.0]})
    >>> mf = frame_from_formula("y ~ x", df)
    >>> mf.exog_names, mf.outcome.levels
    (('Intercept', 'x'), ('a', 'b', 'c'))
    """
    check_missing_policy(missing)
    if isinstance(eval_env, int):
        eval_env = capture_env(eval_env + 1)
    parsed = parse_formula(formula)
    columns = Columns(data)
    check_names(formula, (parsed.outcome, *parsed.factor_codes), columns, eval_env)
    n = columns.n_rows
    plans = plan_factors(parsed, columns.names, eval_env)
    read = read_rows(parsed, plans, columns, weights, eval_env)
    y_raw, w_raw, ok, counts, values = read.y, read.weights, read.ok, read.counts, read.values
    spec, factor_vals = _learn(parsed, plans, columns, ok, values, eval_env, counts, missing)
    if factor_vals.missing is not None:
        ok &= ~factor_vals.missing
    n_dropped = int(n - ok.sum())
    check_dropped(n_dropped, n, counts, missing)
    kept = np.flatnonzero(ok)
    exog_names = spec.column_names
    if not exog_names:
        raise FormulaError(f"formula {formula!r} has no terms on the right of '~' (no columns)")
    outcome = encode_outcome(y_raw.iloc[kept] if n_dropped else y_raw, parsed.outcome, reference)
    w = None
    if w_raw is not None:
        w_used = w_raw[kept] if n_dropped else w_raw
        totals = np.bincount(outcome.codes, weights=w_used, minlength=outcome.n_levels)
        w = check_weights(w_used, totals, outcome.model_levels, outcome.name)
    design_rows, patterns, extremes = _design_rows(spec, factor_vals, kept, outcome, w)
    frame = ModelFrame(
        design_rows=design_rows,
        outcome=outcome,
        weights=w,
        exog_names=exog_names,
        row_index=columns.index[kept] if n_dropped else columns.index,
        row_positions=kept,
        n_dropped=n_dropped,
        dropped_by_column=counts,
        spec=spec,
        formula=formula,
        patterns=patterns,
    )
    return frame.knowing_extremes(extremes)


@dataclass
class RowsRead:
    """What a formula reads from data before learning: the outcome's values, the
    weights, which rows are complete, the missing values per variable, and the values
    of the expressions evaluated so far (by code)."""

    y: pd.Series
    weights: np.ndarray | None
    ok: np.ndarray
    counts: dict[str, int]
    values: dict[str, Any]


def read_rows(
    parsed: ParsedFormula,
    plans: Sequence[FactorPlan],
    columns: Columns,
    weights: Any,
    env: Any,
) -> RowsRead:
    """Read the outcome, the weights and the stateless expressions, and find the rows
    with a missing value in any of them or in a variable (counted per variable, in the
    order the formula names them)."""
    y_raw = outcome_values(parsed.outcome, columns, env)
    if isinstance(weights, str) and weights not in columns:
        raise DataError(f"weights column {weights!r} is not in the data")
    n = columns.n_rows
    w_raw = resolve_weights(weights, n, columns[weights] if isinstance(weights, str) else None)
    counts: dict[str, int] = {}
    ok = np.array(y_raw.notna().to_numpy(), dtype=bool)
    if parsed.outcome not in columns and not ok.all():
        counts[parsed.outcome] = int((~ok).sum())
    for code in (parsed.outcome, *parsed.factor_codes):
        for name in sorted(referenced_names(code)):
            if name in columns and name not in counts:
                present = (y_raw if name == parsed.outcome else columns[name]).notna().to_numpy()
                if not present.all():
                    counts[name] = int((~present).sum())
                    ok &= present
    if w_raw is not None and np.isnan(w_raw).any():
        counts["weights"] = int(np.isnan(w_raw).sum())
        ok &= ~np.isnan(w_raw)
    values: dict[str, Any] = {}
    for plan in plans:
        if plan.expression is not None and not plan.expression.stateful:
            value = plan.expression.evaluate(expression_input(columns, plan, None))
            values[plan.code] = value
            ok &= ~value_missing(value, n, plan.code)
    return RowsRead(y_raw, w_raw, ok, counts, values)


def _learn(
    parsed: Any,
    plans: Any,
    columns: Columns,
    ok: np.ndarray,
    values: dict[str, Any],
    env: Any,
    counts: dict[str, int],
    missing: str,
) -> tuple[DesignSpec, FactorValues]:
    """Learn the spec from the complete rows and evaluate every factor."""
    if not ok.any():
        check_dropped(columns.n_rows, columns.n_rows, counts, missing)
    rows = np.flatnonzero(ok)
    spec = learn_in_memory(parsed, plans, columns, rows, values, env)
    return spec, factor_values(spec, columns, values, used=ok)


def _design_rows(
    spec: DesignSpec,
    values: FactorValues,
    kept: np.ndarray,
    outcome: Outcome,
    weights: np.ndarray | None,
) -> tuple[Any, Patterns | None, tuple[np.ndarray, np.ndarray]]:
    """The design of the rows used, or (factor-only designs with many rows) their level
    codes and the distinct patterns the solver needs; and the design columns' extremes
    (checked for scale)."""
    everything = len(kept) == values.n_rows
    if spec.categorical_only and len(kept) >= COLLAPSE_ROWS:
        codes = {p: (c if everything else c[kept]) for p, c in values.codes.items()}
        coded = CodedRows(spec, codes)
        patterns = _patterns(coded, outcome, weights)
        extremes = column_extremes(patterns.X)  # the distinct rows: the same extremes
        check_extremes(extremes, spec.column_names)
        return coded, patterns, extremes
    X = assemble(spec, values, kept)
    check_finite(X, spec.column_names)
    extremes = column_extremes(X)
    check_extremes(extremes, spec.column_names)
    return X, None, extremes


def _patterns(coded: CodedRows, outcome: Outcome, weights: np.ndarray | None) -> Patterns:
    """Distinct (level codes, outcome) rows with their total weights: one integer key
    per row in mixed radix, grouped by a bincount over the key space when it is small."""
    key = outcome.codes.astype(np.int64)
    radix = outcome.n_levels
    for position in sorted(coded.codes):
        size = len(coded.spec.factors[position].levels or ()) or 1
        key = key + radix * coded.codes[position].astype(np.int64)
        radix *= size
    if radix <= 4 * len(key) + 1024:
        totals = np.bincount(key, weights=weights, minlength=radix)
        present = np.flatnonzero(np.bincount(key, minlength=radix))
        first = np.full(radix, -1, dtype=np.intp)
        first[key[::-1]] = np.arange(len(key) - 1, -1, -1)
        rows, pattern_weights = first[present], totals[present]
    else:
        uniques, rows, inverse = np.unique(key, return_index=True, return_inverse=True)
        pattern_weights = np.bincount(inverse, weights=weights, minlength=len(uniques))
    sample = CodedRows(coded.spec, {p: c[rows] for p, c in coded.codes.items()})
    X = sample.design()
    check_finite(X, coded.spec.column_names)
    return Patterns(np.ascontiguousarray(X), outcome.codes[rows], pattern_weights.astype(float))


__all__ = ["MissingPolicy", "RowsRead", "frame_from_formula", "read_rows"]
