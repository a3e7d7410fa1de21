"""Reference values for the analyst toolkit (covariances, Wald tests, margins).

Run from the repository root:  python tests/reference/toolkit_statsmodels.py
Writes tests/reference/toolkit_statsmodels.json.

Sources
- statsmodels (version recorded in the JSON) ``MNLogit`` fitted by Newton:
  ``cov_type="HC0"`` and ``cov_type="cluster"`` (default small-sample correction),
  ``sandwich_covariance.cov_white_simple(use_correction=True)`` for HC1 (statsmodels'
  discrete models return HC0 for ``cov_type="HC1"``), ``wald_test`` with an explicit
  restriction matrix, and ``get_margeff`` (continuous predictors, overall and mean).
- Stata 11 ``margins`` for the anes96 ``mlogit`` as stored by statsmodels in
  ``statsmodels/discrete/tests/results/results_discrete.py`` (``Anes.mnlogit_basezero``).
Parameter order everywhere: outcome-major (all terms of the first non-reference
outcome, then the next), which is also statsmodels' ``cov_params`` order.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import patsy
import statsmodels
import statsmodels.api as sm
from statsmodels.discrete.tests.results.results_discrete import Anes
from statsmodels.stats import sandwich_covariance

HERE = Path(__file__).parent
HSB = HERE.parent / "data" / "hsbdemo.csv"


def hsbdemo_case() -> dict:
    """prog ~ C(ses) + write with reference 'academic', clusters 'cid'."""
    df = pd.read_csv(HSB)
    y = pd.Categorical(df["prog"], categories=["academic", "general", "vocation"]).codes
    X = patsy.dmatrix("C(ses) + write", df, return_type="dataframe")
    model = sm.MNLogit(y, X)
    res = model.fit(method="newton", disp=0, tol=1e-12, maxiter=100)
    hc0 = model.fit(method="newton", disp=0, cov_type="HC0")
    clu = model.fit(
        method="newton", disp=0, cov_type="cluster", cov_kwds={"groups": df["cid"].to_numpy()}
    )
    hc1 = sandwich_covariance.cov_white_simple(res, use_correction=True)
    k = X.shape[1]
    # C(ses) (columns 1, 2) zero in both equations.
    R_ses = np.zeros((4, 2 * k))
    for row, (j, c) in enumerate([(0, 1), (0, 2), (1, 1), (1, 2)]):
        R_ses[row, j * k + c] = 1.0
    # write equal across general and vocation.
    R_eq = np.zeros((1, 2 * k))
    R_eq[0, 3], R_eq[0, k + 3] = -1.0, 1.0
    walds = {}
    for name, R in (("ses_zero", R_ses), ("write_equal", R_eq)):
        for label, fitted in (("nonrobust", res), ("cluster", clu)):
            test = fitted.wald_test(R, scalar=True)
            walds[f"{name}_{label}"] = {
                "R": R.tolist(),
                "statistic": float(test.statistic),
                "df": int(test.df_num),
            }
    return {
        "formula": "prog ~ C(ses) + write",
        "reference": "academic",
        "groups": "cid",
        "params": np.asarray(res.params).T.ravel().tolist(),
        "llf": float(res.llf),
        "cov_nonrobust": np.asarray(res.cov_params()).tolist(),
        "cov_HC0": np.asarray(hc0.cov_params()).tolist(),
        "cov_HC1": np.asarray(hc1).tolist(),
        "cov_cluster": np.asarray(clu.cov_params()).tolist(),
        "wald": walds,
    }


def anes_case() -> dict:
    """PID ~ logpopul + selfLR + age + educ + income: get_margeff and Stata margins."""
    data = sm.datasets.anes96.load_pandas()
    exog = sm.add_constant(data.exog[["logpopul", "selfLR", "age", "educ", "income"]])
    res = sm.MNLogit(data.endog, exog).fit(method="newton", disp=0, tol=1e-12)
    out = {
        "formula": "PID ~ logpopul + selfLR + age + educ + income",
        "variables": ["logpopul", "selfLR", "age", "educ", "income"],
    }
    for at in ("overall", "mean"):
        me = res.get_margeff(at=at)
        # (variables, outcomes 0..6)
        out[f"statsmodels_{at}"] = {
            "effect": np.asarray(me.margeff).tolist(),
            "se": np.asarray(me.margeff_se).tolist(),
        }
    stata = Anes.mnlogit_basezero
    out["stata"] = {
        "overall": {
            "effect": stata.margeff_dydx_overall.tolist(),
            "se": stata.margeff_dydx_overall_se.tolist(),
        },
        "mean": {
            "effect": stata.margeff_dydx_mean.tolist(),
            "se": stata.margeff_dydx_mean_se.tolist(),
        },
        # with i.vote added: rows logpopul..income, then the vote 0 -> 1 discrete change
        "dummy_overall": {
            "formula": "PID ~ logpopul + selfLR + age + educ + income + C(vote)",
            "effect": stata.margeff_dydx_dummy_overall.tolist(),
            "se": stata.margeff_dydx_dummy_overall_se.tolist(),
        },
    }
    return out


def main() -> None:
    payload = {
        "provenance": {
            "script": "tests/reference/toolkit_statsmodels.py",
            "statsmodels": statsmodels.__version__,
            "stata": "Stata 11 margins values stored in statsmodels' results_discrete.py",
        },
        "hsbdemo": hsbdemo_case(),
        "anes96": anes_case(),
    }
    (HERE / "toolkit_statsmodels.json").write_text(json.dumps(payload, indent=1))


if __name__ == "__main__":
    main()
