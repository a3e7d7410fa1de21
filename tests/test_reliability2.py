"""Round two of bad inputs to the core: each gets the package's own error, naming the
culprit (issue 15, items 11 and 12).

Before: one weight of 1e90 was reported as aliased design columns (CollinearityError
"'age' = 21*'Intercept'"); ``compare([res, "x"])`` raised a bare AttributeError; cluster
groups made of lists were flattened into twice as many labels ("got 1888") or used as
they came; fit options are validated once, by FitOptions.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import mnlogit
from mnlogit.exceptions import DataError, MNLogitError

FORMULA = "party3 ~ age + income"


@pytest.fixture(scope="module")
def fitted(anes96):
    return mnlogit.fit(FORMULA, anes96)


@pytest.mark.parametrize("big", [1e20, 1e50, 1e90])
@pytest.mark.parametrize("row", [0, 5, 943])
@pytest.mark.parametrize("drop_aliased", [False, True])
def test_one_huge_weight_is_named_not_called_collinearity(anes96, big, row, drop_aliased):
    weights = np.ones(len(anes96))
    weights[row] = big
    message = re.escape(f"weights range from 1 to {big:.3g} (row {row})")
    with pytest.raises(DataError, match=message):
        mnlogit.fit(FORMULA, anes96, weights=weights, drop_aliased=drop_aliased)


def test_one_huge_weight_in_an_array_fit_names_the_row_label(anes96):
    X = np.column_stack([np.ones(len(anes96)), anes96["age"], anes96["income"]])
    weights = pd.Series(np.ones(len(anes96)), index=anes96.index + 100)
    weights.iloc[3] = 1e60
    y = pd.Series(anes96["party3"].to_numpy(), index=weights.index)
    with pytest.raises(DataError, match="to 1e\\+60 \\(row 103\\).*rescale or cap the weights"):
        mnlogit.MNLogit(y, pd.DataFrame(X, index=weights.index), weights=weights).fit()


def test_truly_aliased_columns_with_weights_are_still_collinearity(anes96):
    df = anes96.assign(age2=2.0 * anes96["age"])
    weights = np.random.default_rng(0).lognormal(size=len(df))
    with pytest.raises(mnlogit.CollinearityError, match="'age2' = 2\\*'age'"):
        mnlogit.fit("party3 ~ age + age2", df, weights=weights)


@pytest.mark.parametrize(
    ("models", "match"),
    [
        (lambda res: [res, "x"], "item 1 is str 'x'"),
        (lambda res: [None, res], "item 0 is NoneType None"),
        (lambda res: [res, 3.0], "item 1 is float 3.0"),
        (lambda res: [res, res.params], "item 1 is DataFrame"),
        (lambda res: res, "a list of fitted models: compare\\(\\[res\\]\\)"),
        (lambda res: "res", "a list of fitted models, got str 'res'"),
        (lambda res: 7, "a list of fitted models, got int 7"),
        (lambda res: [], "at least one fitted model"),
    ],
)
def test_compare_names_what_is_not_a_fitted_model(fitted, models, match):
    with pytest.raises(MNLogitError, match=match):
        mnlogit.compare(models(fitted))


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"names": "ab"}, "names must be a list of strings"),
        ({"names": ["a", 2]}, "names must be a list of strings"),
        ({"names": ["a"]}, "1 names for 2 models"),
        ({"digits": -1}, "digits must be an integer from 0 to 15, got -1"),
        ({"digits": 2.5}, "got 2.5"),
        ({"digits": True}, "got True"),
        ({"interval": "sd"}, "interval must be 'se' or 'ci'"),
    ],
)
def test_compare_options_are_checked(fitted, options, match):
    with pytest.raises(MNLogitError, match=match):
        mnlogit.compare([fitted, fitted], **options)


def test_compare_still_accepts_tuples_and_generators(fitted):
    by_list = str(mnlogit.compare([fitted, fitted]))
    assert str(mnlogit.compare((fitted, fitted))) == by_list
    assert str(mnlogit.compare(r for r in [fitted, fitted])) == by_list


def _cluster_labels(n: int) -> np.ndarray:
    return np.arange(n) % 7


@pytest.mark.parametrize(
    ("make_groups", "match"),
    [
        (lambda n: [[i % 3] for i in range(n)], "values of type list \\(\\[0\\]\\)"),
        (lambda n: [[i % 3, 1] for i in range(n)], "values of type list \\(\\[0, 1\\]\\)"),
        (lambda n: [[1] * (i % 3) for i in range(n)], "values of type list \\(\\[\\]\\)"),
        (lambda n: [{"g": i % 3} for i in range(n)], "values of type dict"),
        (lambda n: [{i % 3} for i in range(n)], "values of type set"),
        (lambda n: [np.array([i % 3]) for i in range(n)], "values of type ndarray"),
        (lambda n: pd.Series([[i % 3] for i in range(n)]), "values of type list"),
        (lambda n: np.zeros((n, 2)), "one cluster label per row, got an array of shape"),
        (lambda n: np.zeros((2, n, 1)), "got an array of shape \\(2, "),
    ],
    ids=["one-item-lists", "pairs", "ragged", "dicts", "sets", "arrays", "series", "2-d", "3-d"],
)
def test_cluster_groups_made_of_containers_are_named(anes96, make_groups, match):
    with pytest.raises(DataError, match=match):
        mnlogit.fit(FORMULA, anes96, cov_type="cluster", groups=make_groups(len(anes96)))


@pytest.mark.parametrize(
    "as_given",
    [
        lambda labels: labels[:, None],
        lambda labels: pd.Series(labels),
        lambda labels: [f"c{v}" for v in labels],
        lambda labels: [(v, "x") for v in labels],  # tuples are single (hashable) labels
    ],
    ids=["column-vector", "series", "strings", "tuples"],
)
def test_cluster_groups_in_other_single_label_forms_give_the_same_covariance(anes96, as_given):
    labels = _cluster_labels(len(anes96))
    expected = mnlogit.fit(FORMULA, anes96, cov_type="cluster", groups=labels).cov_params()
    res = mnlogit.fit(FORMULA, anes96, cov_type="cluster", groups=as_given(labels))
    np.testing.assert_allclose(res.cov_params(), expected, rtol=1e-12)


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"maxiter": 2.5}, "maxiter must be a positive integer, got 2.5"),
        ({"maxiter": 0}, "maxiter must be a positive integer, got 0"),
        ({"maxiter": -3}, "got -3"),
        ({"maxiter": True}, "got True"),
        ({"maxiter": "10"}, "got '10'"),
        ({"gtol": float("nan")}, "gtol must be a positive finite number, got nan"),
        ({"gtol": -1e-8}, "gtol must be a positive finite number, got -1e-08"),
        ({"gtol": 0.0}, "got 0.0"),
        ({"gtol": float("inf")}, "got inf"),
        ({"gtol": "1e-8"}, "got '1e-8'"),
        ({"ftol": float("nan")}, "ftol must be a positive finite number, got nan"),
        ({"ftol": -1.0}, "ftol must be a positive finite number, got -1.0"),
        ({"detect_separation": "yes"}, "detect_separation must be True or False"),
        ({"drop_aliased": 1}, "drop_aliased must be True or False, got 1"),
        ({"callback": 3}, "callback must be callable, got int"),
        ({"penalty": ("l2", -1.0)}, "penalty must be None, 'firth' or \\('l2', lam\\)"),
    ],
)
def test_bad_fit_options_are_refused_before_fitting(anes96, options, match):
    with pytest.raises(MNLogitError, match=match):
        mnlogit.fit(FORMULA, anes96, **options)


@pytest.mark.parametrize("maxiter", [np.int64(7), np.int32(7)])
def test_numpy_integers_are_valid_iteration_limits(anes96, maxiter):
    res = mnlogit.fit(FORMULA, anes96, maxiter=maxiter)
    assert res.converged and res.iterations <= 7
