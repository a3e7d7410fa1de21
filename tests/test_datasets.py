"""Shipped data sets: published facts about them, loading from any directory."""

from __future__ import annotations

import os

import numpy as np
import pytest

import mnlogit


def test_anes96_matches_statsmodels_copy(anes96):
    from statsmodels.datasets import anes96 as sm_anes96

    theirs = sm_anes96.load_pandas().data
    columns = list(theirs.columns.drop("logpopul"))
    np.testing.assert_array_equal(anes96[columns].to_numpy(float), theirs[columns].to_numpy(float))
    np.testing.assert_allclose(anes96["logpopul"], theirs["logpopul"], rtol=1e-15)
    assert (anes96["party"].cat.codes == anes96["PID"]).all()


def test_iris_and_alligator_published_counts(iris):
    assert iris.shape == (150, 5)
    assert iris["Species"].value_counts().to_dict() == dict.fromkeys(
        ["setosa", "versicolor", "virginica"], 50
    )
    # Agresti: primary food counts F 31, I 20, O 8; lakes table sums to 219.
    food = mnlogit.datasets.load_alligators()["food"]
    assert food.value_counts().to_dict() == {"F": 31, "I": 20, "O": 8}
    assert mnlogit.datasets.load_alligator_lakes()["count"].sum() == 219


def test_loaders_work_from_any_directory(tmp_path):
    cwd = os.getcwd()
    try:
        os.chdir(tmp_path)
        assert len(mnlogit.datasets.load_anes96()) == 944
    finally:
        os.chdir(cwd)


def test_make_multinomial_recovers_the_truth():
    data, truth = mnlogit.datasets.make_multinomial(n=20000, p=3, k=4, seed=7)
    res = mnlogit.fit("y ~ x1 + x2 + x3", data)
    z = ((res.params - truth) / res.bse).to_numpy()
    assert np.abs(z).max() < 4.5  # 12 estimates, each within a few standard errors
    assert res.params.columns.tolist() == truth.columns.tolist()


def test_make_multinomial_rejects_bad_sizes():
    with pytest.raises(mnlogit.DataError, match="k >= 2"):
        mnlogit.datasets.make_multinomial(n=10, p=2, k=1)
