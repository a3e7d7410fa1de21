"""MNLogit: a model specification (rows, outcome, design) and its maximum-likelihood fit."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import patsy

from .core.estimate import FitOptions, estimate, start_values
from .core.penalty import Penalty
from .design import MissingPolicy, frame_from_arrays, frame_from_formula
from .inference.covariance import Correction, CovType, cov_options
from .results import MNLogitResults


class MNLogit:
    """Baseline-category multinomial logit model.

    Parameters
    ----------
    endog : outcome values (strings, Categorical, integers or booleans).
    exog : design matrix (DataFrame or 2-D array), used as given: add a constant
        column yourself, or use :meth:`from_formula`.
    reference : the baseline outcome; default the first level.
    weights : frequency weights (array-like).
    missing : ``"drop"`` rows with missing values (reported) or ``"raise"``.

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
    ) -> None:
        self.frame = frame_from_arrays(endog, exog, reference, weights, missing)
        # Kept to resolve cluster groups given as a column name.
        self.data = exog if isinstance(exog, pd.DataFrame) else None

    @classmethod
    def from_formula(
        cls,
        formula: str,
        data: pd.DataFrame,
        reference: Hashable | None = None,
        weights: str | Sequence[float] | np.ndarray | pd.Series | None = None,
        missing: MissingPolicy = "drop",
        eval_env: int | patsy.EvalEnvironment = 0,
    ) -> MNLogit:
        """Model from a patsy formula over a DataFrame.

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
        model.frame = frame_from_formula(formula, data, reference, weights, missing, eval_env)
        model.data = data
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
        cov_type: CovType = "nonrobust",
        groups: Any = None,
        correction: Correction = "statsmodels",
    ) -> MNLogitResults:
        """Maximum-likelihood estimates by Newton-Raphson with step-halving.

        Parameters
        ----------
        maxiter : maximum number of Newton steps.
        gtol : bound on the Newton decrement (squared step length in SE units);
            squared for ``penalty="firth"``, whose Fisher scoring converges linearly.
        ftol : bound on the relative change of the log-likelihood.
        start_params : (k, J-1) starting coefficients; default: intercepts at the
            log ratios of the outcome shares, slopes zero.
        callback : called with each iteration's history row.
        penalty : None (maximum likelihood), ``"firth"`` (bias-reduced estimates that
            stay finite under separation) or ``("l2", lam)`` (ridge; intercepts free).
        drop_aliased : drop perfectly collinear design columns with a warning and
            report them as missing rows in the tables, instead of raising.
        detect_separation : when the fit looks divergent (no convergence, or some
            coefficient moving a linear predictor by more than 15), check for complete
            or quasi-complete separation by linear programming.
        cov_type : ``"nonrobust"`` (inverse information), ``"HC0"``, ``"HC1"`` or
            ``"cluster"`` (sandwich estimators; see :mod:`mnlogit.inference.covariance`).
        groups : clusters for ``cov_type="cluster"``: a column name of the data or
            one label per row of the data.
        correction : small-sample factor of ``HC1`` and ``cluster``: ``"statsmodels"``
            (N/(N-p); G/(G-1)·(N-1)/(N-p)), ``"stata"`` (N/(N-1); G/(G-1), as Stata's
            ``vce(robust)`` and ``vce(cluster)``) or None (no factor).

        Examples
        --------
        >>> import mnlogit
        >>> df = mnlogit.datasets.load_iris()
        >>> res = MNLogit.from_formula("Species ~ Sepal_Length", df).fit()
        >>> res.converged
        True
        """
        options = FitOptions(
            maxiter, gtol, ftol, start_params, callback, penalty, drop_aliased, detect_separation
        )
        kind, _ = options.penalty_kind
        cov_kwds = cov_options(cov_type, groups, self.data, self.frame, correction, penalty=kind)
        fitted = estimate(self.frame, options)
        results = MNLogitResults(
            fitted.frame, fitted.result, cov_type, cov_kwds, fitted.penalty, fitted.separation
        )
        results.model = self
        return results

    def start_params(self) -> np.ndarray:
        """Intercepts at the log ratios of the (weighted) outcome shares, other terms zero.

        Examples
        --------
        >>> import numpy as np
        >>> m = MNLogit(["a", "b", "b", "b"], np.ones((4, 1)))
        >>> m.start_params().round(4)
        array([[1.0986]])
        """
        return start_values(self.frame)
