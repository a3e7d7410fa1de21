"""MNLogit: a model specification (rows, outcome, design) and its maximum-likelihood fit."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import patsy

from .exceptions import CollinearityError, ConvergenceWarning, DataError
from .formula import MissingPolicy, ModelFrame, frame_from_arrays, frame_from_formula
from .newton import newton
from .params import vec
from .rank import find_aliased, triangular_factor
from .results import MNLogitResults
from .sources import ArraySource


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
        return model

    def fit(
        self,
        maxiter: int = 100,
        gtol: float = 1e-10,
        ftol: float = 1e-10,
        start_params: np.ndarray | None = None,
        callback: Callable[[dict], None] | None = None,
    ) -> MNLogitResults:
        """Maximum-likelihood estimates by Newton-Raphson with step-halving.

        Parameters
        ----------
        maxiter : maximum number of Newton steps.
        gtol : bound on the Newton decrement (squared step length in SE units).
        ftol : bound on the relative change of the log-likelihood.
        start_params : (k, J-1) starting coefficients; default: intercepts at the
            log ratios of the outcome shares, slopes zero.
        callback : called with each iteration's history row.

        Examples
        --------
        >>> import mnlogit
        >>> df = mnlogit.datasets.load_iris()
        >>> res = MNLogit.from_formula("Species ~ Sepal_Length", df).fit()
        >>> res.converged
        True
        """
        frame = self.frame
        source = ArraySource(frame.X, frame.outcome.codes, frame.weights, frame.outcome.n_levels)
        check_design(frame, source)
        theta0 = vec(self.start_params() if start_params is None else np.asarray(start_params))
        result = newton(source.derivatives, theta0, maxiter, gtol, ftol, callback)
        if not result.converged:
            warnings.warn(
                f"Newton iterations did not converge after {result.iterations} steps: "
                f"{result.message}; estimates and standard errors are unreliable",
                ConvergenceWarning,
                stacklevel=2,
            )
        return MNLogitResults(frame, result)

    def start_params(self) -> np.ndarray:
        """Intercepts at the log ratios of the (weighted) outcome shares, other terms zero.

        Examples
        --------
        >>> import numpy as np
        >>> m = MNLogit(["a", "b", "b", "b"], np.ones((4, 1)))
        >>> m.start_params().round(4)
        array([[1.0986]])
        """
        frame = self.frame
        counts = frame.outcome_counts()
        start = np.zeros((frame.n_terms, frame.outcome.n_levels - 1))
        constant = frame.constant_column
        if constant is not None:
            shares = np.maximum(counts, 0.5) / counts.sum()
            start[constant] = np.log(shares[1:] / shares[0]) / frame.X[0, constant]
        return start


def check_design(frame: ModelFrame, source: ArraySource) -> None:
    """Fail before fitting on too few rows or aliased design columns, naming them."""
    n_used = int(np.count_nonzero(frame.weights)) if frame.weights is not None else len(frame.X)
    if frame.n_terms > n_used:
        raise DataError(
            f"the design has {frame.n_terms} columns but only {n_used} rows with positive "
            "weight: more parameters per outcome than observations"
        )
    blocks = (
        X if w is None else X * np.sqrt(w)[:, None] for X, _, w in source.blocks()
    )
    aliasing = find_aliased(triangular_factor(blocks, frame.n_terms))
    if aliasing.aliased:
        raise CollinearityError(
            f"the design matrix is rank deficient: {aliasing.describe(frame.exog_names)}. "
            "Remove the aliased column(s) or reformulate the model"
        )


def fit(
    formula: str,
    data: pd.DataFrame,
    reference: Hashable | None = None,
    weights: str | Sequence[float] | np.ndarray | pd.Series | None = None,
    missing: MissingPolicy = "drop",
    **fit_options: Any,
) -> MNLogitResults:
    """Fit a multinomial logit given by a patsy formula over a DataFrame.

    Parameters
    ----------
    formula : ``"outcome ~ terms"``; the outcome may be strings, a Categorical
        (its category order is kept), integers or booleans.
    data : the DataFrame (never modified).
    reference : the baseline outcome (default: the first level).
    weights : frequency weights: a column name or an array of one weight per row.
    missing : ``"drop"`` rows with missing values (their count is reported) or ``"raise"``.
    **fit_options : passed to :meth:`MNLogit.fit` (``maxiter``, ``gtol``, ...).

    Examples
    --------
    >>> import mnlogit
    >>> df = mnlogit.datasets.load_iris()
    >>> res = mnlogit.fit("Species ~ Sepal_Length", data=df, reference="versicolor")
    >>> list(res.params.columns)
    ['setosa', 'virginica']
    """
    env = patsy.EvalEnvironment.capture(1)
    model = MNLogit.from_formula(formula, data, reference, weights, missing, eval_env=env)
    return model.fit(**fit_options)
