"""The Dask engine against the in-memory fit on the same data (theory: same estimator).

Every case runs on Dask's threaded scheduler and on a ``dask.distributed`` cluster of
two worker processes; coefficients and standard errors must agree with
``mnlogit.fit`` on the pandas data to 1e-8 relative, with the same nobs.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

dask = pytest.importorskip("dask")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

import mnlogit  # noqa: E402
from mnlogit.exceptions import (  # noqa: E402
    CollinearityError,
    DataError,
    FormulaError,
    MissingDataWarning,
    MNLogitError,
)

RTOL = 1e-8


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
    ) as local:
        with distributed.Client(local, set_as_default=False) as client:
            yield client


@pytest.fixture(params=["threads", "distributed"])
def scheduler(request, cluster):
    if request.param == "threads":
        context = dask.config.set(scheduler="threads")
    else:
        context = cluster.as_current()
    with context:
        yield request.param


def _data(n: int = 3000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"x1": rng.normal(size=n), "x2": rng.normal(size=n)})
    # Groups sorted so that most levels live in one or two partitions only.
    df["g"] = np.sort(rng.choice(list("abcdef"), size=n, p=[0.3, 0.25, 0.2, 0.1, 0.1, 0.05]))
    eta = np.column_stack([0.5 * df.x1 - 0.3 * df.x2, -0.4 * df.x1 + (df.g.isin(["c", "f"])) * 0.8])
    p = np.exp(np.column_stack([np.zeros(n), eta]))
    p /= p.sum(1, keepdims=True)
    u = rng.random(n)[:, None]
    df["y"] = np.array(["low", "mid", "high"])[(u > p.cumsum(1)).sum(1)]
    df["w"] = rng.integers(1, 4, size=n).astype(float)
    return df


def _fit_both(formula: str, df: pd.DataFrame, npartitions: int = 5, **options):
    expected = mnlogit.fit(formula, df, **options)
    ddf = dd.from_pandas(df, npartitions=npartitions)
    got = mnlogit.fit(formula, ddf, progress=False, **options)
    return expected, got


def _assert_same(expected, got) -> None:
    assert got.nobs == expected.nobs
    assert got.n_dropped == expected.n_dropped
    assert got.converged
    pd.testing.assert_index_equal(got.params.index, expected.params.index)
    pd.testing.assert_index_equal(got.params.columns, expected.params.columns)
    np.testing.assert_allclose(got.params.to_numpy(), expected.params.to_numpy(), rtol=RTOL)
    np.testing.assert_allclose(got.bse.to_numpy(), expected.bse.to_numpy(), rtol=RTOL)
    np.testing.assert_allclose(got.llf, expected.llf, rtol=1e-12)
    np.testing.assert_allclose(got.llnull, expected.llnull, rtol=1e-12)
    # The lazy rows of the Dask frame are the in-memory design rows, bit for bit.
    np.testing.assert_array_equal(got.model_frame.X.compute(), expected.model_frame.X)
    if expected.model_frame.weights is not None:
        np.testing.assert_array_equal(
            got.model_frame.weights.compute(), expected.model_frame.weights
        )


def test_continuous(scheduler):
    expected, got = _fit_both("y ~ x1 + x2", _data())
    _assert_same(expected, got)
    assert got.fit_statistics()["n_rows"] == 3000


def test_categorical_levels_in_some_partitions(scheduler):
    df = _data()
    # Level "f" only occurs in the last partition, "a" only in the first.
    expected, got = _fit_both("y ~ x1 + C(g, Treatment('b')) + C(g):x2", df, reference="mid")
    _assert_same(expected, got)
    assert got.reference == "mid"


def test_weights(scheduler):
    expected, got = _fit_both("y ~ x1 + g", _data(), weights="w")
    _assert_same(expected, got)
    assert got.nobs == _data()["w"].sum()
    assert got.fit_statistics()["weighted"]


def test_missing_values(scheduler):
    df = _data()
    df.loc[::7, "x1"] = np.nan
    df.loc[5::11, "g"] = None
    df.loc[3::13, "y"] = None
    df.loc[2::17, "w"] = np.nan
    df.loc[2000:2599, "x2"] = np.nan  # one partition without complete rows
    with pytest.warns(MissingDataWarning) as caught_memory:
        expected = mnlogit.fit("y ~ x1 + x2 + g", df, weights="w")
    with pytest.warns(MissingDataWarning) as caught_dask:
        got = mnlogit.fit(
            "y ~ x1 + x2 + g", dd.from_pandas(df, npartitions=5), weights="w", progress=False
        )
    _assert_same(expected, got)
    assert got.n_dropped > 600
    assert str(caught_dask[0].message) == str(caught_memory[0].message)


def test_declared_categories_and_integer_outcome(scheduler):
    df = _data()
    df["g"] = df["g"].astype(pd.CategoricalDtype(list("fedcba")))
    df["y"] = df["y"].map({"low": 3, "mid": 1, "high": 2})
    df["flag"] = df["x2"] > 0.5
    expected, got = _fit_both("y ~ x1 + g + flag", df, reference=2)
    _assert_same(expected, got)
    assert got.exog_names[1] == "g[T.e]"


def test_plain_numeric_design_with_missing(scheduler):
    df = _data()
    df.loc[::9, "x2"] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MissingDataWarning)
        expected, got = _fit_both("y ~ x2 + x1", df)
    _assert_same(expected, got)


def test_missing_raise():
    df = _data()
    df.loc[3, "x1"] = np.nan
    with dask.config.set(scheduler="threads"), pytest.raises(DataError, match="1 of 3000 rows"):
        mnlogit.fit("y ~ x1", dd.from_pandas(df, npartitions=3), missing="raise", progress=False)


def test_parquet_path(tmp_path, scheduler):
    df = _data()
    path = tmp_path / "rows"
    dd.from_pandas(df, npartitions=4).to_parquet(path, write_index=False)
    expected = mnlogit.fit("y ~ x1 + g", df)
    got = mnlogit.fit("y ~ x1 + g", str(path / "*.parquet"), progress=False)
    _assert_same(expected, got)
    _assert_same(expected, mnlogit.fit("y ~ x1 + g", path, progress=False))  # a directory


def test_unknown_categories_are_plain_values(tmp_path):
    df = _data()
    dd.from_pandas(df, npartitions=3).to_parquet(tmp_path / "rows", write_index=False)
    ddf = dd.read_parquet(tmp_path / "rows").astype({"g": "category"})
    assert not ddf["g"].cat.known
    expected = mnlogit.fit("y ~ x1 + g", df)
    with dask.config.set(scheduler="threads"):
        _assert_same(expected, mnlogit.fit("y ~ x1 + g", ddf, progress=False))


@pytest.mark.parametrize("persist", [True, False])
def test_persisted_and_rebuilt_blocks_agree(persist):
    df = _data()
    expected = mnlogit.fit("y ~ x1 + x2 + g", df)
    with dask.config.set(scheduler="threads"):
        got = mnlogit.fit(
            "y ~ x1 + x2 + g", dd.from_pandas(df, npartitions=4), persist=persist, progress=False
        )
    _assert_same(expected, got)


def test_lazy_predict(scheduler):
    df = _data()
    ddf = dd.from_pandas(df, npartitions=5)
    expected = mnlogit.fit("y ~ x1 + g", df)
    got = mnlogit.fit("y ~ x1 + g", ddf, progress=False)
    lazy = got.predict(ddf)
    assert mnlogit.dask_engine.is_dask_collection(lazy)
    expected_probs = expected.predict(df).to_numpy()
    np.testing.assert_allclose(lazy.compute().to_numpy(), expected_probs, rtol=1e-8)
    labels = got.predict(ddf, kind="class").compute()
    assert labels.tolist() == expected.predict(df, kind="class").tolist()
    linear = got.predict(ddf, kind="linear").compute()
    np.testing.assert_allclose(
        linear.to_numpy(), expected.predict(df, kind="linear").to_numpy(), rtol=1e-8, atol=1e-12
    )
    assert got.predict().compute().shape == (3000, 3)
    # A pandas frame gets the in-memory prediction.
    pd.testing.assert_frame_equal(got.predict(df.head()), expected.predict(df.head()), rtol=1e-8)


def test_lazy_predict_missing_rows_are_missing():
    df = _data(200)
    df.loc[4, "x1"] = np.nan
    with dask.config.set(scheduler="threads"), warnings.catch_warnings():
        warnings.simplefilter("ignore", MissingDataWarning)
        res = mnlogit.fit("y ~ x1", dd.from_pandas(df, npartitions=2), progress=False)
        probs = res.predict(dd.from_pandas(df, npartitions=2)).compute()
        assert probs.loc[4].isna().all() and probs.drop(index=4).notna().all().all()
        assert len(res.predict().compute()) == 199


def test_progress_lines(capsys, caplog):
    # Quiet by default (as every long path); verbose=True prints a line per iteration,
    # and every iteration is an INFO record of the "mnlogit.dask" logger either way.
    ddf = dd.from_pandas(_data(), npartitions=2)
    with dask.config.set(scheduler="threads"), caplog.at_level("INFO", logger="mnlogit"):
        quiet = mnlogit.fit("y ~ x1", ddf)
        assert "iteration" not in capsys.readouterr().err
        res = mnlogit.fit("y ~ x1", ddf, verbose=True)
    lines = [ln for ln in capsys.readouterr().err.splitlines() if "iteration" in ln]
    assert len(lines) == res.iterations
    assert all(line.startswith("mnlogit[dask] iteration") for line in lines)
    records = [r for r in caplog.records if r.name == "mnlogit.dask"]
    assert len(records) == quiet.iterations + res.iterations


@pytest.mark.parametrize(
    ("formula", "options", "error", "match"),
    [
        ("y ~ x1 + nope", {}, FormulaError, "'nope'"),
        ("y ~ bs(x1, df=4)", {}, FormulaError, "learns from all rows at once"),
        ("y ~ center(np.log(x1 + 10))", {}, FormulaError, "learns from all rows at once"),
        ("y ~ x1", {"weights": np.ones(3000)}, DataError, "name of a column"),
        ("y ~ x1", {"penalty": "firth"}, MNLogitError, "'penalty'"),
        ("y ~ x1 + I(2 * x1)", {}, CollinearityError, "I\\(2 \\* x1\\)"),
    ],
)
def test_errors(formula, options, error, match):
    with dask.config.set(scheduler="threads"), pytest.raises(error, match=match):
        mnlogit.fit(formula, dd.from_pandas(_data(), npartitions=2), progress=False, **options)


@pytest.mark.parametrize(
    "formula",
    [
        "y ~ center(x1) + standardize(x2) + C(g)",
        "y ~ scale(x1, ddof=1):C(g) + standardize(x2, rescale=False) + np.exp(x1 / 3)",
    ],
)
def test_centring_and_standardising_learn_from_all_partitions(scheduler, formula):
    # Before: refused ("the Dask engine does not support the stateful transform").
    df = _data()
    df.loc[[5, 900, 2500], "x1"] = np.nan  # the moments come from the rows used
    with pytest.warns(MissingDataWarning):
        expected, got = _fit_both(formula, df, npartitions=7)
    _assert_same(expected, got)
    spec, in_memory = got.model_frame.spec, expected.model_frame.spec
    for a, b in zip(spec.factors, in_memory.factors, strict=True):
        assert a.state.keys() == b.state.keys()
        for key, value in b.state.items():
            if isinstance(value, float):
                assert a.state[key] == pytest.approx(value, rel=1e-15)


@pytest.mark.parametrize(
    ("cov_type", "options"),
    [
        ("HC0", {}),
        ("HC1", {}),
        ("HC1", {"correction": "stata"}),
        ("cluster", {"groups": "clu"}),
        ("cluster", {"groups": "clu", "correction": "stata", "weights": "w"}),
    ],
)
def test_robust_and_cluster_covariances_equal_the_in_memory_ones(scheduler, cov_type, options):
    # Before: refused ("the Dask engine computes cov_type='nonrobust' only"). Clusters
    # here span partitions (labels cycle through the rows).
    df = _data()
    df["clu"] = np.arange(len(df)) % 23
    expected, got = _fit_both("y ~ x1 + x2 + C(g)", df, cov_type=cov_type, **options)
    _assert_same(expected, got)
    assert got.fit_statistics()["n_clusters"] == expected.fit_statistics()["n_clusters"]
    again = got.with_cov_type("HC0")
    np.testing.assert_allclose(
        again.bse.to_numpy(), expected.with_cov_type("HC0").bse.to_numpy(), rtol=RTOL
    )


def test_cluster_groups_must_name_a_column(scheduler):
    ddf = dd.from_pandas(_data(), npartitions=2)
    with pytest.raises(DataError, match="groups must be the name of a column"):
        mnlogit.fit("y ~ x1", ddf, progress=False, cov_type="cluster", groups=np.ones(3000))
    with pytest.raises(DataError, match="groups column 'nope' is not in the data"):
        mnlogit.fit("y ~ x1", ddf, progress=False, cov_type="cluster", groups="nope")


def test_integer_arithmetic_on_partitions_is_float64():
    # Before: I(i8*i8) wrapped around in each partition as in memory.
    rng = np.random.default_rng(2)
    df = pd.DataFrame({"i8": rng.integers(-120, 121, 2000).astype(np.int8)})
    df["y"] = rng.choice(["a", "b", "c"], 2000)
    with dask.config.set(scheduler="threads"):
        got = mnlogit.fit("y ~ I(i8 * i8)", dd.from_pandas(df, npartitions=3), progress=False)
    expected = mnlogit.fit("y ~ I(i8 * i8)", df.assign(i8=df["i8"].astype(float)))
    _assert_same(expected, got)
