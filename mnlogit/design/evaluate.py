"""Materialising a design from a DesignSpec: factor values, design rows, derivatives.

Each factor is evaluated once over the rows (a data column read in place, a
centring or standardisation, a spline basis, level codes of a categorical, or an
expression through patsy); the design is then written row block by row block into
one C-ordered float64 array, each column the product of its factors' columns in
patsy's order (so the numbers equal patsy's bit for bit). The same pass with one
factor replaced by its derivative gives d x_i / d v (the product rule), which margins
use instead of differencing whole designs.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..exceptions import DataError, FormulaError, LevelError
from .checks import check_finite, check_scale
from .columns import Columns, is_numeric
from .patsy_adapter import PatsyExpression, default_env, env_defines, is_categorical, unbox
from .splines import bspline_basis, cubic_basis

if TYPE_CHECKING:
    from .spec import DesignSpec, FactorSpec, SubtermSpec

# Rows per block when writing the design: a block of a 20-column design stays in cache.
BLOCK_ROWS = 8192
# Relative step of the central difference for expressions (the only non-analytic case).
_STEP = 1e-5


@dataclass
class FactorValues:
    """Every factor's values over the rows: numerical factors as (n, c) float arrays,
    categorical ones as level codes (-1: missing); ``missing`` marks incomplete rows."""

    n_rows: int
    numeric: dict[int, np.ndarray] = field(default_factory=dict)
    codes: dict[int, np.ndarray] = field(default_factory=dict)
    missing: np.ndarray | None = None

    def mark_missing(self, rows: np.ndarray) -> None:
        """Add rows (a boolean mask) to the missing ones."""
        self.missing = rows if self.missing is None else self.missing | rows


def as_columns(data: Any) -> Columns:
    """``data`` as :class:`Columns` (a Columns object is returned as is)."""
    return data if isinstance(data, Columns) else Columns(data)


def expression_runtime(spec: DesignSpec, position: int) -> PatsyExpression:
    """The patsy evaluator of an expression factor, with its learned state (cached on
    the spec; rebuilt after pickling or loading, in numpy's and patsy's namespace)."""
    cache = spec.__dict__.setdefault("_runtimes", {})
    runtime = cache.get(position)
    if runtime is None:
        factor = spec.factors[position]
        env = spec.env if spec.env is not None else default_env()
        runtime = PatsyExpression(factor.code, env)
        runtime.with_plain_state(factor.state.get("transforms", {}))
        cache[position] = runtime
    return runtime


def expression_data(columns: Columns, names: tuple[str, ...], promote: bool) -> dict[str, Any]:
    """The columns an expression reads; integers as float64 when ``promote`` (as R
    does: ``I(x*x)`` on int8 data must not wrap around)."""
    data = {}
    for name in names:
        if name not in columns:
            continue
        column = columns[name]
        if promote and column.dtype.kind in "iu":
            column = column.astype(np.float64)
        data[name] = column
    return data


def promotes(code: str) -> bool:
    """Whether an expression is evaluated on float64 copies of integer columns: every
    expression but an explicit ``C(...)``, whose levels keep the data's own type."""
    return not code.startswith("C(")


def numeric_values(
    spec: DesignSpec,
    position: int,
    columns: Columns,
    expression_value: Any = None,
    used: np.ndarray | None = None,
) -> np.ndarray:
    """(n, c) float64 values of a numerical factor (splines: NaN outside ``used``)."""
    factor = spec.factors[position]
    recipe, state = factor.recipe, factor.state
    if recipe == "expression":
        value = expression_value
        if value is None:
            runtime = expression_runtime(spec, position)
            value = runtime.evaluate(expression_data(columns, factor.variables, True))
        return _as_matrix(value, factor)
    x = _numeric_column(columns, factor.variables[0])
    if recipe == "column":
        return x[:, None]
    if recipe in ("center", "standardize"):
        out = x - state["shift"] if state.get("shift") is not None else x.copy()
        if state.get("scale") is not None:
            out /= state["scale"]
        return out[:, None]
    # Splines are evaluated where the value is present and the row is used.
    rows = ~np.isnan(x) if used is None else used & ~np.isnan(x)
    out = np.full((x.shape[0], factor.num_columns), np.nan)
    if recipe == "bs":
        out[rows] = bspline_basis(
            x[rows],
            state["knots"],
            int(state["degree"]),
            bool(state["include_intercept"]),
            factor.variables[0],
        )
    else:
        out[rows] = cubic_basis(x[rows], state["knots"], state.get("constraints"), recipe == "cc")
    return out


def _as_matrix(value: Any, factor: FactorSpec) -> np.ndarray:
    array = np.asarray(value)
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2 or array.shape[1] != factor.num_columns or array.dtype.kind not in "iufb":
        raise DataError(
            f"the term {factor.code!r} gives {array.shape} values of type {array.dtype}, "
            f"not the {factor.num_columns} numeric column(s) it gave in fitting"
        )
    return np.asarray(array, dtype=np.float64)


def _numeric_column(columns: Columns, name: str) -> np.ndarray:
    if name not in columns:
        raise FormulaError(f"the data lack the column {name!r}")
    column = columns[name]
    if is_numeric(column):
        return column.to_numpy(dtype=np.float64)
    present = column[column.notna()]
    text = present[pd.to_numeric(present, errors="coerce").isna()]
    example = (text if len(text) else present).iloc[0] if len(present) else None
    shown = f" such as {example!r} ({type(example).__name__})" if example is not None else ""
    raise DataError(
        f"column {name!r} was numeric in fitting but the data have values of type "
        f"{column.dtype}{shown}; convert them with pd.to_numeric"
    )


def categorical_codes(
    spec: DesignSpec,
    position: int,
    columns: Columns,
    expression_value: Any = None,
    used: np.ndarray | None = None,
) -> np.ndarray:
    """Level codes (-1 for missing) of a categorical factor; an unseen level in a used
    row is an error (in other rows it is -1)."""
    factor = spec.factors[position]
    if factor.recipe == "expression":
        value = expression_value
        if value is None:
            runtime = expression_runtime(spec, position)
            value = runtime.evaluate(
                expression_data(columns, factor.variables, promotes(factor.code))
            )
        values, label = unbox(value)[0], factor.code
    else:
        name = factor.variables[0]
        if name not in columns:
            raise FormulaError(f"the data lack the column {name!r}")
        values, label = columns[name], f"column {name!r}"
    return level_codes(values, factor.levels or (), label, used)


def level_codes(
    values: Any, levels: tuple, label: str, used: np.ndarray | None = None
) -> np.ndarray:
    """Codes of ``values`` among ``levels`` (-1 for missing values).

    Raises
    ------
    LevelError
        A value that is not missing and not a level, named with the known levels.

    Examples
    --------
    >>> level_codes(pd.Series(["b", None, "a"]), ("a", "b"), "g").tolist()
    [1, -1, 0]
    """
    series = values if isinstance(values, pd.Series) else pd.Series(_one_dimensional(values, label))
    if isinstance(series.dtype, pd.CategoricalDtype) and tuple(series.cat.categories) == levels:
        return series.cat.codes.to_numpy().astype(np.intp)
    if series.dtype.kind == "b" and levels == (False, True):
        return series.to_numpy().astype(np.intp)
    missing = series.isna().to_numpy()
    # Looked up by equality and hash, as patsy does (1.0 finds the level 1).
    index = pd.Index(list(levels), dtype=object)
    if isinstance(series.dtype, pd.CategoricalDtype):
        lookup = np.append(index.get_indexer(series.cat.categories.astype(object)), -1)
        codes = lookup[series.cat.codes.to_numpy()]
    else:
        try:
            codes = index.get_indexer(series.astype(object).to_numpy())
        except TypeError:  # unhashable values
            codes = np.full(len(series), -1)
    codes = np.asarray(codes, dtype=np.intp)
    unseen = (codes < 0) & ~missing
    if used is not None:
        unseen &= used
    if unseen.any():
        shown = ", ".join(repr(_plain(v)) for v in pd.unique(series[unseen].astype(object))[:5])
        raise LevelError(
            f"{label} has level(s) {shown} not seen in fitting "
            f"(known levels: {', '.join(map(repr, levels))})"
        )
    return codes


def _one_dimensional(values: Any, label: str) -> Any:
    array = np.asarray(values, dtype=object) if not isinstance(values, pd.Categorical) else values
    if getattr(array, "ndim", 1) != 1:
        raise DataError(f"{label} gives a {array.ndim}-dimensional categorical value")
    return array


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def value_missing(value: Any, n_rows: int, code: str) -> np.ndarray:
    """Rows where an evaluated factor is missing (NaN, None); checks its length.

    Examples
    --------
    >>> value_missing(np.array([1.0, np.nan]), 2, "x").tolist()
    [False, True]
    """
    data = unbox(value)[0] if is_categorical(value) else value
    if isinstance(data, (pd.Series, pd.DataFrame)):
        missing = data.isna().to_numpy()
    else:
        array = np.asarray(data)
        if array.ndim == 0:
            raise FormulaError(f"the term {code!r} gives one value, not one per row")
        missing = (
            np.asarray(pd.isna(array))
            if array.dtype.kind in "fcOSUb"
            else np.zeros(array.shape, bool)
        )
    if missing.ndim == 2:
        missing = missing.any(axis=1)
    if missing.shape[0] != n_rows:
        raise FormulaError(f"the term {code!r} gives {missing.shape[0]} values for {n_rows} rows")
    return missing


def complete_rows(spec: DesignSpec, columns: Columns, cached: dict[str, Any]) -> np.ndarray:
    """Rows where no variable the model reads, and no expression, is missing.
    Expression values are computed into ``cached`` (by factor code)."""
    complete = np.ones(columns.n_rows, dtype=bool)
    for name in spec.variables:
        if name in columns:
            complete &= columns[name].notna().to_numpy()
    for position, factor in enumerate(spec.factors):
        if factor.recipe != "expression":
            continue
        if factor.code not in cached:
            runtime = expression_runtime(spec, position)
            cached[factor.code] = runtime.evaluate(
                expression_data(columns, factor.variables, promotes(factor.code))
            )
        complete &= ~value_missing(cached[factor.code], columns.n_rows, factor.code)
    return complete


def factor_values(
    spec: DesignSpec,
    columns: Columns,
    cached: dict[str, Any] | None = None,
    used: np.ndarray | None = None,
) -> FactorValues:
    """Evaluate every factor of ``spec`` over ``columns``.

    ``cached``: expression values already computed, by factor code. ``used``: the rows
    that matter (others count as missing); default the complete rows.
    """
    cached = {} if cached is None else cached
    if used is None:
        used = complete_rows(spec, columns, cached)
    values = FactorValues(columns.n_rows)
    if not used.all():
        values.mark_missing(~used)
    for position, factor in enumerate(spec.factors):
        if factor.type == "categorical":
            codes = categorical_codes(spec, position, columns, cached.get(factor.code), used)
            values.codes[position] = codes
            bad = codes < 0
        else:
            matrix = numeric_values(spec, position, columns, cached.get(factor.code), used)
            values.numeric[position] = matrix
            bad = np.isnan(matrix).any(axis=1) if matrix.shape[1] > 1 else np.isnan(matrix[:, 0])
        bad &= used
        if bad.any():
            values.mark_missing(bad)
    return values


def kept_rows(values: FactorValues) -> np.ndarray:
    """Positions of the rows without a missing factor value."""
    if values.missing is None:
        return np.arange(values.n_rows)
    return np.flatnonzero(~values.missing)


def _widths(spec: DesignSpec, sub: SubtermSpec) -> list[int]:
    return [
        sub.contrasts[p].shape[1] if p in sub.contrasts else spec.factors[p].num_columns
        for p in sub.factors
    ]


def _combinations(widths: list[int]) -> Iterator[tuple[int, ...]]:
    # patsy's order: the left-most factor's column iterates fastest.
    for reversed_combo in itertools.product(*[range(w) for w in reversed(widths)]):
        yield reversed_combo[::-1]


def fill_rows(
    spec: DesignSpec,
    values: FactorValues,
    rows: slice | np.ndarray,
    out: np.ndarray,
    derivative: dict[int, np.ndarray] | None = None,
) -> None:
    """Write the design rows ``rows`` (or, with ``derivative`` -- factor position →
    d values / dv -- their derivative) into ``out``."""
    for term in spec.terms:
        column = term.start
        for sub in term.subterms:
            parts = [
                sub.contrasts[p][values.codes[p][rows]]
                if p in sub.contrasts
                else values.numeric[p][rows]
                for p in sub.factors
            ]
            slopes = [None if derivative is None else derivative.get(p) for p in sub.factors]
            slopes = [None if s is None else s[rows] for s in slopes]
            for i, combo in enumerate(_combinations(_widths(spec, sub))):
                target = out[:, column + i]
                if derivative is None:
                    _product(target, parts, combo)
                else:
                    target[:] = 0.0
                    for k, slope in enumerate(slopes):
                        if slope is not None:
                            others = [(p if m != k else slope) for m, p in enumerate(parts)]
                            piece = np.empty_like(target)
                            _product(piece, others, combo)
                            target += piece
            column += sub.n_columns


def _product(target: np.ndarray, parts: list[np.ndarray], combo: tuple[int, ...]) -> None:
    if not parts:
        target[:] = 1.0
        return
    target[:] = parts[0][:, combo[0]]
    for part, index in zip(parts[1:], combo[1:], strict=True):
        target *= part[:, index]


def assemble(
    spec: DesignSpec,
    values: FactorValues,
    kept: np.ndarray,
    derivative: dict[int, np.ndarray] | None = None,
) -> np.ndarray:
    """The (len(kept), k) C-ordered design (or derivative) of the rows ``kept``."""
    n = len(kept)
    out = allocate_design(spec, n)
    everything = n == values.n_rows
    # An overflowing product shows up as an infinite value, which the callers name.
    with np.errstate(over="ignore", invalid="ignore"):
        for start in range(0, n, BLOCK_ROWS):
            stop = min(n, start + BLOCK_ROWS)
            rows = slice(start, stop) if everything else kept[start:stop]
            fill_rows(spec, values, rows, out[start:stop], derivative)
    return out


def allocate_design(spec: DesignSpec, n_rows: int) -> np.ndarray:
    """An empty (n_rows, k) design, or an error saying why it cannot be held (the size,
    and the factor with the most levels: the usual cause).

    Examples
    --------
    >>> import mnlogit
    >>> spec = mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris()).model_frame.spec
    >>> allocate_design(spec, 3).shape
    (3, 2)
    """
    k = len(spec.column_names)
    try:
        return np.empty((n_rows, k))
    except MemoryError:
        widest = max(spec.factors, key=lambda f: len(f.levels or ()), default=None)
        culprit = ""
        if widest is not None and widest.levels:
            culprit = f"; the factor {widest.code!r} alone has {len(widest.levels):,} levels"
        raise DataError(
            f"the design of {n_rows:,} rows x {k:,} columns needs {n_rows * k * 8 / 1e9:.1f} GB, "
            f"more than this process can allocate{culprit}: merge rare levels, or fit fewer "
            "rows or terms"
        ) from None


def build_design(spec: DesignSpec, data: Any) -> tuple[np.ndarray, np.ndarray]:
    """Design of ``data`` and the positions of the rows kept (see DesignSpec.build)."""
    columns = as_columns(data)
    missing_columns = [v for v in spec.variables if v not in columns]
    absent = [v for v in missing_columns if not env_defines(spec.env, v)]
    if absent:
        raise FormulaError(f"the data lack the column(s) {', '.join(map(repr, absent))}")
    values = factor_values(spec, columns)
    kept = kept_rows(values)
    X = assemble(spec, values, kept)
    check_finite(X, spec.column_names)
    check_scale(X, spec.column_names, fitting=False)
    return X, kept


def factor_slopes(
    spec: DesignSpec, columns: Columns, variable: str, values: FactorValues
) -> dict[int, np.ndarray]:
    """d values / d ``variable`` of every factor reading it (analytic except for
    expressions, which get a central difference)."""
    slopes: dict[int, np.ndarray] = {}
    for position, factor in enumerate(spec.factors):
        if variable not in factor.variables:
            continue
        if factor.type == "categorical":
            raise DataError(
                f"{variable!r} enters the model as a factor ({factor.code!r}): it has discrete "
                "changes between levels, not a derivative"
            )
        recipe, state = factor.recipe, factor.state
        n = columns.n_rows
        if recipe == "column":
            slopes[position] = np.ones((n, 1))
        elif recipe in ("center", "standardize"):
            scale = state.get("scale")
            slopes[position] = np.full((n, 1), 1.0 if scale is None else 1.0 / scale)
        elif recipe in ("bs", "cr", "cc"):
            x = _numeric_column(columns, variable)
            rows = ~np.isnan(x) if values.missing is None else ~values.missing & ~np.isnan(x)
            slope = np.full((n, factor.num_columns), np.nan)
            if recipe == "bs":
                slope[rows] = bspline_basis(
                    x[rows],
                    state["knots"],
                    int(state["degree"]),
                    bool(state["include_intercept"]),
                    variable,
                    derivative=True,
                )
            else:
                slope[rows] = cubic_basis(
                    x[rows],
                    state["knots"],
                    state.get("constraints"),
                    recipe == "cc",
                    derivative=True,
                )
            slopes[position] = slope
        else:
            used = None if values.missing is None else ~values.missing
            slopes[position] = _difference(spec, position, columns, variable, used)
    return slopes


def _difference(
    spec: DesignSpec, position: int, columns: Columns, variable: str, used: np.ndarray | None
) -> np.ndarray:
    """Central difference of an expression factor in ``variable`` (a relative step)."""
    x = _numeric_column(columns, variable)
    step = _STEP * np.maximum(np.abs(x), max(1.0, float(np.nanstd(x)) if x.size else 1.0))
    up = numeric_values(spec, position, columns.with_column(variable, x + step), None, used)
    down = numeric_values(spec, position, columns.with_column(variable, x - step), None, used)
    return (up - down) / (2.0 * step)[:, None]


def build_derivative(spec: DesignSpec, data: Any, variable: str) -> tuple[np.ndarray, np.ndarray]:
    """d design row / d ``variable`` and the positions of the rows kept (see
    DesignSpec.derivative)."""
    columns = as_columns(data)
    if variable not in spec.variables:
        raise DataError(
            f"{variable!r} is not a variable of the model ({', '.join(map(repr, spec.variables))})"
        )
    values = factor_values(spec, columns)
    kept = kept_rows(values)
    slopes = factor_slopes(spec, columns, variable, values)
    return assemble(spec, values, kept, derivative=slopes), kept
