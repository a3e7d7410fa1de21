"""Agreement with statsmodels and Stata on stored reference fits.

The values come from tests/reference/core_statsmodels.py (statsmodels ``MNLogit`` and
``Logit`` fitted by Newton to a 1e-12 parameter tolerance, and Stata 11's ``mlogit``
results that statsmodels keeps for anes96); see the script's docstring.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import DATA_DIR, load_reference

import mnlogit

REFERENCE = load_reference("core_statsmodels")
STATSMODELS_CASES = sorted(REFERENCE["statsmodels"])
STATISTICS = ["params", "bse", "zvalues", "pvalues"]


def case_data(name: str) -> tuple[pd.DataFrame, dict]:
    """The data a case was fitted on; the weights case uses the counts, not expanded rows."""
    if name == "anes96":
        return mnlogit.datasets.load_anes96(), {}
    if name == "iris":
        return mnlogit.datasets.load_iris(), {}
    if name == "synthetic_interaction":
        return pd.read_csv(DATA_DIR / "synthetic_interaction.csv"), {}
    if name == "hsbdemo_reference_general":
        return pd.read_csv(DATA_DIR / "hsbdemo.csv"), {}
    if name == "alligator_weights":
        return mnlogit.datasets.load_alligator_lakes(), {"weights": "count"}
    raise KeyError(name)


def as_frame(values: dict) -> pd.DataFrame:
    """{outcome: {term: value}} as a terms x outcomes frame."""
    return pd.DataFrame(values)


def ours_as_frame(res: mnlogit.MNLogitResults, statistic: str) -> pd.DataFrame:
    """One of our statistics as a terms x outcomes frame with outcome labels as strings."""
    if statistic.startswith("conf"):
        column = "lower" if statistic == "conf_low" else "upper"
        frame = res.conf_int()[column].unstack("outcome")
    else:
        frame = getattr(res, statistic).copy()
    frame.columns = [str(c) for c in frame.columns]
    return frame


def fitted(name: str, case: dict) -> mnlogit.MNLogitResults:
    data, options = case_data(name)
    reference = case["outcome_order_statsmodels"][0]
    return mnlogit.fit(case["formula"], data, reference=reference, **options)


@pytest.fixture(scope="module", params=STATSMODELS_CASES)
def statsmodels_pair(request):
    case = REFERENCE["statsmodels"][request.param]
    return request.param, case, fitted(request.param, case)


@pytest.mark.parametrize("statistic", STATISTICS + ["conf_low", "conf_high"])
def test_coefficient_tables_equal_statsmodels(statsmodels_pair, statistic):
    _, case, res = statsmodels_pair
    expected = as_frame(case[statistic])
    ours = ours_as_frame(res, statistic).loc[expected.index, expected.columns]
    np.testing.assert_allclose(ours.to_numpy(), expected.to_numpy(), rtol=1e-8, atol=1e-12)


def test_fit_statistics_equal_statsmodels(statsmodels_pair):
    _, case, res = statsmodels_pair
    assert res.converged and case["converged"]
    for name in ["nobs", "df_model", "llf", "aic", "bic"]:
        assert getattr(res, name) == pytest.approx(case[name], rel=1e-10), name
    # statsmodels fits the null model by BFGS (4e-10 relative off the maximum on anes96),
    # so its LR statistic and pseudo-R2 carry that error; Stata's agree with ours to 1e-9.
    for name in ["llnull", "llr", "prsquared"]:
        assert getattr(res, name) == pytest.approx(case[name], rel=1e-8), name


def test_null_log_likelihood_is_the_closed_form(statsmodels_pair):
    """Intercept-only maximum: sum over outcomes of n_j log(n_j / n)."""
    name, case, res = statsmodels_pair
    data, options = case_data(name)
    outcome = data[case["formula"].split("~")[0].strip()]
    weights = data[options["weights"]] if options else pd.Series(1.0, index=data.index)
    counts = weights.groupby(outcome, observed=True).sum().to_numpy(dtype=float)
    counts = counts[counts > 0]
    share = counts / counts.sum()
    assert res.llnull == pytest.approx(float(counts @ np.log(share)), rel=1e-13)


def test_predicted_probabilities_equal_statsmodels(statsmodels_pair):
    name, case, res = statsmodels_pair
    data, _ = case_data(name)
    if name == "alligator_weights":  # statsmodels predicted on the expanded rows
        data = data.loc[data.index.repeat(data["count"])].reset_index(drop=True)
    expected = pd.DataFrame(case["predicted_first_rows"])
    ours = res.predict(data.iloc[: len(expected)])
    ours.columns = [str(c) for c in ours.columns]
    np.testing.assert_allclose(
        ours[expected.columns].to_numpy(), expected.to_numpy(), rtol=1e-9, atol=1e-14
    )


def test_binary_outcome_equals_statsmodels_logit(anes96):
    case = REFERENCE["statsmodels_logit"]
    res = mnlogit.fit(case["formula"], anes96)
    for statistic in ["params", "bse", "pvalues"]:
        expected = as_frame(case[statistic])
        ours = ours_as_frame(res, statistic).loc[expected.index, expected.columns]
        np.testing.assert_allclose(ours.to_numpy(), expected.to_numpy(), rtol=1e-8)
    for name in ["llf", "llnull", "aic", "bic"]:
        assert getattr(res, name) == pytest.approx(case[name], rel=1e-10), name


# Stata prints coefficients to 8 decimals and the rest to about 10 significant digits,
# and stops at its default convergence criteria (nrtolerance 1e-5), so its estimates
# differ from the exact maximum (where statsmodels' Newton and ours agree to 1e-14)
# by about 1e-8: z-values carry that difference.
STATA_TOLERANCE = {
    "params": dict(rtol=1e-6, atol=1e-8),
    "bse": dict(rtol=1e-8, atol=1e-10),
    "zvalues": dict(rtol=1e-7, atol=1e-8),
    "pvalues": dict(rtol=1e-6, atol=1e-10),
    "conf_low": dict(rtol=1e-6, atol=1e-7),
    "conf_high": dict(rtol=1e-6, atol=1e-7),
}


@pytest.fixture(scope="module")
def stata_pair():
    case = REFERENCE["stata_anes96"]
    res = mnlogit.fit(case["formula"], mnlogit.datasets.load_anes96())
    return case, res


@pytest.mark.parametrize("statistic", sorted(STATA_TOLERANCE))
def test_stata_mlogit_table_is_reproduced(stata_pair, statistic):
    case, res = stata_pair
    expected = as_frame(case[statistic])
    ours = ours_as_frame(res, statistic).loc[expected.index, expected.columns]
    np.testing.assert_allclose(ours.to_numpy(), expected.to_numpy(), **STATA_TOLERANCE[statistic])


def test_stata_fit_statistics_and_predictions_are_reproduced(stata_pair):
    case, res = stata_pair
    for name in ["nobs", "df_model", "llf", "llnull", "llr", "prsquared", "aic", "bic"]:
        assert getattr(res, name) == pytest.approx(case[name], rel=1e-9), name
    assert res.llr_pvalue == pytest.approx(case["llr_pvalue"], rel=1e-6)
    predicted = res.predict(mnlogit.datasets.load_anes96())
    np.testing.assert_allclose(predicted.to_numpy(), np.array(case["predicted"]), atol=1e-6)
