"""MNLogit: a model specification (rows, outcome, design) and its maximum-likelihood fit."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import numpy as np
import pandas as pd
import patsy

from .core.estimate import FitOptions, estimate, start_values
from .core.penalty import Penalty
from .design import (
    Columns,
    MissingPolicy,
    ModelFrame,
    Weights,
    frame_from_arrays,
    frame_from_formula,
)
from .exceptions import MNLogitError
from .inference.covariance import Correction, CovType, cov_options
from .inference.survey import SurveyDesign, SurveyRows, survey_rows, warn_if_sampling_weights
from .results import MNLogitResults


class MNLogit:
    """Baseline-category multinomial logit model.

    The model on arrays, as statsmodels' ``MNLogit(endog, exog)``: the outcome and a
    design matrix used as given. :meth:`from_formula` (or :func:`mnlogit.fit`) builds
    the design from a patsy formula instead. :meth:`fit` estimates it.

    Parameters
    ----------
    endog : array-like
        Outcome values, one per row: strings, a Categorical (its category order is
        kept), integers or booleans.
    exog : pandas.DataFrame or array-like
        Design matrix (rows x design columns), used as given: add a constant column
        yourself, or use :meth:`from_formula`. A DataFrame's column names label the
        coefficients.
    reference : label, optional
        The baseline outcome, whose coefficients are fixed at zero (default: the
        first level).
    weights : array-like, optional
        Frequency weights, one per row (each row counts as that many identical
        observations); sampling weights go in ``design``.
    missing : {"drop", "raise"}, default "drop"
        Drop rows with missing values (their count is reported with a
        :class:`~mnlogit.MissingDataWarning`) or raise a
        :class:`~mnlogit.DataError`.
    design : SurveyDesign, optional
        A complex survey design (sampling weights, strata, PSUs, fpc) for
        design-based (linearised) inference; its columns are arrays, or names of
        ``exog``'s columns when it is a DataFrame. Excludes ``weights``.
    subpop : str or array-like, optional
        With ``design``, the subpopulation (domain) to fit: one True/False per row
        (or a column name); the rest of the design still counts in the variance.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = np.column_stack([np.ones(300), rng.normal(size=300)])
    >>> y = rng.choice(["a", "b", "c"], size=300)
    >>> res = MNLogit(y, X).fit()
    >>> list(res.params.columns)
    ['b', 'c']
    """

    def __init__(
        self,
        endog: Any,
        exog: Any,
        reference: Hashable | None = None,
        weights: Any = None,
        missing: MissingPolicy = "drop",
        design: SurveyDesign | None = None,
        subpop: Any = None,
    ) -> None:
        # Kept to resolve cluster groups and design columns given as column names.
        self.data = exog if isinstance(exog, pd.DataFrame) else None
        self.frame, self.survey = _model_rows(
            lambda w: frame_from_arrays(endog, exog, reference, w, missing),
            weights,
            design,
            subpop,
            self.data,
            len(exog) if hasattr(exog, "__len__") else 0,
        )

    @classmethod
    def from_formula(
        cls,
        formula: str,
        data: pd.DataFrame,
        reference: Hashable | None = None,
        weights: Weights = None,
        missing: MissingPolicy = "drop",
        eval_env: int | patsy.EvalEnvironment = 0,
        design: SurveyDesign | None = None,
        subpop: Any = None,
    ) -> MNLogit:
        """Model from a patsy formula over a DataFrame.

        :func:`mnlogit.fit` is this followed by :meth:`fit`.

        Parameters
        ----------
        formula : str
            ``"outcome ~ terms"``, e.g. ``"party3 ~ age + C(educ)"``; an intercept is
            included unless the formula removes it (``- 1``).
        data : pandas.DataFrame
            The data the formula's names refer to (never modified).
        reference : label, optional
            The baseline outcome, whose coefficients are fixed at zero (default: the
            first level).
        weights : str or array-like, optional
            Frequency weights: a column name or one weight per row (each row counts
            as that many identical observations). Sampling weights go in ``design``.
        missing : {"drop", "raise"}, default "drop"
            Drop rows with missing values in the formula's variables (reported) or
            raise. Under a design the dropped rows stay in it, outside the estimation
            domain.
        eval_env : int or patsy.EvalEnvironment, default 0
            Where names in the formula that are not columns (functions, constants)
            are looked up: the number of frames above the caller (0: the caller's own
            namespace), or an environment captured with patsy.
        design : SurveyDesign, optional
            A complex survey design for design-based inference (see
            :func:`mnlogit.fit`); its column names refer to ``data``.
        subpop : str or array-like, optional
            With ``design``, the subpopulation to estimate: a column name or one
            True/False per row (see :func:`mnlogit.fit`).

        Returns
        -------
        MNLogit
            The model, ready to :meth:`fit`.

        Examples
        --------
        >>> import mnlogit
        >>> df = mnlogit.datasets.load_iris()
        >>> MNLogit.from_formula("Species ~ Sepal_Length", df).frame.exog_names
        ('Intercept', 'Sepal_Length')
        """
        if isinstance(eval_env, int):
            eval_env = patsy.EvalEnvironment.capture(eval_env + 1)
        model = cls.__new__(cls)
        model.data = data
        model.frame, model.survey = _model_rows(
            lambda w: frame_from_formula(formula, data, reference, w, missing, eval_env),
            weights,
            design,
            subpop,
            data,
            0,
        )
        return model

    def fit(
        self,
        maxiter: int = 100,
        gtol: float = 1e-10,
        ftol: float = 1e-10,
        start_params: np.ndarray | None = None,
        callback: Callable[[dict], None] | None = None,
        penalty: Penalty = None,
        drop_aliased: bool = False,
        detect_separation: bool = True,
        cov_type: CovType | None = None,
        groups: Any = None,
        correction: Correction = "statsmodels",
        verbose: bool = False,
    ) -> MNLogitResults:
        """Maximum-likelihood estimates by Newton-Raphson with step-halving.

        The iterations stop when both convergence tests hold (``gtol`` and
        ``ftol``), when no step increases the log-likelihood, or after ``maxiter``
        steps; a fit that did not converge is returned with a
        :class:`~mnlogit.ConvergenceWarning`.

        Parameters
        ----------
        maxiter : int, default 100
            Maximum number of Newton steps.
        gtol : float, default 1e-10
            Bound on the Newton decrement (squared step length in standard-error
            units, per unit of mean weight); for ``penalty="firth"``, whose Fisher
            scoring converges linearly, ``gtol**2``, or ``gtol`` once the decrement
            stops falling at its rounding floor.
        ftol : float, default 1e-10
            Bound on the change of the log-likelihood in the last step, relative to
            its size. Both tests are invariant to multiplying the weights by a
            constant.
        start_params : numpy.ndarray, optional
            Starting coefficients, shaped (design columns, J - 1) like ``params``;
            default: :meth:`start_params` (intercepts at the log ratios of the
            outcome shares, slopes zero).
        callback : callable, optional
            Called after each iteration with its history row, a dict with keys
            ``iteration``, ``llf``, ``decrement``, ``step_size``,
            ``max_abs_gradient`` and ``seconds`` (the row of
            :attr:`MNLogitResults.history <mnlogit.MNLogitResults.history>`).
        penalty : None, "firth" or ("l2", float), optional
            None (maximum likelihood), ``"firth"`` (bias-reduced estimates that stay
            finite under separation) or ``("l2", lam)`` (ridge with weight ``lam``;
            intercepts free).
        drop_aliased : bool, default False
            Drop perfectly collinear design columns with an
            :class:`~mnlogit.AliasedColumnsWarning` and report them as missing rows
            in the tables, instead of raising a :class:`~mnlogit.CollinearityError`.
        detect_separation : bool, default True
            When the fit looks divergent (no convergence, or some coefficient moving a
            linear predictor by more than 15), check for complete or quasi-complete
            separation by linear programming. A separated fit is never reported
            converged, and its diverging coefficients have no standard errors; with
            or without the check, neither is a fit whose next Newton step would still
            move a linear predictor by more than 0.1.
        cov_type : {"nonrobust", "HC0", "HC1", "cluster"}, optional
            ``"nonrobust"`` (inverse information, the default), ``"HC0"``, ``"HC1"``
            or ``"cluster"`` (sandwich estimators; see
            :mod:`mnlogit.inference.covariance`). A model with a survey design gets
            ``"linearized"`` (:mod:`mnlogit.inference.survey`) and takes no other.
        groups : str or array-like, optional
            Clusters for ``cov_type="cluster"``: a column name of the data or one
            label per row of the data.
        correction : {"statsmodels", "stata"} or None, default "statsmodels"
            Small-sample factor of ``HC1`` and ``cluster``: ``"statsmodels"``
            (N/(N-p); G/(G-1)·(N-1)/(N-p)), ``"stata"`` (N/(N-1); G/(G-1), as Stata's
            ``vce(robust)`` and ``vce(cluster)``) or None (no factor).
        verbose : bool, default False
            Print one line per Newton iteration (llf, step, decrement, seconds) to
            standard error; every iteration is also an INFO record of the logger
            ``mnlogit.newton``.

        Returns
        -------
        MNLogitResults
            The estimates with their covariance, tests and tables.

        Raises
        ------
        MNLogitError
            If an option is invalid, or ``cov_type``, ``groups`` or a penalty is
            combined with a survey design.
        CollinearityError
            If design columns are perfectly collinear (without ``drop_aliased``).

        Examples
        --------
        >>> import mnlogit
        >>> df = mnlogit.datasets.load_iris()
        >>> res = MNLogit.from_formula("Species ~ Sepal_Length", df).fit()
        >>> res.converged
        True

        Robust (HC1) standard errors, recording the iterations:

        >>> steps = []
        >>> res = MNLogit.from_formula("Species ~ Sepal_Length", df).fit(
        ...     cov_type="HC1", callback=steps.append)
        >>> res.cov_type, len(steps) == res.iterations
        ('HC1', True)
        """
        options = FitOptions(
            maxiter,
            gtol,
            ftol,
            start_params,
            callback,
            penalty,
            drop_aliased,
            detect_separation,
            verbose,
        )
        kind, _ = options.penalty_kind
        survey: SurveyRows | None = getattr(self, "survey", None)
        cov_name: str = "nonrobust" if cov_type is None else cov_type
        if survey is None:
            cov_kwds = cov_options(
                cov_name, groups, self.data, self.frame, correction, penalty=kind
            )
        else:
            _check_survey_options(cov_type, groups, kind)
        fitted = estimate(self.frame, options)
        if survey is not None:
            cov_name = "linearized"
            cov_kwds = survey.cov_kwds(fitted.frame, fitted.result.theta)
        results = MNLogitResults(
            fitted.frame, fitted.result, cov_name, cov_kwds, fitted.penalty, fitted.separation
        )
        results.model = self
        return results

    def start_params(self) -> np.ndarray:
        """Intercepts at the log ratios of the (weighted) outcome shares, other terms zero.

        The default starting point of :meth:`fit`: the estimate of the intercept-only
        model, so the first Newton step starts from the null log-likelihood.

        Returns
        -------
        numpy.ndarray
            Starting coefficients, shaped (design columns, J - 1) like ``params``;
            without a constant column, all zero.

        Examples
        --------
        >>> import numpy as np
        >>> m = MNLogit(["a", "b", "b", "b"], np.ones((4, 1)))
        >>> m.start_params().round(4)
        array([[1.0986]])
        >>> round(float(np.log(3 / 1)), 4)
        1.0986
        """
        return start_values(self.frame)


def _model_rows(
    build: Callable[[Any], ModelFrame],
    weights: Any,
    design: SurveyDesign | None,
    subpop: Any,
    data: Any,
    n_rows: int,
) -> tuple[ModelFrame, SurveyRows | None]:
    """The model frame (``build(weights)``) and, with a design, the design rows it uses.

    ``data`` is the data frame design columns are named in (None for arrays only, then
    the design has ``n_rows`` rows)."""
    if design is None:
        if subpop is not None:
            raise MNLogitError(
                "subpop= needs a survey design: pass design=mnlogit.SurveyDesign(...)"
            )
        frame = build(weights)
        warn_if_sampling_weights(frame.weights)
        return frame, None
    if not isinstance(design, SurveyDesign):
        raise MNLogitError(f"design must be a mnlogit.SurveyDesign, got {type(design).__name__}")
    if weights is not None:
        raise MNLogitError(
            "weights= are frequency weights and cannot be combined with a survey design: "
            "pass the sampling weights as SurveyDesign(weights=...)"
        )
    columns = None if data is None else Columns(data)
    layout = design.layout(columns, n_rows if columns is None else columns.n_rows)
    return survey_rows(build(layout.weights), layout, subpop, columns)


def _check_survey_options(cov_type: str | None, groups: Any, penalty: str) -> None:
    """A survey design fixes the covariance and needs the plain weighted MLE."""
    if cov_type is not None or groups is not None:
        given = f"cov_type={cov_type!r}" if cov_type is not None else "groups="
        raise MNLogitError(
            f"{given} cannot be combined with a survey design, whose covariance is the "
            "linearized one it implies (clusters are its PSUs); fit without design= for "
            "model-based or robust covariances"
        )
    if penalty != "none":
        raise MNLogitError(
            f"penalized fits ({penalty!r}) are not available with a survey design: the "
            "linearized covariance needs the scores of the weighted likelihood itself"
        )
