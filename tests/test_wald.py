"""Wald tests (hand-computed quadratic forms, statsmodels' wald_test), anova, LR tests."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import load_reference
from scipy import stats

import mnlogit
from mnlogit.exceptions import MNLogitError
from mnlogit.inference.wald import TestResult


@pytest.fixture(scope="module")
def ref():
    return load_reference("toolkit_statsmodels")["hsbdemo"]


@pytest.fixture(scope="module")
def fitted(hsbdemo, ref):
    return mnlogit.fit(ref["formula"], hsbdemo, reference=ref["reference"])


def _quadratic_form(res, R):
    theta = res.params.to_numpy().T.ravel()
    diff = R @ theta
    return float(diff @ np.linalg.solve(R @ res.cov_params().to_numpy() @ R.T, diff))


def test_term_test_is_the_hand_quadratic_form_and_statsmodels(fitted, ref):
    test = fitted.wald_test("C(ses)")
    R = np.array(ref["wald"]["ses_zero_nonrobust"]["R"])
    assert test.df == 4
    assert test.statistic == pytest.approx(_quadratic_form(fitted, R), rel=1e-12)
    assert test.statistic == pytest.approx(ref["wald"]["ses_zero_nonrobust"]["statistic"], rel=1e-6)
    assert test.pvalue == pytest.approx(stats.chi2.sf(test.statistic, 4), rel=1e-12)


def test_cross_equation_equality(fitted, ref):
    test = fitted.wald_test("write", outcomes=["general", "vocation"], equal=True)
    expected = ref["wald"]["write_equal_nonrobust"]
    assert test.df == 1
    assert test.statistic == pytest.approx(
        _quadratic_form(fitted, np.array(expected["R"])), rel=1e-12
    )
    # Equality of one coefficient across two equations is the squared z of the difference.
    b = fitted.params.loc["write"]
    cov = fitted.cov_params()
    var = (
        cov.loc[("general", "write"), ("general", "write")]
        + cov.loc[("vocation", "write"), ("vocation", "write")]
        - 2 * cov.loc[("general", "write"), ("vocation", "write")]
    )
    assert test.statistic == pytest.approx((b["vocation"] - b["general"]) ** 2 / var, rel=1e-10)


def test_equal_to_the_reference_is_the_zero_test(fitted):
    against_reference = fitted.wald_test("write", outcomes=["academic", "general"], equal=True)
    zero = fitted.wald_test("write", outcomes=["general"])
    assert against_reference.statistic == pytest.approx(
        fitted.zvalues.loc["write", "general"] ** 2, rel=1e-12
    )
    assert zero.statistic == pytest.approx(against_reference.statistic, rel=1e-12)


def test_tests_use_the_robust_covariance(fitted, hsbdemo, ref):
    robust = fitted.with_cov_type("cluster", groups="cid")
    for name, term, kwargs in (
        ("ses_zero", "C(ses)", {}),
        ("write_equal", "write", {"outcomes": ["general", "vocation"], "equal": True}),
    ):
        expected = ref["wald"][f"{name}_cluster"]
        test = robust.wald_test(term, **kwargs)
        assert test.statistic == pytest.approx(expected["statistic"], rel=1e-6)
        assert test.cov_type == "cluster" and "cluster" in repr(test)


def test_matrix_restriction_with_value(fitted):
    R = np.zeros((1, fitted.n_params))
    R[0, 3] = 1.0
    value = -0.05
    test = fitted.wald_test(R, value=value)
    assert fitted.wald_test(R.tolist(), value=value).statistic == test.statistic
    b, se = fitted.params.loc["write", "general"], fitted.bse.loc["write", "general"]
    assert test.statistic == pytest.approx(((b - value) / se) ** 2, rel=1e-12)


def test_anova_table_matches_term_tests(fitted):
    table = fitted.anova()
    assert table.index.tolist() == ["C(ses)", "write"]
    assert table.loc["C(ses)", "df"] == 4
    assert table.loc["write", "chi2"] == pytest.approx(fitted.wald_test("write").statistic)
    assert table.loc["write", "p_value"] == pytest.approx(fitted.wald_test("write").pvalue)


def test_repr_is_readable():
    text = repr(TestResult("Wald", 10.0, 4, "C(ses) = 0 in every equation"))
    assert text.startswith("<Wald test: chi2(4) = 10.0000, p = 0.04043")
    assert "C(ses) = 0 in every equation" in text


def test_lr_test_is_twice_the_llf_difference(hsbdemo):
    small = mnlogit.fit("prog ~ write", hsbdemo, reference="academic")
    full = mnlogit.fit("prog ~ C(ses) + write", hsbdemo, reference="academic")
    test = mnlogit.lr_test(small, full)
    assert test.df == 4
    assert test.statistic == pytest.approx(2 * (full.llf - small.llf), rel=1e-12)
    assert test.pvalue == pytest.approx(stats.chi2.sf(test.statistic, 4), rel=1e-12)
    # The intercept-only model gives the LR statistic of the summary.
    null = mnlogit.fit("prog ~ 1", hsbdemo, reference="academic")
    assert mnlogit.lr_test(null, full).statistic == pytest.approx(full.llr, rel=1e-9)


def test_lr_test_checks_nesting(hsbdemo):
    full = mnlogit.fit("prog ~ C(ses) + write", hsbdemo)
    other = mnlogit.fit("prog ~ math", hsbdemo)
    with pytest.raises(MNLogitError, match="pass the smaller model first"):
        mnlogit.lr_test(full, other)
    with pytest.raises(MNLogitError, match="not nested in the full one"):
        mnlogit.lr_test(other, full)
    with pytest.raises(MNLogitError, match="not fitted on the same rows"):
        mnlogit.lr_test(mnlogit.fit("prog ~ write", hsbdemo.iloc[:150]), full)


def test_bad_term_names_the_known_terms(fitted):
    with pytest.raises(MNLogitError, match="'sex' is not a term, variable .*'C\\(ses\\)'"):
        fitted.wald_test("sex")
    with pytest.raises(MNLogitError, match="'honors' is not an outcome level"):
        fitted.wald_test("write", outcomes=["honors"])
    with pytest.raises(MNLogitError, match="has no coefficients"):
        fitted.wald_test("write", outcomes=["academic"])


def test_separated_fit_refuses_wald_tests_and_says_why(iris):
    """Infinite estimates have no covariance: a named error, not a NaN statistic."""
    with pytest.warns(mnlogit.PerfectSeparationWarning):
        res = mnlogit.fit("Species ~ Sepal_Length + Sepal_Width", iris)
    with pytest.raises(mnlogit.MNLogitError, match="perfect separation.*penalty='firth'"):
        res.wald_test("Sepal_Length")
    with pytest.raises(mnlogit.MNLogitError, match="'versicolor', 'virginica' are infinite"):
        res.anova()
    firth = mnlogit.fit("Species ~ Sepal_Length + Sepal_Width", iris, penalty="firth")
    assert np.isfinite(firth.anova()["chi2"]).all()
