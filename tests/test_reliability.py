"""Separation, penalties, aliasing and honest convergence.

References: the separation facts of iris (setosa is linearly separable from the
rest by the sepal measures), an independent from-scratch implementation of the
Firth-penalised log-likelihood (its numerical gradient must vanish at our
estimate), the binary Firth logit for K = 2, and R's ``lm`` aliasing rule.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import mnlogit
from mnlogit import (
    AliasedColumnsWarning,
    CollinearityError,
    DataError,
    PerfectSeparationWarning,
)


def test_iris_with_both_sepal_measures_is_flagged_as_separated(iris):
    with pytest.warns(PerfectSeparationWarning, match="'versicolor', 'virginica'.*'setosa'"):
        res = mnlogit.fit("Species ~ Sepal_Length + Sepal_Width", iris)
    assert res.separation.separated
    assert set(res.separation.terms) == {"Intercept", "Sepal_Length", "Sepal_Width"}
    assert (res.tidy()["flag"] == "separated").all()
    text = str(res.summary())
    assert "(sep.)" in text and "n/a" in text and "firth" in text


def test_iris_with_one_sepal_measure_is_not_separated(iris):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = mnlogit.fit("Species ~ Sepal_Length", iris)
    assert not res.separation.separated and res.converged
    assert (res.tidy()["flag"] == "").all()


def test_quasi_complete_separation_by_an_empty_cell():
    # Outcome 'c' never occurs in group 'g2': its g2 coefficient diverges.
    df = pd.DataFrame(
        {
            "y": ["a", "b", "c", "a", "b", "c", "a", "b", "a", "b", "a", "b"],
            "g": ["g1"] * 6 + ["g2"] * 6,
            "x": np.arange(12.0) % 5,
        }
    )
    with pytest.warns(PerfectSeparationWarning, match="outcome\\(s\\) 'c'.*'C\\(g\\)\\[T.g2\\]'"):
        res = mnlogit.fit("y ~ C(g) + x", df)
    assert res.separation.outcomes == ("c",)


def _firth_objective(theta, X, y, J):
    """llf + 1/2 log det I, written from scratch (no package code)."""
    k = X.shape[1]
    B = np.column_stack([np.zeros(k), theta.reshape(J - 1, k).T])
    eta = X @ B
    logp = eta - np.log(np.exp(eta).sum(1, keepdims=True))
    llf = logp[np.arange(len(y)), y].sum()
    p = np.exp(logp)[:, 1:]
    info = np.zeros((k * (J - 1), k * (J - 1)))
    for i in range(len(y)):
        V = np.diag(p[i]) - np.outer(p[i], p[i])
        info += np.kron(V, np.outer(X[i], X[i]))
    return llf + 0.5 * np.linalg.slogdet(info)[1]


@pytest.mark.parametrize(
    "formula", ["Species ~ Sepal_Length + Sepal_Width", "Species ~ Petal_Width"]
)
def test_firth_estimate_maximises_the_penalised_likelihood(iris, formula):
    res = mnlogit.fit(formula, iris, penalty="firth")
    assert res.converged
    theta = res.params.to_numpy().T.ravel()
    model = mnlogit.MNLogit.from_formula(formula, iris)
    X, y = model.frame.X, model.frame.outcome.codes
    h = 1e-5
    grad = np.array(
        [
            (_firth_objective(theta + h * e, X, y, 3) - _firth_objective(theta - h * e, X, y, 3))
            / (2 * h)
            for e in np.eye(theta.size)
        ]
    )
    assert np.abs(grad).max() < 1e-5
    assert np.isfinite(res.bse.to_numpy()).all()


def test_firth_for_two_outcomes_equals_binary_firth_logit(anes96):
    # Binary Firth logit objective llf + 1/2 log det(X' W X), written independently:
    # its numerical gradient must vanish at our K = 2 estimate.
    X = sm.add_constant(anes96[["selfLR", "age"]]).to_numpy()
    y = anes96["vote"].to_numpy()

    def objective(beta):
        eta = X @ beta
        p = 1 / (1 + np.exp(-eta))
        llf = np.sum(y * eta - np.logaddexp(0, eta))
        return llf + 0.5 * np.linalg.slogdet((X * (p * (1 - p))[:, None]).T @ X)[1]

    res = mnlogit.fit("vote ~ selfLR + age", anes96, penalty="firth")
    beta = res.params[1].to_numpy()
    steps = np.diag([1e-5, 1e-6, 1e-7])
    grad = [(objective(beta + e) - objective(beta - e)) / (2 * e.max()) for e in steps]
    np.testing.assert_allclose(grad, 0.0, atol=1e-4)
    plain = mnlogit.fit("vote ~ selfLR + age", anes96)
    assert np.abs(beta).sum() < np.abs(plain.params[1].to_numpy()).sum()  # shrinks toward 0


def test_ridge_estimate_solves_the_penalised_score(iris):
    lam = 2.0
    res = mnlogit.fit("Species ~ Sepal_Length + Sepal_Width", iris, penalty=("l2", lam))
    assert res.converged and not res.separation.separated
    B = res.params.to_numpy()
    model = mnlogit.MNLogit.from_formula("Species ~ Sepal_Length + Sepal_Width", iris)
    X, y = model.frame.X, model.frame.outcome.codes
    eta = np.column_stack([np.zeros(len(X)), X @ B])
    p = np.exp(eta) / np.exp(eta).sum(1, keepdims=True)
    onehot = np.eye(3)[y]
    score = X.T @ (onehot - p)[:, 1:]
    penalty_grad = lam * B
    penalty_grad[0] = 0.0  # the intercepts are not penalised
    np.testing.assert_allclose(score, penalty_grad, atol=1e-8)


def test_bad_penalty_is_a_clear_error(iris):
    with pytest.raises(mnlogit.MNLogitError, match="penalty must be"):
        mnlogit.fit("Species ~ Sepal_Length", iris, penalty="lasso")


def test_aliased_columns_are_named_or_dropped(iris):
    df = iris.assign(
        double=2 * iris["Sepal_Length"], total=iris["Sepal_Length"] + iris["Sepal_Width"]
    )
    with pytest.raises(CollinearityError, match="'double' = 2\\*'Sepal_Length'"):
        mnlogit.fit("Species ~ Sepal_Length + double", df)
    with pytest.raises(CollinearityError, match="'total'"):
        mnlogit.fit("Species ~ Sepal_Length + Sepal_Width + total", df)
    with pytest.warns(AliasedColumnsWarning, match="'double'"):
        res = mnlogit.fit("Species ~ Sepal_Length + double", df, drop_aliased=True)
    plain = mnlogit.fit("Species ~ Sepal_Length", df)
    assert res.params.index.tolist() == ["Intercept", "Sepal_Length", "double"]
    assert res.params.loc["double"].isna().all()
    np.testing.assert_allclose(res.params.loc[["Intercept", "Sepal_Length"]], plain.params)
    np.testing.assert_allclose(res.predict(df), plain.predict(df), rtol=1e-12)
    assert (res.tidy().query("term == 'double'")["flag"] == "aliased").all()
    assert "(aliased)" in str(res.summary())


def test_all_zero_dummy_is_reported_as_aliased(iris):
    df = iris.assign(group=pd.Categorical(["a"] * 150, categories=["a", "b", "c"]))
    with pytest.raises(CollinearityError, match="zero in every row used"):
        mnlogit.fit("Species ~ Sepal_Length + C(group)", df)


def test_more_columns_than_rows_is_an_error_before_fitting():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(5, 8))
    with pytest.raises(DataError, match="8 columns but only 5 rows"):
        mnlogit.MNLogit(["a", "b", "a", "b", "c"], X).fit()
