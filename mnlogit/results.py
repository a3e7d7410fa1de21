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

from .core.likelihood import model_probabilities
from .core.newton import NewtonResult
from .core.params import unvec
from .core.separation import Separation
from .design import ModelFrame, label_index
from .exceptions import DataError, MissingDataWarning, MNLogitError, warn
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
from .model_file import encode, write
from .report import etable

if TYPE_CHECKING:  # types of the results of methods that import their module on use
    from .inference.goodness_of_fit import ClassificationTable, GoodnessOfFitResult
    from .inference.specification import IIAMethod, IIATestResult

PredictKind = Literal["prob", "class", "linear"]
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

    def __init__(
        self,
        frame: ModelFrame,
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
        """Name of the dependent variable."""
        return self.model_frame.outcome.name

    @property
    def reference(self) -> Any:
        """The baseline outcome, whose coefficients are fixed at zero."""
        return self.model_frame.outcome.reference

    @property
    def outcome_levels(self) -> tuple:
        """All outcome labels in level order."""
        return self.model_frame.outcome.levels

    @property
    def outcomes(self) -> tuple:
        """Non-reference outcome labels: the columns of ``params``."""
        return self.model_frame.outcome.others

    @property
    def exog_names(self) -> tuple[str, ...]:
        """Design-column names: the rows of ``params``."""
        return self.model_frame.exog_names

    @property
    def nobs(self) -> float:
        """Number of observations: the sum of frequency weights when weighted; under a
        survey design the number of rows fitted (weights there are sampling weights)."""
        if self.is_survey:
            return float(self.model_frame.X.shape[0])
        return self.model_frame.nobs

    @property
    def n_dropped(self) -> int:
        """Rows of the data left out because of missing values."""
        return self.model_frame.n_dropped

    # -- survey design ---------------------------------------------------------------
    @property
    def is_survey(self) -> bool:
        """True for a fit under a survey design (``fit(..., design=SurveyDesign(...))``)."""
        return self.cov_type == "linearized"

    def _survey_fact(self, key: str) -> Any:
        return self.cov_kwds.get(key) if self.is_survey else None

    @property
    def design_df(self) -> int | None:
        """Design degrees of freedom (PSUs minus strata with rows in the fit) of a survey
        fit, used for its t tests, intervals and F tests; None without a design."""
        return self._survey_fact("design_df")

    @property
    def n_strata(self) -> int | None:
        """Number of strata of the survey design; None without a design."""
        return self._survey_fact("n_strata")

    @property
    def n_psu(self) -> int | None:
        """Number of primary sampling units of the survey design; None without a design."""
        return self._survey_fact("n_psu")

    @property
    def population_size(self) -> float | None:
        """Estimated population size, the sum of the sampling weights over the design's
        rows; None without a design."""
        return self._survey_fact("population_size")

    @property
    def subpop_size(self) -> float | None:
        """Estimated size of the subpopulation fitted (sum of its weights) when the fit
        uses part of the design (``subpop=`` or rows with missing values); else None."""
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
        """True only if the gradient and log-likelihood criteria held at a finite,
        negative-definite-Hessian estimate."""
        return self._estimate.converged

    @property
    def iterations(self) -> int:
        """Number of Newton steps taken."""
        return self._estimate.iterations

    @property
    def history(self) -> pd.DataFrame:
        """One row per Newton step: llf, decrement, step size, max abs gradient, seconds."""
        return self._estimate.history.copy()

    @property
    def convergence_message(self) -> str:
        """Why the iterations stopped."""
        return self._estimate.message

    @property
    def estimate(self) -> NewtonResult:
        """The solver's result: estimate, log-likelihood, gradient, Hessian, history."""
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
        frame = pd.DataFrame(
            unvec(values, len(self.exog_names)),
            index=pd.Index(self.exog_names, name="term"),
            columns=label_index(self.outcomes, self.outcome_name),
        )
        return frame.reindex(pd.Index(self.model_frame.table_names, name="term"))

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
        """Coefficients: rows are design columns, columns the non-reference outcomes."""
        return self._wide(self.theta)

    @property
    def bse(self) -> pd.DataFrame:
        """Standard errors, shaped like ``params``."""
        return self._wide(np.sqrt(np.diag(self.vcov)))

    @property
    def zvalues(self) -> pd.DataFrame:
        """Wald z statistics, shaped like ``params``."""
        return self._wide(self.theta / np.sqrt(np.diag(self.vcov)))

    tvalues = zvalues

    @property
    def pvalues(self) -> pd.DataFrame:
        """Two-sided p-values of the Wald z tests (t tests with ``design_df`` degrees of
        freedom under a survey design), shaped like ``params``."""
        z = self.theta / np.sqrt(np.diag(self.vcov))
        return self._wide(two_sided_pvalues(z, self.design_df))

    def cov_params(self) -> pd.DataFrame:
        """Covariance of the estimates, labelled by (outcome, term) in outcome-major order.

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris())
        >>> res.cov_params().shape
        (4, 4)
        """
        return pd.DataFrame(self.vcov, index=self._long_index, columns=self._long_index)

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """Wald confidence intervals, one row per (outcome, term) (Student t with the
        design degrees of freedom under a survey design).

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris())
        >>> list(res.conf_int(0.1).columns)
        ['lower', 'upper']
        """
        half = critical_value(alpha, self.design_df) * np.sqrt(np.diag(self.vcov))
        return pd.DataFrame(
            {"lower": self.theta - half, "upper": self.theta + half}, index=self._long_index
        )

    def odds_ratios(self, alpha: float = 0.05) -> pd.DataFrame:
        """Relative-risk ratios exp(coef) with exp-transformed confidence bounds.

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris())
        >>> list(res.odds_ratios().columns)
        ['odds_ratio', 'lower', 'upper']
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

        This long table is what every report renders.

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris())
        >>> res.tidy()[["outcome", "term"]].iloc[0].tolist()
        ['versicolor', 'Intercept']
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
        """Log-likelihood at the estimates."""
        return float(self._estimate.llf)

    @cached_property
    def llnull(self) -> float:
        """Log-likelihood of the intercept-only model (closed form: the outcome shares)."""
        counts = self.model_frame.outcome_counts()
        present = counts > 0
        return float(counts[present] @ np.log(counts[present] / counts.sum()))

    @property
    def n_params(self) -> int:
        """Number of estimated coefficients, k (J - 1)."""
        return int(self.theta.size)

    @property
    def df_model(self) -> int:
        """Model degrees of freedom: coefficients beyond the J - 1 intercepts."""
        intercepts = len(self.outcomes) if self.model_frame.constant_column is not None else 0
        return self.n_params - intercepts

    @property
    def df_resid(self) -> float:
        """Residual degrees of freedom, nobs - k (J - 1)."""
        return self.nobs - self.n_params

    @property
    def llr(self) -> float:
        """Likelihood-ratio chi-squared statistic against the intercept-only model
        (not under a survey design)."""
        self._no_likelihood_inference("the likelihood-ratio test")
        return 2.0 * (self.llf - self.llnull)

    @property
    def llr_pvalue(self) -> float:
        """p-value of the likelihood-ratio test with ``df_model`` degrees of freedom."""
        return chi2_pvalue(self.llr, self.df_model)

    @property
    def prsquared(self) -> float:
        """McFadden's pseudo R-squared, 1 - llf / llnull."""
        return 1.0 - self.llf / self.llnull

    @property
    def deviance(self) -> float:
        """Deviance, -2 llf."""
        return -2.0 * self.llf

    @property
    def aic(self) -> float:
        """Akaike information criterion, -2 llf + 2 k (J - 1) (not under a survey design)."""
        self._no_likelihood_inference("AIC")
        return -2.0 * self.llf + 2.0 * self.n_params

    @property
    def bic(self) -> float:
        """Bayesian information criterion, -2 llf + log(nobs) k (J - 1) (not under a
        survey design)."""
        self._no_likelihood_inference("BIC")
        return -2.0 * self.llf + np.log(self.nobs) * self.n_params

    def fit_statistics(self) -> dict[str, Any]:
        """The header facts of the summary, as a dict.

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris())
        >>> res.fit_statistics()["nobs"]
        150.0
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
    ):
        """Regression table: a header of fit statistics and one block per outcome.

        ``str()`` of the result is plain text; in a notebook it renders as HTML.

        Parameters
        ----------
        alpha : 1 - confidence level of the intervals.
        odds_ratios : show relative-risk ratios exp(coef) and their intervals
            (Stata's ``mlogit, rrr``) instead of coefficients.
        rename, keep, drop, order : choose, order and label the coefficient rows by
            design column, term or variable, as in :func:`mnlogit.compare`.

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

        Parameters
        ----------
        newdata : DataFrame (formula fits: the design is rebuilt with the fit's
            encoding -- levels, contrasts and stateful transforms) or array/DataFrame
            of design columns (array fits). None: the rows used in fitting.
        kind : ``"prob"`` (one column per outcome label), ``"class"`` (the most
            likely label) or ``"linear"`` (log-odds against the reference).
        se : with ``kind="prob"``, return the long table of probabilities with
            delta-method standard errors and ``1 - alpha`` intervals
            (:meth:`get_prediction` ``.summary_frame()``).

        Rows of ``newdata`` with missing values get missing predictions, with a warning.

        Examples
        --------
        >>> import mnlogit
        >>> df = mnlogit.datasets.load_iris()
        >>> res = mnlogit.fit("Species ~ Sepal_Length", df)
        >>> res.predict(df.head(2)).round(3)
           setosa  versicolor  virginica
        0   0.807       0.176      0.017
        1   0.918       0.077      0.005
        """
        self.check_predict_kind(kind)
        if se:
            if kind != "prob":
                raise DataError(f"se=True is available for kind='prob' only, not {kind!r}")
            return self.get_prediction(newdata, alpha).summary_frame()
        if newdata is None:
            X, index = self.model_frame.X, self.model_frame.row_index
            kept = np.arange(len(index))
        else:
            X, kept = self.model_frame.design_for(newdata)
            index = newdata.index if isinstance(newdata, (pd.DataFrame, pd.Series)) else None
            index = pd.RangeIndex(len(np.asarray(newdata))) if index is None else index
            if len(kept) < len(index):
                warn(
                    f"{len(index) - len(kept)} of {len(index)} rows of newdata have "
                    "missing values; their predictions are missing",
                    MissingDataWarning,
                )
        eta = X @ unvec(np.asarray(self.theta), len(self.exog_names))
        if kind == "linear":
            values, columns = eta, label_index(self.outcomes, "outcome")
        else:
            values = model_probabilities(eta)[:, self.model_frame.outcome.level_order()]
            columns = label_index(self.outcome_levels)
        full = np.full((len(index), values.shape[1]), np.nan)
        full[kept] = values
        if kind == "class":
            labels = np.array(self.outcome_levels + (None,), dtype=object)
            best = np.full(len(index), len(self.outcome_levels))
            best[kept] = values.argmax(axis=1)
            return pd.Series(labels[best], index=index, name=self.outcome_name)
        return pd.DataFrame(full, index=index, columns=columns)

    @staticmethod
    def check_predict_kind(kind: Any) -> None:
        """Refuse a ``kind`` of prediction other than "prob", "class" or "linear".

        Examples
        --------
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

        Parameters
        ----------
        cov_type : ``"nonrobust"``, ``"HC0"``, ``"HC1"`` or ``"cluster"``
            (see :mod:`mnlogit.inference.covariance` for the formulas).
        groups : clusters: a column name of the fitted data or one label per row;
            default: the clusters this fit already uses.
        correction : small-sample factor of ``HC1`` and ``cluster``: ``"statsmodels"``
            (N/(N-p); G/(G-1)·(N-1)/(N-p)), ``"stata"`` (N/(N-1); G/(G-1)) or None.

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris())
        >>> res.with_cov_type("HC0").cov_type, res.cov_type
        ('HC0', 'nonrobust')
        """
        if self.is_survey or cov_type == "linearized":
            raise MNLogitError(
                "a survey fit's covariance is the linearized one its design implies; refit "
                "without design= for model-based or robust covariances"
            )
        model = getattr(self, "model", None)
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
    ):
        """Joint Wald test; see :func:`mnlogit.wald.wald_test`.

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> res.wald_test("income", outcomes=["Independent", "Republican"], equal=True).df
        1
        """
        from .inference.wald import wald_test

        return wald_test(self, restriction, outcomes, equal, value)

    def anova(self) -> pd.DataFrame:
        """Per-term joint Wald tests; see :func:`mnlogit.inference.wald.anova`.

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> res.anova().columns.tolist()
        ['df', 'chi2', 'p_value']
        """
        from .inference.wald import anova

        return anova(self)

    def iia_test(
        self, omit: Any = None, method: IIAMethod = "hausman", seed: Any = None
    ) -> IIATestResult | pd.DataFrame:
        """Test of the independence of irrelevant alternatives (Hausman-McFadden,
        suest or Small-Hsiao); see :func:`mnlogit.inference.specification.iia_test`.

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> res.iia_test("Republican").df
        3
        """
        from .inference.specification import iia_test

        return iia_test(self, omit, method, seed)

    def gof_test(self, groups: int = 10) -> GoodnessOfFitResult:
        """Fagerland-Hosmer-Bofin goodness-of-fit test; see
        :func:`mnlogit.inference.goodness_of_fit.gof_test`.

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
        >>> res.gof_test(groups=8).df
        12
        """
        from .inference.goodness_of_fit import gof_test

        return gof_test(self, groups)

    def classification_table(self) -> ClassificationTable:
        """Observed × predicted outcome counts with totals, accuracy and recall; see
        :func:`mnlogit.inference.goodness_of_fit.classification_table`.

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris())
        >>> round(res.classification_table().accuracy, 4)
        0.7467
        """
        from .inference.goodness_of_fit import classification_table

        return classification_table(self)

    def pred_table(self) -> np.ndarray:
        """Observed (rows) × predicted (columns) counts as a J × J array, as statsmodels'
        ``pred_table``; see :func:`mnlogit.inference.goodness_of_fit.pred_table`.

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris())
        >>> float(res.pred_table().trace())
        112.0
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

    def get_prediction(self, newdata: Any = None, alpha: float = 0.05):
        """Predicted probabilities with delta-method standard errors; see
        :func:`mnlogit.inference.prediction.get_prediction`.

        Examples
        --------
        >>> import mnlogit
        >>> df = mnlogit.datasets.load_iris()
        >>> res = mnlogit.fit("Species ~ Sepal_Length", df)
        >>> res.get_prediction(df.head(3)).se.shape
        (3, 3)
        """
        from .inference.prediction import get_prediction

        return get_prediction(self, newdata, alpha)

    def save(self, path: Any) -> None:
        """Save to ``path`` (JSON + npz, no pickle; written atomically, so a failed save
        leaves an existing file as it was); read it back with :func:`mnlogit.load`.

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
