"""Predictive margins against R emmeans (tests/reference/r_emmeans.json), the numbers on
UCLA's hsbdemo page (tests/reference/ucla_hsbdemo.json) and an independent numpy delta
method (finite-difference Jacobian of averaged softmax probabilities)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import load_reference

import mnlogit
from mnlogit.exceptions import DataError, LevelError, MNLogitError

SES = ["high", "low", "middle"]
WRITE = [30, 40, 50, 60, 70]


@pytest.fixture(scope="module")
def emmeans():
    return load_reference("r_emmeans")


@pytest.fixture(scope="module")
def res(hsbdemo):
    return mnlogit.fit("prog ~ C(ses) + write", hsbdemo, reference="academic")


def _against(reference_rows, ours, keys):
    ref = pd.DataFrame(reference_rows)
    merged = ref.merge(ours, on=keys, suffixes=("_r", ""))
    assert len(merged) == len(ref) == len(ours)
    return merged


def test_fit_is_the_one_emmeans_used(res, emmeans):
    np.testing.assert_allclose(res.theta, emmeans["model"]["coef"], rtol=0, atol=1e-11)
    np.testing.assert_allclose(res.vcov, emmeans["model"]["cov"], rtol=1e-10)


@pytest.mark.parametrize(
    ("table", "options", "keys"),
    [
        ("ses_atmeans", {"at": {"ses": SES}, "atmeans": True}, ["ses", "outcome"]),
        ("write_grid", {"at": {"write": WRITE}}, ["write", "outcome"]),
        ("ses_write_grid", {"at": {"ses": SES, "write": [40, 60]}}, ["ses", "write", "outcome"]),
    ],
)
def test_margins_match_emmeans(res, emmeans, table, options, keys):
    ours = res.predictions(**options)
    merged = _against(emmeans["tables"][table]["rows"], ours, keys)
    np.testing.assert_allclose(merged["estimate"], merged["estimate_r"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(merged["std_error"], merged["se"], rtol=1e-9)
    np.testing.assert_allclose(merged["conf_low"], merged["lower_normal"], rtol=0, atol=1e-10)
    np.testing.assert_allclose(merged["conf_high"], merged["upper_normal"], rtol=0, atol=1e-10)
    np.testing.assert_allclose(merged["statistic"], merged["estimate"] / merged["std_error"])


def test_pairwise_and_reference_contrasts_match_emmeans(res, emmeans):
    # emmeans' pairs() subtract the later level; Stata's pwcompare (ours) the earlier one.
    pairs = res.predictions(at={"ses": SES}, atmeans=True, contrast="pairwise")
    pairs = pairs.assign(
        contrast=[" - ".join(reversed(c.split(" - "))) for c in pairs["contrast"]],
        estimate=-pairs["estimate"],
    )
    merged = _against(emmeans["tables"]["ses_pairs"]["rows"], pairs, ["contrast", "outcome"])
    np.testing.assert_allclose(merged["estimate"], merged["estimate_r"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(merged["std_error"], merged["se"], rtol=1e-9)
    versus = res.predictions(at={"write": WRITE}, contrast="reference")
    assert versus["contrast"].unique().tolist() == ["40 - 30", "50 - 30", "60 - 30", "70 - 30"]
    versus = versus.assign(
        contrast=["write{} - write{}".format(*c.split(" - ")) for c in versus["contrast"]]
    )
    merged = _against(emmeans["tables"]["write_vs_30"]["rows"], versus, ["contrast", "outcome"])
    np.testing.assert_allclose(merged["estimate"], merged["estimate_r"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(merged["std_error"], merged["se"], rtol=1e-9)


def test_published_ucla_numbers(res, hsbdemo):
    ucla = load_reference("ucla_hsbdemo")
    # The page's multinom stops short of the maximum: its probabilities are up to 2.2e-6
    # off the exact ones (measured by rerunning it, see the file).
    at_mean = res.predictions(at={"ses": SES}, atmeans=True)
    for ses, probs in ucla["ses_at_mean_write"]["rows"].items():
        for outcome, value in probs.items():
            row = at_mean[(at_mean["ses"] == ses) & (at_mean["outcome"] == outcome)]
            assert row["estimate"].item() == pytest.approx(value, abs=3e-6)
    grid = pd.DataFrame({"ses": np.repeat(SES, 41), "write": np.tile(np.arange(30, 71), 3)})
    over = res.predictions(data=grid, by="ses")
    for ses, probs in ucla["write_30_to_70_by_ses"]["rows"].items():
        for outcome, value in probs.items():
            row = over[(over["ses"] == ses) & (over["outcome"] == outcome)]
            assert row["estimate"].item() == pytest.approx(value, abs=3e-6)


def _numpy_average(res, data, weights=None):
    """theta -> average softmax probabilities (level order) over the rows of ``data``:
    nothing of the package but the design matrix."""
    X, _ = res.model_frame.design_for(data)
    w = np.ones(len(X)) if weights is None else np.asarray(weights, float)
    k = X.shape[1]
    order = res.model_frame.outcome.level_order()

    def average(theta):
        eta = np.column_stack([np.zeros(len(X)), X @ theta.reshape(-1, k).T])
        p = np.exp(eta - eta.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        return (w @ p / w.sum())[order]

    return average


def _numpy_delta(res, func):
    """Estimate and delta-method SEs with a central-difference Jacobian of ``func``
    (steps scaled to each design column, so that every x'dβ is about 1e-5)."""
    theta = np.asarray(res.theta)
    value = func(theta)
    scale = np.tile(np.abs(res.model_frame.X).max(axis=0), len(res.outcomes))
    jac = np.empty((len(value), theta.size))
    for j in range(theta.size):
        step = np.zeros_like(theta)
        step[j] = 1e-5 / scale[j]
        jac[:, j] = (func(theta + step) - func(theta - step)) / (2 * step[j])
    return value, np.sqrt(np.diag(jac @ np.asarray(res.vcov) @ jac.T))


def _numpy_margin(res, data, weights=None):
    return _numpy_delta(res, _numpy_average(res, data, weights))


def test_interactions_weights_and_robust_covariance_match_a_numpy_delta_method(hsbdemo):
    data = hsbdemo.assign(w=np.random.default_rng(3).integers(1, 4, len(hsbdemo)))
    res = mnlogit.fit(
        "prog ~ C(ses) * write + I(write**2) + female", data, weights="w", cov_type="HC1"
    )
    table = res.predictions(at={"ses": "low", "write": [35, 65]})
    for write in (35, 65):
        estimate, se = _numpy_margin(res, data.assign(ses="low", write=float(write)), data["w"])
        got = table[table["write"] == write]
        np.testing.assert_allclose(got["estimate"], estimate, rtol=1e-12)
        np.testing.assert_allclose(got["std_error"], se, rtol=1e-7)


def test_contrast_standard_errors_match_a_numpy_delta_method(hsbdemo):
    res = mnlogit.fit(
        "prog ~ C(ses) + write", hsbdemo, reference="academic", cov_type="cluster", groups="cid"
    )
    low = _numpy_average(res, hsbdemo.assign(write=40.0))
    high = _numpy_average(res, hsbdemo.assign(write=60.0))
    estimate, se = _numpy_delta(res, lambda theta: high(theta) - low(theta))
    diff = res.predictions(at={"write": [40, 60]}, contrast="reference")
    assert diff["contrast"].unique().tolist() == ["60 - 40"]
    np.testing.assert_allclose(diff["estimate"], estimate, rtol=1e-12)
    np.testing.assert_allclose(diff["std_error"], se, rtol=1e-7)


def test_atmeans_is_the_prediction_at_the_mean_design_row(res, hsbdemo):
    X = res.model_frame.design_for(hsbdemo.assign(write=45.0))[0]
    eta = np.concatenate([[0.0], X.mean(axis=0) @ np.asarray(res.params)])
    p = np.exp(eta) / np.exp(eta).sum()
    order = res.model_frame.outcome.level_order()
    table = res.predictions(at={"write": 45}, atmeans=True)
    np.testing.assert_allclose(table["estimate"], p[order], rtol=1e-12)


def test_by_groups_equal_margins_over_each_subset(res, hsbdemo):
    by = res.predictions(at={"write": [40, 60]}, by=["female", "schtyp"])
    assert by.columns.tolist()[:3] == ["write", "female", "schtyp"]
    assert by.attrs["held"] == (
        "write set in every row; predictions averaged over 200 rows as observed within each "
        "group of female, schtyp"
    )
    assert len(by) == 2 * 4 * 3
    subset = hsbdemo[(hsbdemo["female"] == "male") & (hsbdemo["schtyp"] == "private")]
    alone = res.predictions(at={"write": [40, 60]}, data=subset)
    got = by[(by["female"] == "male") & (by["schtyp"] == "private")]
    np.testing.assert_allclose(got["estimate"], alone["estimate"], rtol=1e-12)
    np.testing.assert_allclose(got["std_error"], alone["std_error"], rtol=1e-12)


def test_overall_margins_equal_mean_predictions_and_sum_to_one(res, hsbdemo):
    table = res.predictions()
    np.testing.assert_allclose(table["estimate"], res.predict(hsbdemo).mean(), rtol=1e-12)
    assert table["estimate"].sum() == pytest.approx(1.0, abs=1e-14)
    assert table.attrs["held"] == "predictions averaged over 200 rows as observed"


def test_row_blocks_do_not_change_the_result(res, monkeypatch):
    from mnlogit.inference import counterfactual

    whole = res.predictions(at={"ses": SES, "write": WRITE}, by="female")
    monkeypatch.setattr(counterfactual, "BLOCK_FLOATS", 10)  # 256-row blocks
    small = res.predictions(at={"ses": SES, "write": WRITE}, by="female")
    pd.testing.assert_frame_equal(whole, small, check_exact=False, rtol=1e-13)


def test_array_fit_grid_on_design_columns(hsbdemo):
    X = np.column_stack([np.ones(len(hsbdemo)), hsbdemo["write"], hsbdemo["math"]])
    res = mnlogit.MNLogit(hsbdemo["prog"], X).fit()
    table = res.predictions(at={"x1": [40, 60]})
    estimate, se = _numpy_margin(res, np.column_stack([X[:, :1], np.full(len(X), 40.0), X[:, 2]]))
    np.testing.assert_allclose(table.loc[table["x1"] == 40, "estimate"], estimate, rtol=1e-12)
    np.testing.assert_allclose(table.loc[table["x1"] == 40, "std_error"], se, rtol=1e-7)
    with pytest.raises(DataError, match="array fit"):
        res.predictions(by="x1")


def test_dask_fit_with_the_rows_given(hsbdemo, res):
    dd = pytest.importorskip("dask.dataframe")
    fitted = mnlogit.fit(
        "prog ~ C(ses) + write",
        dd.from_pandas(hsbdemo, npartitions=3),
        reference="academic",
        progress=False,
    )
    with pytest.raises(DataError, match="pass data="):
        fitted.predictions(at={"ses": SES})
    got = fitted.predictions(at={"ses": SES}, data=hsbdemo)
    expected = res.predictions(at={"ses": SES})
    np.testing.assert_allclose(got["estimate"], expected["estimate"], rtol=1e-9)
    np.testing.assert_allclose(got["std_error"], expected["std_error"], rtol=1e-6)


@pytest.mark.parametrize(
    ("options", "error", "match"),
    [
        ({"at": {"sees": "low"}}, MNLogitError, "'sees', not a variable of the model"),
        (
            {"at": {"read": 50}},
            MNLogitError,
            "'read', a column of the data that the model does not",
        ),
        ({"at": {"ses": "upper"}}, LevelError, r"'upper' is not a level of 'ses'"),
        ({"at": {"write": []}}, MNLogitError, r"at\['write'\] has no values"),
        ({"at": {"write": "high"}}, DataError, r"at\['write'\] must be finite numbers"),
        ({"at": {"write": [40, np.nan]}}, DataError, "must be finite numbers"),
        ({"at": ["write"]}, MNLogitError, "at must be a dict"),
        ({"by": "nope"}, DataError, "'nope', not a column of the data"),
        ({"by": "ses", "at": {"ses": "low"}}, MNLogitError, "both in at= and in by="),
        ({"contrast": "reference"}, MNLogitError, "at least two grid cells"),
        ({"contrast": "all"}, MNLogitError, "contrast must be"),
        ({"alpha": 2}, MNLogitError, "alpha must be"),
    ],
)
def test_bad_requests_name_the_culprit(res, options, error, match):
    with pytest.raises(error, match=match):
        res.predictions(**options)


def test_by_column_with_missing_values(res, hsbdemo):
    data = hsbdemo.assign(group=np.where(np.arange(len(hsbdemo)) % 50 == 0, np.nan, 1.0))
    with pytest.raises(DataError, match="by column 'group' has 4 missing values"):
        res.predictions(by="group", data=data)


def test_settings_that_leave_the_formula_undefined(hsbdemo):
    res = mnlogit.fit("prog ~ np.log(write)", hsbdemo)
    with pytest.raises(DataError, match="missing design values"):
        res.predictions(at={"write": -1})


def test_user_frame_is_not_modified(res, hsbdemo):
    before = hsbdemo.copy()
    res.predictions(at={"ses": SES, "write": 50}, data=hsbdemo, by="female")
    pd.testing.assert_frame_equal(hsbdemo, before)
