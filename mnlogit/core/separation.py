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
from dataclasses import dataclass

import numpy as np
from scipy import optimize, sparse

from .params import unvec

# Distinct rows x (J - 1) beyond which the LP would take too long to run.
MAX_CONSTRAINTS = 200_000
_TOLERANCE = 1e-7


@dataclass(frozen=True)
class Separation:
    """Outcome of the separation check.

    Attributes
    ----------
    separated : whether the MLE does not exist (complete or quasi-complete separation).
    outcomes : non-reference outcomes whose coefficients diverge.
    terms : design columns involved in the separating direction.
    direction : (k, m) separating direction (zeros when not separated).
    checked : False when the data had too many distinct rows for the check.
    """

    separated: bool
    outcomes: tuple = ()
    terms: tuple[str, ...] = ()
    direction: np.ndarray | None = None
    checked: bool = True

    def involved(self, outcome: object, term: str) -> bool:
        """Whether the coefficient of ``term`` for ``outcome`` is affected."""
        return self.separated and outcome in self.outcomes and term in self.terms

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
    Xs = X / np.where(scale > 0, scale, 1.0)
    rows, cols, vals = [], [], []
    constraint = 0
    for j in range(n_outcomes):
        # Margins against outcome j for the rows whose outcome is not j.
        idx = np.flatnonzero(codes != j)
        own = codes[idx]
        r = constraint + np.arange(idx.size)
        for t in range(k):
            nonref = own > 0
            rows.append(r[nonref])
            cols.append((own[nonref] - 1) * k + t)
            vals.append(Xs[idx[nonref], t])
            if j > 0:
                rows.append(r)
                cols.append(np.full(idx.size, (j - 1) * k + t))
                vals.append(-Xs[idx, t])
        constraint += idx.size
    A = sparse.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(constraint, k * m),
    )
    objective = -np.asarray(A.sum(axis=0)).ravel()
    solution = optimize.linprog(
        objective, A_ub=-A, b_ub=np.zeros(constraint), bounds=(-1.0, 1.0), method="highs"
    )
    if solution.status != 0 or (A @ solution.x).max(initial=0.0) <= _TOLERANCE:
        return Separation(False)
    direction = unvec(solution.x, k) / np.where(scale > 0, scale, 1.0)[:, None]
    active = np.abs(unvec(solution.x, k)) > 1e-6
    outcomes = tuple(o for o, col in zip(others, active.T, strict=True) if col.any())
    terms = tuple(name for name, row in zip(exog_names, active, strict=True) if row.any())
    return Separation(True, outcomes, terms, direction)
