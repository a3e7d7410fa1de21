"""Prediction standard errors against a finite-difference delta method."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mnlogit
from mnlogit.core.likelihood import model_probabilities


@pytest.fixture(scope="module")
def fitted(hsbdemo):
    return mnlogit.fit("prog ~ C(ses) + write", hsbdemo, reference="academic", cov_type="HC1")


def _numeric_se(res, X):
    theta = np.asarray(res.theta)
    k = X.shape[1]
    order = res.model_frame.outcome.level_order()

    def probs(t):
        return model_probabilities(X @ t.reshape(-1, k).T)[:, order]

    jac = np.empty((X.shape[0], len(order), theta.size))
    for p in range(theta.size):
        step = np.zeros_like(theta)
        step[p] = 1e-6
        jac[:, :, p] = (probs(theta + step) - probs(theta - step)) / 2e-6
    var = np.einsum("ijp,pq,ijq->ij", jac, np.asarray(res.vcov), jac)
    return np.sqrt(var)


def test_standard_errors_equal_finite_difference_delta_method(fitted, hsbdemo):
    new = hsbdemo.iloc[[0, 5, 17, 60]]
    pred = fitted.get_prediction(new)
    X, _ = fitted.model_frame.design_for(new)
    np.testing.assert_allclose(pred.se.to_numpy(), _numeric_se(fitted, X), rtol=1e-6)
    pd.testing.assert_frame_equal(pred.predicted, fitted.predict(new), check_names=False)
    assert pred.predicted.columns.tolist() == ["academic", "general", "vocation"]


def test_summary_frame_and_predict_se(fitted, hsbdemo):
    new = hsbdemo.iloc[:3]
    table = fitted.predict(new, se=True, alpha=0.1)
    assert table.columns.tolist() == [
        "row",
        "outcome",
        "predicted",
        "std_error",
        "conf_low",
        "conf_high",
    ]
    assert table["row"].tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    np.testing.assert_allclose(
        table["conf_high"] - table["predicted"], 1.6448536 * table["std_error"], rtol=1e-6
    )
    wide = fitted.predict(new)
    np.testing.assert_allclose(table["predicted"], wide.to_numpy().ravel())


def test_rows_with_missing_values_get_missing_predictions(fitted, hsbdemo):
    new = hsbdemo.iloc[:4].copy()
    new.loc[1, "write"] = np.nan
    with pytest.warns(mnlogit.MissingDataWarning, match="1 of 4 rows"):
        pred = fitted.get_prediction(new)
    assert pred.se.iloc[1].isna().all() and pred.se.drop(index=1).notna().all().all()


def test_default_rows_are_the_estimation_rows(fitted):
    pred = fitted.get_prediction()
    assert np.allclose(pred.predicted.sum(axis=1), 1.0)
    X = fitted.model_frame.X[:5]
    np.testing.assert_allclose(pred.se.to_numpy()[:5], _numeric_se(fitted, X), rtol=1e-6)


def test_se_only_for_probabilities(fitted, hsbdemo):
    with pytest.raises(mnlogit.DataError, match="kind='prob' only"):
        fitted.predict(hsbdemo, kind="class", se=True)
