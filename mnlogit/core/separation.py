"""Detection of complete and quasi-complete separation by linear programming.

The multinomial-logit MLE fails to exist exactly when some direction d of the
coefficients (one k-vector per non-reference outcome, d_0 = 0 for the
reference) never lowers any observation's log-odds of its own outcome against
another, and raises at least one: x_i'(d_{y_i} - d_j) >= 0 for all i and j, with
some inequality strict (Albert & Anderson 1984). Maximising the sum of those
margins over the box -1 <= d <= 1 (Konis 2007, as R's ``detectseparation`` does
for binary models) gives a positive optimum iff the data are separated; the
non-zero parts of d name the outcomes and terms whose estimates diverge.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from scipy import optimize, sparse

from .params import unvec, vec

# Distinct rows x (J - 1) beyond which the LP would take too long to run.
MAX_CONSTRAINTS = 200_000
# A positive margin above this is separation (margins of the column-scaled design).
_TOLERANCE = 1e-7
# A row violated by more than this (well above HiGHS's feasibility tolerance of 1e-7)
# joins the next round of the cutting-plane LP.
_FEASIBILITY = 1e-6
# Rows of the first round, and most rows added per round.
_FIRST_ROWS = 5_000


@dataclass(frozen=True)
class Separation:
    """Outcome of the separation check.

    Attributes
    ----------
    separated : whether the MLE does not exist (complete or quasi-complete separation).
    outcomes : non-reference outcomes whose coefficients diverge.
    terms : design columns involved in the separating direction.
    direction : (k, m) separating direction, extended by the coefficients the
        iterations still move (:meth:`extended`); its non-zero entries are the diverging
        coefficients.
    checked : False when the data had too many distinct rows for the check.
    """

    separated: bool
    outcomes: tuple = ()
    terms: tuple[str, ...] = ()
    direction: np.ndarray | None = None
    checked: bool = True

    def extended(self, moving: np.ndarray, step: np.ndarray) -> Separation:
        """The separation with the coefficients the iterations still move (``moving``, a
        (k, m) mask; ``step``, the (k, m) next Newton step) added to the direction.

        The linear program finds one separating direction; where several exist (two
        rows fitted perfectly by a line: the intercept and the slope both diverge) it
        may leave some diverging coefficients at zero, but the iterations move them all.

        Examples
        --------
        >>> import numpy as np
        >>> sep = Separation(True, ("b",), ("x",), np.array([[0.0], [1.0]]))
        >>> new = sep.extended(np.array([[True], [True]]), np.array([[-1.0], [2.0]]))
        >>> new.direction.ravel().tolist(), new.diverging(2, 1).tolist()
        ([-1.0, 1.0], [True, True])
        """
        if not self.separated or self.direction is None:
            return self
        direction = np.where(self.direction != 0, self.direction, np.where(moving, step, 0.0))
        return replace(self, direction=direction)

    def diverging(self, n_terms: int, n_free: int) -> np.ndarray:
        """Outcome-major mask of the coefficients whose estimates diverge: the non-zero
        entries of the separating direction (every coefficient if it is unknown).

        Examples
        --------
        >>> import numpy as np
        >>> Separation(True, ("c",), ("g",), np.array([[0.0, 0.0], [0.0, -1.0]])).diverging(2, 2)
        array([False, False, False,  True])
        >>> Separation(False).diverging(2, 2).any()
        np.False_
        """
        if not self.separated:
            return np.zeros(n_terms * n_free, dtype=bool)
        if self.direction is None:
            return np.ones(n_terms * n_free, dtype=bool)
        return vec(np.asarray(self.direction) != 0)

    def describe(self, reference: object) -> str:
        """Plain-words account of the separation and its remedy."""
        outcomes = ", ".join(map(repr, self.outcomes))
        terms = ", ".join(map(repr, self.terms))
        return (
            f"perfect or quasi-perfect separation: outcome(s) {outcomes} (against the "
            f"reference {reference!r}) can be predicted without error from term(s) {terms}, "
            "so their maximum-likelihood estimates are infinite; the reported coefficients "
            "only reflect where the iterations stopped and their Wald tests are meaningless. "
            "Remedies: fit(..., penalty='firth') for finite bias-reduced estimates, "
            "penalty=('l2', lam) for ridge, or merge sparse levels"
        )


def check_separation(
    X: np.ndarray,
    codes: np.ndarray,
    weights: np.ndarray | None,
    n_outcomes: int,
    exog_names: Sequence[str],
    others: Sequence[object],
) -> Separation:
    """Linear-programming check of separation for a multinomial logit.

    Parameters
    ----------
    X : (n, k) design. codes : model-order outcome codes (0 = reference).
    weights : frequency weights (rows with weight zero are ignored) or None.
    n_outcomes : J. exog_names, others : labels of the columns and outcomes.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.column_stack([np.ones(6), [1.0, 2, 3, 4, 5, 6]])
    >>> check_separation(X, np.array([0, 0, 0, 1, 1, 1]), None, 2, ["const", "x"], ["b"]).separated
    True
    >>> check_separation(X, np.array([0, 1, 0, 1, 0, 1]), None, 2, ["const", "x"], ["b"]).separated
    False
    """
    if weights is not None:
        keep = weights > 0
        X, codes = X[keep], codes[keep]
    # The constraints depend only on (x_i, y_i): repeated patterns add nothing.
    patterns = np.unique(np.column_stack([X, codes]), axis=0)
    X, codes = patterns[:, :-1], patterns[:, -1].astype(np.intp)
    n, k = X.shape
    m = n_outcomes - 1
    if n * m > MAX_CONSTRAINTS:
        return Separation(False, checked=False)
    scale = np.abs(X).max(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    A = _margin_matrix(X / scale, codes, n_outcomes)
    solution = _maximise_margins(A)
    if solution is None or (A @ solution).max(initial=0.0) <= _TOLERANCE:
        return Separation(False)
    active = np.abs(unvec(solution, k)) > 1e-6
    direction = np.where(active, unvec(solution, k), 0.0) / scale[:, None]
    outcomes = tuple(o for o, col in zip(others, active.T, strict=True) if col.any())
    terms = tuple(name for name, row in zip(exog_names, active, strict=True) if row.any())
    return Separation(True, outcomes, terms, direction)


def _margin_matrix(X: np.ndarray, codes: np.ndarray, n_outcomes: int) -> sparse.csr_matrix:
    """Rows x_i'(d_{y_i} - d_j) for every row i and outcome j != y_i, as a sparse matrix
    acting on the outcome-major direction d (d_0 = 0 for the reference)."""
    n, k = X.shape
    rows, cols, vals = [], [], []
    constraint = 0
    for j in range(n_outcomes):
        # Margins against outcome j for the rows whose outcome is not j.
        idx = np.flatnonzero(codes != j)
        own = codes[idx]
        r = constraint + np.arange(idx.size)
        nonref = own > 0
        for t in range(k):
            rows.append(r[nonref])
            cols.append((own[nonref] - 1) * k + t)
            vals.append(X[idx[nonref], t])
            if j > 0:
                rows.append(r)
                cols.append(np.full(idx.size, (j - 1) * k + t))
                vals.append(-X[idx, t])
        constraint += idx.size
    return sparse.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(constraint, k * (n_outcomes - 1)),
    )


def _maximise_margins(A: sparse.csr_matrix) -> np.ndarray | None:
    """argmax of the summed margins 1'A d subject to A d >= 0 and -1 <= d <= 1.

    Solved by adding constraints as they are found violated (cutting planes): a few
    thousand rows first, then each round the most violated rows, until the solution
    satisfies every row -- it is then optimal for all of them, since the objective is
    the full one. With a dozen unknowns a handful of rows bind, so a few small LPs
    replace one with up to 200,000 rows (which took a minute). None if HiGHS fails.
    """
    objective = -np.asarray(A.sum(axis=0)).ravel()
    n_rows = A.shape[0]
    if n_rows <= _FIRST_ROWS:
        rows = np.arange(n_rows)
    else:
        rows = np.sort(np.random.default_rng(0).choice(n_rows, _FIRST_ROWS, replace=False))
    while True:
        subset = A[rows]
        solution = optimize.linprog(
            objective, A_ub=-subset, b_ub=np.zeros(rows.size), bounds=(-1.0, 1.0), method="highs"
        )
        if solution.status != 0 or solution.x is None:
            return None
        margins = A @ solution.x
        violated = np.flatnonzero(margins < -_FEASIBILITY)
        if violated.size == 0:
            return solution.x
        worst = violated[np.argsort(margins[violated], kind="stable")[:_FIRST_ROWS]]
        rows = np.union1d(rows, worst)
