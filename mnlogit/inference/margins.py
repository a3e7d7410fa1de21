"""Marginal effects on the outcome probabilities, with delta-method inference.

For every outcome (the reference included, in level order) and every variable:

- a continuous variable ``v`` gets the derivative ``dp_j/dv``. Through the design,
  ``dp_ij/dv = p_ij (u_ij - ū_i)`` with ``u_ij = g_i' β_j`` (β of the reference = 0),
  ``ū_i = Σ_l p_il u_il`` and ``g_i = dx_i/dv`` the derivative of the design row.
  ``g_i`` is the unit vector of ``v``'s column when ``v`` enters linearly; for
  formula terms such as ``I(v**2)`` or ``v:z`` it comes from
  :func:`~mnlogit.inference.counterfactual.design_derivative`.
- a categorical variable (a factor in the formula, e.g. ``C(ses)`` or a bool) gets
  the discrete change ``p_j(v = level) - p_j(v = base)`` of each non-base level; the
  base is the level coded all zeros (treatment contrasts), else the first level.

``at="overall"`` averages the per-row effects over the estimation rows (weighted by
frequency weights): average marginal effects, Stata's ``margins, dydx(*)``.
``at="mean"`` evaluates them at the (weighted) mean design row, ``margins, dydx(*)
atmeans``; a discrete change at the means sets the factor to each level in every
row and takes the mean design row. ``at={"write": [40, 60], "ses": "high"}`` sets
those variables in every row first (``margins, dydx(*) at(write=(40 60) ses=3)``),
one block of effects per grid point; ``by=`` averages within observed groups
(``over()``). Standard errors use the analytic Jacobian of the effects with respect to
the coefficients (:mod:`mnlogit.inference.averages`, one GEMM per row block) and the
fit's covariance (robust types carry over). Memory is O(block).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd

from ..core.params import unvec
from ..exceptions import DataError, MNLogitError
from .averages import derivative_sums, probability_sums, slope_sums
from .counterfactual import (
    Grid,
    Item,
    RowSet,
    accumulate,
    block_rows_for,
    group_rows,
    make_grid,
)
from .delta import delta_table

At = Literal["overall", "mean"]
COLUMNS = [
    "outcome",
    "term",
    "effect",
    "std_error",
    "z",
    "p_value",
    "conf_low",
    "conf_high",
    "kind",
]


@dataclass(frozen=True)
class Variable:
    """A variable of the model: continuous (``levels`` empty) or categorical."""

    name: str
    column: int | None = None  # the one design column of a variable entering linearly
    levels: tuple = ()
    base: Any = None


def model_variables(results: Any, data: pd.DataFrame | None) -> list[Variable]:
    """The variables of the right-hand side: data columns of a formula, design columns
    (without the constant) of an array fit.

    Examples
    --------
    >>> import mnlogit
    >>> df = mnlogit.datasets.load_anes96()
    >>> res = mnlogit.fit("party3 ~ age + C(vote)", df)
    >>> [(v.name, v.levels) for v in model_variables(res, df)]
    [('age', ()), ('vote', (0, 1))]
    """
    frame = results.model_frame
    spec = frame.spec
    if spec is None:
        return [
            Variable(name, column=j)
            for j, name in enumerate(results.exog_names)
            if j != frame.constant_column
        ]
    found: dict[str, Variable] = {}
    for position, factor in enumerate(spec.factors):
        for name in factor.variables:
            if factor.type == "categorical" and factor.recipe in ("column", "C"):
                levels = tuple(factor.levels or ())
                found[name] = Variable(name, levels=levels, base=spec.base_level(position))
            elif name not in found:
                column = spec.linear_column(name)
                exog = column is not None and spec.column_names[column] in results.exog_names
                index = results.exog_names.index(spec.column_names[column]) if exog else None
                found[name] = Variable(name, column=index)
    return list(found.values())


def coefficient_matrix(results: Any) -> np.ndarray:
    """The (k, J) coefficients in model order, with the reference's zero column first.

    Examples
    --------
    >>> import mnlogit
    >>> res = mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris())
    >>> coefficient_matrix(res).shape
    (2, 3)
    """
    k = len(results.exog_names)
    return np.column_stack([np.zeros(k), unvec(np.asarray(results.theta), k)])


class Effect(NamedTuple):
    """One effect at one grid point: model-order values (J,) and Jacobian (J, m·k)."""

    point: int
    term: str
    kind: str
    effect: np.ndarray
    jacobian: np.ndarray


def marginal_effects(
    results: Any,
    at: At | Mapping[str, Any] = "overall",
    variables: Sequence[str] | str | None = None,
    data: pd.DataFrame | None = None,
    alpha: float = 0.05,
    by: str | Sequence[str] | None = None,
    atmeans: bool = False,
) -> pd.DataFrame:
    """Marginal effects of every variable on every outcome probability.

    Parameters
    ----------
    results : a fitted :class:`~mnlogit.results.MNLogitResults`.
    at : ``"overall"`` (average marginal effects), ``"mean"`` (at the means), or a dict
        variable -> value or list of values: the effects averaged over the rows with
        those variables set, at every point of the grid of their combinations.
    variables : names to report (default: all variables of the model).
    data : rows to average over (formula fits); default the estimation rows of the
        fitted data.
    alpha : 1 - confidence level of the intervals.
    by : column name(s) of the data: effects averaged within each observed group.
    atmeans : with an ``at`` dict, evaluate at the mean design row instead of averaging.

    Returns
    -------
    DataFrame with one column per at-variable and by-column (when given), then outcome,
    term, effect, std_error, z, p_value, conf_low, conf_high, kind (``"dy/dx"`` or
    ``"discrete change"``): one row per outcome, grid point, group and variable (or
    factor level), outcomes in level order.

    Examples
    --------
    >>> import mnlogit
    >>> res = mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris())
    >>> me = res.marginal_effects()
    >>> bool(abs(me["effect"].sum()) < 1e-12)  # effects on probabilities sum to zero
    True
    >>> res.marginal_effects(at={"Sepal_Length": [5, 6]})["Sepal_Length"].tolist()[:2]
    [5.0, 6.0]
    """
    grid_at: Mapping[str, Any] | None = None
    if isinstance(at, str):
        if at not in ("overall", "mean"):
            raise MNLogitError(f"at must be 'overall', 'mean' or a dict, got {at!r}")
        atmeans = atmeans or at == "mean"
    else:
        grid_at = at
    rows, weights, fitted = estimation_rows(results, data)
    model_vars = model_variables(results, rows)
    chosen = _chosen(model_vars, variables)
    grid = make_grid(grid_at, model_vars, rows)
    labels, groups = group_rows(by, rows)
    rowset = RowSet(results.model_frame, rows, weights, fitted, model_vars)
    coef = coefficient_matrix(results)
    entries = []
    for group, positions in enumerate(groups):
        for effect in average_effects(rowset, chosen, grid, coef, atmeans, positions):
            entries.append((effect.point, group, effect))
    entries.sort(key=lambda entry: entry[:2])  # stable: terms keep their order
    order = results.model_frame.outcome.level_order()
    estimate = np.stack([e.effect[order] for _, _, e in entries], axis=1)  # (J, entries)
    jacobian = np.stack([e.jacobian[order] for _, _, e in entries], axis=1)
    table = delta_table(
        estimate.ravel(),
        jacobian.reshape(estimate.size, -1),
        results.vcov,
        alpha,
        getattr(results, "design_df", None),
    )
    table = table.rename(columns={"estimate": "effect", "statistic": "z"})
    n_out = len(results.outcome_levels)
    table["outcome"] = np.repeat(np.asarray(results.outcome_levels, dtype=object), len(entries))
    table["term"] = [e.term for _, _, e in entries] * n_out
    table["kind"] = [e.kind for _, _, e in entries] * n_out
    keys = grid.frame().iloc[[p for p, _, _ in entries]].reset_index(drop=True)
    if by is not None:
        keys = pd.concat(
            [keys, labels.iloc[[g for _, g, _ in entries]].reset_index(drop=True)], axis=1
        )
    keys = pd.concat([keys] * n_out, ignore_index=True)
    return pd.concat([keys, table[COLUMNS]], axis=1)


def _chosen(model_vars: list[Variable], variables: Sequence[str] | str | None) -> list[Variable]:
    if variables is None:
        return model_vars
    if isinstance(variables, str):  # one variable's name, not a sequence of letters
        variables = [variables]
    known = {v.name: v for v in model_vars}
    if not len(variables):
        raise MNLogitError(
            f"variables= is empty; name at least one of the model's variables "
            f"({', '.join(map(repr, known))}), or leave it out for all of them"
        )
    unknown = [v for v in variables if v not in known]
    if unknown:
        raise MNLogitError(
            f"{', '.join(map(repr, unknown))} not among the model's variables "
            f"({', '.join(map(repr, known))})"
        )
    return [known[v] for v in variables]


def average_effects(
    rowset: RowSet,
    chosen: Sequence[Variable],
    grid: Grid,
    coef: np.ndarray,
    atmeans: bool = False,
    positions: np.ndarray | None = None,
) -> list[Effect]:
    """Effects of the ``chosen`` variables at every grid point, averaged over the rows
    (``positions`` of them) or, with ``atmeans``, at their mean design row.

    ``coef`` is the (k, J) model-order coefficient matrix (:func:`coefficient_matrix`);
    effects and Jacobians are in model order.

    Examples
    --------
    >>> import mnlogit
    >>> df = mnlogit.datasets.load_iris()
    >>> res = mnlogit.fit("Species ~ Sepal_Length", df)
    >>> rows, weights, fitted = estimation_rows(res, None)
    >>> variables = model_variables(res, rows)
    >>> rowset = RowSet(res.model_frame, rows, weights, fitted, variables)
    >>> effects = average_effects(rowset, variables, Grid(), coefficient_matrix(res))
    >>> [(e.term, e.effect.shape) for e in effects]
    [('Sepal_Length', (3,))]
    """
    linear = [v for v in chosen if not v.levels and v.column is not None]
    curved = [v for v in chosen if not v.levels and v.column is None]
    factors = [v for v in chosen if v.levels]
    items = []
    for point in range(len(grid)):
        settings = grid.settings(point)
        if linear:
            columns = [v.column for v in linear if v.column is not None]
            items.append(
                Item(
                    partial(_design, settings=settings),
                    partial(slope_sums, coef=coef, columns=columns),
                )
            )
        for v in curved:
            items.append(
                Item(
                    partial(_design_and_derivative, settings=settings, name=v.name),
                    partial(derivative_sums, coef=coef),
                )
            )
        for v in factors:
            for level in v.levels:
                items.append(
                    Item(
                        partial(_design, settings={**settings, v.name: level}),
                        partial(probability_sums, coef=coef),
                    )
                )
    n_out, n_terms = coef.shape[1], coef.shape[0]
    # the slope kernel's widest temporary: V·J·m, or J + J² + J²m past V = J
    width = max(1, min(len(linear), n_out)) * n_out * n_out + 4 * n_terms
    sums = iter(accumulate(rowset, items, positions, atmeans, block_rows_for(width)))
    effects = []
    for point in range(len(grid)):
        if linear:
            values, jacobians = next(sums)
            effects += [
                Effect(point, v.name, "dy/dx", values[i], jacobians[i])
                for i, v in enumerate(linear)
            ]
        for v in curved:
            effects.append(Effect(point, v.name, "dy/dx", *next(sums)))
        for v in factors:
            at_level = {level: next(sums) for level in v.levels}
            base_value, base_jac = at_level[v.base]
            effects += [
                Effect(
                    point,
                    f"{v.name}[{level} vs {v.base}]",
                    "discrete change",
                    value - base_value,
                    jac - base_jac,
                )
                for level, (value, jac) in at_level.items()
                if level != v.base
            ]
    return effects


def _design(block: Any, settings: dict) -> tuple[np.ndarray]:
    return (block.design(settings),)


def _design_and_derivative(block: Any, settings: dict, name: str) -> tuple[np.ndarray, np.ndarray]:
    return block.design(settings), block.derivative(settings, name)


def estimation_rows(results: Any, data: pd.DataFrame | None) -> tuple[Any, np.ndarray, bool]:
    """The data rows to average over, their weights, and whether they are the fit's rows
    (whose design matrix is ``model_frame.X``)."""
    frame = results.model_frame
    if frame.spec is None:
        if data is not None:
            raise DataError("data= is for formula fits; array fits use their design rows")
        weights = np.ones(frame.n_rows) if frame.weights is None else frame.weights
        return None, weights, True
    if data is None:
        fitted = getattr(getattr(results, "model", None), "data", None)
        if fitted is None:
            raise DataError("the fitted data are not available (e.g. a loaded model): pass data=")
        rows = fitted.iloc[frame.row_positions]
        weights = np.ones(len(rows)) if frame.weights is None else frame.weights
        return rows, weights, True
    _, kept = frame.design_for(data)
    return data.iloc[kept], np.ones(len(kept)), False
