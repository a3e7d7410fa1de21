"""Formula interface: labels, reference, weights, missing values, design re-use in predict.

Outside references: statsmodels MNLogit fitted on the same design (for labels and
weights the estimates must equal a differently-coded or expanded statsmodels fit).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import mnlogit
from mnlogit import DataError, LevelError, MissingDataWarning


def _sm_fit(codes, X):
    return sm.MNLogit(np.asarray(codes), np.asarray(X, dtype=float)).fit(
        method="newton", tol=1e-12, maxiter=100, disp=0
    )


@pytest.fixture(scope="module")
def small():
    rng = np.random.default_rng(42)
    n = 400
    x = rng.normal(size=n)
    g = rng.choice(["u", "v", "w"], size=n)
    eta = np.column_stack([np.zeros(n), 0.5 + x, -0.3 - 0.7 * x + (g == "v")])
    p = np.exp(eta) / np.exp(eta).sum(1, keepdims=True)
    y = (p.cumsum(1) < rng.random(n)[:, None]).sum(1)
    labels = np.array(["cat", "dog", "emu"])[y]
    return pd.DataFrame({"animal": labels, "x": x, "g": g})


def test_string_outcome_labels_are_kept_and_match_statsmodels(small):
    res = mnlogit.fit("animal ~ x + C(g)", small)
    assert res.outcome_levels == ("cat", "dog", "emu")
    assert res.params.columns.tolist() == ["dog", "emu"]
    assert res.reference == "cat"
    X = pd.get_dummies(small["g"], drop_first=True, dtype=float)  # patsy order: const, g, x
    X.insert(0, "const", 1.0)
    X["x"] = small["x"]
    ref = _sm_fit(pd.Categorical(small["animal"]).codes, X)
    np.testing.assert_allclose(res.params.to_numpy(), ref.params, rtol=1e-9)
    np.testing.assert_allclose(res.bse.to_numpy(), ref.bse, rtol=1e-8)


def test_categorical_outcome_keeps_category_order(small):
    df = small.assign(animal=pd.Categorical(small["animal"], categories=["emu", "cat", "dog"]))
    res = mnlogit.fit("animal ~ x", df)
    assert res.reference == "emu"
    assert res.outcome_levels == ("emu", "cat", "dog")
    assert res.predict(df.head(3)).columns.tolist() == ["emu", "cat", "dog"]


def test_reference_choice_transforms_coefficients(small):
    base = mnlogit.fit("animal ~ x + C(g)", small)
    other = mnlogit.fit("animal ~ x + C(g)", small, reference="dog")
    assert other.params.columns.tolist() == ["cat", "emu"]
    # beta_j(ref dog) = beta_j(ref cat) - beta_dog(ref cat)
    np.testing.assert_allclose(other.params["cat"], -base.params["dog"], rtol=1e-9)
    np.testing.assert_allclose(
        other.params["emu"], base.params["emu"] - base.params["dog"], rtol=1e-8, atol=1e-12
    )
    assert other.llf == pytest.approx(base.llf, rel=1e-13)
    pd.testing.assert_frame_equal(other.predict(small), base.predict(small), rtol=1e-9)
    assert "Reference outcome:" in str(other.summary()) and "dog" in str(other.summary())


def test_integer_and_boolean_outcomes(anes96):
    res = mnlogit.fit("PID ~ age", anes96, reference=3)
    assert res.outcome_levels == tuple(range(7))
    assert res.params.columns.tolist() == [0, 1, 2, 4, 5, 6]
    voted = anes96.assign(dole=anes96["vote"] == 1)
    res_bool = mnlogit.fit("dole ~ age + selfLR", voted)
    assert res_bool.outcome_levels == (False, True)
    logit = sm.Logit(voted["dole"].astype(float), sm.add_constant(voted[["age", "selfLR"]])).fit(
        disp=0, tol=1e-12, method="newton"
    )
    np.testing.assert_allclose(res_bool.params[True].to_numpy(), logit.params, rtol=1e-9)


def test_frequency_weights_equal_expanded_rows():
    lakes = mnlogit.datasets.load_alligator_lakes()
    weighted = mnlogit.fit("food ~ lake + size", lakes, weights="count", reference="fish")
    expanded = lakes.loc[lakes.index.repeat(lakes["count"])].reset_index(drop=True)
    plain = mnlogit.fit("food ~ lake + size", expanded, reference="fish")
    assert weighted.nobs == 219 == plain.nobs
    np.testing.assert_allclose(weighted.params, plain.params, rtol=1e-9)
    np.testing.assert_allclose(weighted.bse, plain.bse, rtol=1e-9)
    assert weighted.llf == pytest.approx(plain.llf, rel=1e-12)
    assert weighted.aic == pytest.approx(plain.aic, rel=1e-12)
    assert weighted.bic == pytest.approx(plain.bic, rel=1e-12)


def test_weights_as_array_equal_weights_as_column():
    lakes = mnlogit.datasets.load_alligator_lakes()
    by_name = mnlogit.fit("food ~ size", lakes, weights="count")
    by_array = mnlogit.fit("food ~ size", lakes, weights=lakes["count"].to_numpy())
    np.testing.assert_allclose(by_name.params, by_array.params, rtol=1e-14)


def test_missing_rows_are_dropped_counted_and_reported(small):
    df = small.copy()
    df.loc[[3, 10], "x"] = np.nan
    df.loc[[20], "animal"] = None
    before = df.copy(deep=True)
    with pytest.warns(MissingDataWarning, match="dropped 3 of 400 rows"):
        res = mnlogit.fit("animal ~ x + C(g)", df)
    pd.testing.assert_frame_equal(df, before)  # the user's data are untouched
    assert res.n_dropped == 3 and res.nobs == 397
    assert "Rows dropped (missing values):" in str(res.summary())
    complete = mnlogit.fit("animal ~ x + C(g)", df.dropna())
    np.testing.assert_allclose(res.params, complete.params, rtol=1e-12)
    with pytest.raises(DataError, match="3 of 400 rows have missing values"):
        mnlogit.fit("animal ~ x + C(g)", df, missing="raise")


def test_level_only_in_dropped_rows_is_not_in_the_design(small):
    df = small.copy()
    df["g"] = df["g"].astype(object)
    df.loc[0, "g"] = "rare"
    df.loc[0, "animal"] = None  # the only 'rare' row is dropped for a missing outcome
    with pytest.warns(MissingDataWarning):
        res = mnlogit.fit("animal ~ x + C(g)", df)
    assert not any("rare" in term for term in res.exog_names)


def test_unused_outcome_category_is_dropped_with_a_warning(small):
    cat = pd.Categorical(small["animal"], categories=["cat", "dog", "emu", "yak"])
    with pytest.warns(MissingDataWarning, match="'yak'"):
        res = mnlogit.fit("animal ~ x", small.assign(animal=cat))
    assert res.outcome_levels == ("cat", "dog", "emu")
    assert "yak" in str(res.summary())


def test_predict_reuses_stateful_transforms_and_levels(small):
    res = mnlogit.fit("animal ~ center(x) + C(g)", small)
    new = pd.DataFrame({"x": [0.0, 1.0], "g": ["w", "u"]}, index=["a", "b"])
    manual = small.assign(xc=small["x"] - small["x"].mean())
    res_manual = mnlogit.fit("animal ~ xc + C(g)", manual)
    expected = res_manual.predict(pd.DataFrame({"xc": new["x"] - small["x"].mean(), "g": new["g"]}))
    got = res.predict(new)
    assert got.index.tolist() == ["a", "b"]
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=1e-10)


def test_predict_unseen_level_names_column_and_level(small):
    res = mnlogit.fit("animal ~ x + C(g)", small)
    with pytest.raises(LevelError, match=r"column 'g' has level\(s\) 'zzz' not seen in fitting"):
        res.predict(pd.DataFrame({"x": [0.1], "g": ["zzz"]}))


def test_predict_kinds_are_consistent(small):
    res = mnlogit.fit("animal ~ x + C(g)", small)
    probs = res.predict(small)
    linear = res.predict(small, kind="linear")
    np.testing.assert_allclose(
        np.log(probs[["dog", "emu"]].to_numpy() / probs[["cat"]].to_numpy()), linear, rtol=1e-9
    )
    assert (res.predict(small, kind="class") == probs.idxmax(axis=1)).all()
    np.testing.assert_allclose(res.predict().to_numpy(), probs.to_numpy(), rtol=1e-14)


def test_predict_marks_rows_with_missing_values(small):
    res = mnlogit.fit("animal ~ x", small)
    new = pd.DataFrame({"x": [0.5, np.nan, 1.5]}, index=[7, 7, 8])
    with pytest.warns(MissingDataWarning, match="1 of 3 rows"):
        out = res.predict(new)
    assert out.index.tolist() == [7, 7, 8]
    assert out.iloc[1].isna().all() and out.iloc[[0, 2]].notna().all().all()


def test_array_interface_equals_formula_interface(small):
    res_formula = mnlogit.fit("animal ~ x", small)
    X = np.column_stack([np.ones(len(small)), small["x"]])
    res_array = mnlogit.MNLogit(small["animal"], X).fit()
    assert res_array.exog_names == ("const", "x1")
    np.testing.assert_allclose(res_array.params.to_numpy(), res_formula.params, rtol=1e-12)
    assert type(res_array) is type(res_formula)
    frame_exog = pd.DataFrame({"const": 1.0, "x": small["x"]})
    res_frame = mnlogit.MNLogit(small["animal"], frame_exog).fit()
    assert res_frame.exog_names == ("const", "x")
    np.testing.assert_allclose(
        res_frame.predict(frame_exog.head()), res_formula.predict(small.head()), rtol=1e-12
    )


def test_from_formula_matches_fit(small):
    model = mnlogit.MNLogit.from_formula("animal ~ x", small, reference="emu")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = model.fit()
    assert res.reference == "emu"
    assert res.llf == pytest.approx(mnlogit.fit("animal ~ x", small, reference="emu").llf)
