"""MNLogit: a model specification (rows, outcome, design) and its maximum-likelihood fit."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Hashable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
import patsy
from scipy import linalg

from .covariance import CovType, cov_options
from .exceptions import (
    AliasedColumnsWarning,
    CollinearityError,
    ConvergenceWarning,
    DataError,
    PerfectSeparationWarning,
)
from .formula import MissingPolicy, ModelFrame, frame_from_arrays, frame_from_formula
from .newton import NewtonResult, newton
from .params import unvec, vec
from .patterns import collapse_rows
from .penalty import Penalty, firth_evaluator, parse_penalty, ridge_evaluator
from .rank import Aliasing, find_aliased, triangular_factor
from .results import MNLogitResults
from .separation import Separation, check_separation
from .sources import ArraySource
from .start import MANY_ROWS, fit_many_rows

# A coefficient moving a linear predictor by more than this looks divergent.
DIVERGENT_CONTRIBUTION = 15.0
# Designs with fewer rows are never collapsed into patterns (nothing to gain).
COLLAPSE_ROWS = 10_000
# Scaled Cholesky diagonal above which no design column can be aliased.
FULL_RANK_MARGIN = 1e-4


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
            ``"cluster"`` (sandwich estimators; see :mod:`mnlogit.covariance`).
        groups : clusters for ``cov_type="cluster"``: a column name of the data or
            one label per row of the data.

        Examples
        --------
        >>> import mnlogit
        >>> df = mnlogit.datasets.load_iris()
        >>> res = MNLogit.from_formula("Species ~ Sepal_Length", df).fit()
        >>> res.converged
        True
        """
        kind, lam = parse_penalty(penalty)
        frame = self.frame
        cov_kwds = cov_options(cov_type, groups, self.data, frame, penalty=kind)
        source = _source(frame)
        aliasing = check_design(frame, source, drop_aliased)
        if aliasing.aliased:
            warnings.warn(
                f"dropped aliased design column(s): {aliasing.describe(frame.exog_names)}",
                AliasedColumnsWarning,
                stacklevel=2,
            )
            frame = frame.without_columns(aliasing.aliased)
            source = _source(frame)
        if start_params is None:
            kept = [frame.table_names.index(name) for name in frame.exog_names]
            theta0 = vec(self.start_params()[kept])
        else:
            theta0 = _checked_start(start_params, frame)
        if kind == "l2":
            evaluate = ridge_evaluator(source, lam, frame.constant_column)
        elif kind == "firth":
            evaluate = firth_evaluator(source)
            # Fisher scoring on the adjusted score converges linearly, not quadratically,
            # so the last step leaves an error near its own size: square the bound on
            # the decrement to be as accurate as a Newton fit (brglm2 agrees to 1e-11).
            gtol = gtol**2
        else:
            evaluate = source.derivatives
        if kind == "none" and source.n_rows >= MANY_ROWS:
            result = fit_many_rows(source, theta0, maxiter, gtol, ftol, callback)
        else:
            result = newton(evaluate, theta0, maxiter, gtol, ftol, callback)
        separation = Separation(False)
        if detect_separation and kind == "none" and _looks_divergent(result, source.X):
            separation = _separation(frame)
        if kind != "none":
            # Report the likelihood itself; the penalised objective is in the history.
            result = replace(result, llf=source.derivatives(result.theta, hessian=False).llf)
        _warn_about(result, separation, frame)
        results = MNLogitResults(
            frame, result, cov_type, cov_kwds, penalty=(kind, lam), separation=separation
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
        frame = self.frame
        counts = frame.outcome_counts()
        start = np.zeros((frame.n_terms, frame.outcome.n_levels - 1))
        constant = frame.constant_column
        if constant is not None:
            shares = np.maximum(counts, 0.5) / counts.sum()
            start[constant] = np.log(shares[1:] / shares[0]) / frame.X[0, constant]
        return start


def _checked_start(start_params: Any, frame: ModelFrame) -> np.ndarray:
    """User starting values as theta: (k, J-1) finite numbers, or an error saying so."""
    shape = (frame.n_terms, frame.outcome.n_levels - 1)
    try:
        start = np.asarray(start_params, dtype=float)
        got = f"shape {start.shape}"
    except (TypeError, ValueError):
        start, got = np.full(0, np.nan), f"non-numeric {type(start_params).__name__}"
    if start.shape != shape or not np.isfinite(start).all():
        raise DataError(
            f"start_params must be finite numbers of shape {shape} (design columns x "
            f"non-reference outcomes), got {got}"
        )
    return vec(start)


def _source(frame: ModelFrame) -> ArraySource:
    """The solver's rows: the fit's rows, or their distinct (x, y) patterns with counts."""
    X, y, w = frame.X, frame.outcome.codes, frame.weights
    patterns = collapse_rows(X, y, w) if len(X) >= COLLAPSE_ROWS else None
    if patterns is not None:
        X, y, w = patterns
    return ArraySource(X, y, w, frame.outcome.n_levels)


def check_design(frame: ModelFrame, source: ArraySource, drop_aliased: bool = False) -> Aliasing:
    """Fail before fitting on too few rows or aliased design columns, naming them.

    With ``drop_aliased`` the aliased columns are returned instead of raised.
    """
    n_used = int(np.count_nonzero(frame.weights)) if frame.weights is not None else len(frame.X)
    if frame.n_terms > n_used:
        raise DataError(
            f"the design has {frame.n_terms} columns but only {n_used} rows with positive "
            "weight: more parameters per outcome than observations"
        )
    if _clearly_full_rank(source):
        return Aliasing((), {})
    blocks = (X if w is None else X * np.sqrt(w)[:, None] for X, _, w in source.blocks())
    aliasing = find_aliased(triangular_factor(blocks, frame.n_terms))
    if aliasing.aliased and not drop_aliased:
        raise CollinearityError(
            f"the design matrix is rank deficient: {aliasing.describe(frame.exog_names)}. "
            "Remove the aliased column(s), reformulate the model, or pass drop_aliased=True"
        )
    return aliasing


def _clearly_full_rank(source: ArraySource) -> bool:
    """True when the weighted cross-product matrix shows every column far from aliased.

    The Cholesky factor of the column-scaled X'WX holds, on its diagonal, the share of
    each column's length left after projecting out the earlier columns, the quantity
    the QR rule compares with 1e-7. Rounding makes its square uncertain by about
    1e-15, so a diagonal above 1e-4 settles the question; anything closer goes to
    the QR of :func:`mnlogit.rank.find_aliased` (and this pass costs a twentieth of it).
    """
    gram = np.zeros((source.n_terms, source.n_terms))
    step = 65_536
    for start in range(0, source.n_rows, step):
        X = source.X[start : start + step]
        weighted = X if source.weights is None else X * source.weights[start : start + step, None]
        gram += X.T @ weighted
    scale = np.sqrt(np.diag(gram))
    if not (np.isfinite(gram).all() and (scale > 0).all()):
        return False
    try:
        factor = linalg.cholesky(gram / np.outer(scale, scale), check_finite=False)
    except linalg.LinAlgError:
        return False
    return bool(np.diag(factor).min() >= FULL_RANK_MARGIN)


def _separation(frame: ModelFrame) -> Separation:
    outcome = frame.outcome
    return check_separation(
        frame.X, outcome.codes, frame.weights, outcome.n_levels, frame.exog_names, outcome.others
    )


def _looks_divergent(result: NewtonResult, X: np.ndarray) -> bool:
    """Symptoms of separation: no convergence, or a term moving a linear predictor a lot.

    ``X`` holds the solver's rows (collapsed patterns have the same column ranges).
    """
    if not result.converged:
        return True
    scale = np.maximum(X.max(axis=0), -X.min(axis=0))  # no copy of X
    contribution = np.abs(unvec(result.theta, X.shape[1])) * scale[:, None]
    return bool(contribution.max(initial=0.0) > DIVERGENT_CONTRIBUTION)


def _warn_about(result: NewtonResult, separation: Separation, frame: ModelFrame) -> None:
    if separation.separated:
        warnings.warn(
            separation.describe(frame.outcome.reference), PerfectSeparationWarning, stacklevel=3
        )
        return
    if result.converged:
        return
    message = result.message
    if "not negative definite" in message:
        message += f" (directions involving {weak_directions(result.hessian, frame)})"
    if not separation.checked:
        message += "; separation could not be checked (too many distinct rows)"
    warnings.warn(
        f"Newton iterations did not converge after {result.iterations} steps: "
        f"{message}; estimates and standard errors are unreliable",
        ConvergenceWarning,
        stacklevel=3,
    )


def weak_directions(hessian: np.ndarray, frame: ModelFrame) -> str:
    """The (outcome, term) coefficients of the flattest direction of the likelihood.

    Examples
    --------
    >>> import numpy as np, mnlogit
    >>> m = mnlogit.MNLogit(["a", "b", "a", "b"], np.column_stack([np.ones(4), [1.0, 2, 3, 4]]))
    >>> weak_directions(-np.diag([1.0, 1e-12]), m.frame)
    "'b': 'x1'"
    """
    values, vectors = np.linalg.eigh(-hessian)
    flat = unvec(np.abs(vectors[:, 0]), frame.n_terms)
    rows, cols = np.nonzero(flat > 0.1 * flat.max())
    return ", ".join(
        f"{frame.outcome.others[j]!r}: {frame.exog_names[i]!r}"
        for i, j in zip(rows, cols, strict=True)
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
    data : the DataFrame (never modified); a Dask DataFrame or a Parquet path/glob
        fits out of core with :func:`mnlogit.dask_engine.fit_dask` (``mnlogit[dask]``).
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
    from .dask_engine import fit_dask, wants_dask  # Dask itself is imported only if used

    if wants_dask(data):
        return fit_dask(formula, data, reference, weights, missing, **fit_options)
    env = patsy.EvalEnvironment.capture(1)
    model = MNLogit.from_formula(formula, data, reference, weights, missing, eval_env=env)
    return model.fit(**fit_options)
