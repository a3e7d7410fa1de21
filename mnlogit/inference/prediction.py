"""Predicted probabilities with delta-method standard errors and confidence intervals.

For row i the probability of outcome j is ``p_ij = softmax_j(x_i B)``; its gradient
with respect to the coefficients of non-reference outcome l is
``p_ij (1{j = l} - p_il) x_i``, so ``Var(p_ij) = Σ_{l,l'} a_l a_l' x_i' V_{ll'} x_i``
with ``a_l = p_ij (1{j = l} - p_il)`` and ``V_{ll'}`` the (k, k) blocks of the
covariance. Intervals are the symmetric normal (Wald) intervals on the probability
scale, ``p ± z se``, as Stata's ``margins`` and ``predictnl`` report them.
Rows are processed in blocks, so memory stays O(rows · J²).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..core.likelihood import model_probabilities
from ..core.params import unvec
from ..design import FitFrame, Outcome, label_index
from ..exceptions import MissingDataWarning, warn
from .distributions import critical_value, normal_quantile

PredictKind = Literal["prob", "class", "linear"]
_BLOCK_ROWS = 4096


def probability_jacobian(probs: np.ndarray) -> np.ndarray:
    """``a[i, j, l] = p_ij (1{j = l} - p_il)``: (b, J, m) in model order (column 0 the reference).

    Examples
    --------
    >>> import numpy as np
    >>> probability_jacobian(np.array([[0.5, 0.5]]))
    array([[[-0.25],
            [ 0.25]]])
    """
    others = probs[:, 1:]
    jac = -probs[:, :, None] * others[:, None, :]
    jac[:, 1:, :] += np.einsum("il,lm->ilm", others, np.eye(others.shape[1]))
    return jac


def probability_variance(X: np.ndarray, probs: np.ndarray, cov: np.ndarray) -> np.ndarray:
    """Delta-method variances (b, J) of model-order probabilities of the rows of ``X``.

    Examples
    --------
    >>> import numpy as np
    >>> probability_variance(np.ones((1, 1)), np.array([[0.5, 0.5]]), np.eye(1))
    array([[0.0625, 0.0625]])
    """
    n_terms = X.shape[1]
    n_free = probs.shape[1] - 1
    blocks = cov.reshape(n_free, n_terms, n_free, n_terms)
    # quad[i, l, l'] = x_i' V_{ll'} x_i
    quad = np.einsum("ia,lamb,ib->ilm", X, blocks, X, optimize=True)
    jac = probability_jacobian(probs)
    return np.einsum("ijl,ilm,ijm->ij", jac, quad, jac, optimize=True)


@dataclass(frozen=True)
class PredictionResults:
    """Predicted probabilities of new rows with delta-method standard errors.

    Returned by :meth:`mnlogit.MNLogitResults.get_prediction`; the parameters are
    also its attributes.

    Parameters
    ----------
    predicted : pandas.DataFrame
        Predicted probabilities, one row per row of the new data (its index) and one
        column per outcome label; rows with missing values are missing.
    se : pandas.DataFrame
        Their delta-method standard errors, shaped like ``predicted``.
    alpha : float, default 0.05
        1 - confidence level of the intervals when :meth:`conf_int` and
        :meth:`summary_frame` are not given one.
    df : float, optional
        Degrees of freedom of Student t intervals (a survey fit's design degrees of
        freedom); None for normal intervals.

    Examples
    --------
    >>> import mnlogit
    >>> df = mnlogit.datasets.load_anes96()
    >>> res = mnlogit.fit("party3 ~ age + income", df)
    >>> pred = res.get_prediction(df.head(2))
    >>> pred.predicted.round(3)
    party3  Democrat  Independent  Republican
    0          0.674        0.173       0.152
    1          0.680        0.176       0.144
    >>> pred.se.round(4)
    party3  Democrat  Independent  Republican
    0         0.0431       0.0336      0.0296
    1         0.0492       0.0388      0.0321
    """

    predicted: pd.DataFrame
    se: pd.DataFrame
    alpha: float = 0.05
    df: float | None = None

    def conf_int(self, alpha: float | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Lower and upper bounds ``p ∓ z se`` of the predicted probabilities.

        Symmetric Wald intervals on the probability scale, as Stata's ``margins``
        reports them (Student ``t`` with the design degrees of freedom for survey
        fits); they can reach below 0 or above 1 for probabilities near the bounds.

        Parameters
        ----------
        alpha : float, optional
            1 - confidence level (default: the ``alpha`` the prediction was made with,
            0.05 unless given to ``get_prediction``).

        Returns
        -------
        lower : pandas.DataFrame
            Lower bounds, shaped like ``predicted``.
        upper : pandas.DataFrame
            Upper bounds, shaped like ``predicted``.

        Examples
        --------
        >>> import mnlogit
        >>> df = mnlogit.datasets.load_anes96()
        >>> res = mnlogit.fit("party3 ~ age + income", df)
        >>> lower, upper = res.get_prediction(df.head(2)).conf_int()
        >>> lower.round(3)
        party3  Democrat  Independent  Republican
        0          0.590        0.108       0.094
        1          0.584        0.100       0.081
        """
        half = critical_value(self.alpha if alpha is None else alpha, self.df) * self.se
        return self.predicted - half, self.predicted + half

    def summary_frame(self, alpha: float | None = None) -> pd.DataFrame:
        """Long table: row, outcome, predicted, std_error, conf_low, conf_high.

        Parameters
        ----------
        alpha : float, optional
            1 - confidence level of the intervals (default: the prediction's
            ``alpha``).

        Returns
        -------
        pandas.DataFrame
            One row per (row of the new data, outcome), rows first: ``row`` (the new
            data's index label), ``outcome``, ``predicted``, ``std_error``,
            ``conf_low`` and ``conf_high``.

        Examples
        --------
        >>> import mnlogit
        >>> df = mnlogit.datasets.load_anes96()
        >>> res = mnlogit.fit("party3 ~ age + income", df)
        >>> res.get_prediction(df.head(1)).summary_frame(alpha=0.1).round(4)
           row      outcome  predicted  std_error  conf_low  conf_high
        0    0     Democrat     0.6745     0.0431    0.6037     0.7453
        1    0  Independent     0.1734     0.0336    0.1182     0.2286
        2    0   Republican     0.1521     0.0296    0.1035     0.2008
        """
        low, high = self.conf_int(alpha)
        n_rows, n_out = self.predicted.shape
        return pd.DataFrame(
            {
                "row": np.repeat(self.predicted.index.to_numpy(), n_out),
                "outcome": np.tile(np.asarray(self.predicted.columns, dtype=object), n_rows),
                "predicted": self.predicted.to_numpy().reshape(-1),
                "std_error": self.se.to_numpy().reshape(-1),
                "conf_low": low.to_numpy().reshape(-1),
                "conf_high": high.to_numpy().reshape(-1),
            }
        )


def get_prediction(results: Any, newdata: Any = None, alpha: float = 0.05) -> PredictionResults:
    """Predicted probabilities of ``newdata`` (default: the rows used) with standard errors.

    Examples
    --------
    >>> import mnlogit
    >>> df = mnlogit.datasets.load_iris()
    >>> res = mnlogit.fit("Species ~ Sepal_Length", df)
    >>> pred = res.get_prediction(df.head(2))
    >>> pred.predicted.round(3).iloc[0].tolist()
    [0.807, 0.176, 0.017]
    """
    normal_quantile(alpha)  # validates alpha
    X, kept, index = design_rows(results.model_frame, newdata)
    coef = unvec(np.asarray(results.theta), len(results.exog_names))
    cov = np.asarray(results.vcov)
    order = results.model_frame.outcome.level_order()
    n_out = len(results.outcome_levels)
    probs = np.full((len(index), n_out), np.nan)
    var = np.full((len(index), n_out), np.nan)
    for start in range(0, len(kept), _BLOCK_ROWS):
        rows = kept[start : start + _BLOCK_ROWS]
        block = X[start : start + _BLOCK_ROWS]
        p = model_probabilities(block @ coef)
        probs[rows] = p[:, order]
        var[rows] = probability_variance(block, p, cov)[:, order]
    columns = label_index(results.outcome_levels, results.outcome_name)
    return PredictionResults(
        pd.DataFrame(probs, index=index, columns=columns),
        pd.DataFrame(np.sqrt(np.maximum(var, 0.0)), index=index, columns=columns),
        alpha,
        getattr(results, "design_df", None),
    )


def design_rows(frame: FitFrame, newdata: Any) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    """Design matrix of ``newdata`` (or the rows used), positions of rows kept, and index.

    Rows with missing values are left out with a warning; their predictions are missing.
    """
    if newdata is None:
        return frame.X, np.arange(len(frame.row_index)), frame.row_index
    X, kept = frame.design_for(newdata)
    index = newdata.index if isinstance(newdata, (pd.DataFrame, pd.Series)) else None
    index = pd.RangeIndex(len(np.asarray(newdata))) if index is None else index
    if len(kept) < len(index):
        warn(
            f"{len(index) - len(kept)} of {len(index)} rows of newdata have "
            "missing values; their predictions are missing",
            MissingDataWarning,
        )
    return X, kept, index


def prediction_table(
    outcome: Outcome,
    coef: np.ndarray,
    X: np.ndarray,
    kept: np.ndarray,
    index: pd.Index,
    kind: PredictKind,
) -> pd.DataFrame | pd.Series:
    """Predictions of the design rows ``X`` with coefficients ``coef`` (k, J-1): the
    probabilities, the most likely outcome or the linear predictors, one row per label
    of ``index``; rows other than those ``kept`` (the rows of ``X``) are missing.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from mnlogit.design import encode_outcome
    >>> outcome = encode_outcome(pd.Series(["a", "b"]), "y")
    >>> coef, X = np.array([[np.log(3.0)]]), np.ones((1, 1))
    >>> prediction_table(outcome, coef, X, np.array([1]), pd.RangeIndex(2), "prob")
          a     b
    0   NaN   NaN
    1  0.25  0.75
    >>> prediction_table(outcome, coef, X, np.array([1]), pd.RangeIndex(2), "class").iloc[1]
    'b'
    """
    eta = X @ coef
    if kind == "linear":
        values, columns = eta, label_index(outcome.others, "outcome")
    else:
        values = model_probabilities(eta)[:, outcome.level_order()]
        columns = label_index(outcome.levels)
    full = np.full((len(index), values.shape[1]), np.nan)
    full[kept] = values
    if kind == "class":
        labels = np.array(outcome.levels + (None,), dtype=object)
        best = np.full(len(index), len(outcome.levels))
        best[kept] = values.argmax(axis=1)
        return pd.Series(labels[best], index=index, name=outcome.name)
    return pd.DataFrame(full, index=index, columns=columns)
