"""Counterfactual rows: the rows margins average over, with chosen variables set.

Stata's ``margins, at(write = (30 40))`` and marginaleffects' counterfactual grids set
each at-variable to each grid value in every row, rebuild the design with the fit's
encoding and average over the rows. This module checks ``at=`` and ``by=`` requests
against the model's variables, builds the design of a block of rows at a grid point
(a variable entering the design as one column is set in that column; anything else goes
through ``model_frame.design_for``), and runs the averaging pass over row blocks, so
memory stays O(block) whatever the number of rows.
"""

from __future__ import annotations

import functools
import itertools
import numbers
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..core.threads import available_cores, row_pool, single_threaded_blas
from ..exceptions import DataError, LevelError, MNLogitError

Settings = Mapping[str, Any]
# Float budget of one block's largest temporary: 4 MB of float64, as the fit's blocks
# (larger blocks leave the caches and ran 2-4x slower on the kernels here).
BLOCK_FLOATS = 1 << 19


@dataclass(frozen=True)
class Grid:
    """The Cartesian product of the at-values: one settings dict per point.

    Examples
    --------
    >>> grid = Grid(("ses", "write"), (("low", 40), ("low", 50)))
    >>> grid.settings(1), grid.frame()["write"].tolist()
    ({'ses': 'low', 'write': 50}, [40, 50])
    """

    names: tuple[str, ...] = ()
    points: tuple[tuple[Any, ...], ...] = ((),)

    def __len__(self) -> int:
        return len(self.points)

    def settings(self, point: int) -> dict[str, Any]:
        """The variables set at grid point ``point`` and their values."""
        return dict(zip(self.names, self.points[point], strict=True))

    def frame(self) -> pd.DataFrame:
        """One row per grid point, one column per at-variable."""
        return pd.DataFrame(list(self.points), columns=list(self.names))


def _values(name: str, given: Any) -> list[Any]:
    if isinstance(given, (str, bytes)) or not isinstance(
        given, (Sequence, np.ndarray, pd.Series, pd.Index, range)
    ):
        return [given]
    values = list(given)
    if not values:
        raise MNLogitError(f"at[{name!r}] has no values: the grid would be empty")
    return values


def check_names(names: Sequence[str], variables: Sequence[Any], rows: Any, what: str) -> None:
    """Refuse names that are not variables of the model, saying whether the data have
    such a column the model does not use.

    Examples
    --------
    >>> from types import SimpleNamespace as V
    >>> check_names(["age"], [V(name="age")], None, "at")
    >>> check_names(["agge"], [V(name="age")], None, "at")
    Traceback (most recent call last):
    ...
    mnlogit.exceptions.MNLogitError: at names 'agge', not a variable of the model (variables: 'age')
    """
    known = [v.name for v in variables]
    for name in names:
        if name in known:
            continue
        listed = ", ".join(map(repr, known))
        if rows is not None and name in rows.columns:
            raise MNLogitError(
                f"{what} names {name!r}, a column of the data that the model does not use "
                f"(the model's variables: {listed})"
            )
        raise MNLogitError(
            f"{what} names {name!r}, not a variable of the model (variables: {listed})"
        )


def make_grid(at: Mapping[str, Any] | None, variables: Sequence[Any], rows: Any) -> Grid:
    """The grid of ``at`` (variable -> value or list of values), checked against the model.

    A categorical variable's values must be among its levels; a continuous one's must be
    finite numbers. ``None`` or ``{}`` is the one point that sets nothing.

    Examples
    --------
    >>> from types import SimpleNamespace as V
    >>> variables = [V(name="ses", levels=("high", "low")), V(name="write", levels=())]
    >>> make_grid({"ses": ["low", "high"], "write": 40}, variables, None).points
    (('low', 40.0), ('high', 40.0))
    """
    if at is None:
        return Grid()
    if not isinstance(at, Mapping):
        raise MNLogitError(
            f"at must be a dict of variable -> value or list of values, got {type(at).__name__}"
        )
    check_names(list(at), variables, rows, "at")
    by_name = {v.name: v for v in variables}
    axes = []
    for name, given in at.items():
        variable = by_name[name]
        values = _values(name, given)
        if variable.levels:
            unknown = [v for v in values if _level(v, variable.levels) is None]
            if unknown:
                raise LevelError(
                    f"at[{name!r}] = {unknown[0]!r} is not a level of {name!r} "
                    f"(levels: {', '.join(map(repr, variable.levels))})"
                )
            values = [_level(v, variable.levels) for v in values]  # the levels themselves
        else:
            bad = [v for v in values if not _is_finite_number(v)]
            if bad:
                raise DataError(
                    f"at[{name!r}] must be finite numbers ({name!r} is continuous), got {bad[0]!r}"
                )
            values = [float(v) for v in values]
        axes.append(values)
    return Grid(tuple(at), tuple(itertools.product(*axes)))


def _level(value: Any, levels: tuple) -> Any:
    """The level equal to ``value`` (``1.0`` finds ``1``), or None."""
    for level in levels:
        try:
            if bool(value == level):
                return level
        except (TypeError, ValueError):  # an array or an incomparable object is no level
            return None
    return None


def _is_finite_number(value: Any) -> bool:
    return (
        isinstance(value, numbers.Real)
        and not isinstance(value, bool)
        and np.isfinite(float(value))
    )


def group_rows(by: str | Sequence[str] | None, rows: Any) -> tuple[pd.DataFrame, list[Any]]:
    """The observed groups of the ``by`` columns among the rows: one row of labels per group
    and the positions of its rows (``[None]``, all rows, without ``by``).

    Examples
    --------
    >>> import pandas as pd
    >>> labels, positions = group_rows("g", pd.DataFrame({"g": ["b", "a", "b"]}))
    >>> labels["g"].tolist(), [p.tolist() for p in positions]
    (['a', 'b'], [[1], [0, 2]])
    """
    if by is None:
        return pd.DataFrame(index=[0]), [None]
    names = [by] if isinstance(by, str) else list(by)
    if rows is None:
        raise DataError("by= names columns of the data, and an array fit has none")
    for name in names:
        if name not in rows.columns:
            raise DataError(f"by names {name!r}, not a column of the data")
        missing = int(rows[name].isna().sum())
        if missing:
            raise DataError(
                f"by column {name!r} has {missing} missing values among the {len(rows)} rows "
                "averaged over; fill or drop them first"
            )
    groups = rows.groupby(names, sort=True, observed=True).indices
    keys = [key if isinstance(key, tuple) else (key,) for key in groups]
    return pd.DataFrame(keys, columns=names), [np.asarray(p) for p in groups.values()]


class RowSet:
    """The rows margins average over: their data (formula fits), weights and designs.

    Parameters
    ----------
    frame : the fit's model frame (``design_for`` rebuilds designs).
    rows : the data rows (formula fits) or None (array fits: the design rows).
    weights : (n,) weights of the rows.
    fitted : whether the rows are the fitted ones, whose design is ``frame.X``.
    variables : the model's variables (``mnlogit.inference.margins.model_variables``).

    Examples
    --------
    >>> import mnlogit
    >>> from mnlogit.inference.margins import estimation_rows, model_variables
    >>> res = mnlogit.fit("party3 ~ age + C(vote)", mnlogit.datasets.load_anes96())
    >>> rows, weights, fitted = estimation_rows(res, None)
    >>> rowset = RowSet(res.model_frame, rows, weights, fitted, model_variables(res, rows))
    >>> block = next(rowset.blocks(None, 5))
    >>> block.design({"age": 30.0, "vote": 1}).tolist()[0]
    [1.0, 1.0, 30.0]
    """

    def __init__(
        self, frame: Any, rows: Any, weights: np.ndarray, fitted: bool, variables: Sequence[Any]
    ) -> None:
        self.frame = frame
        self.rows = rows
        self.weights = np.asarray(weights, dtype=float)
        self.fitted = fitted
        self.variables = {v.name: v for v in variables}

    def __len__(self) -> int:
        return len(self.weights)

    def blocks(
        self, positions: np.ndarray | None, size: int, span: tuple[int, int] | None = None
    ) -> Iterator[RowBlock]:
        """Consecutive blocks of at most ``size`` rows (of ``positions``, default all;
        entries ``span = (start, stop)`` of them, default every one)."""
        n = len(self) if positions is None else len(positions)
        first, last = (0, n) if span is None else span
        for start in range(first, last, size):
            chunk = slice(start, min(last, start + size))
            yield RowBlock(self, chunk if positions is None else positions[chunk])


class RowBlock:
    """One block of a :class:`RowSet`: weights, data rows and designs at grid points."""

    def __init__(self, rowset: RowSet, index: slice | np.ndarray) -> None:
        self.rowset = rowset
        self.weights = rowset.weights[index]
        self.rows: Any = None if rowset.rows is None else rowset.rows.iloc[index]
        self._index = index
        self._recent: dict[Hashable, np.ndarray] = {}

    @functools.cached_property
    def X(self) -> np.ndarray:
        """The block's design as observed."""
        if self.rowset.fitted:
            return self.rowset.frame.X[self._index]
        return design_of(self.rowset.frame, self.rows)

    def design(self, settings: Settings) -> np.ndarray:
        """The design with the variables of ``settings`` set to their values in every row."""
        key = tuple(settings.items())
        if key in self._recent:
            return self._recent[key]
        variables = self.rowset.variables
        general = [n for n in settings if variables[n].column is None]
        if general:
            X = design_of(self.rowset.frame, self.counterfactual_rows(settings))
        else:
            X = self.X.copy() if settings else self.X
        for name, value in settings.items():
            column = variables[name].column
            if column is not None:
                X[:, column] = value
        # Keep the last two designs: a grid point's design serves all its effects.
        if len(self._recent) == 2:
            self._recent.pop(next(iter(self._recent)))
        self._recent[key] = X
        return X

    def counterfactual_rows(self, settings: Settings) -> pd.DataFrame:
        """The data rows with the variables of ``settings`` that need the formula set."""
        variables = self.rowset.variables
        changed = {
            name: column_at(self.rows[name], value, bool(variables[name].levels))
            for name, value in settings.items()
            if variables[name].column is None
        }
        return self.rows.assign(**changed) if changed else self.rows

    def derivative(self, settings: Settings, name: str) -> np.ndarray:
        """dX/dv of the rows at the grid point, v = ``name`` (a continuous variable)."""
        if self.rows is None or self.rowset.variables[name].column is not None:
            gradient = np.zeros_like(self.X)
            gradient[:, self.rowset.variables[name].column] = 1.0
            return gradient
        return design_derivative(self.rowset.frame, self.counterfactual_rows(settings), name)


def column_at(column: pd.Series, value: Any, categorical: bool) -> Any:
    """A column of the same length holding ``value`` in every row (keeping a
    categorical column's categories; continuous values as floats).

    Examples
    --------
    >>> import pandas as pd
    >>> column_at(pd.Series(pd.Categorical(["a", "b"])), "b", True).tolist()
    ['b', 'b']
    """
    if isinstance(column.dtype, pd.CategoricalDtype):
        return pd.Categorical([value] * len(column), categories=column.cat.categories)
    if categorical:
        return pd.Series([value] * len(column), index=column.index, dtype=column.dtype)
    return pd.Series(float(value), index=column.index)


def design_of(frame: Any, rows: pd.DataFrame) -> np.ndarray:
    """The design of complete data rows; a row the encoding cannot use is an error.

    Examples
    --------
    >>> import mnlogit
    >>> df = mnlogit.datasets.load_anes96()
    >>> res = mnlogit.fit("party3 ~ np.log(age)", df)
    >>> design_of(res.model_frame, df.head(2).assign(age=-1.0))
    Traceback (most recent call last):
    ...
    mnlogit.exceptions.DataError: 2 of 2 rows give missing design values at the requested ...
    """
    X, kept = frame.design_for(rows)
    if len(kept) != len(rows):
        raise DataError(
            f"{len(rows) - len(kept)} of {len(rows)} rows give missing design values at the "
            "requested settings (e.g. the log of a non-positive value)"
        )
    return X


def design_derivative(frame: Any, rows: pd.DataFrame, name: str) -> np.ndarray:
    """dX/dv of data rows with respect to the continuous variable ``name``: the design
    layer's derivative (analytic for columns, centring, splines and their products).

    Examples
    --------
    >>> import mnlogit
    >>> df = mnlogit.datasets.load_anes96()
    >>> res = mnlogit.fit("party3 ~ age + I(age**2)", df)
    >>> design_derivative(res.model_frame, df.head(1), "age").round(6).tolist()
    [[0.0, 1.0, 72.0]]
    """
    gradient, kept = frame.design_derivative(rows, name)
    if len(kept) != len(rows):
        raise DataError(
            f"{len(rows) - len(kept)} of {len(rows)} rows give missing design derivatives "
            f"in {name!r} at the requested settings"
        )
    return gradient


@dataclass(frozen=True)
class Item:
    """One averaged quantity: the designs it reads from a block, and the kernel that
    sums it (and its Jacobian) over the block, called ``kernel(*designs, weights)``
    (see :func:`accumulate`)."""

    designs: Callable[[RowBlock], tuple[np.ndarray, ...]]
    kernel: Callable[..., tuple[np.ndarray, ...]]


def accumulate(
    rowset: RowSet,
    items: Sequence[Item],
    positions: np.ndarray | None = None,
    atmeans: bool = False,
    block_rows: int = 8192,
) -> list[tuple[np.ndarray, ...]]:
    """Weighted averages of every item over the rows (``positions``, default all); with
    ``atmeans``, each item evaluated at the weighted mean of its designs instead.

    Examples
    --------
    >>> import numpy as np
    >>> from types import SimpleNamespace
    >>> frame = SimpleNamespace(X=np.array([[1.0], [2.0]]))
    >>> rows = RowSet(frame, None, np.array([1.0, 3.0]), True, [])
    >>> mean = Item(lambda block: (block.X,), lambda X, w: (w @ X,))
    >>> square = Item(lambda block: (block.X,), lambda X, w: (w @ X**2,))
    >>> accumulate(rows, [mean, square]), accumulate(rows, [square], atmeans=True)
    ([(array([1.75]),), (array([3.25]),)], [(array([3.0625]),)])
    """
    weights = rowset.weights if positions is None else rowset.weights[positions]
    total = float(weights.sum())
    if not total > 0:
        raise DataError(f"the {len(weights)} rows to average over have total weight zero")

    def sums_over(span: tuple[int, int]) -> list[Any]:
        sums: list[Any] = [None] * len(items)
        for block in rowset.blocks(positions, block_rows, span):
            for i, item in enumerate(items):
                designs = item.designs(block)
                part: Sequence[np.ndarray]
                if atmeans:
                    part = [block.weights @ design for design in designs]
                else:
                    part = item.kernel(*designs, block.weights)
                sums[i] = part if sums[i] is None else _add(sums[i], part)
        return sums

    # As in the fit: contiguous spans of blocks on the row-block threads, one BLAS
    # thread each. The products here are skinny ((J·m, b) x (b, k)): a multi-threaded
    # BLAS only spins on them (8x slower on a busy machine), even without row threads.
    workers = max(1, min(available_cores(), len(weights) // (2 * block_rows)))
    edges = np.linspace(0, len(weights), workers + 1).astype(int)
    with single_threaded_blas():
        if workers == 1:
            sums = sums_over((0, len(weights)))
        else:
            spans = zip(edges[:-1], edges[1:], strict=True)
            parts = list(row_pool(workers).map(sums_over, spans))
            sums = [functools.reduce(_add, per_item) for per_item in zip(*parts, strict=True)]
    if atmeans:
        return [
            item.kernel(*(mean[None, :] / total for mean in means), np.ones(1))
            for item, means in zip(items, sums, strict=True)
        ]
    return [tuple(part / total for part in parts) for parts in sums]


def _add(left: Sequence[np.ndarray], right: Sequence[np.ndarray]) -> list[np.ndarray]:
    return [a + b for a, b in zip(left, right, strict=True)]


def block_rows_for(width: int) -> int:
    """Rows per block so that a (rows, width) temporary stays within the float budget.

    Examples
    --------
    >>> block_rows_for(400)
    1310
    """
    return int(min(65536, max(256, BLOCK_FLOATS // max(width, 1))))
