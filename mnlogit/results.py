"""MNLogitResults: the estimates of one fit and everything derived from them.

Results are immutable: every statistic is computed from the stored estimate,
Hessian and ModelFrame on first use. Labels come from the outcome levels and
design-column names, never bare integer codes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from .core.newton import NewtonResult
from .core.params import unvec
from .core.separation import Separation
from .design import FitFrame, label_index
from .exceptions import DataError, MNLogitError
from .inference.covariance import (
    Correction,
    check_correction,
    correction_formula,
    cov_options,
    covariance,
)
from .inference.distributions import (
    chi2_pvalue,
    critical_value,
    two_sided_pvalues,
)
from .inference.prediction import (
    PredictionResults,
    PredictKind,
    design_rows,
    prediction_table,
)
from .model_file import encode, write
from .report import etable

if TYPE_CHECKING:  # types of the results of methods that import their module on use
    from .inference.goodness_of_fit import ClassificationTable, GoodnessOfFitResult
    from .inference.specification import IIAMethod, IIATestResult
    from .inference.wald import FTestResult, TestResult
    from .model import MNLogit
    from .report.summary import Summary

METHODS = {
    "none": "Newton-Raphson (MLE)",
    "firth": "Firth bias-reduced ML",
    "l2": "Ridge-penalised ML (lam={lam:g})",
}
TIDY_COLUMNS = [
    "outcome",
    "term",
    "estimate",
    "std_error",
    "statistic",
    "p_value",
    "conf_low",
    "conf_high",
    "odds_ratio",
    "odds_ratio_low",
    "odds_ratio_high",
    "flag",
]


def _exp(values: np.ndarray) -> np.ndarray:
    """exp of log odds ratios; beyond about 709 the ratio is +inf (not an overflow error)."""
    with np.errstate(over="ignore"):
        return np.exp(values)


class MNLogitResults:
    """Fitted baseline-category multinomial logit.

    Returned by :func:`mnlogit.fit` and :meth:`MNLogit.fit`, never built by hand: it
    holds the estimate and computes every statistic from it on first use. Each
    parameter is kept as the attribute of the same name (``frame`` as
    ``model_frame``); ``model`` is the :class:`~mnlogit.MNLogit` that made the fit
    (absent after :func:`mnlogit.load`).

    Parameters
    ----------
    frame : mnlogit.design.ModelFrame
        The rows fitted: outcome codes and levels, design matrix and its encoding,
        weights, dropped rows.
    estimate : mnlogit.core.newton.NewtonResult
        The solver's result: coefficients, log-likelihood, gradient, Hessian and
        iteration history.
    cov_type : str, default "nonrobust"
        Covariance of the estimates: ``"nonrobust"``, ``"HC0"``, ``"HC1"``,
        ``"cluster"`` or ``"linearized"`` (survey designs).
    cov_kwds : dict, optional
        What that covariance needs (clusters, small-sample correction, the survey
        design's facts).
    penalty : tuple of (str, float), default ("none", 0.0)
        The penalty of the fit: ``("none", 0)``, ``("firth", 0)`` or
        ``("l2", lam)``.
    separation : mnlogit.core.separation.Separation, optional
        The result of the separation check (default: none found).

    Examples
    --------
    >>> import mnlogit
    >>> res = mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris())
    >>> res.params.round(3)
    Species       versicolor  virginica
    term
    Intercept        -26.082    -38.759
    Sepal_Length       4.816      6.846
    """

    # The model that was fitted (MNLogit.fit sets it; None for results built otherwise).
    model: MNLogit | None = None

    def __init__(
        self,
        frame: FitFrame,
        estimate: NewtonResult,
        cov_type: str = "nonrobust",
        cov_kwds: dict[str, Any] | None = None,
        penalty: tuple[str, float] = ("none", 0.0),
        separation: Separation | None = None,
    ) -> None:
        self.model_frame = frame
        self._estimate = estimate
        self.cov_type = cov_type
        self.cov_kwds = dict(cov_kwds or {})
        self.penalty = penalty
        self.separation = separation or Separation(False)

    # -- description of the model ------------------------------------------------
    @property
    def outcome_name(self) -> str:
        """Name of the dependent variable.

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> res.outcome_name
        'party3'
        """
        return self.model_frame.outcome.name

    @property
    def reference(self) -> Any:
        """The baseline outcome, whose coefficients are fixed at zero.

        Every coefficient is a log relative-risk ratio of an outcome against it.

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> res.reference
        'Democrat'
        """
        return self.model_frame.outcome.reference

    @property
    def outcome_levels(self) -> tuple:
        """All outcome labels in level order.

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> res.outcome_levels
        ('Democrat', 'Independent', 'Republican')
        """
        return self.model_frame.outcome.levels

    @property
    def outcomes(self) -> tuple:
        """Non-reference outcome labels: the columns of ``params``.

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> res.outcomes
        ('Independent', 'Republican')
        """
        return self.model_frame.outcome.others

    @property
    def exog_names(self) -> tuple[str, ...]:
        """Design-column names: the rows of ``params``.

        Aliased columns dropped with ``drop_aliased=True`` are not among them (the tables
        show them as missing rows).

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> res.exog_names
        ('Intercept', 'age', 'income')
        """
        return self.model_frame.exog_names

    @property
    def nobs(self) -> float:
        """Number of observations.

        The sum of the frequency weights when weighted; under a survey design the number
        of rows fitted (weights there are sampling weights, see :attr:`population_size`).

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> res.nobs
        944.0
        """
        if self.is_survey:
            return float(self.model_frame.X.shape[0])
        return self.model_frame.nobs

    @property
    def n_dropped(self) -> int:
        """Rows of the data left out because of missing values.

        Examples
        --------
        >>> import warnings
        >>> import mnlogit
        >>> df = mnlogit.datasets.load_anes96()
        >>> df.loc[:9, "income"] = None
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore", mnlogit.MissingDataWarning)
        ...     res = mnlogit.fit("party3 ~ age + income", df)
        >>> res.n_dropped, res.nobs
        (10, 934.0)
        """
        return self.model_frame.n_dropped

    # -- survey design ---------------------------------------------------------------
    @property
    def is_survey(self) -> bool:
        """True for a fit under a survey design (``fit(..., design=SurveyDesign(...))``).

        Examples
        --------
        >>> import mnlogit
        >>> df = mnlogit.datasets.load_anes96()
        >>> design = mnlogit.SurveyDesign(strata="educ")
        >>> res = mnlogit.fit("party3 ~ age + income", df, design=design)
        >>> res.is_survey, res.cov_type
        (True, 'linearized')
        """
        return self.cov_type == "linearized"

    def _survey_fact(self, key: str) -> Any:
        return self.cov_kwds.get(key) if self.is_survey else None

    @property
    def design_df(self) -> int | None:
        """Design degrees of freedom of a survey fit; None without a design.

        The number of PSUs minus the number of strata, counting those with rows in the
        fit only (as R's ``degf``); the t tests, intervals and F tests of a survey fit
        use it.

        Examples
        --------
        >>> import mnlogit
        >>> df = mnlogit.datasets.load_anes96()
        >>> design = mnlogit.SurveyDesign(strata="educ")
        >>> res = mnlogit.fit("party3 ~ age + income", df, design=design)
        >>> res.design_df, res.n_psu - res.n_strata
        (937, 937)

        In a subpopulation (here 575 rows, each its own PSU, in the 7 strata):

        >>> df["older"] = df["age"] >= 40
        >>> res = mnlogit.fit("party3 ~ age + income", df, design=design, subpop="older")
        >>> res.design_df
        568
        """
        return self._survey_fact("design_df")

    @property
    def n_strata(self) -> int | None:
        """Number of strata of the survey design; None without a design.

        Examples
        --------
        >>> import mnlogit
        >>> df = mnlogit.datasets.load_anes96()
        >>> design = mnlogit.SurveyDesign(strata="educ")
        >>> res = mnlogit.fit("party3 ~ age + income", df, design=design)
        >>> res.n_strata
        7
        """
        return self._survey_fact("n_strata")

    @property
    def n_psu(self) -> int | None:
        """Number of primary sampling units of the survey design; None without a design.

        Examples
        --------
        >>> import mnlogit
        >>> df = mnlogit.datasets.load_anes96()
        >>> design = mnlogit.SurveyDesign(strata="educ")
        >>> res = mnlogit.fit("party3 ~ age + income", df, design=design)
        >>> res.n_psu
        944
        """
        return self._survey_fact("n_psu")

    @property
    def population_size(self) -> float | None:
        """Estimated population size of a survey fit; None without a design.

        The sum of the sampling weights over the design's rows (all of them, also those
        outside a subpopulation).

        Examples
        --------
        >>> import mnlogit
        >>> df = mnlogit.datasets.load_anes96()
        >>> design = mnlogit.SurveyDesign(strata="educ")
        >>> res = mnlogit.fit("party3 ~ age + income", df, design=design)
        >>> res.population_size
        944.0
        """
        return self._survey_fact("population_size")

    @property
    def subpop_size(self) -> float | None:
        """Estimated size of the subpopulation fitted (the sum of its weights), else None.

        Set when a survey fit uses part of its design (``subpop=`` or rows with missing
        values); None for a fit of the whole design or without one.

        Examples
        --------
        >>> import mnlogit
        >>> df = mnlogit.datasets.load_anes96()
        >>> design = mnlogit.SurveyDesign(strata="educ")
        >>> res = mnlogit.fit("party3 ~ age + income", df, design=design)
        >>> res.subpop_size is None
        True
        >>> df["older"] = df["age"] >= 40
        >>> res = mnlogit.fit("party3 ~ age + income", df, design=design, subpop="older")
        >>> res.subpop_size, res.population_size
        (575.0, 944.0)
        """
        return self._survey_fact("subpop_size")

    def _no_likelihood_inference(self, what: str) -> None:
        if self.is_survey:
            raise MNLogitError(
                f"{what} is not available under a survey design: the weighted "
                "log-likelihood is a pseudo-likelihood, so likelihood-ratio statistics are "
                "not chi-squared and information criteria have no meaning; use wald_test "
                "(design-adjusted F tests) instead"
            )

    # -- estimation ---------------------------------------------------------------
    @property
    def converged(self) -> bool:
        """Whether the Newton iterations converged.

        True only if the gradient and log-likelihood criteria held at a finite,
        negative-definite-Hessian estimate; a separated fit is never converged.

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> res.converged
        True
        """
        return self._estimate.converged

    @property
    def iterations(self) -> int:
        """Number of Newton steps taken.

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> res.iterations
        4
        """
        return self._estimate.iterations

    @property
    def history(self) -> pd.DataFrame:
        """One row per Newton step: llf, decrement, step size, max abs gradient, seconds.

        A copy: columns ``iteration``, ``llf``, ``decrement``, ``step_size``,
        ``max_abs_gradient`` and ``seconds`` (cumulative time since the start).

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> res.history[["iteration", "llf", "step_size"]].round(4)
           iteration       llf  step_size
        0          1 -998.1621        1.0
        1          2 -998.0771        1.0
        2          3 -998.0771        1.0
        3          4 -998.0771        1.0
        """
        return self._estimate.history.copy()

    @property
    def convergence_message(self) -> str:
        """Why the iterations stopped.

        ``"converged"``, or why not: the iteration limit, no step that increased the
        log-likelihood, separation, estimates still moving, or a Hessian that is not
        negative definite at the estimate.

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> res.convergence_message
        'converged'
        """
        return self._estimate.message

    @property
    def estimate(self) -> NewtonResult:
        """The solver's result: estimate, log-likelihood, gradient, Hessian, history.

        A :class:`mnlogit.core.newton.NewtonResult`; ``theta`` is the coefficient vector in
        outcome-major order (see :mod:`mnlogit.core.params`), ``hessian`` the Hessian of the
        log-likelihood there.

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> res.estimate.hessian.shape, bool(abs(res.estimate.gradient).max() < 1e-8)
        ((6, 6), True)
        """
        return self._estimate

    @cached_property
    def theta(self) -> np.ndarray:
        """The coefficients as one read-only vector in outcome-major order
        (see :mod:`mnlogit.core.params`); ``params`` is the labelled table."""
        theta = self._estimate.theta.copy()
        theta.flags.writeable = False
        return theta

    @cached_property
    def diverging(self) -> np.ndarray:
        """Read-only outcome-major mask of the coefficients that separation makes
        infinite (all False without separation); they have no covariance."""
        mask = self.separation.diverging(len(self.exog_names), len(self.outcomes))
        mask.flags.writeable = False
        return mask

    @cached_property
    def vcov(self) -> np.ndarray:
        """Covariance of ``theta`` (read-only array) for the fit's ``cov_type``;
        ``cov_params()`` is the labelled table. The rows and columns of
        :attr:`diverging` coefficients are missing."""
        cov = covariance(self._estimate.hessian, self.cov_type, results=self, **self.cov_kwds)
        # An infinite estimate has no standard error (whatever the Hessian where the
        # iterations stopped says): missing, so no Wald test can use one.
        cov[self.diverging, :] = np.nan
        cov[:, self.diverging] = np.nan
        cov.flags.writeable = False
        return cov

    def _wide(self, values: np.ndarray) -> pd.DataFrame:
        """Terms x outcomes table; aliased (dropped) columns appear as missing rows."""
        terms, outcomes = self._wide_labels
        frame = pd.DataFrame(unvec(values, len(self.exog_names)), index=terms, columns=outcomes)
        if not self.model_frame.aliased:
            return frame
        return frame.reindex(pd.Index(self.model_frame.table_names, name="term"))

    @cached_property
    def _wide_labels(self) -> tuple[pd.Index, pd.Index]:
        # Built once: params, bse, zvalues and pvalues share them (immutable Indexes).
        return (
            pd.Index(self.exog_names, name="term"),
            label_index(self.outcomes, self.outcome_name),
        )

    @cached_property
    def _long_labels(self) -> tuple[pd.Index, pd.Index]:
        """The (outcome, term) labels of the outcome-major coefficients, as two flat
        indexes (a third of the time of a MultiIndex; tuples stay labels)."""
        k, m = len(self.exog_names), len(self.outcomes)
        outcomes = label_index(self.outcomes).repeat(k)
        terms = pd.Index(list(self.exog_names)).take(np.tile(np.arange(k), m))
        return outcomes, terms

    @cached_property
    def _long_index(self) -> pd.MultiIndex:
        return pd.MultiIndex.from_product(
            [list(self.outcomes), list(self.exog_names)], names=["outcome", "term"]
        )

    @property
    def params(self) -> pd.DataFrame:
        """Coefficients: rows are design columns, columns the non-reference outcomes.

        Each is the log relative-risk ratio of the outcome against the reference per unit
        of the design column; aliased (dropped) columns are missing rows.

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> res.params.round(4)
        party3     Independent  Republican
        term
        Intercept      -1.4031     -1.7149
        age            -0.0004      0.0039
        income          0.0602      0.0841
        """
        return self._wide(self.theta)

    @property
    def bse(self) -> pd.DataFrame:
        """Standard errors, shaped like ``params``.

        From the covariance of the fit's ``cov_type`` (see :meth:`with_cov_type`).

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> res.bse.round(4)
        party3     Independent  Republican
        term
        Intercept       0.3562      0.3453
        age             0.0051      0.0047
        income          0.0143      0.0137
        """
        return self._wide(np.sqrt(np.diag(self.vcov)))

    @property
    def zvalues(self) -> pd.DataFrame:
        """Wald z statistics (coefficient over standard error), shaped like ``params``.

        ``tvalues`` is the same table (statsmodels' name); under a survey design they are
        compared with Student t, see :attr:`pvalues`.

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> res.zvalues.round(3)
        party3     Independent  Republican
        term
        Intercept       -3.939      -4.966
        age             -0.085       0.830
        income           4.213       6.115
        """
        return self._wide(self.theta / np.sqrt(np.diag(self.vcov)))

    tvalues = zvalues

    @property
    def pvalues(self) -> pd.DataFrame:
        """Two-sided p-values of the Wald tests of each coefficient, shaped like ``params``.

        Normal (z) tests; t tests with ``design_df`` degrees of freedom under a survey
        design.

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> res.pvalues.round(4)
        party3     Independent  Republican
        term
        Intercept       0.0001      0.0000
        age             0.9321      0.4066
        income          0.0000      0.0000
        """
        z = self.theta / np.sqrt(np.diag(self.vcov))
        return self._wide(two_sided_pvalues(z, self.design_df))

    def cov_params(self) -> pd.DataFrame:
        """Covariance of the estimates, labelled by (outcome, term) in outcome-major order.

        Returns
        -------
        pandas.DataFrame
            Square, with the same (outcome, term) MultiIndex on rows and columns; the rows
            and columns of coefficients that separation makes infinite are missing.

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> res.cov_params().shape
        (6, 6)
        >>> cov = res.cov_params()
        >>> round(float(cov.loc[("Independent", "income"), ("Independent", "income")]), 6)
        0.000204
        """
        return pd.DataFrame(self.vcov, index=self._long_index, columns=self._long_index)

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """Wald confidence intervals, one row per (outcome, term).

        Estimate ± z standard error (Student t with the design degrees of freedom under a
        survey design).

        Parameters
        ----------
        alpha : float, default 0.05
            1 - confidence level.

        Returns
        -------
        pandas.DataFrame
            Columns ``lower`` and ``upper``, indexed by (outcome, term) in outcome-major
            order.

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> res.conf_int().round(4)
                                lower   upper
        outcome     term
        Independent Intercept -2.1011 -0.7050
                    age       -0.0105  0.0096
                    income     0.0322  0.0882
        Republican  Intercept -2.3918 -1.0381
                    age       -0.0054  0.0132
                    income     0.0571  0.1110
        >>> list(res.conf_int(0.1).columns)
        ['lower', 'upper']
        """
        half = critical_value(alpha, self.design_df) * np.sqrt(np.diag(self.vcov))
        return pd.DataFrame(
            {"lower": self.theta - half, "upper": self.theta + half}, index=self._long_index
        )

    def odds_ratios(self, alpha: float = 0.05) -> pd.DataFrame:
        """Relative-risk ratios exp(coef) with exp-transformed confidence bounds.

        Stata's ``mlogit, rrr``: the factor by which one more unit of a design column
        multiplies the odds of an outcome against the reference.

        Parameters
        ----------
        alpha : float, default 0.05
            1 - confidence level of the bounds.

        Returns
        -------
        pandas.DataFrame
            Columns ``odds_ratio``, ``lower`` and ``upper``, indexed by (outcome, term).

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> res.odds_ratios().round(4).loc["Republican"]
                   odds_ratio   lower   upper
        term
        Intercept      0.1800  0.0915  0.3541
        age            1.0039  0.9947  1.0133
        income         1.0877  1.0588  1.1174
        """
        ci = self.conf_int(alpha)
        return pd.DataFrame(
            {
                "odds_ratio": _exp(self.theta),
                "lower": _exp(ci["lower"].to_numpy()),
                "upper": _exp(ci["upper"].to_numpy()),
            },
            index=self._long_index,
        )

    def tidy(self, alpha: float = 0.05) -> pd.DataFrame:
        """One row per (outcome, term): estimate, std_error, statistic, p_value, CI, odds ratio.

        This long table is what every report renders (broom's ``tidy``).

        Parameters
        ----------
        alpha : float, default 0.05
            1 - confidence level of the intervals.

        Returns
        -------
        pandas.DataFrame
            Columns ``outcome``, ``term``, ``estimate``, ``std_error``, ``statistic``,
            ``p_value``, ``conf_low``, ``conf_high``, ``odds_ratio``, ``odds_ratio_low``,
            ``odds_ratio_high`` and ``flag`` (``"separated"``, ``"aliased"`` or empty); one
            row per coefficient in outcome-major order, aliased columns included as rows
            with missing estimates.

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> res.tidy()[["outcome", "term", "estimate", "p_value"]].round(4)
               outcome       term  estimate  p_value
        0  Independent  Intercept   -1.4031   0.0001
        1  Independent        age   -0.0004   0.9321
        2  Independent     income    0.0602   0.0000
        3   Republican  Intercept   -1.7149   0.0000
        4   Republican        age    0.0039   0.4066
        5   Republican     income    0.0841   0.0000
        """
        se = np.sqrt(np.diag(self.vcov))
        z = self.theta / se
        half = critical_value(alpha, self.design_df) * se
        low, high = self.theta - half, self.theta + half
        table = pd.DataFrame(
            {
                "outcome": self._long_labels[0],
                "term": self._long_labels[1],
                "estimate": self.theta,
                "std_error": se,
                "statistic": z,
                "p_value": two_sided_pvalues(z, self.design_df),
                "conf_low": low,
                "conf_high": high,
                "odds_ratio": _exp(self.theta),
                "odds_ratio_low": _exp(low),
                "odds_ratio_high": _exp(high),
                "flag": np.where(self.diverging, "separated", ""),
            },
            columns=TIDY_COLUMNS,
        )
        if not self.model_frame.aliased:
            return table
        # Aliased columns as rows with missing estimates, in design order (R's NA rows).
        full = pd.MultiIndex.from_product(
            [list(self.outcomes), list(self.model_frame.table_names)], names=["outcome", "term"]
        )
        table = table.set_index(["outcome", "term"]).reindex(full).reset_index()
        table["flag"] = table["flag"].fillna("aliased")
        return table[TIDY_COLUMNS]

    # -- fit statistics -------------------------------------------------------------
    @property
    def llf(self) -> float:
        """Log-likelihood at the estimates.

        Under a survey design, the weighted log pseudo-likelihood.

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> round(res.llf, 4)
        -998.0771
        """
        return float(self._estimate.llf)

    @cached_property
    def llnull(self) -> float:
        """Log-likelihood of the intercept-only model (closed form: the outcome shares)."""
        counts = self.model_frame.outcome_counts()
        present = counts > 0
        return float(counts[present] @ np.log(counts[present] / counts.sum()))

    @property
    def n_params(self) -> int:
        """Number of estimated coefficients, k (J - 1).

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> res.n_params
        6
        """
        return int(self.theta.size)

    @property
    def df_model(self) -> int:
        """Model degrees of freedom: coefficients beyond the J - 1 intercepts.

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> res.df_model
        4
        """
        intercepts = len(self.outcomes) if self.model_frame.constant_column is not None else 0
        return self.n_params - intercepts

    @property
    def df_resid(self) -> float:
        """Residual degrees of freedom, nobs - k (J - 1).

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> res.df_resid
        938.0
        """
        return self.nobs - self.n_params

    @property
    def llr(self) -> float:
        """Likelihood-ratio chi-squared statistic against the intercept-only model.

        ``2 (llf - llnull)``; not available under a survey design (an
        :class:`~mnlogit.MNLogitError` says so).

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> round(res.llr, 4), round(2 * (res.llf - res.llnull), 4)
        (45.1179, 45.1179)
        """
        self._no_likelihood_inference("the likelihood-ratio test")
        return 2.0 * (self.llf - self.llnull)

    @property
    def llr_pvalue(self) -> float:
        """p-value of the likelihood-ratio test with ``df_model`` degrees of freedom.

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> f"{res.llr_pvalue:.3g}"
        '3.76e-09'
        """
        return chi2_pvalue(self.llr, self.df_model)

    @property
    def prsquared(self) -> float:
        """McFadden's pseudo R-squared, 1 - llf / llnull.

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> round(res.prsquared, 4)
        0.0221
        """
        return 1.0 - self.llf / self.llnull

    @property
    def deviance(self) -> float:
        """Deviance, -2 llf.

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> round(res.deviance, 3)
        1996.154
        """
        return -2.0 * self.llf

    @property
    def aic(self) -> float:
        """Akaike information criterion, -2 llf + 2 k (J - 1) (not under a survey design).

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> round(res.aic, 3)
        2008.154
        """
        self._no_likelihood_inference("AIC")
        return -2.0 * self.llf + 2.0 * self.n_params

    @property
    def bic(self) -> float:
        """Bayesian information criterion, -2 llf + log(nobs) k (J - 1).

        Not available under a survey design.

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> round(float(res.bic), 3)
        2037.255
        """
        self._no_likelihood_inference("BIC")
        return float(-2.0 * self.llf + np.log(self.nobs) * self.n_params)

    def fit_statistics(self) -> dict[str, Any]:
        """The header facts of the summary, as a dict.

        Returns
        -------
        dict
            Keys ``outcome``, ``reference``, ``outcome_levels``, ``nobs``, ``n_rows``,
            ``weighted``, ``n_dropped``, ``dropped_levels``, ``llf``, ``llnull``, ``llr``,
            ``llr_df``, ``llr_pvalue``, ``prsquared``, ``aic``, ``bic``, ``converged``,
            ``iterations``, ``cov_type``, ``cov_correction``, ``n_clusters``,
            ``cluster_var``, ``method``, ``formula``, ``aliased``, ``separation`` and
            ``survey`` (the design's facts under a survey design, else None; the
            likelihood-based entries are then None).

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> stats = res.fit_statistics()
        >>> stats["nobs"], stats["llr_df"], stats["method"]
        (944.0, 4, 'Newton-Raphson (MLE)')
        """
        frame = self.model_frame
        likelihood = not self.is_survey  # no LR test or information criteria otherwise
        return {
            "outcome": self.outcome_name,
            "reference": self.reference,
            "outcome_levels": self.outcome_levels,
            "nobs": self.nobs,
            "n_rows": frame.n_rows,
            "weighted": frame.weights is not None,
            "n_dropped": self.n_dropped,
            "dropped_levels": frame.outcome.dropped_levels,
            "llf": self.llf,
            "llnull": self.llnull,
            "llr": self.llr if likelihood else None,
            "llr_df": self.df_model,
            "llr_pvalue": self.llr_pvalue if likelihood else None,
            "prsquared": self.prsquared if likelihood else None,
            "aic": self.aic if likelihood else None,
            "bic": self.bic if likelihood else None,
            "converged": self.converged,
            "iterations": self.iterations,
            "cov_type": self.cov_type,
            "cov_correction": correction_formula(
                self.cov_type, self.cov_kwds.get("correction", "statsmodels")
            ),
            "n_clusters": self.cov_kwds.get("n_groups"),
            "cluster_var": self.cov_kwds.get("groups_name"),
            "method": METHODS[self.penalty[0]].format(lam=self.penalty[1]),
            "formula": frame.formula,
            "aliased": frame.aliased,
            "separation": (
                self.separation.describe(self.reference) if self.separation.separated else ""
            ),
            "survey": self._survey_statistics() if self.is_survey else None,
        }

    def _survey_statistics(self) -> dict[str, Any]:
        """The design facts of a survey fit and its model F test (all slopes zero)."""
        facts = {k: v for k, v in self.cov_kwds.items() if k != "meat"}
        constant = self.model_frame.constant_column
        slopes = [name for j, name in enumerate(self.exog_names) if j != constant]
        facts["model_test"] = None
        if slopes and np.isfinite(self.vcov).all():
            try:
                facts["model_test"] = self.wald_test(slopes)
            except MNLogitError:  # more slopes than design degrees of freedom
                pass
        return facts

    def summary(
        self,
        alpha: float = 0.05,
        odds_ratios: bool = False,
        rename: dict[str, str] | None = None,
        keep: list[str] | None = None,
        drop: list[str] | None = None,
        order: list[str] | None = None,
    ) -> Summary:
        """Regression table: a header of fit statistics and one block per outcome.

        ``str()`` of the result is plain text; in a notebook it renders as HTML; it also
        renders as LaTeX and Markdown (:class:`~mnlogit.report.summary.Summary`).

        Parameters
        ----------
        alpha : float, default 0.05
            1 - confidence level of the intervals.
        odds_ratios : bool, default False
            Show relative-risk ratios exp(coef) and their intervals (Stata's
            ``mlogit, rrr``) instead of coefficients.
        rename : dict, optional
            Labels of design columns or terms, as in :func:`mnlogit.compare`.
        keep : list of str, optional
            Design columns, terms or data variables to show (default: all).
        drop : list of str, optional
            Design columns, terms or data variables to leave out.
        order : list of str, optional
            Design columns, terms or data variables to show first, in this order.

        Returns
        -------
        mnlogit.report.summary.Summary
            The formatted table.

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris())
        >>> "Reference outcome" in str(res.summary())
        True
        >>> res.summary(drop=["Intercept"], rename={"Sepal_Length": "sepal"}).blocks[0].rows[0][0]
        'sepal'
        """
        from .report.summary import Summary
        from .report.terms import TermSelection

        selection = TermSelection(rename, keep, drop, order)
        return Summary.from_results(self, alpha, odds_ratios, selection)

    def __repr__(self) -> str:
        return (
            f"<MNLogitResults {self.outcome_name} ~ {len(self.exog_names)} terms, "
            f"{len(self.outcome_levels)} outcomes (reference {self.reference!r}), "
            f"nobs={self.nobs:g}, llf={self.llf:.4f}>"
        )

    def _repr_html_(self) -> str:
        return self.summary()._repr_html_()

    # -- prediction -----------------------------------------------------------------
    def predict(
        self,
        newdata: Any = None,
        kind: PredictKind = "prob",
        se: bool = False,
        alpha: float = 0.05,
    ) -> pd.DataFrame | pd.Series:
        """Predicted probabilities, most likely outcome or linear predictors.

        Rows of ``newdata`` with missing values get missing predictions, with a
        :class:`~mnlogit.MissingDataWarning`.

        Parameters
        ----------
        newdata : pandas.DataFrame or array-like, optional
            For a formula fit, a DataFrame with the formula's variables: the design is
            rebuilt with the fit's encoding (levels, contrasts and stateful transforms).
            For a fit on arrays, the design columns. None: the rows used in fitting.
        kind : {"prob", "class", "linear"}, default "prob"
            ``"prob"``: one column of probabilities per outcome label; ``"class"``: the
            most likely label; ``"linear"``: the linear predictors (log-odds of each
            non-reference outcome against the reference).
        se : bool, default False
            With ``kind="prob"``, return the long table of probabilities with
            delta-method standard errors and ``1 - alpha`` intervals
            (:meth:`get_prediction` ``.summary_frame()``).
        alpha : float, default 0.05
            1 - confidence level of the intervals (with ``se=True`` only).

        Returns
        -------
        pandas.DataFrame or pandas.Series
            Indexed like ``newdata``: a DataFrame of probabilities (``"prob"``) or linear
            predictors (``"linear"``), a Series of labels (``"class"``), or the long table
            of :meth:`~mnlogit.inference.prediction.PredictionResults.summary_frame`
            (``se=True``).

        Examples
        --------
        >>> import mnlogit
        >>> df = mnlogit.datasets.load_iris()
        >>> res = mnlogit.fit("Species ~ Sepal_Length", df)
        >>> res.predict(df.head(2)).round(3)
           setosa  versicolor  virginica
        0   0.807       0.176      0.017
        1   0.918       0.077      0.005
        >>> res.predict(df.head(2), kind="class").tolist()
        ['setosa', 'setosa']
        """
        self.check_predict_kind(kind)
        if se:
            if kind != "prob":
                raise DataError(f"se=True is available for kind='prob' only, not {kind!r}")
            return self.get_prediction(newdata, alpha).summary_frame()
        X, kept, index = design_rows(self.model_frame, newdata)
        coef = unvec(np.asarray(self.theta), len(self.exog_names))
        return prediction_table(self.model_frame.outcome, coef, X, kept, index, kind)

    @staticmethod
    def check_predict_kind(kind: Any) -> None:
        """Refuse a ``kind`` of prediction other than "prob", "class" or "linear".

        Parameters
        ----------
        kind : object
            The ``kind=`` argument given to :meth:`predict` (or the Dask engine's).

        Raises
        ------
        DataError
            If ``kind`` is not one of the three.

        Examples
        --------
        >>> MNLogitResults.check_predict_kind("prob")
        >>> MNLogitResults.check_predict_kind("odds")
        Traceback (most recent call last):
        ...
        mnlogit.exceptions.DataError: kind must be 'prob', 'class' or 'linear', got 'odds'
        """
        if kind not in ("prob", "class", "linear"):
            raise DataError(f"kind must be 'prob', 'class' or 'linear', got {kind!r}")

    # -- analyst toolkit ---------------------------------------------------------------
    def with_cov_type(
        self, cov_type: str, groups: Any = None, correction: Correction = "statsmodels"
    ) -> MNLogitResults:
        """The same fit with another covariance type, as a new results object.

        The estimates are not recomputed; standard errors, tests, intervals and tables
        use the new covariance. The original results are unchanged.

        Parameters
        ----------
        cov_type : {"nonrobust", "HC0", "HC1", "cluster"}
            ``"nonrobust"`` (inverse information), ``"HC0"``, ``"HC1"`` (sandwich) or
            ``"cluster"`` (cluster-robust); see :mod:`mnlogit.inference.covariance` for the
            formulas.
        groups : str or array-like, optional
            Clusters for ``"cluster"``: a column name of the fitted data or one label per
            row; default: the clusters this fit already uses.
        correction : {"statsmodels", "stata"} or None, default "statsmodels"
            Small-sample factor of ``HC1`` and ``cluster``: ``"statsmodels"`` (N/(N-p);
            G/(G-1)·(N-1)/(N-p)), ``"stata"`` (N/(N-1); G/(G-1)) or None.

        Returns
        -------
        MNLogitResults
            A new results object sharing the estimates.

        Raises
        ------
        MNLogitError
            For a survey fit (its covariance is the linearized one its design implies).

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> robust = res.with_cov_type("HC1")
        >>> robust.cov_type, res.cov_type
        ('HC1', 'nonrobust')
        >>> robust.bse.round(4)
        party3     Independent  Republican
        term
        Intercept       0.3749      0.3515
        age             0.0052      0.0048
        income          0.0150      0.0138
        """
        if self.is_survey or cov_type == "linearized":
            raise MNLogitError(
                "a survey fit's covariance is the linearized one its design implies; refit "
                "without design= for model-based or robust covariances"
            )
        model = self.model
        if cov_type == "cluster" and groups is None and "groups" in self.cov_kwds:
            check_correction(correction)
            cov_kwds = dict(self.cov_kwds, correction=correction)
        else:
            data = getattr(model, "data", None)
            cov_kwds = cov_options(cov_type, groups, data, self.model_frame, correction)
        new = MNLogitResults(
            self.model_frame, self._estimate, cov_type, cov_kwds, self.penalty, self.separation
        )
        new.model = model
        return new

    def wald_test(
        self,
        restriction: Any,
        outcomes: Any = None,
        equal: bool = False,
        value: Any = 0.0,
    ) -> TestResult | FTestResult:
        """Joint Wald test of linear restrictions on the coefficients.

        See :func:`mnlogit.inference.wald.wald_test`. Under a survey design the result is
        the design-adjusted F test (Stata's ``test`` after ``svy``).

        Parameters
        ----------
        restriction : str, list of str or array-like
            Term names (a design column, a formula term such as ``"C(educ)"`` or a data
            variable): their coefficients are zero (or, with ``equal=True``, equal across
            outcomes); or a matrix ``R`` with one column per coefficient in outcome-major
            order, testing ``R theta = value``.
        outcomes : list, optional
            With term names, the equations (outcomes) the restriction applies to; default:
            every non-reference outcome.
        equal : bool, default False
            With term names, test that the coefficients are equal across ``outcomes``
            (at least two; the reference stands for zero) instead of zero.
        value : float or array-like, default 0.0
            ``q`` in ``R theta = q`` (matrix restrictions only).

        Returns
        -------
        TestResult or FTestResult
            ``statistic``, ``df`` and ``pvalue`` of the chi-squared test
            (:class:`~mnlogit.inference.wald.TestResult`), or of the design-adjusted F
            test under a survey design (``FTestResult``, with ``df_denom``).

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> res.wald_test("income")
        <Wald test: chi2(2) = 42.1140, p = 7.162e-10; H0: income = 0 in every equation>
        >>> res.wald_test("income", outcomes=["Independent", "Republican"], equal=True).df
        1
        """
        from .inference.wald import wald_test

        return wald_test(self, restriction, outcomes, equal, value)

    def anova(self) -> pd.DataFrame:
        """Per-term joint Wald tests (each term zero in every equation), like ``car::Anova``.

        See :func:`mnlogit.inference.wald.anova`. Formula fits test each formula term
        (all its design columns), fits on arrays each design column; the intercept is left
        out.

        Returns
        -------
        pandas.DataFrame
            One row per term: ``df``, ``chi2`` and ``p_value`` (under a survey design
            ``df``, ``df_denom``, ``F`` and ``p_value``, design-adjusted F tests).

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> res.anova().round(4)
                df    chi2  p_value
        term
        age      2   0.900   0.6376
        income   2  42.114   0.0000
        """
        from .inference.wald import anova

        return anova(self)

    def iia_test(
        self, omit: Any = None, method: IIAMethod = "hausman", seed: Any = None
    ) -> IIATestResult | pd.DataFrame:
        """Test of the independence of irrelevant alternatives.

        Hausman-McFadden, suest-based Hausman or Small-Hsiao test of leaving one outcome
        out; see :func:`mnlogit.inference.specification.iia_test`. Needs a maximum-likelihood
        fit with at least three outcomes, without a survey design.

        Parameters
        ----------
        omit : label, optional
            The outcome to leave out (not the reference); None tests each non-reference
            outcome in turn, as Stata's ``mlogtest, iia`` does.
        method : {"hausman", "suest", "small-hsiao"}, default "hausman"
            The test (see :mod:`mnlogit.inference.specification`).
        seed : int or numpy.random.Generator, optional
            Seed or generator of the random split of ``"small-hsiao"`` (one split serves
            every omitted outcome of a call); unused by the other methods.

        Returns
        -------
        IIATestResult or pandas.DataFrame
            For one omitted outcome: ``statistic``, ``df``, ``pvalue``, ``notes`` and
            ``details``; for ``omit=None``: one row per omitted outcome with ``chi2``,
            ``df``, ``p_value`` and ``note``.

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> res.iia_test("Republican").df
        3
        >>> res.iia_test(method="suest").columns.tolist()
        ['chi2', 'df', 'p_value', 'note']
        """
        from .inference.specification import iia_test

        return iia_test(self, omit, method, seed)

    def gof_test(self, groups: int = 10) -> GoodnessOfFitResult:
        """Fagerland-Hosmer-Bofin goodness-of-fit test.

        The multinomial Hosmer-Lemeshow test (R's ``generalhoslem::logitgof``): rows are
        grouped by their predicted probability of not being the reference, and observed and
        expected counts of each outcome are compared; see
        :func:`mnlogit.inference.goodness_of_fit.gof_test`. Not under a survey design.

        Parameters
        ----------
        groups : int, default 10
            Number of groups g (at least 3; at most the number of distinct scores).

        Returns
        -------
        GoodnessOfFitResult
            ``statistic``, ``df`` = (g - 2)(J - 1), ``pvalue`` and ``table`` (observed and
            expected counts per group). A warning flags expected counts below 1 or more
            than a fifth of them below 5, where the chi-squared approximation is poor.

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> res.gof_test(groups=8)
        <Fagerland-Hosmer-Bofin goodness-of-fit test, 8 groups: chi2(12) = 24.0205, p = 0.02021>
        """
        from .inference.goodness_of_fit import gof_test

        return gof_test(self, groups)

    def classification_table(self) -> ClassificationTable:
        """Observed x predicted (most likely) outcome counts with totals, accuracy and recall.

        See :func:`mnlogit.inference.goodness_of_fit.classification_table`; frequency
        weights count as repeated rows.

        Returns
        -------
        ClassificationTable
            ``table`` (observed outcomes as rows, predicted as columns, with totals),
            ``accuracy`` (the share predicted correctly) and ``recall`` (per observed
            outcome).

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> res.classification_table()
        predicted        Democrat  Independent  Republican  Total
        observed party3
        Democrat            256.0          0.0       124.0  380.0
        Independent         112.0          0.0       127.0  239.0
        Republican          146.0          0.0       179.0  325.0
        Total               514.0          0.0       430.0  944.0
        Accuracy: 0.4608; recall by observed outcome: Democrat: 0.674, Independent: 0.000,
        Republican: 0.551
        """
        from .inference.goodness_of_fit import classification_table

        return classification_table(self)

    def pred_table(self) -> np.ndarray:
        """Observed (rows) x predicted (columns) counts as a J x J array.

        statsmodels' ``pred_table``, in ``outcome_levels`` order; see
        :func:`mnlogit.inference.goodness_of_fit.pred_table`.

        Returns
        -------
        numpy.ndarray
            Counts (frequency-weighted) of the rows observed as outcome i and predicted
            (most likely) as outcome j.

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris())
        >>> res.pred_table()
        array([[45.,  5.,  0.],
               [ 6., 30., 14.],
               [ 1., 12., 37.]])
        """
        from .inference.goodness_of_fit import pred_table

        return pred_table(self)

    def marginal_effects(
        self, at: Literal["overall", "mean"] | Mapping[str, Any] = "overall", **options: Any
    ) -> pd.DataFrame:
        """Average marginal effects, effects at the means, or at a grid of values
        (``at={"write": [40, 60]}``); see :func:`mnlogit.inference.margins.marginal_effects`.

        Parameters
        ----------
        at : {"overall", "mean"} or dict
            Average over the rows, at the mean design row, or a dict variable -> value(s)
            setting those variables in every row at each point of their grid.
        **options
            ``variables``, ``data``, ``alpha``, ``by``, ``atmeans``: as in
            :func:`mnlogit.inference.margins.marginal_effects`.

        Returns
        -------
        pandas.DataFrame
            One row per outcome, grid point, group and variable (or factor level).

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris())
        >>> res.marginal_effects()["outcome"].tolist()
        ['setosa', 'versicolor', 'virginica']
        """
        from .inference.margins import marginal_effects

        return marginal_effects(self, at=at, **options)

    def predictions(
        self,
        at: Mapping[str, Any] | None = None,
        by: str | Sequence[str] | None = None,
        atmeans: bool = False,
        data: pd.DataFrame | None = None,
        alpha: float = 0.05,
        contrast: Literal["reference", "pairwise"] | None = None,
    ) -> pd.DataFrame:
        """Predictive margins (Stata's ``margins``) with delta-method inference; see
        :func:`mnlogit.inference.predictive.predictions`.

        Parameters
        ----------
        at : dict, optional
            Variable -> value or list of values; the grid is their Cartesian product, and
            at each point those variables are set in every row.
        by : str or list of str, optional
            Data column(s): average within each observed group (Stata's ``over()``).
        atmeans : bool
            Evaluate at the mean design row instead of averaging predictions.
        data : pandas.DataFrame, optional
            Rows to average over (default: the fit's estimation rows).
        alpha : float
            1 - confidence level of the intervals.
        contrast : {"reference", "pairwise"}, optional
            Differences between grid cells (each minus the first, or every pair).

        Returns
        -------
        pandas.DataFrame
            at/by columns, outcome, estimate, std_error, statistic, p_value, conf_low,
            conf_high.

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> res.predictions(at={"age": [30, 60]})["age"].tolist()[:2]
        [30.0, 60.0]
        """
        from .inference.predictive import predictions

        return predictions(self, at, by, atmeans, data, alpha, contrast)

    def lincom(self, expression: str, alpha: float = 0.05) -> Any:
        """A linear combination of coefficients in Stata's syntax,
        ``"[general]write - [vocation]write"``; see :func:`mnlogit.inference.lincom.lincom`.

        Parameters
        ----------
        expression : str
            ``[outcome]term`` coefficients combined with ``+``, ``-``, multiplication or
            division by numbers and parentheses.
        alpha : float
            1 - confidence level of the interval.

        Returns
        -------
        mnlogit.inference.lincom.Combination
            The estimate with its standard error, z, p-value and ``conf_int()``.

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> round(res.lincom("[Republican]income - [Republican]income").estimate, 12)
        0.0
        """
        from .inference.lincom import lincom

        return lincom(self, expression, alpha)

    def nlcom(self, func: Any, alpha: float = 0.05, name: str | None = None) -> Any:
        """A smooth function of the coefficients (``func(params)``) with delta-method
        inference; see :func:`mnlogit.inference.lincom.nlcom`.

        Parameters
        ----------
        func : callable
            Called with the coefficients as a DataFrame like ``params``; returns a number
            or a Series.
        alpha : float
            1 - confidence level of the intervals.
        name : str, optional
            Label of a scalar result (default: the function's name).

        Returns
        -------
        mnlogit.inference.lincom.Combination
            The estimate(s) with standard errors, z, p-values and ``conf_int()``.

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> ratio = res.nlcom(lambda b: b.loc["age", "Republican"] / b.loc["income", "Republican"])
        >>> ratio.conf_int().columns.tolist()
        ['lower', 'upper']
        """
        from .inference.lincom import nlcom

        return nlcom(self, func, alpha, name)

    def get_prediction(self, newdata: Any = None, alpha: float = 0.05) -> PredictionResults:
        """Predicted probabilities with delta-method standard errors.

        See :func:`mnlogit.inference.prediction.get_prediction`.

        Parameters
        ----------
        newdata : pandas.DataFrame or array-like, optional
            Rows to predict, as for :meth:`predict` (default: the rows used in fitting).
        alpha : float, default 0.05
            Default 1 - confidence level of the intervals of the result.

        Returns
        -------
        mnlogit.inference.prediction.PredictionResults
            ``predicted`` probabilities and their ``se``, with ``conf_int()`` and
            ``summary_frame()``.

        Examples
        --------
        >>> import mnlogit
        >>> df = mnlogit.datasets.load_iris()
        >>> res = mnlogit.fit("Species ~ Sepal_Length", df)
        >>> pred = res.get_prediction(df.head(3))
        >>> pred.se.round(3)
        Species  setosa  versicolor  virginica
        0         0.062       0.057      0.011
        1         0.040       0.038      0.004
        2         0.021       0.021      0.001
        """
        from .inference.prediction import get_prediction

        return get_prediction(self, newdata, alpha)

    def save(self, path: Any) -> None:
        """Save the fit to ``path`` without pickle; :func:`mnlogit.load` reads it back.

        The file is a zip of JSON and npz, written atomically, so a failed save leaves
        an existing file as it was.

        Parameters
        ----------
        path : str or os.PathLike
            The file to write (replaced if it exists); ``.mnlogit`` by convention.

        Examples
        --------
        >>> import mnlogit, tempfile, os
        >>> res = mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris())
        >>> path = os.path.join(tempfile.mkdtemp(), "fit.mnlogit")
        >>> res.save(path)
        >>> mnlogit.load(path).params.equals(res.params)
        True
        """
        write(
            path,
            *encode(
                self.model_frame,
                self.estimate,
                self.cov_type,
                self.cov_kwds,
                self.penalty,
                self.separation,
            ),
        )

    def plot_effects(self, variable: str, **options: Any) -> Any:
        """Effect plot of predicted probabilities; see :func:`mnlogit.plots.plot_effects`.

        Parameters
        ----------
        variable : str
            The variable on the horizontal axis.
        **options
            ``data``, ``at``, ``outcomes``, ``alpha``, ``n_points``, ``ax``: as in
            :func:`mnlogit.plots.plot_effects`.

        Returns
        -------
        matplotlib.axes.Axes
            The axes drawn on.

        Examples
        --------
        >>> import matplotlib; matplotlib.use("Agg")
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> res.plot_effects("age").get_xlabel()
        'age'
        """
        from .plots import plot_effects

        return plot_effects(self, variable, **options)

    def plot_predictions(
        self, at: Mapping[str, Any] | None = None, x: str | None = None, **options: Any
    ) -> Any:
        """marginsplot: predictive margins over a grid, one panel per outcome; see
        :func:`mnlogit.plots.plot_predictions`.

        Parameters
        ----------
        at : dict, optional
            Variable -> value(s) of the grid.
        x : str, optional
            The variable on the horizontal axis (default: the first of ``at``).
        **options
            ``by``, ``atmeans``, ``data``, ``alpha``, ``outcomes``, ``n_points``, ``fig``.

        Returns
        -------
        matplotlib.figure.Figure
            The figure, one panel per outcome.

        Examples
        --------
        >>> import matplotlib; matplotlib.use("Agg")
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> len(res.plot_predictions(at={"age": [20, 50, 80]}).axes)
        3
        """
        from .plots import plot_predictions

        return plot_predictions(self, at, x, **options)

    def plot_odds_ratios(self, **options: Any) -> Any:
        """Forest plot of relative-risk ratios; see :func:`mnlogit.plots.plot_odds_ratios`.

        Parameters
        ----------
        **options
            ``alpha``, ``terms``, ``intercept``, ``ax``: as in
            :func:`mnlogit.plots.plot_odds_ratios`.

        Returns
        -------
        matplotlib.axes.Axes
            The axes drawn on (logarithmic horizontal axis).

        Examples
        --------
        >>> import matplotlib; matplotlib.use("Agg")
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> res.plot_odds_ratios().get_xscale()
        'log'
        """
        from .plots import plot_odds_ratios

        return plot_odds_ratios(self, **options)

    # maketables' plug-in attributes (also read by pyfixest's etable); see
    # mnlogit.report.etable, which registers mnlogit with maketables when installed.
    @property
    def __maketables_coef_table__(self) -> pd.DataFrame:
        """Coefficients for maketables: rows ``"<outcome> / <term>"``, columns b, se, t, p,
        ci95l, ci95u."""
        return etable.coef_table(self)

    def __maketables_stat__(self, key: str) -> Any:
        """A fit statistic for maketables by key (N, ll, pseudo_r2, aic, bic, se_type ...)."""
        return etable.statistic(self, key)

    @property
    def __maketables_depvar__(self) -> str:
        """The outcome and its reference outcome (for maketables)."""
        return etable.depvar(self)

    @property
    def __maketables_vcov_info__(self) -> dict[str, Any]:
        """Covariance type and cluster variable (for maketables)."""
        return etable.vcov_info(self)

    @property
    def __maketables_stat_labels__(self) -> dict[str, str]:
        """Labels of mnlogit's statistics, McFadden's pseudo-R² among them (for maketables)."""
        return dict(etable.STAT_LABELS)

    @property
    def __maketables_default_stat_keys__(self) -> list[str]:
        """Statistics maketables shows when the user names none."""
        return list(etable.DEFAULT_STAT_KEYS)


etable.register_with_maketables(MNLogitResults)
