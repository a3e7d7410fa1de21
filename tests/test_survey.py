"""Survey designs: linearised covariances against R's survey package, closed forms,
equivalences with the HC0 / cluster sandwiches, and the errors of bad designs."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import DATA_DIR, load_reference

import mnlogit
from mnlogit.core.params import unvec
from mnlogit.exceptions import DataError, FrequencyWeightsWarning, MNLogitError
from mnlogit.inference.scores import score_rows

REFERENCE = load_reference("r_survey")
CASES = {case["name"]: case for case in REFERENCE["cases"]}
# R's survey.lonely.psu -> our single_psu (Stata's singleunit()); see r_survey.json.
SINGLE_PSU = {None: "error", "certainty": "certainty", "adjust": "centered", "average": "scaled"}


def case_data(case: dict) -> pd.DataFrame:
    data = pd.read_csv(DATA_DIR / case["data"].removeprefix("tests/data/"))
    if case["rows_kept"]:
        data = data.query(case["rows_kept"]).reset_index(drop=True)
    return data


def case_design(case: dict) -> mnlogit.SurveyDesign:
    spec = case["design"]
    return mnlogit.SurveyDesign(
        weights=spec["weights"],
        strata=spec["strata"],
        psu=spec["ids"],
        fpc=spec["fpc"],
        nest=spec["nest"],
        single_psu=SINGLE_PSU[case["lonely_psu"]],
    )


def fit_case(case: dict) -> mnlogit.MNLogitResults:
    data = case_data(case)
    subpop = data.eval(case["domain"]) if case["domain"] else None
    return mnlogit.fit(
        case["formula"],
        data,
        reference=case["reference"],
        design=case_design(case),
        subpop=subpop,
    )


@pytest.fixture(scope="module")
def fits():
    return {name: fit_case(case) for name, case in CASES.items()}


@pytest.mark.parametrize("name", list(CASES))
def test_estimates_and_linearized_covariance_match_r_survey(fits, name):
    case, res = CASES[name], fits[name]
    tidy = res.tidy()
    labels = [(label["outcome"], label["term"]) for label in case["labels"]]
    assert list(zip(tidy["outcome"], tidy["term"], strict=True)) == labels
    # Targets of issue 13: 1e-7 (coef), 1e-6 (SE); the fits agree to ~1e-13.
    np.testing.assert_allclose(tidy["estimate"], case["coef"], rtol=0, atol=1e-10)
    np.testing.assert_allclose(tidy["std_error"], case["se"], rtol=1e-9)
    np.testing.assert_allclose(tidy["statistic"], case["t"], rtol=1e-9)
    np.testing.assert_allclose(tidy["p_value"], case["p_value"], rtol=1e-8, atol=1e-15)
    np.testing.assert_allclose(tidy["conf_low"], case["ci_lower"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(tidy["conf_high"], case["ci_upper"], rtol=0, atol=1e-9)
    cov = np.asarray(case["cov"])
    np.testing.assert_allclose(res.cov_params(), cov, rtol=0, atol=1e-9 * np.abs(cov).max())
    # The two halves of the sandwich: A (weighted information) and B (score totals).
    info = np.asarray(case["information"])
    np.testing.assert_allclose(-res.estimate.hessian, info, rtol=0, atol=1e-9 * np.abs(info).max())
    meat = np.asarray(res.cov_kwds["meat"])
    ref_meat = np.asarray(case["score_total_cov"])
    np.testing.assert_allclose(meat, ref_meat, rtol=0, atol=1e-9 * np.abs(ref_meat).max())
    assert res.design_df == case["df"]
    assert (res.n_strata, res.n_psu) == (case["n_strata"], case["n_psu"])
    assert res.nobs == case["nobs"]
    np.testing.assert_allclose(res.population_size, case["population_size_design"], rtol=1e-14)
    if case["domain"]:
        np.testing.assert_allclose(res.subpop_size, case["population_size"], rtol=1e-14)
    else:
        assert res.subpop_size is None


def test_pvalues_and_intervals_use_t_with_the_design_df(fits):
    res, case = fits["apiclus1_fpc"], CASES["apiclus1_fpc"]
    np.testing.assert_allclose(res.pvalues.to_numpy().T.ravel(), case["p_value"], rtol=1e-8)
    np.testing.assert_allclose(res.conf_int()["lower"], case["ci_lower"], rtol=0, atol=1e-9)
    wider = res.conf_int(0.1)
    assert (
        wider["upper"] - wider["lower"] < res.conf_int()["upper"] - res.conf_int()["lower"]
    ).all()


def test_weights_only_design_is_the_closed_form_sandwich(fits):
    # Every row its own PSU, one stratum: B = n/(n-1) sum_i w_i^2 s_i s_i' (the weighted
    # scores sum to zero at the estimate, so centring changes nothing).
    res = fits["apistrat_weights_only"]
    frame = res.model_frame
    s = score_rows(frame.X, frame.outcome.codes, unvec(np.asarray(res.theta), frame.n_terms))
    ws = frame.weights[:, None] * s
    n = len(ws)
    meat = n / (n - 1) * ws.T @ ws
    bread = np.linalg.inv(-res.estimate.hessian)
    np.testing.assert_allclose(res.cov_params(), bread @ meat @ bread, rtol=1e-10, atol=1e-14)


def test_unweighted_row_design_is_hc0_times_n_over_n_minus_1(hsbdemo):
    formula = "prog ~ C(ses) + write"
    hc0 = mnlogit.fit(formula, hsbdemo, cov_type="HC0")
    survey = mnlogit.fit(formula, hsbdemo, design=mnlogit.SurveyDesign())
    n = len(hsbdemo)
    np.testing.assert_allclose(survey.params, hc0.params, rtol=1e-12)
    np.testing.assert_allclose(survey.cov_params(), hc0.cov_params() * n / (n - 1), rtol=1e-10)
    assert survey.design_df == n - 1


def test_cluster_design_is_the_uncorrected_cluster_sandwich_times_g_over_g_minus_1(hsbdemo):
    formula = "prog ~ C(ses) + write"
    cluster = mnlogit.fit(formula, hsbdemo, cov_type="cluster", groups="cid")
    raw = cluster.with_cov_type("cluster", groups="cid", correction=None)
    survey = mnlogit.fit(formula, hsbdemo, design=mnlogit.SurveyDesign(psu="cid"))
    g = hsbdemo["cid"].nunique()
    np.testing.assert_allclose(survey.cov_params(), raw.cov_params() * g / (g - 1), rtol=1e-10)
    assert (survey.n_psu, survey.design_df) == (g, g - 1)


def test_scale_of_the_weights_changes_nothing():
    case = CASES["nhanes_strat_clus"]
    data = case_data(case)
    res = fit_case(case)
    data["w_small"] = data["WTMEC2YR"] / data["WTMEC2YR"].mean()
    design = mnlogit.SurveyDesign(weights="w_small", strata="SDMVSTRA", psu="SDMVPSU", nest=True)
    small = mnlogit.fit(case["formula"], data, reference="white", design=design)
    np.testing.assert_allclose(small.params, res.params, rtol=1e-10)
    np.testing.assert_allclose(small.bse, res.bse, rtol=1e-9)


def test_array_interface_equals_the_formula_interface(fits):
    case = CASES["nhanes_strat_clus"]
    res = fits["nhanes_strat_clus"]
    data = case_data(case)
    X = pd.DataFrame(res.model_frame.X, columns=res.exog_names)
    design = mnlogit.SurveyDesign(
        weights=data["WTMEC2YR"].to_numpy(),
        strata=data["SDMVSTRA"].to_numpy(),
        psu=data["SDMVPSU"].to_numpy(),
        nest=True,
    )
    arrays = mnlogit.MNLogit(data["race"], X, reference="white", design=design).fit()
    np.testing.assert_allclose(arrays.params.to_numpy(), res.params.to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(
        arrays.cov_params().to_numpy(), res.cov_params().to_numpy(), rtol=1e-10
    )
    assert arrays.design_df == res.design_df


def test_subpopulation_keeps_the_design_unlike_a_subset(fits):
    # Where every PSU has rows of the domain, the rows outside it add nothing to the PSU
    # totals: the domain and the subset of its rows give the same covariance.
    case = CASES["nhanes_domain_women"]
    data = case_data(case)
    women = data[data["RIAGENDR"] == 2].reset_index(drop=True)
    subset = mnlogit.fit(case["formula"], women, reference="white", design=case_design(case))
    np.testing.assert_allclose(subset.params, fits[case["name"]].params, rtol=1e-10)
    np.testing.assert_allclose(subset.bse, fits[case["name"]].bse, rtol=1e-10)
    # Where the domain misses whole PSUs they still count (zero totals); a subset drops
    # them, leaving stratum 75 with one PSU.
    case = CASES["nhanes_domain_partial"]
    data = case_data(case)
    part = data.query(case["domain"]).reset_index(drop=True)
    with pytest.raises(DataError, match=r"single PSU \(75\)"):
        mnlogit.fit(case["formula"], part, reference="white", design=case_design(case))
    lonely = mnlogit.SurveyDesign(
        weights="WTMEC2YR", strata="SDMVSTRA", psu="SDMVPSU", nest=True, single_psu="certainty"
    )
    subset = mnlogit.fit(case["formula"], part, reference="white", design=lonely)
    np.testing.assert_allclose(subset.params, fits[case["name"]].params, rtol=1e-10)
    assert np.abs(subset.bse / fits[case["name"]].bse - 1).to_numpy().max() > 0.05
    # The subpopulation as a column name gives the same fit.
    data["in_domain"] = data.eval(case["domain"])
    by_name = mnlogit.fit(
        case["formula"], data, reference="white", design=case_design(case), subpop="in_domain"
    )
    np.testing.assert_allclose(by_name.cov_params(), fits[case["name"]].cov_params(), rtol=1e-12)
    assert re.search(r"Subpopulation: +in_domain", str(by_name.summary()))


def test_rows_with_missing_values_stay_in_the_design_as_outside_the_domain():
    case = CASES["nhanes_strat_clus"]
    data = case_data(case)
    data.loc[data.index % 7 == 0, "HI_CHOL"] = np.nan
    design = case_design(case)
    with pytest.warns(mnlogit.MissingDataWarning):
        dropped = mnlogit.fit(case["formula"], data, reference="white", design=design)
    domain = mnlogit.fit(
        case["formula"],
        data.fillna({"HI_CHOL": 0}),
        reference="white",
        design=design,
        subpop=data["HI_CHOL"].notna(),
    )
    np.testing.assert_allclose(dropped.cov_params(), domain.cov_params(), rtol=1e-10)
    assert dropped.n_psu == 31 and dropped.nobs == data["HI_CHOL"].notna().sum()


@pytest.mark.parametrize("single_psu", ["certainty", "scaled", "centered"])
def test_single_psu_options_differ_as_documented(fits, single_psu):
    name = {
        "certainty": "nhanes_lonely_certainty",
        "scaled": "nhanes_lonely_average",
        "centered": "nhanes_lonely_adjust",
    }[single_psu]
    res = fits[name]
    assert res.cov_kwds["single_psu"] == single_psu
    assert f"single_psu={single_psu!r}" in str(res.summary())


def test_single_psu_error_names_the_stratum():
    case = CASES["nhanes_lonely_certainty"]
    design = mnlogit.SurveyDesign(weights="WTMEC2YR", strata="SDMVSTRA", psu="SDMVPSU", nest=True)
    with pytest.raises(DataError, match=r"1 stratum\(s\) of 'SDMVSTRA' have a single PSU \(89\)"):
        mnlogit.fit(case["formula"], case_data(case), design=design)


def test_adjusted_wald_f_test_from_the_r_covariance(fits):
    case, res = CASES["nhanes_strat_clus"], fits["nhanes_strat_clus"]
    test = res.wald_test("C(agecat)")
    positions = [i for i, label in enumerate(case["labels"]) if "agecat" in label["term"]]
    b = np.asarray(case["coef"])[positions]
    V = np.asarray(case["cov"])[np.ix_(positions, positions)]
    chi2 = b @ np.linalg.solve(V, b)
    k, d = len(positions), case["df"]
    assert (test.df, test.df_denom) == (k, d - k + 1)
    np.testing.assert_allclose(test.chi2, chi2, rtol=1e-9)
    np.testing.assert_allclose(test.statistic, chi2 * (d - k + 1) / (d * k), rtol=1e-9)
    table = res.anova()
    assert list(table.columns) == ["df", "df_denom", "F", "p_value"]
    np.testing.assert_allclose(table.loc["C(agecat)", "F"], test.statistic, rtol=1e-12)
    with pytest.raises(
        MNLogitError, match="needs at least 18 design degrees of freedom; the design has 16"
    ):
        res.wald_test(list(res.exog_names))  # 18 restrictions, 16 df


def test_no_likelihood_ratio_test_or_information_criteria(fits, hsbdemo):
    res = fits["apiclus1_nofpc"]
    for name in ("aic", "bic", "llr"):
        with pytest.raises(MNLogitError, match="pseudo-likelihood"):
            getattr(res, name)
    with pytest.raises(MNLogitError, match="survey design"):
        mnlogit.lr_test(fits["apiclus1_fpc"], res)
    stats = res.fit_statistics()
    assert stats["aic"] is None and stats["llr"] is None
    assert stats["survey"]["design_df"] == 14
    assert res.__maketables_stat__("aic") is None
    # A comparison leaves out statistics no model has (rather than blank rows).
    table = str(mnlogit.compare([res, res]))
    assert "AIC" not in table and "Log-likelihood" not in table and "Observations" in table


def test_summary_reads_like_statas_svy_header(fits):
    text = str(fits["nhanes_strat_clus"].summary())
    for item in (
        "Survey: Multinomial logit",
        "Number of strata:",
        "Number of PSUs:",
        "Population size:       255,345,910",
        "Design df:",
        "Linearized",
        "P>|t|",
        "F(15, 2)",
    ):
        assert item in text, item
    assert "AIC" not in text and "LR chi2" not in text
    html = fits["nhanes_domain_women"].summary().as_html()
    assert "Subpop. size" in html and "Linearized" in html


def test_save_and_load_keep_the_design_covariance(fits, tmp_path):
    res = fits["nhanes_domain_women"]
    path = tmp_path / "svy.mnlogit"
    res.save(path)
    loaded = mnlogit.load(path)
    np.testing.assert_array_equal(loaded.cov_params(), res.cov_params())
    assert (loaded.design_df, loaded.n_psu, loaded.subpop_size) == (16, 31, res.subpop_size)
    pd.testing.assert_frame_equal(loaded.tidy(), res.tidy())


def test_non_integer_frequency_weights_warn_and_point_to_survey_design(hsbdemo):
    data = hsbdemo.assign(w=np.linspace(0.5, 3.0, len(hsbdemo)))
    with pytest.warns(FrequencyWeightsWarning, match="SurveyDesign"):
        mnlogit.fit("prog ~ write", data, weights="w")
    with pytest.warns(FrequencyWeightsWarning):
        mnlogit.MNLogit(data["prog"], np.ones((len(data), 1)), weights=data["w"])
    with warnings.catch_warnings():
        warnings.simplefilter("error", FrequencyWeightsWarning)
        mnlogit.fit("prog ~ write", data.assign(w=2.0), weights="w")
        mnlogit.fit("prog ~ write", data, design=mnlogit.SurveyDesign(weights="w"))


# -- bad designs ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def clus1():
    return pd.read_csv(DATA_DIR / "apiclus1.csv")


FORMULA = "stype ~ api00 + ell"


@pytest.mark.parametrize(
    ("design", "message"),
    [
        (
            dict(weights="pw", psu="district"),
            r"design psu 'district' is not in the data",
        ),
        (dict(weights=np.ones(3)), "design weights has 3 values for 183 rows"),
        (dict(weights="pw", fpc="varying"), "varies within stratum"),
        (dict(weights="pw", psu="dnum", fpc="tiny"), "smaller than the 15 PSUs sampled"),
        (dict(weights="neg"), "must be positive and finite: 2 rows have weight"),
        (dict(weights="pw", strata="stype", fpc="mixed"), "mixes sampling fractions"),
        (dict(psu="dnum", strata="half"), "appears in strata .* pass nest=True"),
    ],
)
def test_bad_designs_are_named_errors(clus1, design, message):
    data = clus1.assign(
        tiny=10.0,
        neg=np.r_[-1.0, 0.0, np.ones(181)],
        half=np.arange(183) % 2,
        varying=757.0 + np.arange(183) % 2,
        mixed=np.where(clus1["stype"] == "E", 0.5, 757.0),
    )
    with pytest.raises(DataError, match=message):
        mnlogit.fit(FORMULA, data, design=mnlogit.SurveyDesign(**design))


def test_fpc_as_a_sampling_fraction_equals_fpc_as_a_population_count(clus1):
    counts = mnlogit.fit(FORMULA, clus1, design=mnlogit.SurveyDesign("pw", psu="dnum", fpc="fpc"))
    data = clus1.assign(fraction=15 / clus1["fpc"])
    fractions = mnlogit.fit(
        FORMULA, data, design=mnlogit.SurveyDesign("pw", psu="dnum", fpc="fraction")
    )
    np.testing.assert_allclose(fractions.cov_params(), counts.cov_params(), rtol=1e-12)
    # Sampling every PSU leaves no first-stage variance.
    everything = mnlogit.fit(
        FORMULA, data.assign(all=1.0), design=mnlogit.SurveyDesign("pw", psu="dnum", fpc="all")
    )
    assert np.all(everything.cov_params().to_numpy() == 0.0)


def test_subpopulation_inside_one_psu_has_no_degrees_of_freedom(clus1):
    with pytest.raises(DataError, match="no design degrees of freedom"):
        mnlogit.fit(
            "stype ~ ell",
            clus1,
            design=mnlogit.SurveyDesign("pw", psu="dnum"),
            subpop=clus1["dnum"] == clus1["dnum"].iloc[0],
        )


def test_missing_design_values_are_counted(clus1):
    data = clus1.assign(dnum=clus1["dnum"].where(clus1.index > 4))
    with pytest.raises(DataError, match="design psu 'dnum' has missing values in 5 of 183 rows"):
        mnlogit.fit(FORMULA, data, design=mnlogit.SurveyDesign(weights="pw", psu="dnum"))


def test_bad_subpopulations(clus1):
    design = mnlogit.SurveyDesign(weights="pw", psu="dnum")
    with pytest.raises(DataError, match="subpopulation 'subpop' has no rows"):
        mnlogit.fit(FORMULA, clus1, design=design, subpop=np.zeros(183, dtype=bool))
    with pytest.raises(DataError, match=r"level\(s\) 'H' have no rows in subpopulation"):
        mnlogit.fit(FORMULA, clus1, design=design, subpop=clus1["stype"] != "H")
    with pytest.raises(DataError, match="True/False"):
        mnlogit.fit(FORMULA, clus1, design=design, subpop="stype")
    with pytest.raises(DataError, match="subpop has missing values in 2 of 183 rows"):
        mnlogit.fit(FORMULA, clus1, design=design, subpop=np.r_[np.nan, np.nan, np.ones(181)])
    with pytest.raises(MNLogitError, match="subpop= needs a survey design"):
        mnlogit.fit(FORMULA, clus1, subpop=clus1["stype"] == "E")


def test_design_excludes_weights_cov_type_and_penalties(clus1):
    design = mnlogit.SurveyDesign(weights="pw", psu="dnum")
    with pytest.raises(MNLogitError, match="weights= are frequency weights"):
        mnlogit.fit(FORMULA, clus1, weights="pw", design=design)
    with pytest.raises(MNLogitError, match="cov_type='HC1' cannot be combined"):
        mnlogit.fit(FORMULA, clus1, design=design, cov_type="HC1")
    with pytest.raises(MNLogitError, match="groups= cannot be combined"):
        mnlogit.fit(FORMULA, clus1, design=design, groups="dnum")
    with pytest.raises(MNLogitError, match="penalized fits"):
        mnlogit.fit(FORMULA, clus1, design=design, penalty="firth")
    with pytest.raises(MNLogitError, match="pass design="):
        mnlogit.fit(FORMULA, clus1, cov_type="linearized")
    res = mnlogit.fit(FORMULA, clus1, design=design)
    with pytest.raises(MNLogitError, match="linearized one its design implies"):
        res.with_cov_type("HC0")
    with pytest.raises(MNLogitError, match="single_psu must be one of"):
        mnlogit.SurveyDesign(single_psu="adjust")
    with pytest.raises(MNLogitError, match="must be a mnlogit.SurveyDesign"):
        mnlogit.fit(FORMULA, clus1, design={"weights": "pw"})


def test_dask_data_with_a_design_is_refused(clus1):
    dd = pytest.importorskip("dask.dataframe")
    with pytest.raises(MNLogitError, match="in memory only"):
        mnlogit.fit(
            FORMULA, dd.from_pandas(clus1, npartitions=2), design=mnlogit.SurveyDesign(weights="pw")
        )


def test_a_polars_frame_gives_the_same_fit(fits):
    pl = pytest.importorskip("polars")
    case = CASES["nhanes_domain_women"]
    data = case_data(case).assign(female=lambda d: d["RIAGENDR"] == 2)
    res = mnlogit.fit(
        case["formula"],
        pl.from_pandas(data),
        reference="white",
        design=case_design(case),
        subpop="female",
    )
    np.testing.assert_allclose(res.cov_params(), fits[case["name"]].cov_params(), rtol=1e-12)


@pytest.mark.parametrize("subpop", [False, True])
def test_collapsed_factor_only_rows_give_the_dense_fit(subpop):
    # 15,692 rows of factors only: the formula fit solves on collapsed patterns (and
    # keeps level codes in a subpopulation); the array fit reads the dense rows.
    nh = case_data(CASES["nhanes_strat_clus"])
    big = pd.concat([nh, nh.assign(SDMVSTRA=nh["SDMVSTRA"] + 100)], ignore_index=True)
    domain = (big["HI_CHOL"] == 1).to_numpy() if subpop else None
    formula = "race ~ C(agecat) + C(RIAGENDR)"
    design = mnlogit.SurveyDesign(weights="WTMEC2YR", strata="SDMVSTRA", psu="SDMVPSU", nest=True)
    res = mnlogit.fit(formula, big, reference="white", design=design, subpop=domain)
    dense = mnlogit.MNLogit.from_formula(formula, big, reference="white").frame
    arrays = mnlogit.SurveyDesign(
        weights=big["WTMEC2YR"].to_numpy(),
        strata=big["SDMVSTRA"].to_numpy(),
        psu=big["SDMVPSU"].to_numpy(),
        nest=True,
    )
    by_rows = mnlogit.MNLogit(
        big["race"],
        pd.DataFrame(dense.X, columns=dense.exog_names),
        reference="white",
        design=arrays,
        subpop=domain,
    ).fit()
    np.testing.assert_allclose(res.params.to_numpy(), by_rows.params.to_numpy(), atol=1e-12)
    np.testing.assert_allclose(res.bse.to_numpy(), by_rows.bse.to_numpy(), rtol=1e-10)


def test_margins_predictions_and_lincom_use_t_with_the_design_df(fits):
    # Under a design, every interval and p-value uses Student t with the design df.
    from scipy import stats

    res = fits["apiclus1_fpc"]
    df = res.design_df
    t = stats.t.ppf(0.975, df)
    term = res.exog_names[-1]
    combo = res.lincom(f"[{res.outcomes[0]}]{term}")
    low, high = combo.conf_int().iloc[0]
    assert high - combo.estimate == pytest.approx(t * combo.std_error, rel=1e-12)
    assert combo.pvalue == pytest.approx(2 * stats.t.sf(abs(combo.statistic), df), rel=1e-10)
    me = res.marginal_effects()
    half = (me["conf_high"] - me["effect"]) / me["std_error"]
    np.testing.assert_allclose(half, t, rtol=1e-12)
    pred = res.get_prediction(res.model.data.head(3))
    lower, _ = pred.conf_int()
    np.testing.assert_allclose((pred.predicted - lower) / pred.se, t, rtol=1e-12)


def test_specification_tests_are_refused_under_a_design(fits):
    res = fits["apiclus1_fpc"]
    with pytest.raises(MNLogitError, match="IIA tests .* survey fit"):
        res.iia_test()
    with pytest.raises(MNLogitError, match="assumes independent observations"):
        res.gof_test()
