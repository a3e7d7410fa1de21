"""Agreement with R: VGAM and nnet maximum likelihood, brglm2's Firth estimates.

Reference values: tests/reference/r_reference.csv, made by tests/reference/r_reference.R
(R 4.2.2, VGAM 1.1-7, nnet 7.3-18, brglm2 0.9; the script's header says how each was
fitted). Each tolerance reflects the reference's own precision, measured against the
exact maximum that statsmodels' Newton and ours share (tests/test_agreement.py):
- VGAM stops IRLS on the relative change of the deviance (1e-12 here), leaving its
  estimates about 4e-8 off the maximum; its covariance comes from working weights that
  it floors at 1.8e-12 and takes from the last (half-)step, about 1e-6 off;
- nnet's BFGS (reltol 1e-14) stops about 4e-6 off the maximum in the coefficients, while
  its log-likelihood and Hessian-based covariance are far more precise;
- brglm2 iterates the adjusted score to 1e-12: Firth estimates agree to about 2e-11.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import DATA_DIR, REFERENCE_DIR

import mnlogit

REFERENCE = pd.read_csv(REFERENCE_DIR / "r_reference.csv", keep_default_na=False)
REFERENCE["value"] = REFERENCE["value"].astype(float)

CASES = {
    "alligator59": ("food ~ length", "F", {}),
    "hsbdemo": ("prog ~ ses + write", "academic", {}),
    "alligator_lakes": ("food ~ lake + size", "fish", {"weights": "count"}),
    "anes96": ("PID ~ logpopul + selfLR + age + educ + income", 0, {}),
    "iris_separated": ("Species ~ Sepal_Length + Sepal_Width", "setosa", {}),
}
# Relative tolerances: coefficients, covariance (relative to its largest entry), llf.
TOLERANCE = {
    "VGAM": (1e-7, 5e-6, 1e-13),
    "nnet": (1e-5, 1e-7, 1e-13),
    "brglm2": (1e-10, 1e-10, 1e-12),
}


def case_data(case: str) -> pd.DataFrame:
    if case == "hsbdemo":
        return pd.read_csv(DATA_DIR / "hsbdemo.csv")
    loaders = {
        "alligator59": mnlogit.datasets.load_alligators,
        "alligator_lakes": mnlogit.datasets.load_alligator_lakes,
        "anes96": mnlogit.datasets.load_anes96,
        "iris_separated": mnlogit.datasets.load_iris,
    }
    return loaders[case]()


def fit_case(case: str, software: str) -> mnlogit.MNLogitResults:
    formula, reference, options = CASES[case]
    if software == "brglm2":
        options = {**options, "penalty": "firth"}
    with warnings.catch_warnings():
        # The separated case warns, as it should; the Firth fit is what is compared.
        warnings.simplefilter("ignore", mnlogit.PerfectSeparationWarning)
        return mnlogit.fit(formula, case_data(case), reference=reference, **options)


PAIRS = sorted(set(zip(REFERENCE["case"], REFERENCE["software"], strict=True)))


@pytest.fixture(scope="module", params=PAIRS, ids=[f"{c}-{s}" for c, s in PAIRS])
def pair(request):
    case, software = request.param
    rows = REFERENCE[(REFERENCE["case"] == case) & (REFERENCE["software"] == software)]
    return software, rows, fit_case(case, software)


def test_coefficients_equal_r(pair):
    software, rows, res = pair
    rows = rows[rows["statistic"] == "params"]
    params = res.params.rename(columns=str)
    ours = [
        params.loc[term, outcome]
        for outcome, term in zip(rows["outcome"], rows["term"], strict=True)
    ]
    assert len(rows) == params.size
    np.testing.assert_allclose(ours, rows["value"], rtol=TOLERANCE[software][0], atol=1e-12)


def test_covariance_equals_r_entry_by_entry(pair):
    """Every (outcome, term) x (outcome, term) entry: a check of the parameter order too."""
    software, rows, res = pair
    rows = rows[rows["statistic"] == "cov"]
    cov = res.cov_params()
    position = {(str(o), t): i for i, (o, t) in enumerate(cov.index)}
    first = [position[key] for key in zip(rows["outcome"], rows["term"], strict=True)]
    second = [position[key] for key in zip(rows["outcome2"], rows["term2"], strict=True)]
    ours = cov.to_numpy()[first, second]
    assert len(rows) == cov.size
    scale = np.abs(rows["value"]).max()
    np.testing.assert_allclose(ours, rows["value"], rtol=0, atol=TOLERANCE[software][1] * scale)


def test_log_likelihood_and_nobs_equal_r(pair):
    """For brglm2 the log-likelihood is the unpenalised one at the Firth estimate."""
    software, rows, res = pair
    value = dict(zip(rows["statistic"], rows["value"], strict=True))
    assert res.llf == pytest.approx(value["llf"], rel=TOLERANCE[software][2])
    assert res.nobs == value["nobs"]
