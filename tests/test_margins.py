"""Marginal effects against Stata's margins (stored by statsmodels), statsmodels'
get_margeff, finite differences of predictions and of the delta-method Jacobian."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import load_reference

import mnlogit
from mnlogit.exceptions import MNLogitError
from mnlogit.inference import counterfactual, margins


@pytest.fixture(scope="module")
def ref():
    return load_reference("toolkit_statsmodels")["anes96"]


@pytest.fixture(scope="module")
def anes_fit(anes96, ref):
    return mnlogit.fit(ref["formula"], anes96)


def _wide(me, column, terms):
    return me.pivot(index="term", columns="outcome", values=column).loc[terms].to_numpy()


@pytest.mark.parametrize("at", ["overall", "mean"])
def test_continuous_effects_match_stata_and_statsmodels(anes_fit, ref, at):
    me = anes_fit.marginal_effects(at=at)
    assert me["outcome"].unique().tolist() == list(range(7))  # every outcome, reference too
    effect, se = _wide(me, "effect", ref["variables"]), _wide(me, "std_error", ref["variables"])
    sm_ref = ref[f"statsmodels_{at}"]
    np.testing.assert_allclose(effect, sm_ref["effect"], rtol=1e-6, atol=1e-10)
    np.testing.assert_allclose(se, sm_ref["se"], rtol=1e-6, atol=1e-10)
    # Stata prints about 7 significant digits and stops its iterations earlier.
    np.testing.assert_allclose(effect, ref["stata"][at]["effect"], atol=1e-6)
    np.testing.assert_allclose(se, ref["stata"][at]["se"], atol=1e-8)


def test_discrete_change_matches_stata(anes96, ref):
    stata = ref["stata"]["dummy_overall"]
    res = mnlogit.fit(stata["formula"], anes96)
    me = res.marginal_effects()
    terms = ref["variables"] + ["vote[1 vs 0]"]
    assert (me.loc[me["term"] == "vote[1 vs 0]", "kind"] == "discrete change").all()
    np.testing.assert_allclose(_wide(me, "effect", terms), stata["effect"], atol=1e-6)
    np.testing.assert_allclose(_wide(me, "std_error", terms), stata["se"], atol=1e-8)


def test_table_columns_and_inference(anes_fit):
    me = anes_fit.marginal_effects(variables=["age"], alpha=0.1)
    assert me.columns.tolist() == margins.COLUMNS
    np.testing.assert_allclose(me["z"], me["effect"] / me["std_error"])
    np.testing.assert_allclose(
        me["conf_high"] - me["effect"], 1.6448536 * me["std_error"], rtol=1e-6
    )
    # Probabilities sum to one, so their derivatives sum to zero over outcomes.
    assert abs(me["effect"].sum()) < 1e-14


def _average_probs(res, data):
    return res.predict(data).to_numpy().mean(axis=0)


def test_nonlinear_terms_equal_finite_differences_of_predictions(anes96):
    res = mnlogit.fit("party3 ~ age + I(age**2) + income + age:income + C(education)", anes96)
    me = res.marginal_effects(variables=["age"])
    h = 1e-5
    up = _average_probs(res, anes96.assign(age=anes96["age"] + h))
    down = _average_probs(res, anes96.assign(age=anes96["age"] - h))
    np.testing.assert_allclose(me["effect"], (up - down) / (2 * h), rtol=1e-6, atol=1e-10)
    # A discrete change is the difference of average predictions at two levels.
    me = res.marginal_effects(variables=["education"])
    term = "education[PhD vs 1-8 grades]"
    expected = _average_probs(res, anes96.assign(education="PhD")) - _average_probs(
        res, anes96.assign(education="1-8 grades")
    )
    np.testing.assert_allclose(me.loc[me["term"] == term, "effect"], expected, atol=1e-14)


@pytest.mark.parametrize("atmeans", [False, True])
@pytest.mark.parametrize("variable", ["age", "age_sq", "vote", "linear"])
def test_delta_method_jacobian_equals_finite_differences(anes96, atmeans, variable):
    # every other row (designs of factor levels are rebuilt for each step: keep it quick)
    data = anes96.iloc[::2].assign(age_sq=anes96["age"])  # I(age_sq**2) only: not linear
    linear = " + ".join(["age", "income", "selfLR", "logpopul"])  # 4 > 3 outcomes: moment kernel
    res = mnlogit.fit(f"party3 ~ {linear} + I(age_sq**2) + C(vote)", data)
    rows, weights, fitted = margins.estimation_rows(res, None)
    model_vars = margins.model_variables(res, rows)
    chosen = [v for v in model_vars if v.name == variable or (variable == "linear" and v.column)]
    rowset = counterfactual.RowSet(res.model_frame, rows, weights, fitted, model_vars)
    grid = counterfactual.make_grid({"income": [5, 20]}, model_vars, rows)

    k = len(res.exog_names)

    def effects_at(theta):
        coef = np.column_stack([np.zeros(k), theta.reshape(-1, k).T])
        found = margins.average_effects(rowset, chosen, grid, coef, atmeans)
        return np.stack([e.effect for e in found]), np.stack([e.jacobian for e in found])

    theta = np.asarray(res.theta)
    _, jac = effects_at(theta)
    numeric = np.empty_like(jac)
    # Steps scaled to each design column (age_sq**2 reaches 8000), so that x'dβ ~ 1e-6.
    scale = np.tile(np.abs(res.model_frame.X).max(axis=0), len(res.outcomes))
    for p in range(theta.size):
        step = np.zeros_like(theta)
        step[p] = 1e-6 / scale[p]
        up, down = effects_at(theta + step)[0], effects_at(theta - step)[0]
        numeric[:, :, p] = (up - down) / (2 * step[p])
    np.testing.assert_allclose(jac, numeric, rtol=1e-5, atol=1e-9)


def test_many_slopes_at_once_equal_one_at_a_time(anes_fit, ref):
    together = anes_fit.marginal_effects()  # 5 variables, 7 outcomes: per-variable kernel
    one = [anes_fit.marginal_effects(variables=[v]) for v in ref["variables"]]
    alone = pd.concat(one).sort_values(["outcome", "term"], kind="stable")
    together = together.sort_values(["outcome", "term"], kind="stable")
    np.testing.assert_allclose(
        together[["effect", "std_error"]], alone[["effect", "std_error"]], rtol=1e-12, atol=1e-16
    )
    small = mnlogit.fit("party3 ~ age + income + selfLR + educ", anes_fit.model.data)
    together = small.marginal_effects()  # 4 variables, 3 outcomes: moment kernel
    alone = pd.concat(
        [small.marginal_effects(variables=[v]) for v in ["age", "income", "selfLR", "educ"]]
    )
    order = ["outcome", "term"]
    np.testing.assert_allclose(
        together.sort_values(order)[["effect", "std_error"]],
        alone.sort_values(order)[["effect", "std_error"]],
        rtol=1e-11,
        atol=1e-16,
    )


def test_row_blocks_do_not_change_the_result(anes_fit, monkeypatch):
    whole = anes_fit.marginal_effects()
    monkeypatch.setattr(counterfactual, "BLOCK_FLOATS", 100)  # blocks of 256 rows
    np.testing.assert_allclose(
        anes_fit.marginal_effects()[["effect", "std_error"]],
        whole[["effect", "std_error"]],
        rtol=1e-12,
        atol=1e-15,
    )


def test_array_fit_and_weights_equal_expanded_rows(anes96):
    rng = np.random.default_rng(1)
    w = rng.integers(1, 4, len(anes96))
    X = np.column_stack([np.ones(len(anes96)), anes96["age"], anes96["income"]])
    weighted = mnlogit.MNLogit(anes96["party3"], X, weights=w).fit()
    expanded = mnlogit.MNLogit(anes96["party3"].repeat(w).to_numpy(), np.repeat(X, w, axis=0))
    full = expanded.fit()
    a, b = weighted.marginal_effects(), full.marginal_effects()
    assert a["term"].unique().tolist() == ["x1", "x2"]
    np.testing.assert_allclose(a[["effect", "std_error"]], b[["effect", "std_error"]], rtol=1e-7)


def test_bad_requests(anes_fit, anes96, tmp_path):
    with pytest.raises(MNLogitError, match="at must be"):
        anes_fit.marginal_effects(at="median")
    with pytest.raises(MNLogitError, match="'PID' not among"):
        anes_fit.marginal_effects(variables=["PID"])
    path = tmp_path / "fit.mnlogit"
    anes_fit.save(path)
    loaded = mnlogit.load(path)
    with pytest.raises(mnlogit.DataError, match="pass data="):
        loaded.marginal_effects()
    pd.testing.assert_frame_equal(loaded.marginal_effects(data=anes96), anes_fit.marginal_effects())


def test_linear_shortcut_equals_differentiating_the_design(anes96):
    plain = mnlogit.fit("party3 ~ age + income", anes96)
    wrapped = mnlogit.fit("party3 ~ I(age * 1.0) + income", anes96)
    assert [v.column for v in margins.model_variables(plain, anes96)] == [1, 2]
    assert margins.model_variables(wrapped, anes96)[0].column is None
    for at in ("overall", "mean"):
        a = plain.marginal_effects(at=at, variables=["age"])
        b = wrapped.marginal_effects(at=at, variables=["age"])
        np.testing.assert_allclose(
            a[["effect", "std_error"]], b[["effect", "std_error"]], rtol=1e-7
        )


def test_effects_over_other_data_of_the_same_length(anes96):
    res = mnlogit.fit("party3 ~ age + income", anes96)
    other = anes96.assign(income=anes96["income"] + 3)
    me = res.marginal_effects(data=other, variables=["age"])
    h = 1e-5
    up = _average_probs(res, other.assign(age=other["age"] + h))
    down = _average_probs(res, other.assign(age=other["age"] - h))
    np.testing.assert_allclose(me["effect"], (up - down) / (2 * h), rtol=1e-6)
