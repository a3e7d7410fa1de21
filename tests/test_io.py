"""save -> load round trips: identical summaries, predictions and inference."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pandas as pd
import pytest

import mnlogit
from mnlogit.exceptions import DataError, MNLogitError


def _roundtrip(res, tmp_path):
    path = tmp_path / "model.mnlogit"
    res.save(path)
    return mnlogit.load(path), path


FORMULAS = [
    "party3 ~ center(age) + standardize(income) + C(vote) + C(education) + np.log(popul + 1)",
    "party ~ selfLR + age:income + I(age**2)",
]


@pytest.mark.parametrize("formula", FORMULAS)
def test_formula_fit_round_trips(anes96, tmp_path, formula):
    res = mnlogit.fit(formula, anes96, cov_type="HC1")
    loaded, path = _roundtrip(res, tmp_path)
    assert str(loaded.summary()) == str(res.summary())
    assert loaded.summary().as_latex() == res.summary().as_latex()
    new = anes96.sample(50, random_state=0)
    pd.testing.assert_frame_equal(loaded.predict(new), res.predict(new), check_exact=True)
    pd.testing.assert_frame_equal(
        loaded.get_prediction(new).summary_frame(),
        res.get_prediction(new).summary_frame(),
        check_exact=True,
    )
    pd.testing.assert_frame_equal(loaded.anova(), res.anova())
    pd.testing.assert_frame_equal(loaded.history, res.history)
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == ["arrays.npz", "model.json"]
        json.loads(archive.read("model.json"))  # plain JSON, no pickle anywhere


def test_cluster_weights_and_missing_rows_round_trip(hsbdemo, tmp_path):
    data = hsbdemo.assign(w=np.arange(len(hsbdemo)) % 3 + 1.0)
    data.loc[[4, 9], "write"] = np.nan
    with pytest.warns(mnlogit.MissingDataWarning):
        res = mnlogit.fit(
            "prog ~ C(ses) + write",
            data,
            weights="w",
            reference="academic",
            cov_type="cluster",
            groups="cid",
        )
    loaded, _ = _roundtrip(res, tmp_path)
    assert str(loaded.summary()) == str(res.summary())
    np.testing.assert_array_equal(loaded.cov_params(), res.cov_params())
    assert loaded.predict().index.equals(res.predict().index)
    np.testing.assert_array_equal(loaded.with_cov_type("HC0").bse, res.with_cov_type("HC0").bse)


def test_array_fit_round_trips(tmp_path):
    rng = np.random.default_rng(0)
    X = np.column_stack([np.ones(300), rng.normal(size=(300, 2))])
    y = rng.choice(["a", "b", "c"], size=300)
    res = mnlogit.MNLogit(y, X, reference="b").fit()
    loaded, _ = _roundtrip(res, tmp_path)
    assert str(loaded.summary()) == str(res.summary())
    np.testing.assert_array_equal(loaded.predict(X[:10]), res.predict(X[:10]))


def test_unsavable_formula_is_named(anes96, tmp_path):
    def shift(x):
        return x + 1.0

    res = mnlogit.fit("party3 ~ shift(age)", anes96)
    path = tmp_path / "m.mnlogit"
    with pytest.raises(MNLogitError, match="cannot save the formula term 'shift\\(age\\)'"):
        res.save(path)
    assert not path.exists()


def test_not_a_model_file(tmp_path):
    path = tmp_path / "junk.mnlogit"
    path.write_bytes(b"not a zip")
    with pytest.raises(DataError, match="is not a saved mnlogit model"):
        mnlogit.load(path)
