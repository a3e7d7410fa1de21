"""IIA tests, the goodness-of-fit test and classification tables against references.

References (tests/reference/README.md): statsmodels fits for Hausman-McFadden, suest and
Small-Hsiao (specification_statsmodels.json), statsmodels' pred_table, R's
generalhoslem::logitgof restated in base R (r_gof.json), and the Fagerland-Hosmer-Bofin
test restated from its definition below (numpy quantiles and pandas' cut, written
independently of mnlogit's own grouping).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import load_reference

import mnlogit
from mnlogit.exceptions import DataError, LevelError, MNLogitError, MNLogitWarning
from mnlogit.inference.specification import chi2_form, random_halves, small_hsiao

ANES_FORMULA = "PID ~ logpopul + selfLR + age + educ + income"


@pytest.fixture(scope="module")
def ref():
    return load_reference("specification_statsmodels")


@pytest.fixture(scope="module")
def hsb_fit(hsbdemo):
    return mnlogit.fit("prog ~ C(ses) + write", hsbdemo, reference="academic")


@pytest.fixture(scope="module")
def anes_fit(anes96):
    return mnlogit.fit(ANES_FORMULA, anes96)


def _cases(request, ref):
    return [
        (request.getfixturevalue("hsb_fit"), ref["hsbdemo"], str),
        (request.getfixturevalue("anes_fit"), ref["anes96"], int),
    ]


def test_hausman_mcfadden_matches_two_statsmodels_fits(request, ref):
    for res, case, label in _cases(request, ref):
        for omit, expected in case["iia"].items():
            test = res.iia_test(label(omit))
            assert test.df == expected["df"]
            # V_r - V_f is ill-conditioned: 1e-8 relative is what 1e-12 fits allow.
            np.testing.assert_allclose(test.statistic, expected["hausman"], rtol=1e-6)


def test_a_negative_hausman_statistic_is_reported_with_a_note(hsb_fit, ref):
    test = hsb_fit.iia_test("general")
    assert test.statistic < 0 and ref["hsbdemo"]["iia"]["general"]["hausman"] < 0
    assert test.pvalue == 1.0
    assert any("negative" in note for note in test.notes)
    assert any("not positive definite" in note for note in test.notes)
    assert "Note: the statistic is negative" in repr(test)


def test_suest_matches_the_stacked_sandwich_of_statsmodels_scores(request, ref):
    for res, case, label in _cases(request, ref):
        for omit, expected in case["iia"].items():
            test = res.iia_test(label(omit), method="suest")
            assert test.df == expected["df"] and test.statistic > 0
            np.testing.assert_allclose(test.statistic, expected["suest"], rtol=1e-7)
            assert "N/(N-1)" in test.details and test.notes == ()


def test_suest_with_clusters_uses_the_fits_groups(hsb_fit, ref):
    clustered = hsb_fit.with_cov_type("cluster", groups="cid")
    for omit, expected in ref["hsbdemo"]["iia_cluster"].items():
        test = clustered.iia_test(omit, method="suest")
        np.testing.assert_allclose(test.statistic, expected["suest"], rtol=1e-7)
        assert "clustered by cid (G=20)" in test.details and "G/(G-1)" in test.details
        # The Hausman form uses the model-based covariances whatever the cov_type.
        assert clustered.iia_test(omit).statistic == hsb_fit.iia_test(omit).statistic


def test_small_hsiao_matches_statsmodels_for_a_stored_split(request, ref):
    for res, case, label in _cases(request, ref):
        first_half = np.array(case["first_half"], dtype=float)
        for omit, expected in case["small_hsiao"].items():
            test = small_hsiao(res, label(omit), first_half)
            assert test.df == expected["df"]
            np.testing.assert_allclose(test.statistic, expected["statistic"], rtol=1e-8)


def test_small_hsiao_is_reproducible_with_a_seed(hsb_fit):
    first = hsb_fit.iia_test("vocation", method="small-hsiao", seed=7)
    again = hsb_fit.iia_test("vocation", method="small-hsiao", seed=7)
    other = hsb_fit.iia_test("vocation", method="small-hsiao", seed=8)
    assert first.statistic == again.statistic != other.statistic
    assert first.statistic >= 0 and first.details == "random halves of 100 and 100 observations"
    # The same split as drawing the halves first.
    direct = small_hsiao(hsb_fit, "vocation", random_halves(hsb_fit, seed=7))
    assert direct.statistic == first.statistic


def test_one_row_per_omissible_outcome(anes_fit, ref):
    for method in ("hausman", "suest"):
        table = anes_fit.iia_test(method=method)
        assert table.index.tolist() == [1, 2, 3, 4, 5, 6]
        assert table.columns.tolist() == ["chi2", "df", "p_value", "note"]
        key = "hausman" if method == "hausman" else "suest"
        expected = [ref["anes96"]["iia"][str(o)][key] for o in table.index]
        np.testing.assert_allclose(table["chi2"], expected, rtol=1e-6)
        assert (table["df"] == 30).all()
    table = anes_fit.iia_test(method="small-hsiao", seed=3)
    assert table.attrs["method"] == "Small-Hsiao" and table["p_value"].between(0, 1).all()
    assert table.attrs["details"].startswith("random halves of 472 and 472")


def test_frequency_weights_equal_expanded_rows(hsbdemo):
    rng = np.random.default_rng(5)
    data = hsbdemo.assign(w=rng.integers(1, 4, len(hsbdemo)))
    expanded = data.loc[data.index.repeat(data["w"])].reset_index(drop=True)
    weighted = mnlogit.fit("prog ~ C(ses) + write", data, weights="w", reference="academic")
    full = mnlogit.fit("prog ~ C(ses) + write", expanded, reference="academic")
    for method in ("hausman", "suest"):
        a, b = (
            weighted.iia_test("vocation", method=method),
            full.iia_test("vocation", method=method),
        )
        np.testing.assert_allclose(a.statistic, b.statistic, rtol=1e-6)
    a, b = weighted.gof_test(5), full.gof_test(5)
    np.testing.assert_allclose(a.statistic, b.statistic, rtol=1e-9)
    np.testing.assert_allclose(a.table.to_numpy(), b.table.to_numpy(), rtol=1e-9)
    np.testing.assert_allclose(weighted.pred_table(), full.pred_table())
    # Weighted Small-Hsiao splits each row's observations between the halves.
    halves = random_halves(weighted, seed=1)
    assert ((halves >= 0) & (halves <= data["w"].to_numpy())).all()
    assert 0 <= weighted.iia_test("vocation", method="small-hsiao", seed=1).statistic


def test_chi2_form_uses_the_pseudo_inverse_of_a_singular_covariance():
    # d = (1, 1) lies on the eigenvector (1, 1)/√2 of eigenvalue 2: d' V^+ d = |d|² / 2.
    statistic, df, notes = chi2_form(np.array([1.0, 1.0]), np.array([[1.0, 1.0], [1.0, 1.0]]))
    assert df == 1 and statistic == pytest.approx(1.0) and "singular" in notes[0]


def test_bad_iia_requests(hsb_fit, hsbdemo, iris):
    with pytest.raises(LevelError, match="'academic': it is the reference outcome"):
        hsb_fit.iia_test("academic")
    with pytest.raises(
        LevelError,
        match=r"'science' is not an outcome of 'prog' \(levels: "
        r"'academic', 'general', 'vocation'\)",
    ):
        hsb_fit.iia_test("science")
    with pytest.raises(
        MNLogitError, match="method must be one of 'hausman', 'suest', 'small-hsiao', got 'lr'"
    ):
        hsb_fit.iia_test("general", method="lr")
    two = mnlogit.fit("Species ~ Sepal_Length", iris[iris.Species != "setosa"])
    with pytest.raises(MNLogitError, match="at least three outcomes .* 'Species' has 2"):
        two.iia_test()
    firth = mnlogit.fit("prog ~ write", hsbdemo, penalty="firth")
    with pytest.raises(MNLogitError, match="'firth'-penalised"):
        firth.iia_test("general")
    weighted = mnlogit.fit("prog ~ write", hsbdemo.assign(w=1.5), weights="w")
    with pytest.raises(DataError, match="whole numbers"):
        weighted.iia_test("general", method="small-hsiao")
    with pytest.raises(DataError, match="between 0 and the row's number"):
        small_hsiao(hsb_fit, "general", np.full(200, 2.0))


# -- goodness of fit ----------------------------------------------------------------


def fhb_by_definition(outcome: pd.Series, probs: pd.DataFrame, reference, g: int):
    """Fagerland, Hosmer & Bofin (2008): groups of 1 - P(reference) at the deciles
    (type-7 quantiles, numpy's default), Pearson X2 of observed vs expected counts."""
    score = 1.0 - probs[reference].to_numpy()
    cuts = np.unique(np.quantile(score, np.linspace(0.0, 1.0, g + 1)))
    group = pd.cut(score, cuts, right=True, include_lowest=True)
    observed = pd.crosstab(group, outcome.to_numpy()).reindex(columns=probs.columns, fill_value=0)
    expected = probs.groupby(group, observed=True).sum()
    statistic = float(((observed - expected) ** 2 / expected).to_numpy().sum())
    return statistic, (len(expected) - 2) * (probs.shape[1] - 1), observed, expected


@pytest.mark.parametrize(("case", "groups"), [("hsb", 10), ("hsb", 5), ("anes", 10), ("anes", 20)])
def test_gof_matches_its_definition(request, hsbdemo, anes96, case, groups):
    if case == "hsb":
        res, outcome = request.getfixturevalue("hsb_fit"), hsbdemo["prog"]
    else:
        res, outcome = request.getfixturevalue("anes_fit"), anes96["PID"]
    statistic, df, observed, expected = fhb_by_definition(
        outcome, res.predict(), res.reference, groups
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MNLogitWarning)  # small expected counts
        test = res.gof_test(groups)
    assert test.df == df
    np.testing.assert_allclose(test.statistic, statistic, rtol=1e-10)
    np.testing.assert_allclose(test.table["observed"].to_numpy(), observed.to_numpy())
    np.testing.assert_allclose(test.table["expected"].to_numpy(), expected.to_numpy(), rtol=1e-10)
    assert test.pvalue == pytest.approx(1 - __import__("scipy").stats.chi2.cdf(statistic, df))


@pytest.fixture(scope="module")
def r_gof():
    return load_reference("r_gof")


def test_gof_matches_r_logitgof(r_gof, hsbdemo, anes96):
    data = {"hsbdemo": hsbdemo, "anes96": anes96}
    for case in r_gof["cases"]:
        res = mnlogit.fit(case["formula"], data[case["name"]], reference=case["reference"])
        np.testing.assert_allclose(res.theta, case["coef"], rtol=1e-9, atol=1e-12)
        order = case["outcomes_table_order"]
        for expected in case["tests"]:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", MNLogitWarning)  # small expected counts
                test = res.gof_test(expected["g"])
            assert (test.df, len(test.table)) == (expected["df"], expected["n_groups"])
            np.testing.assert_allclose(test.statistic, expected["statistic"], rtol=1e-10)
            np.testing.assert_allclose(test.pvalue, expected["p_value_upper_tail"], rtol=1e-10)
            observed = test.table["observed"][order].to_numpy()
            np.testing.assert_array_equal(observed, expected["observed"])
            np.testing.assert_array_equal(observed.sum(axis=1), expected["group_sizes"])
            np.testing.assert_allclose(
                test.table["expected"][order].to_numpy(), expected["expected"], rtol=1e-10
            )


def test_gof_warns_about_small_expected_counts(anes_fit):
    with pytest.warns(MNLogitWarning, match="expected counts are below 1"):
        anes_fit.gof_test(20)


def test_gof_with_tied_scores_counts_the_groups_formed(hsbdemo):
    # Two design patterns only in ses: few distinct scores, ties at the cut points.
    res = mnlogit.fit("prog ~ C(ses)", hsbdemo, reference="academic")
    with pytest.raises(
        MNLogitError,
        match="groups=4 exceeds the 3 distinct values of the score 1 - P\\('academic'\\)",
    ):
        res.gof_test(4)
    coarse = mnlogit.fit("prog ~ C(ses) + C(schtyp)", hsbdemo, reference="academic")
    with pytest.warns(MNLogitWarning, match="groups of the 5 asked for; df counts"):
        test = coarse.gof_test(5)
    assert test.df == (len(test.table) - 2) * 2 < (5 - 2) * 2


def test_bad_gof_requests(hsb_fit):
    for bad in (2, 0, 2.5, True, "10"):
        with pytest.raises(MNLogitError, match="groups must be an integer of at least 3"):
            hsb_fit.gof_test(bad)
    distinct = np.unique(1.0 - hsb_fit.predict()["academic"].round(12)).size
    with pytest.raises(MNLogitError, match=f"groups=500 exceeds the {distinct} distinct"):
        hsb_fit.gof_test(500)


# -- classification -------------------------------------------------------------------


def test_pred_table_matches_statsmodels(request, ref):
    for res, case, _ in _cases(request, ref):
        np.testing.assert_array_equal(res.pred_table(), case["pred_table"])


def test_classification_table_totals_accuracy_and_recall(hsb_fit, hsbdemo):
    table = hsb_fit.classification_table()
    counts = hsb_fit.pred_table()
    levels = ["academic", "general", "vocation"]
    assert table.table.index.tolist() == [*levels, "Total"]
    assert table.table.columns.tolist() == [*levels, "Total"]
    # Counted from the predicted classes directly.
    predicted = hsb_fit.predict(kind="class")
    direct = pd.crosstab(hsbdemo["prog"], predicted).reindex(
        index=levels, columns=levels, fill_value=0
    )
    np.testing.assert_array_equal(table.table.iloc[:3, :3].to_numpy(), direct.to_numpy())
    np.testing.assert_array_equal(
        table.table["Total"].iloc[:3], hsbdemo["prog"].value_counts().reindex(levels)
    )
    assert table.table.loc["Total", "Total"] == 200
    assert table.accuracy == pytest.approx((predicted == hsbdemo["prog"]).mean())
    np.testing.assert_allclose(table.recall, np.diag(counts) / counts.sum(axis=1))
    assert "Accuracy: " in str(table) and "<table" in table._repr_html_()
