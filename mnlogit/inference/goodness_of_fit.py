"""Goodness of fit of a fitted multinomial logit: the Fagerland-Hosmer-Bofin test and
the classification table.

The Fagerland-Hosmer-Bofin (2008) test is the multinomial Hosmer-Lemeshow test,
computed as R's ``generalhoslem::logitgof`` computes it: the observations are
grouped by the score ``1 - P(reference outcome)`` at the type-7 quantiles
``0, 1/g, ..., 1`` (R's default ``quantile``; repeated cut points merged; intervals
closed on the right, the lowest one closed on both sides, as ``cut(...,
include.lowest = TRUE)``); in each group the observed count of each outcome is
compared with the sum of its predicted probabilities, and Pearson's
``Σ (O - E)² / E`` over the groups × outcomes table is referred to a chi-squared
distribution on ``(g - 2)(J - 1)`` degrees of freedom, with ``g`` the number of
non-empty groups (fewer than asked for when tied scores merge cut points;
``logitgof`` warns then, and so does this). Frequency weights count as repeated
rows throughout, the quantiles included.

Reference: Fagerland, M. W., Hosmer, D. W. and Bofin, A. M. (2008), Multinomial
goodness-of-fit tests for logistic regression models, Statistics in Medicine 27,
4238-4253.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..core.likelihood import model_probabilities
from ..core.params import unvec
from ..design import label_index
from ..exceptions import MNLogitError, MNLogitWarning, warn
from .distributions import chi2_pvalue


@dataclass(frozen=True)
class GoodnessOfFitResult:
    """The Fagerland-Hosmer-Bofin test: statistic, df, p-value and the grouped table.

    What :meth:`~mnlogit.MNLogitResults.gof_test` returns.

    Parameters
    ----------
    statistic : float
        Pearson's chi-squared over the groups x outcomes table of observed and
        expected counts.
    df : int
        Its degrees of freedom, (g - 2)(J - 1) for g non-empty groups and J outcomes.
    table : pandas.DataFrame
        One row per group (indexed by its interval of the score
        ``1 - P(reference)``) and, for each outcome, the observed and the expected
        count (columns ``("observed", outcome)`` and ``("expected", outcome)``).

    Examples
    --------
    >>> import mnlogit
    >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
    >>> test = res.gof_test(groups=8)
    >>> test
    <Fagerland-Hosmer-Bofin goodness-of-fit test, 8 groups: chi2(12) = 24.0205, p = 0.02021>
    >>> test.table["observed"].iloc[0].tolist(), test.table.index[0]
    ([60.0, 30.0, 28.0], '[0.32, 0.4513]')
    """

    statistic: float
    df: int
    table: pd.DataFrame

    @property
    def pvalue(self) -> float:
        """Upper-tail chi-squared probability of the statistic.

        Examples
        --------
        >>> import pandas as pd
        >>> round(GoodnessOfFitResult(21.026, 12, pd.DataFrame()).pvalue, 4)
        0.05
        """
        return chi2_pvalue(self.statistic, self.df)

    def __repr__(self) -> str:
        return (
            f"<Fagerland-Hosmer-Bofin goodness-of-fit test, {len(self.table)} groups: "
            f"chi2({self.df}) = {self.statistic:.4f}, p = {self.pvalue:.4g}>"
        )


@dataclass(frozen=True)
class ClassificationTable:
    """Observed × predicted (most likely) outcome counts, with totals, accuracy and recall.

    What :meth:`~mnlogit.MNLogitResults.classification_table` returns; ``print`` shows
    the table with its accuracy and recall.

    Parameters
    ----------
    table : pandas.DataFrame
        Counts with the observed outcomes as rows and the predicted ones as columns,
        plus a ``Total`` row and column (frequency-weighted).
    accuracy : float
        The share of all observations predicted correctly.
    recall : pandas.Series
        Per observed outcome, the share of its observations predicted correctly.

    Examples
    --------
    >>> import mnlogit
    >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
    >>> table = res.classification_table()
    >>> round(table.accuracy, 4), table.recall.round(3).tolist()
    (0.4608, [0.674, 0.0, 0.551])
    >>> float(table.table.loc["Total", "Total"])
    944.0
    """

    table: pd.DataFrame
    accuracy: float
    recall: pd.Series

    def __str__(self) -> str:
        recall = ", ".join(f"{k}: {v:.3f}" for k, v in self.recall.items())
        return (
            f"{self.table.to_string()}\n"
            f"Accuracy: {self.accuracy:.4f}; recall by observed outcome: {recall}"
        )

    __repr__ = __str__

    def _repr_html_(self) -> str:
        return (
            f"{self.table.to_html()}<p>Accuracy: {self.accuracy:.4f}; recall: "
            + ", ".join(f"{k}: {v:.3f}" for k, v in self.recall.items())
            + "</p>"
        )


def fitted_probabilities(results: Any) -> np.ndarray:
    """(n, J) predicted probabilities of the fitted rows, in model order (column 0 the
    reference).

    Examples
    --------
    >>> import mnlogit
    >>> res = mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris())
    >>> fitted_probabilities(res).sum(axis=1)[:3].round(12)
    array([1., 1., 1.])
    """
    frame = results.model_frame
    return model_probabilities(frame.X @ unvec(results.theta, frame.n_terms))


def type7_quantiles(
    values: np.ndarray, probs: np.ndarray, weights: np.ndarray | None = None
) -> np.ndarray:
    """R's default (type 7) quantiles; frequency weights count as repeated values.

    Without weights this is R's ``quantile(values, probs)``: with ``n`` values
    sorted, ``h = 1 + (n - 1) p`` and the quantile ``(1 - f) x[floor h] + f x[floor h + 1]``
    for ``f = h - floor h``. With weights, ``n`` is their sum and ``x`` the expanded
    sorted values (whole-number weights give exactly the quantiles of the expanded rows).

    Examples
    --------
    >>> import numpy as np
    >>> type7_quantiles(np.array([1.0, 2.0, 4.0]), np.array([0.0, 0.25, 0.5, 1.0]))
    array([1. , 1.5, 2. , 4. ])
    >>> type7_quantiles(np.array([1.0, 4.0]), np.array([0.5]), weights=np.array([2.0, 1.0]))
    array([1.])
    """
    order = np.argsort(values, kind="stable")
    x = values[order]
    counts = np.ones(x.size) if weights is None else weights[order]
    cumulative = np.cumsum(counts)
    index = 1.0 + (cumulative[-1] - 1.0) * probs
    low = np.floor(index)
    fraction = index - low
    # The value at 1-based expanded position i is the first x whose cumulative count >= i.
    last = x.size - 1
    x_low = x[np.minimum(np.searchsorted(cumulative, low, side="left"), last)]
    x_high = x[np.minimum(np.searchsorted(cumulative, low + 1.0, side="left"), last)]
    between = (fraction > 0) & (x_high != x_low)
    return np.where(between, (1.0 - fraction) * x_low + fraction * x_high, x_low)


def gof_test(results: Any, groups: int = 10) -> GoodnessOfFitResult:
    """Fagerland-Hosmer-Bofin goodness-of-fit test (R ``generalhoslem::logitgof``).

    Parameters
    ----------
    results : the fitted model.
    groups : number of groups g (at least 3; at most the number of distinct scores).

    Returns
    -------
    GoodnessOfFitResult
        ``statistic``, ``df`` = (g - 2)(J - 1) for the g groups formed, ``pvalue``
        and ``table`` (observed
        and expected counts per group). A warning flags expected counts below 1 or
        more than a fifth of them below 5, where the chi-squared approximation is poor.

    Examples
    --------
    >>> import mnlogit
    >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
    >>> test = gof_test(res, groups=10)
    >>> test.df, test.table.shape
    (16, (10, 6))
    """
    require_rows(results, "the goodness-of-fit test")
    if getattr(results, "is_survey", False):
        raise MNLogitError(
            "the Fagerland-Hosmer-Bofin test assumes independent observations; a survey "
            "design needs the design-based version (Archer and Lemeshow), which is not "
            "available: fit without design= to run it"
        )
    if isinstance(groups, bool) or not isinstance(groups, numbers.Integral) or groups < 3:
        raise MNLogitError(f"groups must be an integer of at least 3, got {groups!r}")
    frame = results.model_frame
    probs = fitted_probabilities(results)
    score = 1.0 - probs[:, 0]
    distinct = np.unique(score).size
    if groups > distinct:
        raise MNLogitError(
            f"groups={groups} exceeds the {distinct} distinct values of the score "
            f"1 - P({results.reference!r}); ask for at most {distinct} groups"
        )
    probs = probs[:, frame.outcome.level_order()]  # level order, as the table shows them
    weights = np.ones(score.size) if frame.weights is None else frame.weights
    probs_grid = np.minimum(np.arange(groups + 1) * (1.0 / groups), 1.0)  # R's seq(0, 1, 1/g)
    cuts = np.unique(type7_quantiles(score, probs_grid, frame.weights))
    group = np.clip(np.searchsorted(cuts, score, side="left") - 1, 0, cuts.size - 2)
    n_levels = len(results.outcome_levels)
    level_codes = np.argsort(frame.outcome.level_order())[frame.outcome.codes]
    observed = np.zeros((cuts.size - 1, n_levels))
    np.add.at(observed, (group, level_codes), weights)
    expected = np.zeros_like(observed)
    np.add.at(expected, group, probs * weights[:, None])
    used = observed.sum(axis=1) > 0
    observed, expected = observed[used], expected[used]
    n_groups = int(used.sum())
    if n_groups < 3:
        raise MNLogitError(
            f"tied scores leave {n_groups} groups of the {groups} asked for; the test "
            "needs at least 3"
        )
    if n_groups < groups:
        warn(
            f"tied scores leave {n_groups} groups of the {groups} asked for; df counts "
            f"the {n_groups} groups formed",
            MNLogitWarning,
        )
    _warn_small_expected(expected)
    statistic = float(((observed - expected) ** 2 / expected).sum())
    labels = [
        f"{'[' if i == 0 else '('}{cuts[i]:.4g}, {cuts[i + 1]:.4g}]" for i in np.flatnonzero(used)
    ]
    columns = pd.MultiIndex.from_product(
        [["observed", "expected"], list(results.outcome_levels)], names=["", "outcome"]
    )
    table = pd.DataFrame(
        np.hstack([observed, expected]), index=pd.Index(labels, name="group"), columns=columns
    )
    return GoodnessOfFitResult(statistic, (n_groups - 2) * (n_levels - 1), table)


def pred_table(results: Any) -> np.ndarray:
    """J × J counts: row i is the observed outcome, column j the most likely predicted
    one, in ``outcome_levels`` order (statsmodels' ``pred_table``); frequency-weighted.

    Examples
    --------
    >>> import mnlogit
    >>> res = mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris())
    >>> pred_table(res)
    array([[45.,  5.,  0.],
           [ 6., 30., 14.],
           [ 1., 12., 37.]])
    """
    frame = results.model_frame
    observed = np.argsort(frame.outcome.level_order())[frame.outcome.codes]
    # Ties go to the first outcome in level order, as predict(kind="class") does.
    predicted = fitted_probabilities(results)[:, frame.outcome.level_order()].argmax(axis=1)
    n_levels = len(results.outcome_levels)
    counts = np.zeros((n_levels, n_levels))
    np.add.at(counts, (observed, predicted), 1.0 if frame.weights is None else frame.weights)
    return counts


def classification_table(results: Any) -> ClassificationTable:
    """Observed × predicted (most likely) outcome counts with totals, accuracy and
    per-outcome recall; frequency weights count as repeated rows.

    Examples
    --------
    >>> import mnlogit
    >>> res = mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris())
    >>> table = classification_table(res)
    >>> round(table.accuracy, 4), float(table.table.loc["Total", "Total"])
    (0.7467, 150.0)
    """
    require_rows(results, "a classification table")
    counts = pred_table(results)
    levels = list(results.outcome_levels)
    table = pd.DataFrame(
        counts,
        index=label_index(levels, f"observed {results.outcome_name}"),
        columns=label_index(levels, "predicted"),
    )
    table["Total"] = table.sum(axis=1)
    table.loc["Total"] = table.sum(axis=0)
    row_totals = counts.sum(axis=1)
    with np.errstate(invalid="ignore"):
        recall = pd.Series(np.diag(counts) / row_totals, index=label_index(levels), name="recall")
    return ClassificationTable(table, float(np.trace(counts) / counts.sum()), recall)


def _warn_small_expected(expected: np.ndarray) -> None:
    below_one = int((expected < 1).sum())
    below_five = int((expected < 5).sum())
    if below_one or below_five > 0.2 * expected.size:
        warn(
            f"{below_one} expected counts are below 1 and {below_five} of {expected.size} "
            f"below 5 (smallest {expected.min():.3g}): the chi-squared approximation may "
            "be poor; use fewer groups",
            MNLogitWarning,
        )


def require_rows(results: Any, what: str) -> None:
    """Refuse a fit whose rows are not in memory (a Dask fit), naming what needs them.

    Examples
    --------
    >>> import mnlogit
    >>> require_rows(mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris()), "x")
    """
    if not getattr(results.model_frame, "in_memory", True):
        raise MNLogitError(
            f"{what} needs the fit's rows in memory, and a Dask fit keeps them on Dask; "
            "fit the model (or a sample of it) in memory to run it"
        )
