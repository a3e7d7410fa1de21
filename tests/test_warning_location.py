"""Warnings point at the user's line, whichever public entry point raised them (before:
some pointed into mnlogit/api.py or mnlogit/model.py)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import mnlogit


def _caught(call):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return [w for w in caught if issubclass(w.category, mnlogit.MNLogitWarning)]


@pytest.fixture(scope="module")
def iris():
    df = mnlogit.datasets.load_iris()
    df.loc[3, "Sepal_Length"] = np.nan
    return df


@pytest.mark.parametrize(
    "call",
    [
        lambda df: mnlogit.fit("Species ~ Sepal_Length", df),
        lambda df: mnlogit.MNLogit.from_formula("Species ~ Sepal_Length", df).fit(),
        lambda df: mnlogit.MNLogit(df["Species"], df[["Sepal_Length"]].assign(c=1.0)).fit(),
        lambda df: mnlogit.fit("Species ~ Sepal_Width", df.dropna(), weights=np.full(149, 1.5)),
        lambda df: mnlogit.fit("Species ~ Sepal_Length", df.dropna()).predict(df.head(5)),
    ],
    ids=["fit", "from_formula", "arrays", "frequency weights", "predict"],
)
def test_warnings_name_the_calling_line(iris, call):
    caught = _caught(lambda: call(iris))
    assert caught
    assert {w.filename for w in caught} == {__file__}
