"""Linear and nonlinear combinations of the coefficients with delta-method inference:
Stata's ``lincom`` and ``nlcom``.

``lincom("[general]write - [vocation]write")`` reads Stata's syntax: a coefficient is
``[outcome]term`` with ``term`` a design-column name as in ``params.index`` (spaces and
operators inside a name such as ``I(write ** 2)`` are fine: names are matched, longest
first), combined with ``+``, ``-``, multiplication or division by numbers and
parentheses; a bare ``term`` means the only equation of a two-outcome model. The
estimate is ``c'θ + c0`` with standard error ``sqrt(c' V c)``.

``nlcom(func)`` calls ``func`` with the coefficients as a DataFrame shaped like
``params`` (terms x non-reference outcomes) and accepts a number or a Series; its
Jacobian comes from central differences with Richardson extrapolation (error
O(h^4)), each coefficient's step scaled to its size and standard error, as Stata's
``nlcom`` differentiates numerically too.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn

import numpy as np
import pandas as pd

from ..core.params import unvec
from ..exceptions import MNLogitError
from .delta import INFERENCE_COLUMNS, delta_covariance, delta_table
from .distributions import normal_quantile

_NUMBER = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


@dataclass(frozen=True)
class Combination:
    """Estimates that are functions of the coefficients, with delta-method inference
    (what :func:`lincom` and :func:`nlcom` return).

    Parameters
    ----------
    names : tuple of str
        Label of each estimate.
    values : numpy.ndarray
        The (q,) estimates.
    cov : numpy.ndarray
        Their (q, q) delta-method covariance.
    title : str
        What was estimated, in words.
    alpha : float
        Default 1 - confidence level of the intervals.
    df : float, optional
        Degrees of freedom of t tests and intervals (a survey fit's design df); None:
        normal ones.

    Examples
    --------
    >>> import numpy as np
    >>> c = Combination(("b",), np.array([1.96]), np.eye(1), "b")
    >>> round(c.pvalue, 4), c.conf_int().round(2).values.tolist()
    (0.05, [[0.0, 3.92]])
    """

    names: tuple[str, ...]
    values: np.ndarray
    cov: np.ndarray
    title: str
    alpha: float = 0.05
    df: float | None = None

    def _shaped(self, values: np.ndarray) -> float | pd.Series:
        if len(self.names) == 1:
            return float(values[0])
        return pd.Series(values, index=list(self.names))

    def summary_frame(self, alpha: float | None = None) -> pd.DataFrame:
        """The estimates with their inference, one row per estimate.

        Parameters
        ----------
        alpha : float, optional
            1 - confidence level of the intervals (default: the one of the result).

        Returns
        -------
        pandas.DataFrame
            Columns estimate, std_error, statistic, p_value, conf_low, conf_high.

        Examples
        --------
        >>> import numpy as np
        >>> c = Combination(("b",), np.array([2.0]), np.eye(1), "b")
        >>> c.summary_frame().columns.tolist()[:3]
        ['estimate', 'std_error', 'statistic']
        """
        alpha = self.alpha if alpha is None else alpha
        table = delta_table(self.values, np.eye(len(self.values)), self.cov, alpha, self.df)
        return table.set_axis(pd.Index(self.names, name="combination"))[INFERENCE_COLUMNS]

    @property
    def estimate(self) -> float | pd.Series:
        """The estimate (a Series when there are several).

        Examples
        --------
        >>> import numpy as np
        >>> Combination(("b",), np.array([2.0]), np.eye(1), "b").estimate
        2.0
        """
        return self._shaped(self.values)

    @property
    def std_error(self) -> float | pd.Series:
        """Delta-method standard error(s).

        Examples
        --------
        >>> import numpy as np
        >>> Combination(("b",), np.array([2.0]), 4 * np.eye(1), "b").std_error
        2.0
        """
        return self._shaped(np.sqrt(np.maximum(np.diag(self.cov), 0.0)))

    @property
    def statistic(self) -> float | pd.Series:
        """z statistic(s), estimate / std_error.

        Examples
        --------
        >>> import numpy as np
        >>> Combination(("b",), np.array([2.0]), 4 * np.eye(1), "b").statistic
        1.0
        """
        return self._shaped(self.summary_frame()["statistic"].to_numpy())

    @property
    def pvalue(self) -> float | pd.Series:
        """Two-sided normal p-value(s).

        Examples
        --------
        >>> import numpy as np
        >>> round(Combination(("b",), np.array([1.96]), np.eye(1), "b").pvalue, 3)
        0.05
        """
        return self._shaped(self.summary_frame()["p_value"].to_numpy())

    def conf_int(self, alpha: float | None = None) -> pd.DataFrame:
        """Lower and upper bounds ``estimate ∓ z se``.

        Parameters
        ----------
        alpha : float, optional
            1 - confidence level (default: the one of the result).

        Returns
        -------
        pandas.DataFrame
            Columns lower and upper, one row per estimate.

        Examples
        --------
        >>> import numpy as np
        >>> c = Combination(("b",), np.array([0.0]), np.eye(1), "b")
        >>> c.conf_int(0.1).round(4).values.tolist()
        [[-1.6449, 1.6449]]
        """
        table = self.summary_frame(alpha)
        return table[["conf_low", "conf_high"]].set_axis(["lower", "upper"], axis=1)

    def __repr__(self) -> str:
        level = f"{100 * (1 - self.alpha):g}%"
        body = self.summary_frame().to_string(float_format=lambda v: f"{v:.6g}")
        return f"{self.title}  (delta method, {level} CI)\n{body}"

    def _repr_html_(self) -> str:
        level = f"{100 * (1 - self.alpha):g}%"
        caption = html.escape(f"{self.title} (delta method, {level} CI)")
        table = self.summary_frame().to_html(float_format=lambda v: f"{v:.6g}")
        return f"<div><p><b>{caption}</b></p>{table}</div>"


def lincom(results: Any, expression: str, alpha: float = 0.05) -> Combination:
    """A linear combination of the coefficients, written as in Stata's ``lincom``.

    Parameters
    ----------
    results : a fitted :class:`~mnlogit.results.MNLogitResults`.
    expression : e.g. ``"[general]write - [vocation]write"``,
        ``"2*[general]C(ses)[T.middle] + ([vocation]write)/10 - 1"``.
    alpha : 1 - confidence level of the interval.

    Examples
    --------
    >>> import mnlogit
    >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
    >>> c = res.lincom("[Republican]income - [Independent]income")
    >>> bool(abs(c.estimate - (res.params.loc["income", "Republican"]
    ...                        - res.params.loc["income", "Independent"])) < 1e-12)
    True
    """
    normal_quantile(alpha)
    if not isinstance(expression, str) or not expression.strip():
        raise MNLogitError(f"lincom needs an expression such as '[b]x - [c]x', got {expression!r}")
    weights, constant = _Parser(results, expression).parse()
    theta = np.asarray(results.theta)
    cov = delta_covariance(weights, results.vcov)
    return Combination(
        (expression,),
        np.array([weights @ theta + constant]),
        cov,
        expression,
        alpha,
        getattr(results, "design_df", None),
    )


class _Parser:
    """Recursive descent over ``expr := term (± term)*``, ``term := factor ((*|/) factor)*``,
    ``factor := ± factor | number | ( expr ) | coefficient``. Each value is a linear form
    (weights over θ, constant); products need a constant side."""

    def __init__(self, results: Any, text: str) -> None:
        self.text = text
        self.at = 0
        self.k = len(results.exog_names)
        self.names = sorted(results.exog_names, key=len, reverse=True)
        self.exog = list(results.exog_names)
        self.aliased = tuple(getattr(results.model_frame, "aliased", ()))
        self.outcomes = {str(o): i for i, o in enumerate(results.outcomes)}
        self.reference = str(results.reference)
        self.levels = ", ".join(map(repr, map(str, results.outcome_levels)))
        self.size = self.k * len(results.outcomes)

    def parse(self) -> tuple[np.ndarray, float]:
        form = self._expr()
        self._skip()
        if self.at < len(self.text):
            self._fail("unexpected")
        return form

    def _skip(self) -> None:
        while self.at < len(self.text) and self.text[self.at].isspace():
            self.at += 1

    def _peek(self) -> str:
        self._skip()
        return self.text[self.at] if self.at < len(self.text) else ""

    def _token(self) -> str:
        rest = self.text[self.at :].strip()
        return re.split(r"\s+", rest)[0] if rest else "the end"

    def _fail(self, what: str) -> NoReturn:
        raise MNLogitError(
            f"cannot read the lincom expression {self.text!r}: {what} {self._token()!r} "
            f"at position {self.at}"
        )

    def _expr(self) -> tuple[np.ndarray, float]:
        weights, constant = self._term()
        while self._peek() in ("+", "-"):
            sign = 1.0 if self.text[self.at] == "+" else -1.0
            self.at += 1
            more, extra = self._term()
            weights, constant = weights + sign * more, constant + sign * extra
        return weights, constant

    def _term(self) -> tuple[np.ndarray, float]:
        weights, constant = self._factor()
        while self._peek() in ("*", "/"):
            operator, where = self.text[self.at], self.at
            self.at += 1
            other, other_constant = self._factor()
            if operator == "/":
                if other.any() or other_constant == 0:
                    self.at = where
                    self._fail("only division by a nonzero number is linear:")
                weights, constant = weights / other_constant, constant / other_constant
            elif not other.any():
                weights, constant = weights * other_constant, constant * other_constant
            elif not weights.any():
                weights, constant = other * constant, other_constant * constant
            else:
                self.at = where
                self._fail("a product of two coefficients is not linear (use nlcom):")
        return weights, constant

    def _factor(self) -> tuple[np.ndarray, float]:
        char = self._peek()
        if char in ("+", "-"):
            self.at += 1
            weights, constant = self._factor()
            return (weights, constant) if char == "+" else (-weights, -constant)
        if char == "(":
            self.at += 1
            form = self._expr()
            if self._peek() != ")":
                self._fail("expected ')' before")
            self.at += 1
            return form
        if not char:
            self._fail("expected a number, '(' or a coefficient, found")
        number = _NUMBER.match(self.text, self.at)
        if number:
            self.at = number.end()
            return np.zeros(self.size), float(number.group())
        return self._coefficient()

    def _coefficient(self) -> tuple[np.ndarray, float]:
        equation = None
        if self._peek() == "[":
            close = self.text.find("]", self.at)
            if close < 0:
                self._fail("unclosed '[' in")
            label = self.text[self.at + 1 : close].strip()
            if label != self.reference and label not in self.outcomes:
                self._fail(f"{label!r} is not an outcome (levels: {self.levels}) in")
            equation = self.outcomes.get(label)  # None: the reference, all zero
            self.at = close + 1
            self._skip()
        elif len(self.outcomes) > 1:
            self._fail("a coefficient needs its outcome, as in '[outcome]term', not")
        else:
            equation = 0
        name = next((n for n in self.names if self._name_here(n)), None)
        if name is None:
            self._fail(self._unknown_term())
        self.at += len(name)
        weights = np.zeros(self.size)
        if equation is not None:
            weights[equation * self.k + self.exog.index(name)] = 1.0
        return weights, 0.0

    def _name_here(self, name: str) -> bool:
        if not self.text.startswith(name, self.at):
            return False
        after = self.text[self.at + len(name) : self.at + len(name) + 1]
        return after == "" or after.isspace() or after in "+-*/)"

    def _unknown_term(self) -> str:
        token = self._token()
        if any(token.startswith(name) for name in self.aliased):
            return "a column dropped as aliased:"
        shown = ", ".join(map(repr, self.exog))
        return f"not a term of the model (terms: {shown}):"


def nlcom(
    results: Any,
    func: Callable[[pd.DataFrame], Any],
    alpha: float = 0.05,
    name: str | None = None,
) -> Combination:
    """A smooth function of the coefficients with delta-method inference (Stata's ``nlcom``).

    Parameters
    ----------
    results : a fitted :class:`~mnlogit.results.MNLogitResults`.
    func : called with the coefficients as a DataFrame like ``params`` (terms x
        non-reference outcomes); returns a number or a Series of numbers.
    alpha : 1 - confidence level of the intervals.
    name : label of a scalar result (default the function's name).

    Examples
    --------
    >>> import numpy as np, mnlogit
    >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
    >>> rrr = res.nlcom(lambda b: np.exp(b.loc["income", "Republican"]))
    >>> se = np.exp(res.params.loc["income", "Republican"]) * res.bse.loc["income", "Republican"]
    >>> bool(abs(rrr.std_error - se) < 1e-8 * se)
    True
    """
    normal_quantile(alpha)
    if not callable(func):
        raise MNLogitError(f"nlcom needs a function of the coefficients, got {type(func).__name__}")
    label = str(name or getattr(func, "__name__", "nlcom"))
    theta = np.asarray(results.theta, dtype=float)

    def evaluate(point: np.ndarray, where: str) -> tuple[tuple[str, ...], np.ndarray]:
        params = results.params.copy()
        params.loc[list(results.exog_names)] = unvec(point, len(results.exog_names))
        try:
            # numpy's invalid-value warnings become the clearer "not finite" error below
            with np.errstate(all="ignore"):
                value = func(params)
        except Exception as err:  # the user's function may fail in any way
            raise MNLogitError(
                f"the nlcom function {label!r} raised {type(err).__name__}: {err} ({where})"
            ) from None
        return _as_values(value, label, where)

    names, values = evaluate(theta, "at the estimates")
    # Steps of 1e-3 of each coefficient's size or standard error, whichever is larger
    # (the scale on which functions of it bend): Richardson-extrapolated central
    # differences then err by about (h/scale)^4 + eps/h, near 1e-12 relative.
    se = np.sqrt(np.abs(np.diag(np.asarray(results.vcov))))
    scale = np.fmax(np.abs(theta), np.nan_to_num(se))
    steps = 1e-3 * np.where(scale > 0, scale, 1.0)
    jacobian = np.empty((len(values), theta.size))
    for p in range(theta.size):
        differences = []
        for h in (steps[p], steps[p] / 2.0):
            shift = np.zeros_like(theta)
            shift[p] = h
            where = f"at a step of {h:.2g} in coefficient {p}"
            up, down = evaluate(theta + shift, where)[1], evaluate(theta - shift, where)[1]
            differences.append((up - down) / (2.0 * h))
        jacobian[:, p] = (4.0 * differences[1] - differences[0]) / 3.0
    cov = delta_covariance(jacobian, results.vcov)
    return Combination(
        names, values, cov, f"nlcom: {label}", alpha, getattr(results, "design_df", None)
    )


def _as_values(value: Any, label: str, where: str) -> tuple[tuple[str, ...], np.ndarray]:
    """The names and finite float values of a function's result (a number or a Series)."""
    if isinstance(value, pd.Series):
        names = tuple(map(str, value.index))
        raw = value.to_numpy()
    elif np.ndim(value) == 0:
        names, raw = (label,), np.array([value])
    else:
        raise MNLogitError(
            f"the nlcom function {label!r} must return a number or a pandas Series, "
            f"got {type(value).__name__} ({where})"
        )
    try:
        values = raw.astype(float)
    except (TypeError, ValueError):
        raise MNLogitError(f"the nlcom function {label!r} returned non-numbers ({where})") from None
    bad = [n for n, v in zip(names, values, strict=True) if not np.isfinite(v)]
    if bad:
        raise MNLogitError(
            f"the nlcom function {label!r} is not finite {where}: {', '.join(map(repr, bad))}"
        )
    return names, values
