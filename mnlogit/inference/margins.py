"""Marginal effects on the outcome probabilities, with delta-method inference.

For every outcome (the reference included, in level order) and every variable:

- a continuous variable ``v`` gets the derivative ``dp_j/dv``. Through the design,
  ``dp_ij/dv = p_ij (u_ij - ū_i)`` with ``u_ij = g_i' β_j`` (β of the reference = 0),
  ``ū_i = Σ_l p_il u_il`` and ``g_i = dx_i/dv`` the derivative of the design row.
  ``g_i`` is the unit vector of ``v``'s column when ``v`` enters linearly; for
  formula terms such as ``I(v**2)`` or ``v:z`` it is the central difference of the
  patsy design in ``v`` (exact for terms linear or quadratic in ``v``).
- a categorical variable (a factor in the formula, e.g. ``C(ses)`` or a bool) gets
  the discrete change ``p_j(v = level) - p_j(v = base)`` of each non-base level; the
  base is the level coded all zeros (treatment contrasts), else the first level.

``at="overall"`` averages the per-row effects over the estimation rows (weighted by
frequency weights): average marginal effects, Stata's ``margins, dydx(*)``.
``at="mean"`` evaluates them at the (weighted) mean design row, ``margins, dydx(*)
atmeans``; a discrete change at the means sets the factor to each level in every
row and takes the mean design row. Standard errors use the analytic Jacobian of
the effects with respect to the coefficients and the fit's covariance (robust
types carry over). Rows are processed in blocks: memory is O(block · J · k).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..core.likelihood import model_probabilities
from ..core.params import unvec
from ..exceptions import DataError, MNLogitError
from .distributions import normal_quantile, two_sided_pvalues
from .prediction import probability_jacobian

At = Literal["overall", "mean"]
_BLOCK_ROWS = 8192
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


def marginal_effects(
    results: Any,
    at: At = "overall",
    variables: Sequence[str] | None = None,
    data: pd.DataFrame | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Marginal effects of every variable on every outcome probability.

    Parameters
    ----------
    results : a fitted :class:`~mnlogit.results.MNLogitResults`.
    at : ``"overall"`` (average marginal effects) or ``"mean"`` (at the means).
    variables : names to report (default: all variables of the model).
    data : rows to average over (formula fits); default the estimation rows of the
        fitted data.
    alpha : 1 - confidence level of the intervals.

    Returns
    -------
    DataFrame with columns outcome, term, effect, std_error, z, p_value, conf_low,
    conf_high, kind (``"dy/dx"`` or ``"discrete change"``), one row per outcome and
    variable (or factor level), outcomes in level order.

    Examples
    --------
    >>> import mnlogit
    >>> res = mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris())
    >>> me = res.marginal_effects()
    >>> bool(abs(me["effect"].sum()) < 1e-12)  # effects on probabilities sum to zero
    True
    """
    if at not in ("overall", "mean"):
        raise MNLogitError(f"at must be 'overall' or 'mean', got {at!r}")
    z_crit = normal_quantile(alpha)
    rows = estimation_rows(results, data)
    chosen = model_variables(results, rows[0])
    if variables is not None:
        known = {v.name: v for v in chosen}
        unknown = [v for v in variables if v not in known]
        if unknown:
            raise MNLogitError(
                f"{', '.join(map(repr, unknown))} not among the model's variables "
                f"({', '.join(map(repr, known))})"
            )
        chosen = [known[v] for v in variables]
    k = len(results.exog_names)
    coef = np.column_stack([np.zeros(k), unvec(np.asarray(results.theta), k)])
    order = results.model_frame.outcome.level_order()
    cov = np.asarray(results.vcov)
    pieces = []
    for variable in chosen:
        contrasts = (
            [(None, None)]
            if not variable.levels
            else [(level, variable.base) for level in variable.levels if level != variable.base]
        )
        for level, base in contrasts:
            effect, jac = _effect(results, rows, variable, (level, base), coef, at)
            se = np.sqrt(np.maximum(np.einsum("jp,pq,jq->j", jac, cov, jac), 0.0))
            term = variable.name if level is None else f"{variable.name}[{level} vs {base}]"
            kind = "dy/dx" if level is None else "discrete change"
            pieces.append((term, kind, effect[order], se[order]))
    return _table(results.outcome_levels, pieces, z_crit)


def _table(levels: tuple, pieces: list, z_crit: float) -> pd.DataFrame:
    records = []
    for j, outcome in enumerate(levels):
        for term, kind, effect, se in pieces:
            z = effect[j] / se[j] if se[j] > 0 else np.nan
            records.append((outcome, term, effect[j], se[j], z, kind))
    table = pd.DataFrame(records, columns=["outcome", "term", "effect", "std_error", "z", "kind"])
    table["p_value"] = two_sided_pvalues(table["z"].to_numpy())
    table["conf_low"] = table["effect"] - z_crit * table["std_error"]
    table["conf_high"] = table["effect"] + z_crit * table["std_error"]
    return table[COLUMNS]


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


def _designs(
    results: Any,
    rows_data: Any,
    fitted: bool,
    variable: Variable,
    contrast: tuple[Any, Any],
) -> Iterator[tuple[slice, np.ndarray, np.ndarray]]:
    """Per row block: (rows, X or X at the level, dX/dv or X at the base)."""
    frame = results.model_frame
    n = frame.n_rows if rows_data is None else len(rows_data)
    for start in range(0, n, _BLOCK_ROWS):
        rows = slice(start, min(n, start + _BLOCK_ROWS))
        block = None if rows_data is None else rows_data.iloc[rows]
        if variable.levels:
            level, base = contrast
            yield (
                rows,
                _design_at(frame, block, variable, level),
                _design_at(frame, block, variable, base),
            )
            continue
        X = frame.X[rows] if fitted else _design(frame, block)
        if variable.column is not None:  # enters linearly: dX/dv is its unit column
            grad = np.zeros_like(X)
            grad[:, variable.column] = 1.0
            yield rows, X, grad
            continue
        grad, kept = frame.design_derivative(block, variable.name)
        if len(kept) != len(block):
            raise DataError(f"{len(block) - len(kept)} rows have missing values")
        yield rows, X, grad


def _design(frame: Any, block: pd.DataFrame) -> np.ndarray:
    X, kept = frame.design_for(block)
    if len(kept) != len(block):
        raise DataError(f"{len(block) - len(kept)} rows have missing values")
    return X


def _design_at(frame: Any, block: pd.DataFrame, variable: Variable, value: Any) -> np.ndarray:
    column = block[variable.name]
    if isinstance(column.dtype, pd.CategoricalDtype):
        values = pd.Categorical([value] * len(block), categories=column.cat.categories)
    else:
        values = pd.Series([value] * len(block), index=block.index, dtype=column.dtype)
    return _design(frame, block.assign(**{variable.name: values}))


def _effect(
    results: Any,
    rows: tuple[Any, np.ndarray, bool],
    variable: Variable,
    contrast: tuple[Any, Any],
    coef: np.ndarray,
    at: str,
) -> tuple[np.ndarray, np.ndarray]:
    """Effect (J,) in model order and its Jacobian (J, k*m) in outcome-major order.

    ``rows`` is what :func:`estimation_rows` returns; ``contrast`` the (level, base)
    of a discrete change.
    """
    rows_data, weights, fitted = rows
    designs = _designs(results, rows_data, fitted, variable, contrast)
    total_w = float(weights.sum())
    if at == "mean":
        first = second = 0.0
        for block, A, B in designs:
            first = first + weights[block] @ A / total_w
            second = second + weights[block] @ B / total_w
        blocks = [(np.ones(1), np.atleast_2d(first), np.atleast_2d(second))]
        total_w = 1.0
    else:
        blocks = ((weights[block], A, B) for block, A, B in designs)
    effect = np.zeros(coef.shape[1])
    jac = np.zeros((coef.shape[1], coef.shape[1] - 1, coef.shape[0]))
    part = _discrete_part if variable.levels else _derivative_part
    for w, A, B in blocks:
        e, j = part(A, B, coef, w)
        effect += e
        jac += j
    return effect / total_w, jac.reshape(coef.shape[1], -1) / total_w


def _derivative_part(
    X: np.ndarray, G: np.ndarray, coef: np.ndarray, w: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted sums over a block of dp/dv and of its Jacobian (J, m, k)."""
    probs = model_probabilities(X @ coef[:, 1:])
    u = G @ coef  # (b, J): derivative of each linear predictor along v
    dev = u - np.einsum("ij,ij->i", probs, u)[:, None]
    effect = probs * dev
    jac_p = probability_jacobian(probs)  # p_ij (δ_jl - p_il)
    # d effect_ij / d β_l = [jac_p_ijl dev_ij - p_ij p_il dev_il] x_i + jac_p_ijl g_i
    c_x = jac_p * dev[:, :, None] - probs[:, :, None] * (probs[:, 1:] * dev[:, 1:])[:, None, :]
    jac = np.einsum("i,ijl,ik->jlk", w, c_x, X) + np.einsum("i,ijl,ik->jlk", w, jac_p, G)
    return w @ effect, jac


def _discrete_part(
    X_level: np.ndarray, X_base: np.ndarray, coef: np.ndarray, w: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted sums over a block of p(level) - p(base) and of its Jacobian (J, m, k)."""
    effect = np.zeros(coef.shape[1])
    jac = 0.0
    for X, sign in ((X_level, 1.0), (X_base, -1.0)):
        probs = model_probabilities(X @ coef[:, 1:])
        effect = effect + sign * (w @ probs)
        jac = jac + sign * np.einsum("i,ijl,ik->jlk", w, probability_jacobian(probs), X)
    return effect, jac
