"""lincom and nlcom against R's coefficients and covariance for hsbdemo (nnet at the
Newton estimate, tests/reference/r_emmeans.json), Wald tests of the same restriction, and
closed-form delta methods."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import load_reference

import mnlogit
from mnlogit.exceptions import MNLogitError


@pytest.fixture(scope="module")
def res(hsbdemo):
    return mnlogit.fit("prog ~ C(ses) + write", hsbdemo, reference="academic")


@pytest.fixture(scope="module")
def r_model():
    model = load_reference("r_emmeans")["model"]
    labels = pd.MultiIndex.from_tuples([(x["outcome"], x["term"]) for x in model["labels"]])
    return pd.Series(model["coef"], index=labels), pd.DataFrame(model["cov"], labels, labels)


def _r_combination(r_model, weights):
    coef, cov = r_model
    c = pd.Series(0.0, index=coef.index)
    for key, value in weights.items():
        c[key] += value
    return float(c @ coef), float(np.sqrt(c @ cov @ c))


@pytest.mark.parametrize(
    ("expression", "weights"),
    [
        ("[general]write - [vocation]write", {("general", "write"): 1, ("vocation", "write"): -1}),
        (
            "2*[general]C(ses)[T.low] + [vocation]C(ses)[T.low] / 4 - 1",
            {("general", "C(ses)[T.low]"): 2, ("vocation", "C(ses)[T.low]"): 0.25},
        ),
        (
            "-([general]Intercept + [vocation]Intercept)*0.5 + [academic]write",
            {("general", "Intercept"): -0.5, ("vocation", "Intercept"): -0.5},
        ),
        ("[general] write*10", {("general", "write"): 10}),
    ],
)
def test_lincom_matches_r_coefficients_and_covariance(res, r_model, expression, weights):
    estimate, se = _r_combination(r_model, weights)
    constant = -1.0 if expression.endswith("- 1") else 0.0
    result = res.lincom(expression)
    assert result.estimate == pytest.approx(estimate + constant, rel=1e-11, abs=1e-12)
    assert result.std_error == pytest.approx(se, rel=1e-10)
    assert result.statistic == pytest.approx(result.estimate / result.std_error)
    low, high = result.conf_int(0.1).iloc[0]
    assert high - result.estimate == pytest.approx(1.6448536269514722 * se, rel=1e-10)
    assert result.estimate - low == pytest.approx(high - result.estimate)


def test_lincom_z_squared_is_the_wald_statistic(res):
    result = res.lincom("[general]write - [vocation]write")
    wald = res.wald_test("write", outcomes=["general", "vocation"], equal=True)
    assert result.statistic**2 == pytest.approx(wald.statistic, rel=1e-12)
    assert result.pvalue == pytest.approx(wald.pvalue, rel=1e-10)


def test_lincom_robust_covariance_carries_over(hsbdemo):
    res = mnlogit.fit(
        "prog ~ C(ses) + write", hsbdemo, reference="academic", cov_type="cluster", groups="cid"
    )
    c = np.zeros(res.n_params)
    c[res.exog_names.index("write")] = 1.0
    result = res.lincom("[general]write")
    assert result.std_error == pytest.approx(np.sqrt(c @ res.vcov @ c), rel=1e-14)


def test_names_with_spaces_and_operators(hsbdemo):
    res = mnlogit.fit("prog ~ write + I(write ** 2) + write:math", hsbdemo)
    k = len(res.exog_names)
    result = res.lincom("[vocation]I(write ** 2) * 100 - [vocation]write:math")
    theta = np.asarray(res.theta)
    expected = 100 * theta[k + 2] - theta[k + 3]
    assert result.estimate == pytest.approx(expected, rel=1e-12)


def test_two_outcomes_need_no_equation(hsbdemo):
    res = mnlogit.fit("honors ~ female + read", hsbdemo)
    assert res.lincom("read").estimate == pytest.approx(res.params.iloc[2, 0], rel=1e-14)


@pytest.mark.parametrize(
    ("expression", "match"),
    [
        ("[general]writ", r"not a term of the model .* 'writ' at position 9"),
        ("[generl]write", r"'generl' is not an outcome .* '\[generl\]write'"),
        ("write", r"needs its outcome.*'write'"),
        ("[general]write * [vocation]write", r"product of two coefficients .* '\*'"),
        ("[general]write / [vocation]write", r"division by a nonzero number .* '/'"),
        ("[general]write / 0", "division by a nonzero number"),
        ("([general]write", r"expected '\)' before 'the end'"),
        ("[general]write +", "expected a number, '\\(' or a coefficient, found 'the end'"),
        ("[general]write 2", r"unexpected '2'"),
        ("[general write", r"unclosed '\['"),
        ("", "lincom needs an expression"),
    ],
)
def test_malformed_expressions_name_the_token(res, expression, match):
    with pytest.raises(MNLogitError, match=match):
        res.lincom(expression)


def test_nlcom_of_a_linear_function_equals_lincom(res):
    linear = res.nlcom(lambda b: b.loc["write", "general"] - 2 * b.loc["write", "vocation"])
    exact = res.lincom("[general]write - 2*[vocation]write")
    assert linear.estimate == pytest.approx(exact.estimate, rel=1e-14)
    assert linear.std_error == pytest.approx(exact.std_error, rel=1e-9)


def test_nlcom_relative_risk_ratios_and_a_ratio(res):
    rrr = res.nlcom(lambda b: np.exp(b.loc["write"]))  # a Series: one ratio per outcome
    assert rrr.estimate.index.tolist() == ["general", "vocation"]
    b, se = res.params.loc["write"], res.bse.loc["write"]
    np.testing.assert_allclose(rrr.std_error, np.exp(b) * se, rtol=1e-9)
    np.testing.assert_allclose(
        rrr.conf_int()["lower"], np.exp(b) * (1 - 1.959963984540054 * se), rtol=1e-9
    )
    # ratio a/b: gradient (1/b, -a/b^2)
    a_name, b_name = ("C(ses)[T.low]", "general"), ("write", "general")
    ratio = res.nlcom(lambda p: p.loc[a_name] / p.loc[b_name], name="low / write")
    a, bb = res.params.loc[a_name], res.params.loc[b_name]
    cov = res.cov_params().loc[[a_name[::-1], b_name[::-1]], [a_name[::-1], b_name[::-1]]]
    g = np.array([1 / bb, -a / bb**2])
    assert ratio.std_error == pytest.approx(np.sqrt(g @ cov.to_numpy() @ g), rel=1e-9)
    assert ratio.summary_frame().index.tolist() == ["low / write"]


@pytest.mark.parametrize(
    ("func", "match"),
    [
        (lambda b: b.loc["nope", "general"], "raised KeyError.*at the estimates"),
        (lambda b: np.log(b.loc["write", "general"]), "not finite at the estimates"),
        (lambda b: b.values, "must return a number or a pandas Series"),
        (lambda b: pd.Series({"x": "text"}), "returned non-numbers"),
        ("b", "needs a function"),
    ],
)
def test_nlcom_bad_functions(res, func, match):
    with pytest.raises(MNLogitError, match=match):
        res.nlcom(func)


def test_displays(res):
    result = res.lincom("[general]write - [vocation]write")
    text, page = repr(result), result._repr_html_()
    assert text.startswith("[general]write - [vocation]write  (delta method, 95% CI)")
    assert f"{result.estimate:.6g}" in text and f"{result.std_error:.6g}" in page
    assert "<table" in page and "[general]write" in page
    wald = res.wald_test("write")
    assert "<table" in wald._repr_html_() and f"{wald.statistic:.4f}" in wald._repr_html_()
