"""Learning a DesignSpec from data: levels, transform states, structure.

Learning is split so that data held in pieces (Dask partitions) learn exactly what one
in-memory frame learns: each piece gives an :class:`Observation` per factor (the
distinct values of a categorical, the count, mean and sum of squares of a variable to
centre or standardise, the number of columns of a numeric expression), observations
of pieces merge exactly, and :func:`finish_spec` turns the merged observations into
the spec. Splines and stateful expressions need all values at once: in-memory data
only (:class:`NeedsAllRows`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import DataError, FormulaError
from .columns import Columns, is_numeric
from .expressions import FactorRecipe, classify, referenced_names
from .patsy_adapter import (
    FactorKind,
    ParsedFormula,
    PatsyExpression,
    contrast_object,
    is_categorical,
    learn_spline,
    sort_levels,
    term_codings,
    unbox,
)
from .spec import DesignSpec, FactorSpec, SubtermSpec, TermSpec

NEEDS_ALL_ROWS = ("bs", "cr", "cc")


@dataclass
class Observation:
    """What one piece of the rows used says about a factor (merged with :func:`merge`).

    ``levels``: distinct values of a categorical (or the declared categories),
    ``count``/``mean``/``m2``: long-double moments of a variable to centre or scale,
    ``num_columns``: columns of a numeric expression, ``values``: all values (splines
    and stateful expressions, which learn from everything at once).
    """

    categorical: bool = False
    levels: dict[Any, None] = field(default_factory=dict)
    categories: tuple | None = None
    count: int = 0
    mean: np.longdouble = field(default_factory=lambda: np.longdouble(0.0))
    m2: np.longdouble = field(default_factory=lambda: np.longdouble(0.0))
    num_columns: int = 1
    contrast_code: str | None = None
    contrast: Any = None
    numeric: bool = False


def merge(a: Observation, b: Observation, what: str = "a variable") -> Observation:
    """Two pieces' observations as one (Chan et al.'s pairwise moments: exact up to
    long-double rounding, whatever the split).

    Examples
    --------
    >>> x = np.array([1.0, 2.0, 4.0, 8.0])
    >>> whole = observe_numbers(x)
    >>> parts = merge(observe_numbers(x[:1]), observe_numbers(x[1:]))
    >>> float(parts.mean) == float(whole.mean), float(parts.m2) == float(whole.m2)
    (True, True)
    """
    if (a.categorical and b.numeric) or (a.numeric and b.categorical):
        raise DataError(
            f"{what} holds numbers in some parts of the data and text or categories in "
            "others; convert it to one type (e.g. pd.to_numeric, or .astype(str)) everywhere"
        )
    if a.count == 0 and not a.levels and a.categories is None:
        return b
    if b.count == 0 and not b.levels and b.categories is None:
        return a
    count = a.count + b.count
    delta = b.mean - a.mean
    mean = a.mean + delta * b.count / count if count else a.mean
    m2 = a.m2 + b.m2 + delta * delta * a.count * b.count / count if count else a.m2
    levels = dict(a.levels)
    levels.update(b.levels)
    categories = a.categories if a.categories is not None else b.categories
    if a.categories is not None and b.categories is not None and a.categories != b.categories:
        raise DataError(
            f"a categorical column has categories {list(a.categories)} in one part of the "
            f"data and {list(b.categories)} in another"
        )
    return replace(
        a,
        levels=levels,
        categories=categories,
        count=count,
        mean=mean,
        m2=m2,
        categorical=a.categorical or b.categorical,
        num_columns=max(a.num_columns, b.num_columns),
        contrast=a.contrast if a.contrast is not None else b.contrast,
    )


def observe_numbers(x: np.ndarray) -> Observation:
    """Count, mean and sum of squared deviations (long double) of numbers.

    Examples
    --------
    >>> o = observe_numbers(np.array([1.0, 3.0]))
    >>> o.count, float(o.mean), float(o.m2)
    (2, 2.0, 2.0)
    """
    x = np.asarray(x)
    if x.size == 0:
        return Observation(numeric=True)
    mean = np.sum(x, dtype=np.longdouble) / x.size
    deviations = x.astype(np.longdouble) - mean
    return Observation(
        count=int(x.size), mean=mean, m2=np.sum(deviations * deviations), numeric=True
    )


def observe_levels(values: Any, label: str = "a categorical variable") -> Observation:
    """Distinct non-missing values of a categorical (or its declared categories).

    Examples
    --------
    >>> sorted(observe_levels(pd.Series(["b", None, "a", "b"])).levels)
    ['a', 'b']
    """
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if isinstance(series.dtype, pd.CategoricalDtype):
        return Observation(True, categories=tuple(_plain(c) for c in series.cat.categories))
    if series.dtype.kind == "b":
        return Observation(True, levels={False: None, True: None})
    present = series[series.notna()]
    try:
        uniques = pd.unique(present)
    except TypeError:
        bad = next(v for v in present if _unhashable(v))
        raise DataError(
            f"{label} holds values of type {type(bad).__name__} (e.g. {bad!r}), which cannot "
            "be levels of a categorical variable; use strings or numbers"
        ) from None
    levels = {_plain(v): None for v in uniques}
    if any(isinstance(v, (bool, np.bool_)) for v in levels):
        levels.update({False: None, True: None})  # patsy: a boolean brings both levels
    return Observation(True, levels=levels)


def _unhashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return True
    return False


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


@dataclass
class FactorPlan:
    """A factor being learned: its recipe, the data columns it reads, and (expressions)
    its patsy evaluator."""

    code: str
    recipe: FactorRecipe
    variables: tuple[str, ...]
    expression: PatsyExpression | None = None

    @property
    def needs_all_rows(self) -> bool:
        """Splines and stateful expressions learn from all rows at once."""
        stateful = self.expression is not None and self.expression.stateful
        return self.recipe.recipe in NEEDS_ALL_ROWS or stateful


def plan_factors(parsed: ParsedFormula, names: Sequence[str], env: Any) -> list[FactorPlan]:
    """Recipes of the right-hand side's factors; a recipe whose variable is not a data
    column (a name of the calling code) becomes an expression patsy evaluates."""
    plans = []
    columns = set(names)
    for code in parsed.factor_codes:
        recipe = classify(code)
        if recipe.variable is not None and recipe.variable not in columns:
            recipe = FactorRecipe(code, "expression")
        variables = tuple(n for n in sorted(referenced_names(code)) if n in columns)
        if recipe.variable is not None:
            variables = (recipe.variable,) + tuple(v for v in variables if v != recipe.variable)
        expression = PatsyExpression(code, env) if recipe.recipe == "expression" else None
        plans.append(FactorPlan(code, recipe, variables, expression))
    return plans


def expression_input(columns: Columns, plan: FactorPlan, rows: np.ndarray | None) -> dict:
    """The columns an expression reads (integers as float64 unless it is an explicit
    ``C(...)``), restricted to ``rows`` if given."""
    promote = not plan.code.startswith("C(")
    data = {}
    for name in plan.variables:
        column = columns[name]
        if promote and column.dtype.kind in "iu":
            column = column.astype(np.float64)
        if rows is not None:
            column = column.iloc[rows].reset_index(drop=True)
        data[name] = column
    return data


def observe(plan: FactorPlan, columns: Columns, rows: np.ndarray, value: Any = None) -> Observation:
    """What the rows ``rows`` (of ``columns``) say about a factor; ``value`` is an
    expression's value over all rows, when already computed."""
    recipe = plan.recipe
    kind = recipe.recipe
    if kind == "expression":
        return _observe_value(value, rows, plan)
    column = columns[recipe.data_column]
    used = column.iloc[rows] if len(rows) < columns.n_rows else column
    if kind == "C" or (kind == "column" and not is_numeric(column)):
        if recipe.levels is not None:
            return Observation(True, categories=recipe.levels, contrast_code=recipe.contrast)
        observed = observe_levels(used, f"column {recipe.variable!r}")
        observed.contrast_code = recipe.contrast
        return observed
    if not is_numeric(column):
        raise FormulaError(
            f"the term {plan.code!r} needs numbers, but column {recipe.variable!r} holds "
            f"{column.dtype} values"
        )
    if kind in ("center", "standardize"):
        return observe_numbers(used.to_numpy(dtype=np.float64))
    return Observation(numeric=True)


def _observe_value(value: Any, rows: np.ndarray, plan: FactorPlan) -> Observation:
    if is_categorical(value):
        data, contrast, levels = unbox(value)
        series = data if isinstance(data, pd.Series) else pd.Series(np.asarray(data, dtype=object))
        observed = (
            Observation(True, categories=levels)
            if levels is not None
            else observe_levels(series.iloc[rows])
        )
        observed.contrast = contrast
        return observed
    array = np.asarray(value)
    if array.ndim > 2:
        raise FormulaError(f"the term {plan.code!r} gives a {array.ndim}-dimensional value")
    if array.dtype.kind not in "iufb":
        raise FormulaError(f"the term {plan.code!r} gives values of type {array.dtype}")
    return Observation(num_columns=1 if array.ndim < 2 else array.shape[1], numeric=True)


def finish_factor(
    plan: FactorPlan,
    observed: Observation,
    env: Any,
    columns: Columns | None,
    rows: np.ndarray | None,
) -> tuple[FactorSpec, FactorKind]:
    """The learned factor (and what the structure needs of it) from merged observations;
    splines and stateful expressions learn here from ``columns[rows]`` (all rows used)."""
    recipe, code = plan.recipe, plan.code
    if observed.categorical:
        levels = (
            observed.categories
            if observed.categories is not None
            else sort_levels(list(observed.levels))
        )
        if not levels:
            raise DataError(f"the term {code!r} has no levels in the rows used")
        contrast = observed.contrast
        if recipe.recipe != "expression":
            contrast = contrast_object(observed.contrast_code, env)
        factor = FactorSpec(
            code,
            recipe.recipe,
            "categorical",
            plan.variables,
            len(levels),
            levels,
            _expression_state(plan),
        )
        return factor, FactorKind(True, levels=levels, contrast=contrast)
    state: dict[str, Any] = {}
    num_columns = observed.num_columns
    options = recipe.options
    if recipe.recipe in ("center", "standardize"):
        state = _affine_state(recipe, observed, code)
    elif recipe.recipe in NEEDS_ALL_ROWS:
        if columns is None or rows is None:
            raise NeedsAllRows(code)
        x = columns[recipe.data_column].to_numpy(dtype=np.float64)[rows]
        spline = {k: (list(v) if isinstance(v, tuple) else v) for k, v in options.items()}
        state = learn_spline(recipe.recipe, x, spline, code)
        if recipe.recipe == "bs":
            state["include_intercept"] = bool(options["include_intercept"])
            num_columns = len(state["knots"]) - int(state["degree"]) - 1
            num_columns -= 0 if state["include_intercept"] else 1
        else:
            constraints = state["constraints"]
            num_columns = len(state["knots"]) - (recipe.recipe == "cc")
            num_columns -= 0 if constraints is None else constraints.shape[0]
    elif recipe.recipe == "expression":
        state = _expression_state(plan)
    return (
        FactorSpec(code, recipe.recipe, "numerical", plan.variables, num_columns, None, state),
        FactorKind(False, num_columns=num_columns),
    )


class NeedsAllRows(FormulaError):
    """A factor (spline, stateful expression) that learns from all rows at once."""

    def __init__(self, code: str, spline: bool = True) -> None:
        why = (
            "spline knots are quantiles of the data"
            if spline
            else "a stateful transform inside an expression learns its state from the data"
        )
        super().__init__(
            f"the term {code!r} learns from all rows at once ({why}), which data held in "
            "pieces cannot give exactly: fit it in memory, or compute the column beforehand"
        )


def _affine_state(recipe: FactorRecipe, observed: Observation, code: str) -> dict[str, Any]:
    """Shift and scale of ``center`` / ``standardize`` (None: not applied)."""
    if observed.count == 0:
        raise DataError(f"the term {code!r} has no rows to learn from")
    if recipe.recipe == "center":
        return {"shift": float(observed.mean), "scale": None}
    options = recipe.options
    ddof = options["ddof"]
    state: dict[str, Any] = {
        "shift": float(observed.mean) if options["center"] else None,
        "scale": None,
    }
    if options["rescale"]:
        if observed.count - ddof <= 0:
            raise FormulaError(f"the term {code!r} needs more than {ddof} rows (ddof={ddof})")
        scale = float(np.sqrt(observed.m2 / (observed.count - ddof)))
        if not scale > 0:
            raise DataError(
                f"the term {code!r} divides by the standard deviation of {recipe.variable!r}, "
                "which is zero in the rows used (a constant column)"
            )
        state["scale"] = scale
    return state


def _expression_state(plan: FactorPlan) -> dict[str, Any]:
    if plan.expression is None or not plan.expression.stateful:
        return {}
    return {"transforms": plan.expression.plain_state()}


def finish_spec(
    parsed: ParsedFormula,
    plans: Sequence[FactorPlan],
    observations: Mapping[str, Observation],
    env: Any,
    columns: Columns | None = None,
    rows: np.ndarray | None = None,
) -> DesignSpec:
    """The DesignSpec from the factors' merged observations (``columns``/``rows``: the
    rows used, for factors that learn from all rows at once)."""
    factors, kinds = [], {}
    for plan in plans:
        factor, kind = finish_factor(plan, observations[plan.code], env, columns, rows)
        factors.append(factor)
        kinds[plan.code] = kind
    codings = term_codings(parsed.terms, kinds)
    positions = {plan.code: i for i, plan in enumerate(plans)}
    terms: list[TermSpec] = []
    names: list[str] = []
    start = 0
    for coding in codings:
        subterms = tuple(
            SubtermSpec(
                tuple(positions[c] for c in sub.factors),
                {positions[c]: m for c, m in sub.contrasts.items()},
                sub.n_columns,
            )
            for sub in coding.subterms
        )
        stop = start + len(coding.column_names)
        terms.append(
            TermSpec(
                coding.name, tuple(positions[c] for c in coding.factors), start, stop, subterms
            )
        )
        names.extend(coding.column_names)
        start = stop
    return DesignSpec(parsed.formula, tuple(factors), tuple(terms), tuple(names), env)


def learn_in_memory(
    parsed: ParsedFormula,
    plans: Sequence[FactorPlan],
    columns: Columns,
    rows: np.ndarray,
    values: dict[str, Any],
    env: Any,
) -> DesignSpec:
    """Learn the spec from the rows ``rows`` of in-memory ``columns``. ``values`` holds
    expression values over all rows by code; those of stateful expressions are added
    (they are evaluated once learned)."""
    observations = {}
    for plan in plans:
        if plan.expression is not None and plan.expression.stateful:
            plan.expression.learn(expression_input(columns, plan, rows))
        if plan.expression is not None and plan.code not in values:
            values[plan.code] = plan.expression.evaluate(expression_input(columns, plan, None))
        observations[plan.code] = observe(plan, columns, rows, values.get(plan.code))
    return finish_spec(parsed, plans, observations, env, columns, rows)
