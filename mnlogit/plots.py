"""Figures (matplotlib, the optional ``plot`` extra, imported only when drawing).

- :func:`plot_effects`: predicted probability of every outcome against one
  covariate, with delta-method confidence bands, the other variables held fixed.
- :func:`plot_predictions`: Stata's ``marginsplot`` -- predictive margins over a grid,
  one panel per outcome, one line per combination of the other grid values.
- :func:`plot_odds_ratios`: forest plot of relative-risk ratios with intervals.
- :func:`plot_learning_curves`: loss and accuracy per epoch of a network's history.

Each function draws on a given Axes or Figure (or a new one) and returns it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .exceptions import DataError, MNLogitError
from .optional import require


def _pyplot() -> Any:
    return require("matplotlib.pyplot", "plot", "plotting")


def _axes(ax: Any) -> Any:
    if ax is not None:
        return ax
    _, ax = _pyplot().subplots(figsize=(6, 4))
    return ax


def effect_grid(
    results: Any,
    variable: str,
    data: pd.DataFrame | None = None,
    at: Mapping[str, Any] | None = None,
    n_points: int = 50,
) -> pd.DataFrame:
    """New data varying one variable over its observed range, the others held fixed.

    The grid :func:`plot_effects` predicts at: ``variable`` runs over ``n_points``
    equally spaced values from its minimum to its maximum (a factor: over its
    levels), and every other variable of the model is held at its value in ``at``
    or, by default, at its mean (numeric) or most frequent value (categorical).

    Parameters
    ----------
    results : MNLogitResults
        A fitted model.
    variable : str
        The variable to vary: a variable of the formula (a data column such as
        ``"age"``, not a design column such as ``"C(vote)[T.1]"``); for a fit on
        arrays, a design column name.
    data : pandas.DataFrame, optional
        Rows whose range of ``variable`` and whose means or modes of the other
        variables are used (default: the fit's estimation rows). Fits on arrays
        always use their design rows.
    at : dict, optional
        Variable -> the single value to hold it at, overriding its mean or mode.
    n_points : int, default 50
        Number of values of a continuous ``variable``.

    Returns
    -------
    pandas.DataFrame
        One row per value of ``variable``, one column per variable of the model
        (per design column for a fit on arrays), ready for ``results.predict``.

    Raises
    ------
    MNLogitError
        If ``variable`` or a name in ``at`` is not a variable of the model, or
        ``at`` gives a variable several values (that is :func:`plot_predictions`).

    Examples
    --------
    >>> import mnlogit
    >>> df = mnlogit.datasets.load_anes96()
    >>> res = mnlogit.fit("party3 ~ age + income", df)
    >>> grid = effect_grid(res, "income", n_points=3)
    >>> grid["income"].tolist(), bool(grid["age"].nunique() == 1)
    ([1.0, 12.5, 24.0], True)
    """
    from .inference.margins import estimation_rows, model_variables

    at = dict(at or {})
    frame = results.model_frame
    if frame.spec is None:
        names = list(results.exog_names)
        if data is not None:
            raise DataError("data= is for formula fits; array fits use their design rows")
        unknown = [n for n in [variable, *at] if n not in names]
        if unknown:
            raise MNLogitError(
                f"{', '.join(map(repr, unknown))} not among the design columns ({', '.join(names)})"
            )
        X = frame.X
        grid = pd.DataFrame(
            {n: np.full(n_points, at.get(n, X[:, j].mean())) for j, n in enumerate(names)}
        )
        column = X[:, names.index(variable)]
        grid[variable] = np.linspace(column.min(), column.max(), n_points)
        return grid
    rows, _, _ = estimation_rows(results, data)
    variables = {v.name: v for v in model_variables(results, rows)}
    if variable not in variables:
        raise MNLogitError(
            f"{variable!r} is not a variable of the model ({', '.join(map(repr, variables))})"
        )
    unknown = [name for name in at if name not in variables]
    if unknown:
        raise MNLogitError(f"at= names {', '.join(map(repr, unknown))}, not model variables")
    several = [n for n, v in at.items() if not isinstance(v, str) and np.ndim(v) > 0]
    if several:
        raise MNLogitError(
            f"plot_effects holds {several[0]!r} at one value; for one line per value use "
            f"plot_predictions(at={{{several[0]!r}: [...], {variable!r}: [...]}}, x={variable!r})"
        )
    target = variables[variable]
    values = (
        list(target.levels)
        if target.levels
        else np.linspace(rows[variable].min(), rows[variable].max(), n_points)
    )
    grid = pd.DataFrame(index=range(len(values)))
    for name, var in variables.items():
        if name == variable:
            continue
        if name in at:
            fixed = at[name]
        elif var.levels:
            fixed = rows[name].mode().iloc[0]
        else:
            fixed = float(pd.to_numeric(rows[name]).mean())
        grid[name] = _like(rows[name], [fixed] * len(grid))
    grid[variable] = _like(rows[variable], values) if target.levels else values
    return grid


def _like(column: pd.Series, values: Sequence[Any] | np.ndarray) -> Any:
    if isinstance(column.dtype, pd.CategoricalDtype):
        return pd.Categorical(values, categories=column.cat.categories)
    return list(values)


def plot_effects(
    results: Any,
    variable: str,
    data: pd.DataFrame | None = None,
    at: Mapping[str, Any] | None = None,
    outcomes: Sequence[Any] | None = None,
    alpha: float = 0.05,
    n_points: int = 50,
    ax: Any = None,
) -> Any:
    """Effect plot: predicted probabilities against ``variable`` with confidence bands.

    A continuous variable gives one line per outcome with a shaded ``1 - alpha``
    band; a categorical one gives points with error bars at each level. The other
    variables are held fixed as in :func:`effect_grid`, and the bands are
    delta-method intervals of the predicted probabilities
    (:meth:`~mnlogit.MNLogitResults.get_prediction`).

    Parameters
    ----------
    results : MNLogitResults
        A fitted model.
    variable : str
        The variable on the horizontal axis (a variable of the formula, or a design
        column of a fit on arrays).
    data : pandas.DataFrame, optional
        Rows giving the range of ``variable`` and the values the other variables are
        held at (default: the fit's estimation rows); see :func:`effect_grid`.
    at : dict, optional
        Variable -> the single value to hold it at (default: its mean or mode).
    outcomes : list, optional
        The outcome levels to draw (default: all).
    alpha : float, default 0.05
        1 - confidence level of the bands.
    n_points : int, default 50
        Number of values of a continuous ``variable``.
    ax : matplotlib.axes.Axes, optional
        The axes to draw on (default: a new figure's).

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on, with a legend of the outcomes.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import mnlogit
    >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
    >>> ax = plot_effects(res, "income")
    >>> [line.get_label() for line in ax.get_lines()]
    ['Democrat', 'Independent', 'Republican']
    """
    grid = effect_grid(results, variable, data, at, n_points)
    newdata = grid if results.model_frame.spec is not None else grid.to_numpy()
    pred = results.get_prediction(newdata, alpha)
    low, high = pred.conf_int()
    ax = _axes(ax)
    chosen = list(results.outcome_levels) if outcomes is None else list(outcomes)
    x = grid[variable]
    categorical = not pd.api.types.is_numeric_dtype(x) or isinstance(x.dtype, pd.CategoricalDtype)
    positions = np.arange(len(x)) if categorical else x.to_numpy(dtype=float)
    for i, outcome in enumerate(chosen):
        if outcome not in pred.predicted.columns:
            raise MNLogitError(f"{outcome!r} is not an outcome level")
        p = pred.predicted[outcome].to_numpy()
        if categorical:
            shift = (i - (len(chosen) - 1) / 2) * 0.08
            err = np.vstack([p - low[outcome].to_numpy(), high[outcome].to_numpy() - p])
            ax.errorbar(positions + shift, p, yerr=err, fmt="o-", capsize=3, label=str(outcome))
        else:
            (line,) = ax.plot(positions, p, label=str(outcome))
            ax.fill_between(
                positions,
                low[outcome],
                high[outcome],
                alpha=0.2,
                color=line.get_color(),
                linewidth=0,
            )
    if categorical:
        ax.set_xticks(positions, [str(v) for v in x])
    ax.set_xlabel(variable)
    ax.set_ylabel("Predicted probability")
    ax.set_title(f"{results.outcome_name}: predicted probabilities ({100 * (1 - alpha):g}% CI)")
    ax.legend(title=results.outcome_name)
    return ax


def plot_predictions(
    results: Any,
    at: Mapping[str, Any] | None = None,
    x: str | None = None,
    by: str | Sequence[str] | None = None,
    atmeans: bool = False,
    data: pd.DataFrame | None = None,
    alpha: float = 0.05,
    outcomes: Sequence[Any] | None = None,
    n_points: int = 25,
    fig: Any = None,
) -> Any:
    """marginsplot: predictive margins with confidence bands, one panel per outcome.

    ``x`` (default: the first variable of ``at``) runs along the horizontal axis, over
    its ``at`` values or, when ``at`` does not list it, over ``n_points`` values across its
    observed range (a factor: its levels). Every combination of the other ``at`` values
    and ``by`` groups is one line with a ``1 - alpha`` band (error bars for a factor);
    ``at`` variables with a single value are held fixed and named in the title. The
    margins are :meth:`~mnlogit.results.MNLogitResults.predictions` with the same options.

    Parameters
    ----------
    results : MNLogitResults
        A fitted model.
    at : dict, optional
        Variable -> value or list of values: the grid.
    x : str, optional
        The variable along the horizontal axis (default: the first of ``at``).
    by : str or list of str, optional
        Data column(s): one line per observed group.
    atmeans : bool
        Other variables at their means instead of averaging over the rows.
    data : pandas.DataFrame, optional
        Rows to average over (default: the fit's estimation rows).
    alpha : float
        1 - confidence level of the bands.
    outcomes : list, optional
        The outcomes to draw (default: all, one panel each).
    n_points : int
        Values of ``x`` across its range when ``at`` does not list them.
    fig : matplotlib.figure.Figure, optional
        The figure to draw into (default: a new one).

    Returns
    -------
    matplotlib.figure.Figure
        One panel per outcome.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import mnlogit
    >>> res = mnlogit.fit("party3 ~ age + C(vote)", mnlogit.datasets.load_anes96())
    >>> fig = plot_predictions(res, at={"age": [20, 50, 80], "vote": [0, 1]}, x="age")
    >>> [ax.get_title() for ax in fig.axes]
    ['Democrat', 'Independent', 'Republican']
    """
    from .inference.margins import estimation_rows, model_variables

    at = dict(at or {})
    if x is None:
        if not at:
            raise MNLogitError("plot_predictions needs x= or at= to know what to plot against")
        x = next(iter(at))
    rows, _, _ = estimation_rows(results, data)
    variables = {v.name: v for v in model_variables(results, rows)}
    if x not in variables:
        raise MNLogitError(
            f"x={x!r} is not a variable of the model (variables: {', '.join(map(repr, variables))})"
        )
    categorical = bool(variables[x].levels)
    if x not in at:
        column = rows[x] if rows is not None else results.model_frame.X[:, variables[x].column]
        at[x] = (
            list(variables[x].levels)
            if categorical
            else np.linspace(float(np.min(column)), float(np.max(column)), n_points)
        )
    table = results.predictions(at=at, by=by, atmeans=atmeans, data=data, alpha=alpha)
    fixed = [n for n in at if n != x and len(table[n].unique()) == 1]
    lines = [
        n
        for n in table.columns[: list(table.columns).index("outcome")]
        if n != x and n not in fixed
    ]
    chosen = list(results.outcome_levels) if outcomes is None else list(outcomes)
    unknown = [o for o in chosen if o not in results.outcome_levels]
    if unknown:
        raise MNLogitError(f"{unknown[0]!r} is not an outcome level")
    ncols = min(len(chosen), 3)
    nrows = -(-len(chosen) // ncols)
    if fig is None:
        fig = _pyplot().figure(figsize=(4.2 * ncols, 3.4 * nrows + 0.6))
    axes = fig.subplots(nrows, ncols, sharey=True, squeeze=False).ravel()
    for ax, outcome in zip(axes, chosen, strict=False):  # panels beyond the outcomes stay empty
        panel = table[table["outcome"] == outcome]
        _draw_lines(ax, panel, x, lines, categorical)
        ax.set_title(str(outcome))
        ax.set_xlabel(x)
    for ax in axes[len(chosen) :]:
        ax.set_visible(False)
    axes[0].set_ylabel(f"Pr({results.outcome_name})")
    if lines:
        axes[0].legend(title=", ".join(lines), fontsize="small")
    held = "; ".join([f"{n} = {_value_text(at[n])}" for n in fixed] + [table.attrs["held"]])
    fig.suptitle(
        f"Predictive margins of {results.outcome_name} with {100 * (1 - alpha):g}% CIs\n{held}",
        fontsize="medium",
    )
    fig.tight_layout()
    return fig


def _draw_lines(ax: Any, panel: pd.DataFrame, x: str, lines: list[str], categorical: bool) -> None:
    """One line (with band or error bars) per combination of the ``lines`` columns."""
    groups = panel.groupby(lines, sort=False) if lines else [((), panel)]
    n_groups = panel[lines].drop_duplicates().shape[0] if lines else 1
    for i, (key, line) in enumerate(groups):
        key = key if isinstance(key, tuple) else (key,)
        label = ", ".join(_value_text(v) for v in key) or None
        estimate = line["estimate"].to_numpy()
        if categorical:
            positions = np.arange(len(line)) + (i - (n_groups - 1) / 2) * 0.08
            err = np.vstack([estimate - line["conf_low"], line["conf_high"] - estimate])
            ax.errorbar(positions, estimate, yerr=err, fmt="o-", capsize=3, label=label)
            ax.set_xticks(np.arange(len(line)), [_value_text(v) for v in line[x]])
        else:
            values = line[x].to_numpy(dtype=float)
            (drawn,) = ax.plot(values, estimate, label=label)
            ax.fill_between(
                values,
                line["conf_low"],
                line["conf_high"],
                alpha=0.2,
                color=drawn.get_color(),
                linewidth=0,
            )


def _value_text(value: Any) -> str:
    if isinstance(value, (list, tuple, np.ndarray)) and len(value) == 1:
        value = value[0]
    return f"{value:g}" if isinstance(value, float) else str(value)


def plot_odds_ratios(
    results: Any,
    alpha: float = 0.05,
    terms: Sequence[str] | None = None,
    intercept: bool = False,
    ax: Any = None,
) -> Any:
    """Forest plot of relative-risk ratios exp(coef) with ``1 - alpha`` intervals (log axis).

    One row per non-reference outcome and design column (``"<outcome>: <term>"``),
    in the order of :meth:`~mnlogit.MNLogitResults.odds_ratios`, with a dashed line
    at a ratio of 1.

    Parameters
    ----------
    results : MNLogitResults
        A fitted model.
    alpha : float, default 0.05
        1 - confidence level of the intervals.
    terms : list of str, optional
        Design columns to show, e.g. ``["age", "income"]`` (default: all but the
        intercept).
    intercept : bool, default False
        Also show the intercepts (the baseline odds of each outcome against the
        reference).
    ax : matplotlib.axes.Axes, optional
        The axes to draw on (default: a new figure's).

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on (logarithmic horizontal axis).

    Raises
    ------
    MNLogitError
        If a name in ``terms`` is not a design column of the model.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import mnlogit
    >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
    >>> ax = plot_odds_ratios(res)
    >>> [t.get_text() for t in ax.get_yticklabels()][:2]
    ['Independent: age', 'Independent: income']
    """
    table = results.odds_ratios(alpha).reset_index()
    keep = table["term"] != "Intercept" if not intercept else np.ones(len(table), bool)
    if terms is not None:
        missing = [t for t in terms if t not in set(table["term"])]
        if missing:
            raise MNLogitError(f"{', '.join(map(repr, missing))} not among the model's terms")
        keep &= table["term"].isin(list(terms))
    table = table[keep].reset_index(drop=True)
    if table.empty:
        raise DataError("no coefficients to plot")
    ax = _axes(ax)
    y = np.arange(len(table))[::-1]
    ax.hlines(y, table["lower"], table["upper"], color="0.3")
    ax.plot(table["odds_ratio"], y, "o", color="C0", label="relative-risk ratio")
    ax.axvline(1.0, color="0.6", linestyle="--", linewidth=1)
    ax.set_xscale("log")
    ax.set_yticks(y, [f"{o}: {t}" for o, t in zip(table["outcome"], table["term"], strict=True)])
    ax.set_xlabel(f"Relative-risk ratio vs {results.reference!r} ({100 * (1 - alpha):g}% CI)")
    return ax


def plot_learning_curves(history: pd.DataFrame, fig: Any = None) -> Any:
    """Training loss (left) and train/validation accuracy (right) per epoch.

    Parameters
    ----------
    history : pandas.DataFrame
        One row per epoch with columns ``epoch``, ``train_loss`` and
        ``train_accuracy`` and optionally ``validation_accuracy``: the ``history_``
        of a fitted :class:`mnlogit.nn.MLP` or :class:`mnlogit.nn.SoftmaxRegression`.
    fig : matplotlib.figure.Figure, optional
        The figure to draw into (default: a new one).

    Returns
    -------
    matplotlib.figure.Figure
        The figure with its two panels.

    Raises
    ------
    DataError
        If ``history`` lacks one of the required columns.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import pandas as pd
    >>> h = pd.DataFrame({"epoch": [1, 2], "train_loss": [0.5, 0.3],
    ...                   "train_accuracy": [0.8, 0.9], "validation_accuracy": [0.8, 0.85]})
    >>> fig = plot_learning_curves(h)
    >>> [ax.get_ylabel() for ax in fig.axes]
    ['Training loss', 'Accuracy']
    """
    needed = {"epoch", "train_loss", "train_accuracy"}
    missing = sorted(needed - set(history.columns))
    if missing:
        raise DataError(f"history lacks the column(s) {', '.join(map(repr, missing))}")
    if fig is None:
        fig = _pyplot().figure(figsize=(9, 3.5))
    loss_ax, acc_ax = fig.subplots(1, 2)
    loss_ax.plot(history["epoch"], history["train_loss"], "o-", label="train")
    loss_ax.set_xlabel("Epoch")
    loss_ax.set_ylabel("Training loss")
    acc_ax.plot(history["epoch"], history["train_accuracy"], "o-", label="train")
    if "validation_accuracy" in history.columns:
        acc_ax.plot(history["epoch"], history["validation_accuracy"], "s-", label="validation")
    acc_ax.set_xlabel("Epoch")
    acc_ax.set_ylabel("Accuracy")
    acc_ax.legend()
    fig.tight_layout()
    return fig
