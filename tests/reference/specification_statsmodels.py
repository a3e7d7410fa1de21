"""Reference values for the specification tests and Stata's small-sample factors.

Run from the repository root:  python tests/reference/specification_statsmodels.py
Writes tests/reference/specification_statsmodels.json.

Everything is computed from statsmodels ``MNLogit`` fits (Newton, tolerance 1e-12);
nothing from mnlogit. Parameter order: outcome-major (all terms of the first
non-reference outcome, then the next), statsmodels' ``cov_params`` order.

- ``corrections``: statsmodels' ``cov_type="HC0"`` and ``cov_type="cluster"`` with
  ``use_correction=False`` (the raw sandwiches), and Stata's ``vce(robust)`` /
  ``vce(cluster)`` for ML models from the sandwich formula: HC0 · N/(N-1) and raw
  cluster · G/(G-1).
- ``hausman``: Hausman-McFadden as R ``mlogit::hmftest``: a second statsmodels fit on
  the rows whose outcome is not the omitted one (same reference), d = θ_r - θ_f over
  the shared coefficients, statistic d' (V_r - V_f)^-1 d with statsmodels'
  ``cov_params`` (inverse information).
- ``suest``: the same contrast with the stacked sandwich covariance built from
  statsmodels' ``score_obs`` (per-row scores) and ``hessian`` of both fits, times
  N/(N-1) (or G/(G-1) clustered by ``cid``), as Stata's ``suest``.
- ``small_hsiao``: for a stored random split (``first_half``, one 0/1 per row):
  full fits on halves A and B, θ_AB = θ_A/√2 + (1 - 1/√2) θ_B, the restricted fit on
  B without the omitted outcome, statistic -2 (L_r(θ_AB) - L_r(θ_r)) with statsmodels'
  ``loglike`` of the restricted model.
- ``pred_table``: statsmodels' ``pred_table()``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import patsy
import statsmodels
import statsmodels.api as sm
from scipy import linalg

HERE = Path(__file__).parent
HSB = HERE.parent / "data" / "hsbdemo.csv"
SPLIT_SEED = 20260101


def fit(y: np.ndarray, X: pd.DataFrame):
    return sm.MNLogit(y, X).fit(method="newton", disp=0, tol=1e-12, maxiter=200)


def outcome_major(matrix: np.ndarray) -> np.ndarray:
    """statsmodels' params (k, m) as the outcome-major vector."""
    return np.asarray(matrix).T.ravel()


def restricted_codes(labels: pd.Series, levels: list, omit) -> tuple[np.ndarray, np.ndarray]:
    """Rows without the omitted outcome and their codes among the remaining levels."""
    rest = [level for level in levels if level != omit]
    keep = (labels != omit).to_numpy()
    return keep, labels[keep].map({level: i for i, level in enumerate(rest)}).to_numpy()


def shared(levels: list, omit, k: int) -> np.ndarray:
    """Positions in the full θ of the coefficients the restricted fit also has."""
    others = levels[1:]
    return np.concatenate(
        [np.arange(j * k, (j + 1) * k) for j, o in enumerate(others) if o != omit]
    )


def hausman_and_suest(y_labels: pd.Series, X: pd.DataFrame, levels: list, groups=None) -> dict:
    codes = y_labels.map({level: i for i, level in enumerate(levels)}).to_numpy()
    full = fit(codes, X)
    k, n = X.shape[1], X.shape[0]
    theta_f = outcome_major(full.params)
    bread_f = np.linalg.inv(-full.model.hessian(full.params.values))
    scores_f = full.model.score_obs(full.params.values)
    # score_obs follows the outcome-major order: its column sums are the gradient.
    np.testing.assert_allclose(scores_f.sum(0), full.model.score(full.params.values), atol=1e-8)
    out = {}
    for omit in levels[1:]:
        keep, codes_r = restricted_codes(y_labels, levels, omit)
        restricted = fit(codes_r, X[keep])
        at = shared(levels, omit, k)
        d = outcome_major(restricted.params) - theta_f[at]
        v_diff = np.asarray(restricted.cov_params()) - np.asarray(full.cov_params())[np.ix_(at, at)]
        hausman = float(d @ np.linalg.solve(v_diff, d))
        # suest: stacked sandwich of the per-row scores (restricted scores zero off its rows).
        scores_r = np.zeros((n, at.size))
        scores_r[keep] = restricted.model.score_obs(restricted.params.values)
        stacked = np.hstack([scores_f, scores_r])
        if groups is None:
            meat = stacked.T @ stacked
            factor = n / (n - 1.0)
        else:
            sums = pd.DataFrame(stacked).groupby(np.asarray(groups)).sum().to_numpy()
            meat = sums.T @ sums
            n_groups = sums.shape[0]
            factor = n_groups / (n_groups - 1.0)
        bread_r = np.linalg.inv(-restricted.model.hessian(restricted.params.values))
        bread = linalg.block_diag(bread_f, bread_r)
        cov = factor * bread @ meat @ bread
        p = theta_f.size
        rr = cov[p:, p:]
        ff = cov[np.ix_(at, at)]
        rf = cov[p:, at]
        var_d = rr + ff - rf - rf.T
        suest = float(d @ np.linalg.solve(var_d, d))
        out[str(omit)] = {"hausman": hausman, "suest": suest, "df": int(at.size)}
    return out


def small_hsiao(y_labels: pd.Series, X: pd.DataFrame, levels: list, first_half: np.ndarray) -> dict:
    codes = y_labels.map({level: i for i, level in enumerate(levels)}).to_numpy()
    a, b = first_half == 1, first_half == 0
    theta_a = np.asarray(fit(codes[a], X[a]).params)
    theta_b = np.asarray(fit(codes[b], X[b]).params)
    root = 1.0 / np.sqrt(2.0)
    theta_ab = root * theta_a + (1.0 - root) * theta_b  # (k, m)
    out = {}
    for omit in levels[1:]:
        keep, codes_r = restricted_codes(y_labels[b], levels, omit)
        restricted = fit(codes_r, X[b][keep])
        columns = [j for j, o in enumerate(levels[1:]) if o != omit]
        llf_ab = restricted.model.loglike(theta_ab[:, columns])
        statistic = -2.0 * (llf_ab - restricted.llf)
        out[str(omit)] = {"statistic": float(statistic), "df": int(restricted.params.size)}
    return out


def hsbdemo_case() -> dict:
    df = pd.read_csv(HSB)
    levels = ["academic", "general", "vocation"]
    X = patsy.dmatrix("C(ses) + write", df, return_type="dataframe")
    codes = df["prog"].map({level: i for i, level in enumerate(levels)}).to_numpy()
    model = sm.MNLogit(codes, X)
    hc0 = model.fit(method="newton", disp=0, tol=1e-12, cov_type="HC0")
    raw = model.fit(
        method="newton",
        disp=0,
        tol=1e-12,
        cov_type="cluster",
        cov_kwds={"groups": df["cid"].to_numpy(), "use_correction": False},
    )
    n, g = X.shape[0], df["cid"].nunique()
    first_half = np.zeros(n, dtype=int)
    first_half[np.random.default_rng(SPLIT_SEED).permutation(n)[: n // 2]] = 1
    return {
        "formula": "prog ~ C(ses) + write",
        "reference": "academic",
        "groups": "cid",
        "corrections": {
            "cov_HC0": np.asarray(hc0.cov_params()).tolist(),
            "cov_cluster_raw": np.asarray(raw.cov_params()).tolist(),
            "cov_HC1_stata": (np.asarray(hc0.cov_params()) * n / (n - 1.0)).tolist(),
            "cov_cluster_stata": (np.asarray(raw.cov_params()) * g / (g - 1.0)).tolist(),
        },
        "iia": hausman_and_suest(df["prog"], X, levels),
        "iia_cluster": hausman_and_suest(df["prog"], X, levels, groups=df["cid"]),
        "first_half": first_half.tolist(),
        "small_hsiao": small_hsiao(df["prog"], X, levels, first_half),
        "pred_table": np.asarray(hc0.pred_table()).tolist(),
    }


def anes_case() -> dict:
    """PID (7 outcomes, reference 0) ~ logpopul + selfLR + age + educ + income."""
    data = sm.datasets.anes96.load_pandas()
    X = sm.add_constant(data.exog[["logpopul", "selfLR", "age", "educ", "income"]])
    X = X.rename(columns={"const": "Intercept"})
    labels = data.endog.astype(int)
    levels = sorted(labels.unique().tolist())
    n = X.shape[0]
    first_half = np.zeros(n, dtype=int)
    first_half[np.random.default_rng(SPLIT_SEED).permutation(n)[: n // 2]] = 1
    codes = labels.map({level: i for i, level in enumerate(levels)}).to_numpy()
    return {
        "formula": "PID ~ logpopul + selfLR + age + educ + income",
        "iia": hausman_and_suest(labels, X, levels),
        "first_half": first_half.tolist(),
        "small_hsiao": small_hsiao(labels, X, levels, first_half),
        "pred_table": np.asarray(fit(codes, X).pred_table()).tolist(),
    }


def main() -> None:
    payload = {
        "provenance": {
            "script": "tests/reference/specification_statsmodels.py",
            "statsmodels": statsmodels.__version__,
            "numpy": np.__version__,
        },
        "hsbdemo": hsbdemo_case(),
        "anes96": anes_case(),
    }
    (HERE / "specification_statsmodels.json").write_text(json.dumps(payload, indent=1))


if __name__ == "__main__":
    main()
