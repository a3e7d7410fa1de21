"""Penalised likelihoods: Firth's bias reduction (Jeffreys prior) and ridge.

Each penalty wraps a row source's ``derivatives`` into another evaluator for
the same Newton solver.

Firth: maximise llf(θ) + ½ log det I(θ), with I = -H the Fisher information
(observed = expected for the canonical logit link). The adjusted score is
U_r + ½ tr(I⁻¹ ∂I/∂θ_r); for the multinomial logit, with V_i = diag(p_i) - p_i p_i'
and A_i[j, j'] = x_i' (I⁻¹)_{jj'} x_i,

    ½ tr(I⁻¹ ∂I/∂θ_(t,l)) = ½ Σ_i w_i x_it V_i[:, l]' (diag(A_i) - 2 A_i p_i).

The solver uses -I as the Hessian of the penalised objective (Fisher scoring on
the adjusted score, as in Kosmidis & Firth 2010); standard errors come from I⁻¹.
Ridge: llf(θ) - ½ λ Σ θ² over all coefficients but the intercepts.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import linalg

from ..exceptions import MNLogitError
from .likelihood import Derivatives
from .params import unvec, vec
from .sources import ArraySource

Penalty = str | tuple[str, float] | None


def parse_penalty(penalty: Penalty) -> tuple[str, float]:
    """Validate a penalty specification: None, ``"firth"`` or ``("l2", lam)``.

    Examples
    --------
    >>> parse_penalty(("l2", 0.5)), parse_penalty("firth"), parse_penalty(None)
    (('l2', 0.5), ('firth', 0.0), ('none', 0.0))
    """
    if penalty is None:
        return "none", 0.0
    if isinstance(penalty, str) and penalty == "firth":
        return "firth", 0.0
    if (
        isinstance(penalty, tuple)
        and len(penalty) == 2
        and penalty[0] == "l2"
        and isinstance(penalty[1], (int, float))
        and np.isfinite(penalty[1])
        and penalty[1] >= 0
    ):
        return "l2", float(penalty[1])
    raise MNLogitError(
        f"penalty must be None, 'firth' or ('l2', lam) with lam >= 0, got {penalty!r}"
    )


def ridge_evaluator(
    source: ArraySource, lam: float, constant_column: int | None
) -> Callable[[np.ndarray], Derivatives]:
    """Evaluator of llf - ½ λ |θ|² (intercepts unpenalised).

    Examples
    --------
    >>> import numpy as np
    >>> src = ArraySource(np.ones((4, 1)), np.array([0, 1, 1, 2]), None, 3)
    >>> ridge_evaluator(src, 2.0, None)(np.ones(2)).llf < src.derivatives(np.ones(2)).llf
    True
    """
    mask = np.ones((source.n_terms, source.n_outcomes - 1))
    if constant_column is not None:
        mask[constant_column] = 0.0
    mask = vec(mask)

    def evaluate(theta: np.ndarray) -> Derivatives:
        plain = source.derivatives(theta)
        penalised = mask * theta
        return Derivatives(
            plain.llf - 0.5 * lam * float(penalised @ theta),
            plain.gradient - lam * penalised,
            plain.required_hessian() - lam * np.diag(mask),
        )

    return evaluate


def firth_evaluator(source: ArraySource) -> Callable[[np.ndarray], Derivatives]:
    """Evaluator of llf + ½ log det I with the adjusted score and -I as Hessian.

    Examples
    --------
    >>> import numpy as np
    >>> src = ArraySource(np.ones((4, 1)), np.array([0, 1, 1, 2]), None, 3)
    >>> d = firth_evaluator(src)(np.zeros(2))
    >>> bool(np.isfinite(d.llf))
    True
    """

    def evaluate(theta: np.ndarray) -> Derivatives:
        plain = source.derivatives(theta)
        try:
            factor = linalg.cho_factor(-plain.required_hessian(), lower=True, check_finite=False)
        except linalg.LinAlgError:
            return Derivatives(-np.inf, plain.gradient, plain.hessian)
        log_det = 2.0 * float(np.log(np.diag(factor[0])).sum())
        inverse = linalg.cho_solve(factor, np.eye(theta.size), check_finite=False)
        adjustment = _firth_adjustment(source, theta, inverse)
        return Derivatives(plain.llf + 0.5 * log_det, plain.gradient + adjustment, plain.hessian)

    return evaluate


def _firth_adjustment(source: ArraySource, theta: np.ndarray, inverse: np.ndarray) -> np.ndarray:
    k, m = source.n_terms, source.n_outcomes - 1
    coef = unvec(theta, k)
    total = np.zeros((k, m))
    blocks = [
        [inverse[a * k : (a + 1) * k, b * k : (b + 1) * k] for b in range(m)] for a in range(m)
    ]
    for X, _, w in source.blocks():
        eta = X @ coef
        shift = np.maximum(eta.max(axis=1), 0.0)[:, None]
        expo = np.exp(eta - shift)
        probs = expo / (np.exp(-shift) + expo.sum(axis=1, keepdims=True))
        # A[i, j, l] = x_i' (I^-1)_{jl} x_i for every pair of non-reference outcomes.
        A = np.empty((X.shape[0], m, m))
        for a in range(m):
            for b in range(a, m):
                A[:, a, b] = A[:, b, a] = np.einsum("ik,ik->i", X @ blocks[a][b], X)
        target = np.einsum("ijj->ij", A) - 2.0 * np.einsum("ijl,il->ij", A, probs)
        # V_i[:, l]' target_i with V_i = diag(p_i) - p_i p_i'.
        c = probs * target - probs * (probs * target).sum(axis=1, keepdims=True)
        weighted = c if w is None else c * w[:, None]
        total += X.T @ weighted
    return 0.5 * vec(total)
