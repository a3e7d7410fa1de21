"""Print the README's agreement table: the largest relative differences between mnlogit
and every stored reference (statsmodels, Stata, R).

Run from the repository root:  python tests/reference/agreement_table.py
It reads the stored references only (no other software is needed) and fits with mnlogit.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS))
from conftest import DATA_DIR, load_reference  # noqa: E402
from test_agreement import fitted, ours_as_frame  # noqa: E402
from test_r_agreement import REFERENCE as R_REFERENCE  # noqa: E402
from test_r_agreement import fit_case  # noqa: E402
from test_survey import CASES as SURVEY_CASES  # noqa: E402
from test_survey import REFERENCE as SURVEY_REFERENCE  # noqa: E402
from test_survey import fit_case as fit_survey_case  # noqa: E402

import mnlogit  # noqa: E402


def max_rel(ours, reference) -> float:
    ours, reference = np.asarray(ours, float), np.asarray(reference, float)
    return float(np.max(np.abs(ours - reference) / np.abs(reference)))


def table_difference(res, case: dict, statistic: str) -> float:
    expected = pd.DataFrame(case[statistic])
    ours = ours_as_frame(res, statistic).loc[expected.index, expected.columns]
    return max_rel(ours.to_numpy(), expected.to_numpy())


def core_rows():
    core = load_reference("core_statsmodels")
    version = core["provenance"]["statsmodels"]
    for name, case in sorted(core["statsmodels"].items()):
        res = fitted(name, case)
        yield (
            f"statsmodels {version} `MNLogit`",
            name,
            table_difference(res, case, "params"),
            table_difference(res, case, "bse"),
            max_rel(res.llf, case["llf"]),
        )
    for key, label, data_name in [
        ("statsmodels_logit", f"statsmodels {version} `Logit` (K = 2)", "anes96 vote"),
        ("stata_anes96", "Stata 11 `mlogit` (kept by statsmodels)", "anes96"),
    ]:
        case = core[key]
        res = mnlogit.fit(case["formula"], mnlogit.datasets.load_anes96())
        yield (
            label,
            data_name,
            table_difference(res, case, "params"),
            table_difference(res, case, "bse"),
            max_rel(res.llf, case["llf"]),
        )


def r_rows():
    for (name, software), rows in R_REFERENCE.groupby(["case", "software"]):
        res = fit_case(name, software)
        params = rows[rows["statistic"] == "params"]
        ours = [
            res.params.rename(columns=str).loc[t, o]
            for o, t in zip(params["outcome"], params["term"], strict=True)
        ]
        cov = rows[
            (rows["statistic"] == "cov")
            & (rows["outcome"] == rows["outcome2"])
            & (rows["term"] == rows["term2"])
        ]
        bse = res.bse.rename(columns=str)
        se = [bse.loc[t, o] for o, t in zip(cov["outcome"], cov["term"], strict=True)]
        llf = float(rows.loc[rows["statistic"] == "llf", "value"].iloc[0])
        label = {
            "VGAM": "R VGAM 1.1-7 `vglm`",
            "nnet": "R nnet 7.3-18 `multinom`",
            "brglm2": "R brglm2 0.9 `brmultinom` (Firth)",
        }[software]
        yield (
            label,
            name,
            max_rel(ours, params["value"]),
            max_rel(se, np.sqrt(cov["value"])),
            max_rel(res.llf, llf),
        )


def robust_rows():
    ref = load_reference("toolkit_statsmodels")["hsbdemo"]
    data = pd.read_csv(DATA_DIR / "hsbdemo.csv")
    for cov_type in ["HC0", "HC1", "cluster"]:
        groups = ref["groups"] if cov_type == "cluster" else None
        res = mnlogit.fit(
            ref["formula"], data, reference=ref["reference"], cov_type=cov_type, groups=groups
        )
        se = np.sqrt(np.diag(res.cov_params().to_numpy()))
        yield (
            f"statsmodels `cov_type={cov_type!r}`",
            "hsbdemo",
            float("nan"),
            max_rel(se, np.sqrt(np.diag(ref[f"cov_{cov_type}"]))),
            float("nan"),
        )


def survey_rows():
    version = SURVEY_REFERENCE["software"]["survey"]
    for name, case in SURVEY_CASES.items():
        tidy = fit_survey_case(case).tidy()
        yield (
            f"R survey {version} (linearized)",
            name,
            max_rel(tidy["estimate"], case["coef"]),
            max_rel(tidy["std_error"], case["se"]),
            float("nan"),
        )


def main() -> None:
    warnings.simplefilter("ignore", mnlogit.PerfectSeparationWarning)
    print("| reference | data | coefficients | standard errors | log-likelihood |")
    print("| --- | --- | ---: | ---: | ---: |")
    for label, name, params, se, llf in [*core_rows(), *r_rows(), *robust_rows(), *survey_rows()]:
        cells = ["" if np.isnan(v) else f"{v:.1e}" for v in (params, se, llf)]
        print(f"| {label} | {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
