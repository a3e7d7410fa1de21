"""Marginal effects at grids of values (Stata's ``margins, dydx() at()``) and within
groups (``over()``), against finite differences of predictive margins, predictive-margin
contrasts and an independent numpy delta method."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mnlogit
from mnlogit.exceptions import LevelError, MNLogitError

SES = ["high", "low", "middle"]


@pytest.fixture(scope="module")
def res(hsbdemo):
    return mnlogit.fit("prog ~ C(ses) + write", hsbdemo, reference="academic", cov_type="HC0")


def test_grid_columns_come_first(res):
    me = res.marginal_effects(at={"write": [40, 60], "ses": "low"})
    assert me.columns.tolist()[:4] == ["write", "ses", "outcome", "term"]
    first = me[me["outcome"] == "academic"]
    assert first[["write", "term"]].values.tolist() == [
        [40.0, "write"],
        [40.0, "ses[low vs high]"],
        [40.0, "ses[middle vs high]"],
        [60.0, "write"],
        [60.0, "ses[low vs high]"],
        [60.0, "ses[middle vs high]"],
    ]


def test_slopes_at_grid_points_equal_differences_of_predictive_margins(res):
    me = res.marginal_effects(at={"write": [40, 60], "ses": "middle"}, variables=["write"])
    h = 1e-5
    for write in (40, 60):
        up = res.predictions(at={"write": write + h, "ses": "middle"})["estimate"].to_numpy()
        down = res.predictions(at={"write": write - h, "ses": "middle"})["estimate"].to_numpy()
        got = me.loc[me["write"] == write, "effect"].to_numpy()
        np.testing.assert_allclose(got, (up - down) / (2 * h), rtol=1e-7, atol=1e-11)


def test_slope_standard_errors_match_a_numpy_delta_method(res, hsbdemo):
    # dp_ij/dwrite = p_ij (b_j - sum_l p_il b_l), averaged; Jacobian by central differences.
    X, _ = res.model_frame.design_for(hsbdemo.assign(write=40.0))
    k = X.shape[1]
    column = res.exog_names.index("write")
    order = res.model_frame.outcome.level_order()

    def average_slope(theta):
        beta = np.column_stack([np.zeros(k), theta.reshape(-1, k).T])
        eta = X @ beta
        p = np.exp(eta - eta.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        slope = p * (beta[column] - (p @ beta[column])[:, None])
        return slope.mean(axis=0)[order]

    theta = np.asarray(res.theta)
    jac = np.empty((3, theta.size))
    for j in range(theta.size):
        step = np.zeros_like(theta)
        step[j] = 1e-6
        jac[:, j] = (average_slope(theta + step) - average_slope(theta - step)) / 2e-6
    se = np.sqrt(np.diag(jac @ np.asarray(res.vcov) @ jac.T))
    me = res.marginal_effects(at={"write": 40}, variables=["write"])
    np.testing.assert_allclose(me["effect"], average_slope(theta), rtol=1e-12)
    np.testing.assert_allclose(me["std_error"], se, rtol=1e-7)


def test_discrete_changes_at_grid_points_equal_predictive_margin_contrasts(res):
    me = res.marginal_effects(at={"write": [35, 65]}, variables=["ses"])
    for write in (35, 65):
        for level in ("low", "middle"):
            contrast = res.predictions(
                at={"ses": ["high", level], "write": write}, contrast="reference"
            )
            got = me[(me["write"] == write) & (me["term"] == f"ses[{level} vs high]")]
            np.testing.assert_allclose(got["effect"], contrast["estimate"], rtol=1e-12)
            np.testing.assert_allclose(got["std_error"], contrast["std_error"], rtol=1e-12)


def test_curved_terms_at_grid_points(hsbdemo):
    res = mnlogit.fit("prog ~ C(ses) * write + I(write**2)", hsbdemo, reference="academic")
    me = res.marginal_effects(at={"ses": "low", "write": 45}, variables=["write"])
    h = 1e-4
    up = res.predictions(at={"ses": "low", "write": 45 + h})["estimate"].to_numpy()
    down = res.predictions(at={"ses": "low", "write": 45 - h})["estimate"].to_numpy()
    np.testing.assert_allclose(me["effect"], (up - down) / (2 * h), rtol=1e-6)


def test_by_groups_equal_effects_over_each_subset(res, hsbdemo):
    by = res.marginal_effects(by="female")
    assert by.columns.tolist()[:3] == ["female", "outcome", "term"]
    alone = res.marginal_effects(data=hsbdemo[hsbdemo["female"] == "male"])
    got = by[by["female"] == "male"].reset_index(drop=True)
    np.testing.assert_allclose(
        got[["effect", "std_error"]], alone[["effect", "std_error"]], rtol=1e-12
    )


def test_atmeans_with_nothing_set_is_at_mean(res, hsbdemo):
    mean = res.marginal_effects(at="mean")
    same = res.marginal_effects(at={"write": hsbdemo["write"].mean()}, atmeans=True)
    np.testing.assert_allclose(
        same[["effect", "std_error"]], mean[["effect", "std_error"]], rtol=1e-12
    )


@pytest.mark.parametrize(
    ("at", "error", "match"),
    [
        ({"math": 50}, MNLogitError, "'math', a column of the data that the model does not use"),
        ({"ses": "top"}, LevelError, "'top' is not a level of 'ses'"),
        ({"write": []}, MNLogitError, "no values"),
        ("median", MNLogitError, "at must be 'overall', 'mean' or a dict"),
    ],
)
def test_bad_grids(res, at, error, match):
    with pytest.raises(error, match=match):
        res.marginal_effects(at=at)


def test_weights_equal_expanded_rows_at_a_grid(hsbdemo):
    w = np.random.default_rng(5).integers(1, 4, len(hsbdemo))
    weighted = mnlogit.fit("prog ~ C(ses) + write", hsbdemo.assign(w=w), weights="w")
    expanded = mnlogit.fit("prog ~ C(ses) + write", hsbdemo.loc[hsbdemo.index.repeat(w)])
    a = weighted.marginal_effects(at={"write": [40, 60]})
    b = expanded.marginal_effects(at={"write": [40, 60]})
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-7)
