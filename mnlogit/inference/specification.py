"""Tests of the independence of irrelevant alternatives (IIA).

Under IIA the odds of one outcome against another do not depend on the other
outcomes, so fitting the model again on the rows whose outcome is not the omitted
one (same design, same reference) should leave the coefficients of the remaining
outcomes unchanged up to sampling error. Three tests compare the two fits:

- ``"hausman"``: Hausman & McFadden (1984), computed as R's ``mlogit::hmftest``:
  ``d' (V_r - V_f)^-1 d`` with ``d = θ_r - θ_f`` over every coefficient both fits
  estimate (intercepts included) and ``V_r``, ``V_f`` their model-based covariances
  (inverse information, whatever the fit's ``cov_type``); df = number of compared
  coefficients. ``V_r - V_f`` need not be positive definite in a sample: a negative
  statistic is reported as it is, with a note, as Stata's ``hausman`` does.
- ``"suest"``: the same contrast with the covariance of ``d`` taken from the stacked
  sandwich of both fits' per-row scores (Weesie 1999; Stata's ``suest`` followed by
  ``test``), so the statistic is never negative. The sandwich carries Stata's
  factor N/(N-1), or G/(G-1) with the fit's clusters when it has
  ``cov_type="cluster"``; the result's ``details`` say which.
- ``"small-hsiao"``: Small & Hsiao (1985) as Long & Freese's ``mlogtest, smhsiao``:
  split the sample at random into halves A and B; fit the full model on each;
  ``θ_AB = θ_A / √2 + (1 - 1/√2) θ_B``; fit the restricted model on B's rows
  without the omitted outcome; the statistic is ``-2 (L_r(θ_AB) - L_r(θ_r))`` with
  ``L_r`` that restricted log-likelihood, on df = number of restricted coefficients.

References: Hausman, J. and McFadden, D. (1984), Econometrica 52, 1219-1240;
Small, K. and Hsiao, C. (1985), International Economic Review 26, 619-627; Weesie, J. (1999),
Stata Technical Bulletin 52, sg121; Long, J. S. and Freese, J. (2014), Regression
Models for Categorical Dependent Variables Using Stata, 3rd ed., section 8.4.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import linalg

from ..core.estimate import Estimate, FitOptions, estimate
from ..core.params import unvec, vec
from ..core.sources import ArraySource
from ..design import frame_from_arrays
from ..exceptions import DataError, LevelError, MNLogitError
from .covariance import outer_product_sum
from .distributions import chi2_pvalue, inverse_information
from .goodness_of_fit import require_rows
from .scores import block_rows, score_rows

IIAMethod = Literal["hausman", "suest", "small-hsiao"]
IIA_METHODS: dict[str, str] = {
    "hausman": "Hausman-McFadden",
    "suest": "suest-based Hausman",
    "small-hsiao": "Small-Hsiao",
}


@dataclass(frozen=True)
class IIATestResult:
    """One IIA test: the omitted outcome, chi-squared statistic, df and p-value.

    What :meth:`~mnlogit.MNLogitResults.iia_test` returns for one omitted outcome.

    Parameters
    ----------
    method : {"hausman", "suest", "small-hsiao"}
        The test.
    omitted : label
        The outcome left out of the restricted fit.
    statistic : float
        The chi-squared statistic (a Hausman statistic can be negative: then the
        p-value is 1 and a note says so).
    df : int
        Its degrees of freedom.
    notes : tuple of str, default ()
        Warnings about doubtful results (a negative statistic, a singular
        covariance difference, ...).
    details : str, default ""
        How the covariance (or the random split) was made.

    Examples
    --------
    >>> IIATestResult("hausman", "vocation", 3.2, 4)
    <Hausman-McFadden IIA test omitting 'vocation': chi2(4) = 3.2000, p = 0.5249>
    >>> import mnlogit
    >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
    >>> res.iia_test("Republican")
    <Hausman-McFadden IIA test omitting 'Republican': chi2(3) = 0.3101, p = 0.9581>
      (model-based covariances (inverse information) of both fits)
    """

    method: str
    omitted: Any
    statistic: float
    df: int
    notes: tuple[str, ...] = ()
    details: str = ""

    @property
    def pvalue(self) -> float:
        """Upper-tail chi-squared probability (1 for a negative statistic).

        Examples
        --------
        >>> round(IIATestResult("hausman", "vocation", 3.2, 4).pvalue, 4)
        0.5249
        >>> IIATestResult("hausman", "vocation", -0.5, 4).pvalue
        1.0
        """
        return chi2_pvalue(self.statistic, self.df)

    def __repr__(self) -> str:
        head = (
            f"<{IIA_METHODS[self.method]} IIA test omitting {self.omitted!r}: "
            f"chi2({self.df}) = {self.statistic:.4f}, p = {self.pvalue:.4g}>"
        )
        details = [f"  ({self.details})"] if self.details else []
        return "\n".join([head, *details, *(f"  Note: {note}" for note in self.notes)])


def iia_test(
    results: Any,
    omit: Any = None,
    method: IIAMethod = "hausman",
    seed: int | np.random.Generator | None = None,
) -> IIATestResult | pd.DataFrame:
    """Test the independence of irrelevant alternatives by omitting an outcome.

    Parameters
    ----------
    results : a maximum-likelihood :class:`~mnlogit.results.MNLogitResults` with at
        least three outcomes.
    omit : the outcome to leave out (not the reference); None tests each
        non-reference outcome in turn and returns one row per outcome, as Stata's
        ``mlogtest, iia`` does.
    method : ``"hausman"``, ``"suest"`` or ``"small-hsiao"`` (see the module notes).
    seed : seed or generator of the random split of ``"small-hsiao"`` (one split
        serves every omitted outcome of a call); unused by the other methods.

    Returns
    -------
    IIATestResult
        For one omitted outcome: ``statistic``, ``df``, ``pvalue``, ``notes``,
        ``details``.
    DataFrame
        For ``omit=None``: columns ``chi2``, ``df``, ``p_value``, ``note``, indexed
        by the omitted outcome; ``attrs["method"]`` names the test and
        ``attrs["details"]`` says how its covariance (or split) was made.

    Examples
    --------
    >>> import mnlogit
    >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
    >>> test = iia_test(res, omit="Republican")
    >>> test.df, round(test.statistic, 3)
    (3, 0.31)
    >>> iia_test(res, method="suest").columns.tolist()
    ['chi2', 'df', 'p_value', 'note']
    """
    require_rows(results, "an IIA test")
    if getattr(results, "is_survey", False):
        raise MNLogitError(
            "IIA tests compare model-based fits of the data as sampled; a survey fit's "
            "design-based inference has no such test here: fit without design= to test IIA"
        )
    if method not in IIA_METHODS:
        raise MNLogitError(
            f"method must be one of {', '.join(map(repr, IIA_METHODS))}, got {method!r}"
        )
    _check_model(results)
    omitted = list(results.outcomes) if omit is None else [omissible_outcome(results, omit)]
    if method == "small-hsiao":
        first_half = random_halves(results, seed)
        tests = [small_hsiao(results, level, first_half) for level in omitted]
    else:
        test = hausman_mcfadden if method == "hausman" else suest_hausman
        tests = [test(results, level) for level in omitted]
    if omit is not None:
        return tests[0]
    table = pd.DataFrame(
        {
            "chi2": [t.statistic for t in tests],
            "df": [t.df for t in tests],
            "p_value": [t.pvalue for t in tests],
            "note": ["; ".join(t.notes) for t in tests],
        },
        index=pd.Index(omitted, name="omitted"),
    )
    table.attrs["method"] = IIA_METHODS[method]
    table.attrs["details"] = tests[0].details
    return table


def omissible_outcome(results: Any, omit: Any) -> Any:
    """The outcome level ``omit`` names; the reference or an unknown label is an error.

    Examples
    --------
    >>> import mnlogit
    >>> res = mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris())
    >>> omissible_outcome(res, "virginica")
    'virginica'
    >>> omissible_outcome(res, "setosa")
    Traceback (most recent call last):
    ...
    mnlogit.exceptions.LevelError: cannot omit 'setosa': it is the reference outcome, \
whose equation the restricted fit needs; refit with another reference to test it
    """
    for level in results.outcomes:
        if level == omit:
            return level
    if omit == results.reference:
        raise LevelError(
            f"cannot omit {omit!r}: it is the reference outcome, whose equation the "
            "restricted fit needs; refit with another reference to test it"
        )
    levels = ", ".join(map(repr, results.outcome_levels))
    raise LevelError(f"{omit!r} is not an outcome of {results.outcome_name!r} (levels: {levels})")


def hausman_mcfadden(results: Any, omitted: Any) -> IIATestResult:
    """Hausman-McFadden test of IIA omitting one outcome (R ``mlogit::hmftest``).

    Examples
    --------
    >>> import mnlogit
    >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
    >>> hausman_mcfadden(res, "Independent").df
    3
    """
    _, restricted = _without_outcome(results, omitted)
    full_at, restricted_at = _shared_positions(results.model_frame, restricted.frame)
    difference = restricted.result.theta[restricted_at] - results.theta[full_at]
    cov_full = inverse_information(results.estimate.hessian)[np.ix_(full_at, full_at)]
    cov_restricted = inverse_information(restricted.result.hessian)
    cov_restricted = cov_restricted[np.ix_(restricted_at, restricted_at)]
    statistic, df, notes = chi2_form(difference, cov_restricted - cov_full)
    details = "model-based covariances (inverse information) of both fits"
    return IIATestResult("hausman", omitted, statistic, df, notes, details)


def suest_hausman(results: Any, omitted: Any) -> IIATestResult:
    """Hausman test of IIA with the seemingly-unrelated (stacked sandwich) covariance.

    Examples
    --------
    >>> import mnlogit
    >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
    >>> suest_hausman(res, "Independent").details
    'stacked sandwich covariance with the factor N/(N-1) (Stata suest)'
    """
    frame = results.model_frame
    kept, restricted = _without_outcome(results, omitted)
    n_full = results.theta.size
    clustered = results.cov_type == "cluster"
    groups = results.cov_kwds["groups"] if clustered else None
    meat = outer_product_sum(
        _stacked_scores(results, restricted, kept), n_full + restricted.result.theta.size, groups
    )
    bread = linalg.block_diag(
        inverse_information(results.estimate.hessian),
        inverse_information(restricted.result.hessian),
    )
    if clustered:
        n_groups = results.cov_kwds["n_groups"]
        factor = n_groups / (n_groups - 1.0)
        how = (
            f"stacked sandwich covariance clustered by {results.cov_kwds['groups_name']} "
            f"(G={n_groups}) with the factor G/(G-1) (Stata suest, vce(cluster))"
        )
    else:
        factor = frame.nobs / (frame.nobs - 1.0)
        how = "stacked sandwich covariance with the factor N/(N-1) (Stata suest)"
    cov = factor * (bread @ meat @ bread)
    full_at, restricted_at = _shared_positions(frame, restricted.frame)
    restricted_at = restricted_at + n_full
    cross = cov[np.ix_(restricted_at, full_at)]
    cov_difference = (
        cov[np.ix_(restricted_at, restricted_at)] + cov[np.ix_(full_at, full_at)] - cross - cross.T
    )
    difference = restricted.result.theta[restricted_at - n_full] - results.theta[full_at]
    statistic, df, notes = chi2_form(difference, cov_difference)
    return IIATestResult("suest", omitted, statistic, df, notes, how)


def small_hsiao(results: Any, omitted: Any, first_half: np.ndarray) -> IIATestResult:
    """Small-Hsiao test of IIA omitting one outcome, for a given split of the sample.

    Parameters
    ----------
    results : the fitted model.
    omitted : the outcome to leave out.
    first_half : per row of the fit, how many of its observations are in half A
        (0 or 1 without weights; 0 to the row's frequency weight with them); the
        rest of each row is in half B. :func:`random_halves` draws one.

    Examples
    --------
    >>> import mnlogit
    >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
    >>> small_hsiao(res, "Independent", random_halves(res, seed=1)).df
    3
    """
    frame = results.model_frame
    totals = np.ones(frame.X.shape[0]) if frame.weights is None else frame.weights
    first_half = np.asarray(first_half, dtype=np.float64)
    if first_half.shape != totals.shape or (first_half < 0).any() or (first_half > totals).any():
        raise DataError(
            f"first_half must give, for each of the {totals.size} rows, between 0 and the "
            "row's number of observations"
        )
    halves = (first_half, totals - first_half)
    fits = [_refit_half(results, counts, label) for counts, label in zip(halves, "AB", strict=True)]
    for fit, label in zip(fits, "AB", strict=True):
        if fit.frame.exog_names != frame.exog_names:
            lost = sorted(set(frame.exog_names) - set(fit.frame.exog_names))
            raise DataError(
                f"design column(s) {', '.join(map(repr, lost))} are aliased in the random "
                f"half {label}; use another seed or more data"
            )
    root = 1.0 / math.sqrt(2.0)
    theta_ab = root * fits[0].result.theta + (1.0 - root) * fits[1].result.theta
    omitted_code = _model_code(results, omitted)
    kept = frame.outcome.codes != omitted_code
    counts_b = halves[1] * kept
    rows = counts_b > 0
    restricted = _refit(results, rows, _half_weights(results, counts_b[rows]))
    # The restricted likelihood at θ_AB: the equations of the remaining outcomes only,
    # outcome codes renumbered without the omitted one.
    remaining = [j for j in range(len(results.outcomes)) if j + 1 != omitted_code]
    theta_ab_restricted = vec(unvec(theta_ab, frame.n_terms)[:, remaining])
    codes = frame.outcome.codes[rows]
    codes = codes - (codes > omitted_code)
    source = ArraySource(
        frame.X[rows], codes, _half_weights(results, counts_b[rows]), len(remaining) + 1
    )
    llf_ab = source.derivatives(theta_ab_restricted, hessian=False).llf
    statistic = -2.0 * (llf_ab - restricted.result.llf)
    n_a, n_b = (float(h.sum()) for h in halves)
    details = f"random halves of {n_a:g} and {n_b:g} observations"
    df = restricted.result.theta.size
    return IIATestResult("small-hsiao", omitted, statistic, df, details=details)


def random_halves(results: Any, seed: int | np.random.Generator | None = None) -> np.ndarray:
    """A random split of the observations into halves: per row, the count in half A.

    Without weights, half A holds floor(N/2) rows drawn without replacement (the rest
    are half B). With frequency weights (whole numbers), each of a row's ``w``
    observations goes to either half with probability 1/2, as a split of the
    expanded rows would.

    Examples
    --------
    >>> import mnlogit
    >>> res = mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris())
    >>> float(random_halves(res, seed=0).sum())
    75.0
    """
    rng = np.random.default_rng(seed)
    weights = results.model_frame.weights
    n_rows = results.model_frame.X.shape[0]
    if weights is None:
        first = np.zeros(n_rows)
        first[rng.permutation(n_rows)[: n_rows // 2]] = 1.0
        return first
    if not np.array_equal(weights, np.round(weights)):
        raise DataError(
            "the Small-Hsiao test splits the observations at random, so frequency weights "
            "must be whole numbers"
        )
    return rng.binomial(weights.astype(np.int64), 0.5).astype(np.float64)


def chi2_form(difference: np.ndarray, cov: np.ndarray) -> tuple[float, int, tuple[str, ...]]:
    """``d' V^-1 d`` with its df and notes; a singular ``V`` uses its pseudo-inverse
    (df = rank), a ``V`` that is not positive definite is noted.

    Examples
    --------
    >>> import numpy as np
    >>> chi2_form(np.array([1.0, 2.0]), np.diag([1.0, 4.0]))
    (2.0, 2, ())
    >>> chi2_form(np.array([1.0]), np.array([[-1.0]]))[2][0][:40]
    'the covariance difference is not positiv'
    """
    eigenvalues = np.linalg.eigvalsh(cov)
    scale = max(float(np.abs(eigenvalues).max(initial=0.0)), np.finfo(float).tiny)
    tol = scale * cov.shape[0] * np.finfo(float).eps
    singular = int(np.sum(np.abs(eigenvalues) <= tol))
    notes = []
    if singular:
        statistic = float(difference @ np.linalg.pinv(cov, hermitian=True) @ difference)
        df = difference.size - singular
        notes.append(f"the covariance of the difference is singular: df is its rank, {df}")
    else:
        statistic = float(difference @ np.linalg.solve(cov, difference))
        df = difference.size
    if eigenvalues.min() < -tol:
        notes.append(
            "the covariance difference is not positive definite (smallest eigenvalue "
            f"{eigenvalues.min():.3g})"
        )
    if statistic < 0:
        notes.append(
            "the statistic is negative: the fits do not meet the asymptotic assumptions "
            "of the Hausman test (Hausman & McFadden read this as evidence for IIA); "
            "the suest form is never negative"
        )
    return statistic, df, tuple(notes)


# -- refits -----------------------------------------------------------------------


def _check_model(results: Any) -> None:
    if results.penalty[0] != "none":
        raise MNLogitError(
            f"IIA tests compare maximum-likelihood fits; this fit is {results.penalty[0]!r}-"
            "penalised"
        )
    levels = results.outcome_levels
    if len(levels) < 3:
        raise MNLogitError(
            f"an IIA test needs at least three outcomes (one to omit, two to compare); "
            f"{results.outcome_name!r} has {len(levels)}: {', '.join(map(repr, levels))}"
        )


def _model_code(results: Any, level: Any) -> int:
    return list(results.model_frame.outcome.model_levels).index(level)


def _without_outcome(results: Any, omitted: Any) -> tuple[np.ndarray, Estimate]:
    """The rows whose outcome is not ``omitted`` and the fit on them."""
    kept = results.model_frame.outcome.codes != _model_code(results, omitted)
    weights = results.model_frame.weights
    return kept, _refit(results, kept, None if weights is None else weights[kept])


def _half_weights(results: Any, counts: np.ndarray) -> np.ndarray | None:
    # Rows of an unweighted fit are in a half whole (count 1): no weights needed.
    return counts if results.model_frame.weights is not None else None


def _refit(results: Any, rows: np.ndarray, weights: np.ndarray | None) -> Estimate:
    """Maximum-likelihood fit of the same design on ``rows`` with the same reference."""
    frame = results.model_frame
    outcome = frame.outcome
    labels = np.array(outcome.model_levels, dtype=object)[outcome.codes[rows]]
    sub = frame_from_arrays(
        pd.Series(labels, name=outcome.name),
        pd.DataFrame(frame.X[rows], columns=list(frame.exog_names)),
        reference=outcome.reference,
        weights=weights,
    )
    return estimate(sub, FitOptions(drop_aliased=True))


def _refit_half(results: Any, counts: np.ndarray, label: str) -> Estimate:
    outcome = results.model_frame.outcome
    present = np.bincount(outcome.codes, weights=counts, minlength=outcome.n_levels)
    absent = [outcome.model_levels[j] for j in np.flatnonzero(present == 0)]
    if absent:
        raise DataError(
            f"the random half {label} has no observation of outcome(s) "
            f"{', '.join(map(repr, absent))}; use another seed or more data"
        )
    rows = counts > 0
    return _refit(results, rows, _half_weights(results, counts[rows]))


def _param_keys(frame: Any) -> list[tuple[Any, str]]:
    """(outcome, design column) of each coefficient, in outcome-major order."""
    return [(o, t) for o in frame.outcome.others for t in frame.exog_names]


def _shared_positions(full: Any, restricted: Any) -> tuple[np.ndarray, np.ndarray]:
    """Positions in each fit's θ of the coefficients both estimate."""
    full_keys = {key: i for i, key in enumerate(_param_keys(full))}
    pairs = [
        (full_keys[key], j) for j, key in enumerate(_param_keys(restricted)) if key in full_keys
    ]
    full_at, restricted_at = (np.array(p, dtype=np.intp) for p in zip(*pairs, strict=True))
    return full_at, restricted_at


def _stacked_scores(
    results: Any, restricted: Estimate, kept: np.ndarray
) -> Iterator[tuple[slice, np.ndarray, np.ndarray]]:
    """Per-row scores of the full fit beside those of the restricted fit (zero on the
    rows it leaves out), in row blocks."""
    frame, sub = results.model_frame, restricted.frame
    coef_full = unvec(results.theta, frame.n_terms)
    coef_restricted = unvec(restricted.result.theta, sub.n_terms)
    n_full = results.theta.size
    width = n_full + restricted.result.theta.size
    position = np.cumsum(kept) - 1  # row of the restricted fit
    n_rows = frame.X.shape[0]
    step = block_rows(width)
    for start in range(0, n_rows, step):
        rows = slice(start, min(n_rows, start + step))
        scores = np.zeros((rows.stop - start, width))
        scores[:, :n_full] = score_rows(frame.X[rows], frame.outcome.codes[rows], coef_full)
        inside = kept[rows]
        at = position[rows][inside]
        scores[inside, n_full:] = score_rows(sub.X[at], sub.outcome.codes[at], coef_restricted)
        w = np.ones(rows.stop - start) if frame.weights is None else frame.weights[rows]
        yield rows, scores, w
