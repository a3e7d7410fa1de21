"""Joint hypothesis tests: Wald tests of linear restrictions, per-term tables, LR tests.

A restriction is ``R θ = q`` on the outcome-major coefficient vector θ (see
:mod:`mnlogit.core.params`). The Wald statistic ``(Rθ - q)' (R V R')^-1 (Rθ - q)`` uses
the fit's covariance ``V`` (so robust or cluster covariances carry over) and is
referred to a chi-squared distribution with ``rank(R)`` degrees of freedom. Under a
survey design it becomes Stata's design-adjusted F statistic
(:func:`mnlogit.inference.survey.adjusted_wald_f`), and likelihood-ratio tests are refused.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeGuard

import numpy as np
import pandas as pd
from scipy import stats

from ..exceptions import DataError, MNLogitError
from .distributions import chi2_pvalue
from .survey import adjusted_wald_f


@dataclass(frozen=True)
class TestResult:
    """A chi-squared test: statistic, degrees of freedom and p-value.

    Parameters
    ----------
    test : str
        Its kind ("Wald", "LR").
    statistic : float
        The chi-squared statistic.
    df : int
        Its degrees of freedom.
    hypothesis : str
        The null hypothesis in words.
    cov_type : str
        The covariance a Wald test used ("" for LR tests).

    Examples
    --------
    >>> TestResult("Wald", 3.841459, 1, "x = 0")
    <Wald test: chi2(1) = 3.8415, p = 0.05; H0: x = 0>
    """

    __test__ = False  # not a pytest test class

    test: str
    statistic: float
    df: int
    hypothesis: str
    cov_type: str = ""

    @property
    def pvalue(self) -> float:
        """Upper-tail chi-squared probability of the statistic.

        Examples
        --------
        >>> round(TestResult("Wald", 3.841459, 1, "x = 0").pvalue, 4)
        0.05
        """
        return chi2_pvalue(self.statistic, self.df)

    def __repr__(self) -> str:
        return (
            f"<{self.test} test: chi2({self.df}) = {self.statistic:.4f}, "
            f"p = {self.pvalue:.4g}; H0: {self.hypothesis}{self._robust()}>"
        )

    def _robust(self) -> str:
        return f" [{self.cov_type} covariance]" if self.cov_type not in ("", "nonrobust") else ""

    def _repr_html_(self) -> str:
        """A one-row table for notebooks: hypothesis, chi2, df, p-value."""
        caption = html.escape(f"{self.test} test{self._robust()}")
        return (
            f"<table><caption>{caption}</caption>"
            "<tr><th>H0</th><th>chi2</th><th>df</th><th>p-value</th></tr>"
            f"<tr><td>{html.escape(self.hypothesis)}</td><td>{self.statistic:.4f}</td>"
            f"<td>{self.df}</td><td>{self.pvalue:.4g}</td></tr></table>"
        )


@dataclass(frozen=True)
class FTestResult:
    """A design-adjusted Wald F test of a survey fit.

    What :meth:`~mnlogit.MNLogitResults.wald_test` returns under a survey design
    (Stata's ``test`` after ``svy``): the Wald chi-squared ``W`` of ``df``
    restrictions becomes ``F = (d - df + 1) / (d df) W`` on ``(df, d - df + 1)``
    degrees of freedom, with ``d`` the design degrees of freedom.

    Parameters
    ----------
    test : str
        Its kind (``"Wald"``).
    statistic : float
        The adjusted F statistic.
    df : int
        Numerator degrees of freedom: the number of restrictions.
    df_denom : float
        Denominator degrees of freedom, ``design_df - df + 1``.
    hypothesis : str
        The null hypothesis in words.
    cov_type : str, default "linearized"
        The covariance the test used.
    chi2 : float, optional
        The unadjusted Wald chi-squared statistic it came from.

    Examples
    --------
    >>> FTestResult("Wald", 4.6875, 2, 15.0, "x = 0", chi2=10.0)
    <Wald test: F(2, 15) = 4.6875, p = 0.02622; H0: x = 0 [design-adjusted]>

    From a survey fit (ANES 1996 stratified by education):

    >>> import mnlogit
    >>> df = mnlogit.datasets.load_anes96()
    >>> design = mnlogit.SurveyDesign(strata="educ")
    >>> res = mnlogit.fit("party3 ~ age + income", df, design=design)
    >>> test = res.wald_test("income")
    >>> test.df, test.df_denom, round(test.statistic, 4), round(test.chi2, 4)
    (2, 936.0, 21.0716, 42.1883)
    """

    __test__ = False  # not a pytest test class

    test: str
    statistic: float
    df: int
    df_denom: float
    hypothesis: str
    cov_type: str = "linearized"
    chi2: float = float("nan")

    @property
    def pvalue(self) -> float:
        """Upper-tail F probability of the statistic.

        Examples
        --------
        >>> round(FTestResult("Wald", 4.6875, 2, 15.0, "x = 0", chi2=10.0).pvalue, 5)
        0.02622
        """
        return float(stats.f.sf(self.statistic, self.df, self.df_denom))

    def __repr__(self) -> str:
        return (
            f"<{self.test} test: F({self.df}, {self.df_denom:g}) = {self.statistic:.4f}, "
            f"p = {self.pvalue:.4g}; H0: {self.hypothesis} [design-adjusted]>"
        )


def term_columns(results: Any, term: str) -> list[int]:
    """Positions (in ``exog_names``) of the design columns of a term, variable or column.

    ``term`` is a formula term such as ``"C(ses)"`` or ``"C(ses):write"`` (all its
    design columns), one design-column name such as ``"C(ses)[T.low]"``, or a variable
    (a data column such as ``"ses"``: every column of every term built from it, e.g.
    ``C(ses, Treatment('high'))`` and ``C(ses):write``).

    Examples
    --------
    >>> import mnlogit
    >>> res = mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris())
    >>> term_columns(res, "Sepal_Length")
    [1]
    """
    names = list(results.exog_names)
    frame = results.model_frame
    spec = frame.spec
    table = list(frame.table_names)
    if spec is not None and term in spec.term_names:
        wanted = [table[j] for j in spec.term_columns(term)]
    elif term in table:
        wanted = [term]
    elif spec is not None and term in spec.variables:
        wanted = [table[j] for j in spec.variable_columns(term)]
    else:
        terms = list(spec.term_names) if spec is not None else []
        variables = list(spec.variables) if spec is not None else []
        known = ", ".join(map(repr, dict.fromkeys(terms + variables + list(names))))
        raise MNLogitError(
            f"{term!r} is not a term, variable or design column of the model ({known})"
        )
    columns = [names.index(name) for name in wanted if name in names]
    if not columns:
        raise MNLogitError(f"all design columns of {term!r} were dropped as aliased")
    return columns


def _outcome_positions(results: Any, outcomes: Sequence[Any] | None) -> list[int | None]:
    """Positions among the non-reference outcomes; None marks the reference."""
    others = list(results.outcomes)
    if outcomes is None:
        return list(range(len(others)))
    positions: list[int | None] = []
    for label in outcomes:
        if label == results.reference:
            positions.append(None)
        elif label in others:
            positions.append(others.index(label))
        else:
            levels = ", ".join(map(repr, results.outcome_levels))
            raise MNLogitError(f"{label!r} is not an outcome level (levels: {levels})")
    return positions


def restriction_matrix(
    results: Any,
    terms: str | Sequence[str],
    outcomes: Sequence[Any] | None = None,
    equal: bool = False,
) -> tuple[np.ndarray, str]:
    """The matrix ``R`` of a term-wise hypothesis, and the hypothesis in words.

    ``equal=False``: the terms' coefficients are zero in every listed outcome's
    equation (default: every non-reference outcome). ``equal=True``: they are equal
    across the listed outcomes (at least two; listing the reference means "equal to
    the reference", i.e. zero).

    Examples
    --------
    >>> import mnlogit
    >>> res = mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris())
    >>> R, words = restriction_matrix(res, "Sepal_Length")
    >>> R
    array([[0., 1., 0., 0.],
           [0., 0., 0., 1.]])
    """
    terms = [terms] if isinstance(terms, str) else list(terms)
    columns = list(dict.fromkeys(c for term in terms for c in term_columns(results, term)))
    positions = _outcome_positions(results, outcomes)
    k = len(results.exog_names)
    size = k * len(results.outcomes)
    listed = ", ".join(map(str, outcomes)) if outcomes is not None else "every equation"
    what = " and ".join(terms)
    rows = []
    if equal:
        if len(positions) < 2:
            raise MNLogitError("equal=True needs at least two outcomes to compare")
        first = positions[0]
        for other in positions[1:]:
            for c in columns:
                row = np.zeros(size)
                if other is not None:
                    row[other * k + c] += 1.0
                if first is not None:
                    row[first * k + c] -= 1.0
                rows.append(row)
        words = f"{what} equal across {listed}"
    else:
        equations = [j for j in positions if j is not None]
        if len(equations) < len(positions):
            raise MNLogitError(
                f"the reference outcome {results.reference!r} has no coefficients to test; "
                "use equal=True to compare an outcome with the reference"
            )
        for j in equations:
            for c in columns:
                row = np.zeros(size)
                row[j * k + c] = 1.0
                rows.append(row)
        words = f"{what} = 0 in {listed}"
    return np.array(rows), words


def _names_terms(restriction: object) -> TypeGuard[str | Sequence[str]]:
    """Whether a restriction names terms (a name or a non-empty list of names)."""
    return isinstance(restriction, str) or (
        isinstance(restriction, (list, tuple))
        and len(restriction) > 0
        and all(isinstance(t, str) for t in restriction)
    )


def wald_test(
    results: Any,
    restriction: str | Sequence[str] | np.ndarray,
    outcomes: Sequence[Any] | None = None,
    equal: bool = False,
    value: np.ndarray | float = 0.0,
) -> TestResult | FTestResult:
    """Joint Wald test of linear restrictions on the coefficients.

    Under a survey design the result is the design-adjusted F test
    (:class:`FTestResult`, Stata's ``test`` after ``svy``).

    Parameters
    ----------
    results : fitted :class:`~mnlogit.results.MNLogitResults`.
    restriction : term name(s) (see :func:`restriction_matrix`) or a matrix ``R``
        with one column per coefficient in outcome-major order.
    outcomes, equal : which equations, and zero or cross-equation equality
        (term restrictions only).
    value : ``q`` in ``R θ = q`` (matrix restrictions; default 0).

    Examples
    --------
    >>> import mnlogit
    >>> df = mnlogit.datasets.load_anes96()
    >>> res = mnlogit.fit("party3 ~ age + income", df)
    >>> res.wald_test("income").df
    2
    """
    if _names_terms(restriction):
        R, words = restriction_matrix(results, restriction, outcomes, equal)
    else:
        R = restriction_rows(restriction, results.n_params)
        words = f"R theta = q ({R.shape[0]} restrictions)"
    q = restriction_values(value, R.shape[0], words)
    R, q, words = independent_restrictions(R, q, words)
    theta = np.asarray(results.theta)
    diff = R @ theta - q
    # Only the coefficients the restrictions involve (others may have no covariance).
    used = np.abs(R).sum(axis=0) > 0
    middle = R[:, used] @ np.asarray(results.vcov)[np.ix_(used, used)] @ R[:, used].T
    if not np.isfinite(middle).all():
        raise MNLogitError(f"no Wald test of {words}: {_no_covariance_reason(results, used)}")
    # With independent rows R V R' is invertible; pinv keeps a singular V honest.
    statistic = float(diff @ np.linalg.pinv(middle, hermitian=True) @ diff)
    rank = R.shape[0]
    design_df = getattr(results, "design_df", None)
    if design_df is not None:
        f_value, df_num, df_denom = adjusted_wald_f(statistic, rank, design_df)
        return FTestResult("Wald", f_value, df_num, df_denom, words, chi2=statistic)
    return TestResult("Wald", statistic, rank, words, results.cov_type)


def restriction_rows(restriction: Any, n_params: int) -> np.ndarray:
    """A user's restriction matrix ``R`` as finite floats with ``n_params`` columns.

    Examples
    --------
    >>> restriction_rows([1.0, 0.0, 0.0], 3)
    array([[1., 0., 0.]])
    >>> restriction_rows([], 3)
    Traceback (most recent call last):
    ...
    mnlogit.exceptions.DataError: the restriction is empty: pass a term name, a list of \
term names, or a matrix R with one row per restriction and 3 columns
    """
    expected = f"a matrix R with one row per restriction and {n_params} columns"
    try:
        R = np.atleast_2d(np.asarray(restriction, dtype=float))
    except (TypeError, ValueError):
        raise DataError(
            f"the restriction must be a term name, a list of term names, or {expected}; "
            f"got {type(restriction).__name__} {restriction!r:.60}"
        ) from None
    if R.size == 0:
        raise DataError(
            f"the restriction is empty: pass a term name, a list of term names, or {expected}"
        )
    if R.ndim != 2:
        raise DataError(f"R must be {expected}, got an array of shape {R.shape}")
    if R.shape[1] != n_params:
        raise DataError(f"R has {R.shape[1]} columns; the model has {n_params} coefficients")
    bad = ~np.isfinite(R)
    if bad.any():
        rows, cols = np.nonzero(bad)
        raise DataError(
            f"R has {int(bad.sum())} missing or infinite value(s), the first in row "
            f"{int(rows[0])}, column {int(cols[0])}"
        )
    return R


def restriction_values(value: Any, n_rows: int, words: str) -> np.ndarray:
    """``q`` of ``R theta = q``: a number for every row, or one number per row of ``R``.

    Examples
    --------
    >>> restriction_values(0.0, 2, "x = 0")
    array([0., 0.])
    >>> restriction_values([1.0, 2.0, 3.0], 2, "x = 0")
    Traceback (most recent call last):
    ...
    mnlogit.exceptions.DataError: value has 3 entries but the hypothesis x = 0 has 2 \
restrictions: pass one number, or one per restriction
    """
    try:
        q = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise DataError(
            f"value must be numbers, got {type(value).__name__} {value!r:.60}"
        ) from None
    if q.ndim > 1 or (q.ndim == 1 and q.size != n_rows):
        raise DataError(
            f"value has {q.size} entries but the hypothesis {words} has {n_rows} "
            "restrictions: pass one number, or one per restriction"
        )
    bad = ~np.isfinite(q)
    if bad.any():
        first = int(np.flatnonzero(np.atleast_1d(bad))[0])
        raise DataError(
            f"value has {int(bad.sum())} missing or infinite entr(ies), the first at "
            f"position {first}"
        )
    return np.broadcast_to(q, (n_rows,)).astype(float)


def independent_restrictions(
    R: np.ndarray, q: np.ndarray, words: str
) -> tuple[np.ndarray, np.ndarray, str]:
    """Equivalent restrictions with linearly independent rows, or an error if none hold.

    Redundant rows of ``R`` (one a combination of others) are replaced by the
    independent combinations ``U' R theta = U' q`` from the singular value
    decomposition ``R = U S V'`` (rank by numpy's ``matrix_rank`` rule); the words
    say how many are independent. Rows that demand different values of the same
    combination of coefficients (``q`` outside the column space of ``R``) cannot hold
    together: a :class:`~mnlogit.exceptions.DataError`.

    Examples
    --------
    >>> import numpy as np
    >>> R = np.array([[1.0, 0.0], [2.0, 0.0]])
    >>> R2, q2, words = independent_restrictions(R, np.array([1.0, 2.0]), "R theta = q")
    >>> R2.shape, words
    ((1, 2), 'R theta = q (2 restrictions, 1 independent)')
    >>> independent_restrictions(R, np.array([1.0, 1.0]), "R theta = q")
    Traceback (most recent call last):
    ...
    mnlogit.exceptions.DataError: the restrictions R theta = q are inconsistent: rows of R \
that are linear combinations of other rows ask for values of q that contradict them (rank \
1 of 2 rows), so no coefficients satisfy all of them
    """
    U, singular, _ = np.linalg.svd(R, full_matrices=False)
    tolerance = singular.max(initial=0.0) * max(R.shape) * np.finfo(float).eps
    rank = int((singular > tolerance).sum())
    if rank == 0:
        raise DataError(f"the restrictions {words} have an R of zeros: nothing is restricted")
    if rank == R.shape[0]:
        return R, q, words
    basis = U[:, :rank]
    leftover = q - basis @ (basis.T @ q)
    if np.linalg.norm(leftover) > 1e-9 * max(np.linalg.norm(q), np.finfo(float).tiny):
        raise DataError(
            f"the restrictions {words} are inconsistent: rows of R that are linear "
            f"combinations of other rows ask for values of q that contradict them (rank "
            f"{rank} of {R.shape[0]} rows), so no coefficients satisfy all of them"
        )
    counted = f" ({R.shape[0]} restrictions)"
    words = words.removesuffix(counted) + f" ({R.shape[0]} restrictions, {rank} independent)"
    return basis.T @ R, basis.T @ q, words


def anova(results: Any) -> pd.DataFrame:
    """Per-term joint Wald tests (each term zero in every equation), like ``car::Anova``.

    Formula fits test each formula term (all its design columns); array fits test
    each design column. The intercept is left out. Under a survey design the columns
    are ``df, df_denom, F, p_value`` (design-adjusted F tests).

    Examples
    --------
    >>> import mnlogit
    >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
    >>> anova(res).index.tolist()
    ['age', 'income']
    """
    frame = results.model_frame
    if frame.spec is not None:
        terms = [t for t in frame.spec.term_names if t != "Intercept"]
    else:
        constant = frame.constant_column
        terms = [n for i, n in enumerate(results.exog_names) if i != constant]
    if not np.isfinite(np.asarray(results.vcov)).all():
        raise MNLogitError(f"no Wald tests of the terms: {_no_covariance_reason(results)}")
    rows: list[tuple] = []
    for term in terms:
        try:
            test = wald_test(results, term)
        except MNLogitError:  # a term whose columns were all aliased
            continue
        if isinstance(test, FTestResult):
            rows.append((term, test.df, test.df_denom, test.statistic, test.pvalue))
        else:
            rows.append((term, test.df, test.statistic, test.pvalue))
    survey = getattr(results, "design_df", None) is not None
    columns = (
        ["term", "df", "df_denom", "F", "p_value"] if survey else ["term", "df", "chi2", "p_value"]
    )
    table = pd.DataFrame(rows, columns=columns).set_index("term")
    table.attrs["cov_type"] = results.cov_type
    return table


def _no_covariance_reason(results: Any, used: np.ndarray | None = None) -> str:
    """Why the covariance is missing (for the coefficients ``used``, a mask), and what
    to do instead."""
    diverging = np.asarray(results.diverging)
    if used is not None:
        diverging = diverging & used
    if diverging.any():
        return (
            f"the {_describe_coefficients(results, diverging)} are infinite (perfect or "
            "quasi-perfect separation), "
            "so they have no standard errors; test the other coefficients (a matrix R "
            "without them), refit with penalty='firth' for finite estimates and valid "
            "tests, or compare nested fits with lr_test"
        )
    return (
        "the covariance matrix is not available because the Hessian is singular at the "
        "estimate (the fit did not converge; see its ConvergenceWarning)"
    )


def _describe_coefficients(results: Any, mask: np.ndarray) -> str:
    """Plain words for the coefficients in an outcome-major ``mask``: whole outcomes
    first ("coefficients of outcome(s) 'b', 'c'"), then single ones ("'x' of outcome 'd'")."""
    k = len(results.exog_names)
    by_outcome = mask.reshape(-1, k)
    whole = [repr(o) for o, row in zip(results.outcomes, by_outcome, strict=True) if row.all()]
    parts = [f"coefficients of outcome(s) {', '.join(whole)}"] if whole else []
    for outcome, row in zip(results.outcomes, by_outcome, strict=True):
        if row.any() and not row.all():
            terms = ", ".join(repr(results.exog_names[i]) for i in np.flatnonzero(row))
            parts.append(f"coefficient(s) {terms} of outcome {outcome!r}")
    return " and ".join(parts)


def lr_test(restricted: Any, full: Any) -> TestResult:
    """Likelihood-ratio test of a restricted model nested in a fuller one.

    The statistic is ``2 (llf_full - llf_restricted)``, chi-squared with as many
    degrees of freedom as the full model has extra coefficients (R's ``anova``,
    Stata's ``lrtest``). Checks that both were fitted by maximum likelihood on the
    same rows (same outcome values and weights) and that the restricted design lies
    in the column space of the full one; says which check fails otherwise.

    Parameters
    ----------
    restricted : MNLogitResults
        The smaller model.
    full : MNLogitResults
        The model it is nested in, fitted on the same rows.

    Returns
    -------
    TestResult
        The ``"LR"`` test: ``statistic``, ``df`` and ``pvalue``.

    Raises
    ------
    MNLogitError
        If a model is penalised or fitted under a survey design (its likelihood is a
        pseudo-likelihood: use ``full.wald_test``), the models are given in the wrong
        order, or they are not nested (different rows, outcome values, weights, or
        a restricted design outside the full one's column space).

    Examples
    --------
    >>> import mnlogit
    >>> df = mnlogit.datasets.load_anes96()
    >>> small = mnlogit.fit("party3 ~ age", df)
    >>> big = mnlogit.fit("party3 ~ age + income", df)
    >>> lr_test(small, big)
    <LR test: chi2(2) = 44.6962, p = 1.969e-10; H0: the restricted model holds>
    >>> round(lr_test(small, big).statistic - 2 * (big.llf - small.llf), 12)
    0.0
    """
    for label, res in (("restricted", restricted), ("full", full)):
        if res.penalty[0] != "none":
            raise MNLogitError(f"the {label} model is penalised; LR tests need ML fits")
        if getattr(res, "design_df", None) is not None:
            raise MNLogitError(
                f"the {label} model is fitted under a survey design, where the weighted "
                "log-likelihood is a pseudo-likelihood and its LR statistic is not "
                "chi-squared; test the extra terms with full.wald_test(...) (a "
                "design-adjusted F test)"
            )
    df = full.n_params - restricted.n_params
    if df <= 0:
        raise MNLogitError(
            f"the restricted model has {restricted.n_params} coefficients and the full one "
            f"{full.n_params}: pass the smaller model first, lr_test(restricted, full)"
        )
    _check_same_rows(restricted.model_frame, full.model_frame)
    _check_nested(restricted.model_frame.X, full.model_frame.X)
    statistic = 2.0 * (full.llf - restricted.llf)
    return TestResult("LR", statistic, df, "the restricted model holds")


def _check_same_rows(small: Any, big: Any) -> None:
    if len(small.X) != len(big.X) or not small.row_index.equals(big.row_index):
        raise MNLogitError(
            f"the models are not fitted on the same rows ({len(small.X)} and {len(big.X)} "
            "rows used): not nested; refit both on the same complete cases"
        )
    if tuple(small.outcome.levels) != tuple(big.outcome.levels):
        raise MNLogitError("the models have different outcome levels: not nested")
    labels_small = np.asarray(small.outcome.model_levels, dtype=object)[small.outcome.codes]
    labels_big = np.asarray(big.outcome.model_levels, dtype=object)[big.outcome.codes]
    if not np.array_equal(labels_small, labels_big):
        raise MNLogitError("the models have different outcome values on the same rows")
    w_small = np.ones(len(small.X)) if small.weights is None else small.weights
    w_big = np.ones(len(big.X)) if big.weights is None else big.weights
    if not np.array_equal(w_small, w_big):
        raise MNLogitError("the models use different weights: not nested")


def _check_nested(X_small: np.ndarray, X_big: np.ndarray) -> None:
    q, _ = np.linalg.qr(X_big)
    resid = X_small - q @ (q.T @ X_small)
    scale = np.linalg.norm(X_small, axis=0)
    bad = np.linalg.norm(resid, axis=0) > 1e-8 * np.maximum(scale, 1.0)
    if bad.any():
        raise MNLogitError(
            f"the restricted model is not nested in the full one: {int(bad.sum())} of its "
            "design column(s) are not combinations of the full model's columns"
        )
