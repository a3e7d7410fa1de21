"""Predictive margins: average predicted probabilities at grids of chosen values.

``predictions(at={"ses": ["low", "middle", "high"]})`` sets ``ses`` to each level in
every estimation row, predicts, and averages the probabilities of every outcome (with
the fit's frequency weights): Stata's ``margins ses`` after ``mlogit``, marginaleffects'
``avg_predictions(newdata = datagrid(..., grid_type = "counterfactual"))``. With
``atmeans=True`` the other variables sit at their (weighted) means -- a factor's
indicators at its sample proportions -- as in ``margins ses, atmeans`` and the
reference grids of R's ``emmeans`` with proportional weights. ``by=`` averages within
the observed groups of data columns (Stata's ``over()``).

The Jacobian of an average predicted probability is ``Σ_i w_i a_ijl x_i / Σ w``
(:func:`mnlogit.inference.averages.probability_sums`, one GEMM per row block), so
standard errors come from the delta method with the fit's covariance -- model-based,
robust, cluster or survey -- and so do differences between grid points (Stata's
``r.`` contrasts against the first point and ``pwcompare``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..exceptions import MNLogitError
from .averages import probability_sums
from .counterfactual import Item, RowSet, accumulate, block_rows_for, group_rows, make_grid
from .delta import INFERENCE_COLUMNS, delta_table
from .distributions import normal_quantile
from .margins import coefficient_matrix, estimation_rows, model_variables

Contrast = Literal["reference", "pairwise"]


def predictions(
    results: Any,
    at: Mapping[str, Any] | None = None,
    by: str | Sequence[str] | None = None,
    atmeans: bool = False,
    data: pd.DataFrame | None = None,
    alpha: float = 0.05,
    contrast: Contrast | None = None,
) -> pd.DataFrame:
    """Predictive margins of every outcome (the reference included), with delta-method
    standard errors.

    Parameters
    ----------
    results : a fitted :class:`~mnlogit.results.MNLogitResults`.
    at : dict variable -> value or list of values. The grid is the Cartesian product;
        at each point those variables are set in every row (a factor to a level).
    by : column name(s) of the data: average within each observed group.
    atmeans : evaluate at the mean design row (other variables at their means, factor
        indicators at their proportions) instead of averaging predictions.
    data : rows to average over (formula fits); default the fit's estimation rows.
    alpha : 1 - confidence level of the intervals.
    contrast : ``"reference"`` (each grid cell minus the first) or ``"pairwise"``
        (every later cell minus every earlier one): differences with their own
        standard errors, instead of the margins themselves.

    Returns
    -------
    DataFrame: one column per at-variable and by-column, then ``outcome``, ``estimate``,
    ``std_error``, ``statistic`` (z), ``p_value``, ``conf_low``, ``conf_high``; one row
    per outcome (level order) and grid cell. With ``contrast``, a ``contrast`` column
    naming the two cells replaces the at/by columns. ``attrs["held"]`` says what happens
    to the variables not in ``at``.

    Examples
    --------
    >>> import mnlogit
    >>> df = mnlogit.datasets.load_anes96()
    >>> res = mnlogit.fit("party3 ~ age + C(vote)", df)
    >>> table = res.predictions(at={"vote": [0, 1]})
    >>> table[["vote", "outcome", "estimate"]].round(3).head(2)
       vote   outcome  estimate
    0     0  Democrat     0.665
    1     1  Democrat     0.035
    >>> res.predictions(at={"vote": [0, 1]}, contrast="reference")["contrast"][0]
    '1 - 0'
    """
    normal_quantile(alpha)
    if contrast not in (None, "reference", "pairwise"):
        raise MNLogitError(f"contrast must be None, 'reference' or 'pairwise', got {contrast!r}")
    rows, weights, fitted = estimation_rows(results, data)
    variables = model_variables(results, rows)
    grid = make_grid(at, variables, rows)
    labels, groups = group_rows(by, rows)
    both = sorted(set(grid.names) & set(labels.columns))
    if both:
        raise MNLogitError(f"{', '.join(map(repr, both))} cannot be both in at= and in by=")
    rowset = RowSet(results.model_frame, rows, weights, fitted, variables)
    coef = coefficient_matrix(results)
    kernel = partial(probability_sums, coef=coef)
    items = [Item(partial(_design, settings=grid.settings(p)), kernel) for p in range(len(grid))]
    width = coef.shape[1] * (coef.shape[1] - 1) + 2 * coef.shape[0]
    # cells: grid point-major, then group
    sums = [
        accumulate(rowset, items, positions, atmeans, block_rows_for(width)) for positions in groups
    ]
    order = results.model_frame.outcome.level_order()
    estimate = np.array([[s[p][0][order] for s in sums] for p in range(len(grid))])
    jacobian = np.array([[s[p][1][order] for s in sums] for p in range(len(grid))])
    n_cells = len(grid) * len(groups)
    estimate = estimate.reshape(n_cells, -1)  # (cells, J)
    jacobian = jacobian.reshape(n_cells, estimate.shape[1], -1)
    cells = pd.concat(
        [
            grid.frame().loc[np.repeat(np.arange(len(grid)), len(groups))].reset_index(drop=True),
            labels.loc[np.tile(np.arange(len(groups)), len(grid))].reset_index(drop=True),
        ],
        axis=1,
    )
    if contrast is not None:
        cells, estimate, jacobian = _contrasts(cells, estimate, jacobian, contrast)
    table = _long_table(results, cells, estimate, jacobian, alpha)
    table.attrs["held"] = _held(grid.names, list(labels.columns), atmeans, len(rowset))
    return table


def _design(block: Any, settings: dict) -> tuple[np.ndarray]:
    return (block.design(settings),)


def _contrasts(
    cells: pd.DataFrame, estimate: np.ndarray, jacobian: np.ndarray, contrast: Contrast
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Differences between cells: each minus the first, or every later minus every earlier."""
    n_cells = len(cells)
    if n_cells < 2:
        raise MNLogitError(
            f"contrast={contrast!r} needs at least two grid cells; at= and by= give {n_cells}"
        )
    if contrast == "reference":
        pairs = [(later, 0) for later in range(1, n_cells)]
    else:
        pairs = [
            (later, earlier) for earlier in range(n_cells) for later in range(earlier + 1, n_cells)
        ]
    names = [
        cell_label(cells, later) + " - " + cell_label(cells, earlier) for later, earlier in pairs
    ]
    later, earlier = (np.array(side) for side in zip(*pairs, strict=True))
    return (
        pd.DataFrame({"contrast": names}),
        estimate[later] - estimate[earlier],
        jacobian[later] - jacobian[earlier],
    )


def cell_label(cells: pd.DataFrame, row: int) -> str:
    """A grid cell in words: its value when one variable defines the cells, else
    ``name=value`` pairs.

    Examples
    --------
    >>> import pandas as pd
    >>> cells = pd.DataFrame({"ses": ["low"], "write": [40.0]})
    >>> cell_label(cells, 0), cell_label(cells[["ses"]], 0)
    ('ses=low, write=40', 'low')
    """
    values = cells.iloc[row]
    if len(values) == 0:
        return "all rows"
    if len(values) == 1:
        return _text(values.iloc[0])
    return ", ".join(f"{name}={_text(value)}" for name, value in values.items())


def _text(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _long_table(
    results: Any, cells: pd.DataFrame, estimate: np.ndarray, jacobian: np.ndarray, alpha: float
) -> pd.DataFrame:
    """Outcome-major long table of cells (c, J) estimates with Jacobians (c, J, p)."""
    n_cells, n_out = estimate.shape
    stats = delta_table(
        estimate.T.ravel(),
        jacobian.transpose(1, 0, 2).reshape(n_cells * n_out, -1),
        results.vcov,
        alpha,
        getattr(results, "design_df", None),
    )
    keys = pd.concat([cells] * n_out, ignore_index=True)
    keys["outcome"] = np.repeat(np.asarray(results.outcome_levels, dtype=object), n_cells)
    return pd.concat([keys, stats[INFERENCE_COLUMNS]], axis=1)


def _held(names: Sequence[str], by: Sequence[str], atmeans: bool, n_rows: int) -> str:
    """What the margins do with the variables not set by ``at``, in words."""
    within = f" within each group of {', '.join(by)}" if by else ""
    if atmeans:
        rest = f"other variables at their means{within} (factors at their proportions)"
    else:
        rest = f"predictions averaged over {n_rows} rows as observed{within}"
    fixed = ", ".join(names)
    return f"{fixed} set in every row; {rest}" if fixed else rest
