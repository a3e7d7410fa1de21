"""Reference values for the core fit: statsmodels and the Stata results it keeps.

Run from the repository root:  python tests/reference/core_statsmodels.py
Writes tests/reference/core_statsmodels.json and tests/data/synthetic_interaction.csv.

Every case is fitted by statsmodels (version recorded in the JSON) with
``method="newton"`` and a parameter tolerance of 1e-12, on the design matrix patsy
builds from the case's formula (the same column names mnlogit uses). statsmodels
codes the outcome 0..J-1 and takes code 0 as the baseline, so the outcome is recoded
with the case's reference outcome first; the remaining outcomes keep mnlogit's order.
Frequency weights have no statsmodels counterpart, so that case is fitted on the data
expanded row by row. Values are stored as {outcome label: {term: value}}.

The "stata_anes96" case copies Stata 11's ``mlogit`` results for the anes96 model
that statsmodels keeps in ``statsmodels/discrete/tests/results/results_discrete.py``
(``Anes.mnlogit_basezero``, "checked vs R nnet"), mapped to mnlogit's labels.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import patsy
import statsmodels
import statsmodels.api as sm
from statsmodels.discrete.tests.results.results_discrete import Anes

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
import mnlogit  # noqa: E402  (for the shipped data sets only)

OUT = Path(__file__).with_suffix(".json")
SYNTHETIC = ROOT / "tests" / "data" / "synthetic_interaction.csv"
N_PREDICTED_ROWS = 25


def make_synthetic() -> pd.DataFrame:
    """600 rows: a continuous x, a three-level factor g, their interaction, four outcomes."""
    rng = np.random.default_rng(20261122)
    n = 600
    x = rng.normal(size=n)
    g = rng.choice(["north", "south", "west"], size=n, p=[0.4, 0.35, 0.25])
    south, west = (g == "south").astype(float), (g == "west").astype(float)
    eta = np.column_stack(
        [
            np.zeros(n),
            0.3 + 0.8 * x - 0.5 * south + 0.4 * west + 0.6 * x * south,
            -0.2 - 0.6 * x + 0.7 * south - 0.3 * west - 0.5 * x * west,
            0.1 + 0.2 * x + 0.3 * south + 0.9 * west + 0.4 * x * south,
        ]
    )
    prob = np.exp(eta - eta.max(axis=1, keepdims=True))
    prob /= prob.sum(axis=1, keepdims=True)
    draws = (rng.random(n)[:, None] > np.cumsum(prob, axis=1)).sum(axis=1)
    labels = np.array(["bus", "car", "cycle", "walk"])[draws]
    return pd.DataFrame({"mode": labels, "x": np.round(x, 6), "g": g})


def cases() -> list[dict]:
    anes = mnlogit.datasets.load_anes96()
    hsb = pd.read_csv(ROOT / "tests" / "data" / "hsbdemo.csv")
    lakes = mnlogit.datasets.load_alligator_lakes()
    expanded = lakes.loc[lakes.index.repeat(lakes["count"])].reset_index(drop=True)
    return [
        dict(
            name="anes96",
            data=anes,
            formula="PID ~ logpopul + selfLR + age + educ + income",
            reference=None,
        ),
        dict(name="iris", data=mnlogit.datasets.load_iris(), formula="Species ~ Sepal_Length"),
        dict(name="synthetic_interaction", data=make_synthetic(), formula="mode ~ x * C(g)"),
        dict(
            name="hsbdemo_reference_general",
            data=hsb,
            formula="prog ~ C(ses) + write",
            reference="general",
        ),
        dict(
            name="alligator_weights",
            data=expanded,
            formula="food ~ lake + size",
            weights="count",
        ),
    ]


def labelled(values: np.ndarray, terms: list[str], outcomes: list[str]) -> dict:
    """A (terms x outcomes) array as {outcome: {term: value}}."""
    return {
        str(o): {t: float(values[i, j]) for i, t in enumerate(terms)}
        for j, o in enumerate(outcomes)
    }


def statsmodels_case(case: dict) -> dict:
    data = case["data"]
    y_name, rhs = (s.strip() for s in case["formula"].split("~"))
    exog = patsy.dmatrix(rhs, data, return_type="dataframe")
    levels = [str(v) for v in pd.Categorical(data[y_name]).categories]
    reference = case.get("reference") or levels[0]
    order = [reference] + [lv for lv in levels if lv != reference]
    codes = pd.Categorical(data[y_name].astype(str), categories=order).codes
    res = sm.MNLogit(codes, exog).fit(method="newton", maxiter=200, tol=1e-12, disp=False)
    terms, outcomes = list(exog.columns), order[1:]
    ci = np.asarray(res.conf_int())  # rows outcome-major, columns lower / upper
    k = len(terms)
    lower = ci[:, 0].reshape(len(outcomes), k).T
    upper = ci[:, 1].reshape(len(outcomes), k).T
    predicted = np.asarray(res.predict(exog.iloc[:N_PREDICTED_ROWS]))
    return {
        "formula": case["formula"],
        "reference": case.get("reference"),
        "weights": case.get("weights"),
        "outcome_order_statsmodels": order,
        "converged": bool(res.mle_retvals["converged"]),
        "nobs": float(res.nobs),
        "df_model": float(res.df_model),
        "llf": float(res.llf),
        "llnull": float(res.llnull),
        "llr": float(res.llr),
        "prsquared": float(res.prsquared),
        "aic": float(res.aic),
        "bic": float(res.bic),
        "params": labelled(np.asarray(res.params), terms, outcomes),
        "bse": labelled(np.asarray(res.bse), terms, outcomes),
        "zvalues": labelled(np.asarray(res.tvalues), terms, outcomes),
        "pvalues": labelled(np.asarray(res.pvalues), terms, outcomes),
        "conf_low": labelled(lower, terms, outcomes),
        "conf_high": labelled(upper, terms, outcomes),
        "predicted_first_rows": {str(o): predicted[:, j].tolist() for j, o in enumerate(order)},
    }


def binary_case() -> dict:
    """K = 2: statsmodels Logit on anes96's vote (0/1)."""
    anes = mnlogit.datasets.load_anes96()
    exog = patsy.dmatrix("logpopul + selfLR + age + educ + income", anes, return_type="dataframe")
    res = sm.Logit(anes["vote"], exog).fit(method="newton", maxiter=100, tol=1e-12, disp=False)
    terms = list(exog.columns)
    return {
        "formula": "vote ~ logpopul + selfLR + age + educ + income",
        "llf": float(res.llf),
        "llnull": float(res.llnull),
        "aic": float(res.aic),
        "bic": float(res.bic),
        "params": {"1": dict(zip(terms, map(float, res.params), strict=True))},
        "bse": {"1": dict(zip(terms, map(float, res.bse), strict=True))},
        "pvalues": {"1": dict(zip(terms, map(float, res.pvalues), strict=True))},
    }


def stata_anes96() -> dict:
    """Stata 11 mlogit of PID on logpopul selfLR age educ income (base outcome 0)."""
    stata = Anes.mnlogit_basezero
    terms = ["logpopul", "selfLR", "age", "educ", "income", "Intercept"]
    outcomes = [str(j) for j in range(1, 7)]
    low = np.array([c[:, 0] for c in stata.conf_int]).T
    high = np.array([c[:, 1] for c in stata.conf_int]).T
    return {
        "formula": "PID ~ logpopul + selfLR + age + educ + income",
        "source": "Stata 11 mlogit, via statsmodels results_discrete.Anes.mnlogit_basezero",
        "nobs": float(stata.nobs),
        "df_model": float(stata.df_model),
        "llf": stata.llf,
        "llnull": stata.llnull,
        "llr": stata.llr,
        "llr_pvalue": stata.llr_pvalue,
        "prsquared": stata.prsquared,
        "aic": stata.aic,
        "bic": stata.bic,
        "params": labelled(stata.params, terms, outcomes),
        "bse": labelled(stata.bse, terms, outcomes),
        "zvalues": labelled(stata.z, terms, outcomes),
        "pvalues": labelled(stata.pvalues, terms, outcomes),
        "conf_low": labelled(low, terms, outcomes),
        "conf_high": labelled(high, terms, outcomes),
        "predicted": stata.phat.tolist(),
    }


def main() -> None:
    SYNTHETIC.write_text(make_synthetic().to_csv(index=False))
    out = {
        "provenance": {
            "script": "tests/reference/core_statsmodels.py",
            "statsmodels": statsmodels.__version__,
            "numpy": np.__version__,
            "pandas": pd.__version__,
            "patsy": patsy.__version__,
        },
        "statsmodels": {c["name"]: statsmodels_case(c) for c in cases()},
        "statsmodels_logit": binary_case(),
        "stata_anes96": stata_anes96(),
    }
    OUT.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
