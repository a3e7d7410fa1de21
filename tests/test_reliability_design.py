"""Issue 15, the design layer and the Dask engine: every case gets the right number or
the package's own error naming the culprit (before: foreign exceptions or misleading
messages, noted per case)."""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pandas as pd
import pytest

import mnlogit
from mnlogit import DataError, FormulaError, MNLogitError

dask = pytest.importorskip("dask")
dd = pytest.importorskip("dask.dataframe")


def _data(n=2000, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "x": np.sort(rng.random(n)),
            "z": rng.normal(size=n),
            "y": rng.choice(["a", "b", "c"], n),
            "w": rng.integers(1, 3, n).astype(float),
        }
    )


@pytest.fixture(autouse=True)
def threads():
    with dask.config.set(scheduler="threads"):
        yield


@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.8])
def test_partitions_left_empty_by_a_filter_fit_like_pandas(threshold):
    # Before: AttributeError in the Dask source ('int' object has no attribute 'shape').
    df = _data()
    ddf = dd.from_pandas(df, npartitions=5)
    got = mnlogit.fit("y ~ x + z", ddf[ddf.x > threshold], progress=False)
    expected = mnlogit.fit("y ~ x + z", df[df.x > threshold])
    np.testing.assert_allclose(got.params, expected.params, rtol=1e-10)
    np.testing.assert_allclose(got.bse, expected.bse, rtol=1e-10)


@pytest.mark.parametrize(
    ("change", "options", "error", "match"),
    [
        # Before: ValueError "cannot reshape array of size 3 into shape (2)".
        (None, {"start_params": np.ones(3)}, DataError, "start_params must be finite numbers"),
        (None, {"start_params": np.full((3, 2), np.nan)}, DataError, "start_params"),
        # Before: LinAlgError "Eigenvalues did not converge".
        (
            lambda d: d.assign(x=d.x * 1e155),
            {},
            DataError,
            "'x' \\(largest \\|value\\| 1e\\+155\\)",
        ),
        (lambda d: d.assign(z=d.z * 1e-120), {}, DataError, "'z' \\(largest"),
        # Before: accepted (the in-memory fit refuses them).
        (lambda d: d.assign(w=d.w * 1e200), {"weights": "w"}, DataError, "weights up to 2e\\+200"),
        (None, {"maxiter": 2.5}, MNLogitError, "maxiter must be a positive integer"),
        (None, {"gtol": float("nan")}, MNLogitError, "gtol must be a positive finite number"),
    ],
)
def test_bad_dask_input_is_named(change, options, error, match):
    ddf = dd.from_pandas(_data(), npartitions=3)
    if change is not None:
        ddf = change(ddf)
    with pytest.raises(error, match=match):
        mnlogit.fit("y ~ x + z", ddf, progress=False, **options)


def test_parquet_paths_that_cannot_be_read_are_named(tmp_path):
    # Before: "not columns of the data (columns: )" for an empty glob; pyarrow's
    # ArrowInvalid for a file that is not Parquet or is truncated.
    with pytest.raises(DataError, match="no Parquet file matches"):
        mnlogit.fit("y ~ x", str(tmp_path / "*.parquet"), progress=False)
    junk = tmp_path / "junk.parquet"
    junk.write_bytes(b"not parquet at all")
    with pytest.raises(DataError, match="cannot read .*junk.parquet.* as Parquet"):
        mnlogit.fit("y ~ x", str(junk), progress=False)
    good = tmp_path / "good.parquet"
    _data().to_parquet(good)
    truncated = tmp_path / "cut.parquet"
    truncated.write_bytes(good.read_bytes()[:300])
    with pytest.raises(DataError, match="cannot read .*cut.parquet"):
        mnlogit.fit("y ~ x", str(truncated), progress=False)


def test_a_column_of_numbers_in_one_file_and_text_in_another(tmp_path):
    # Before: a LevelError listing the floats as unseen levels. Depending on how the
    # reader unifies the files' schemas, a partition holds floats as numbers (then the
    # mix is an error naming the column) or as objects (then the column is categorical,
    # as the same values are in one pandas frame): never a wrong fit or a foreign error.
    df = _data()
    first, second = df.iloc[:1000].assign(g=1.0), df.iloc[1000:].assign(g="u")
    first.to_parquet(tmp_path / "a.parquet")
    second.to_parquet(tmp_path / "b.parquet")
    for scheduler in ("sync", "threads"):
        with dask.config.set(scheduler=scheduler):
            try:
                got = mnlogit.fit("y ~ x + g", str(tmp_path / "*.parquet"), progress=False)
            except DataError as err:
                assert "'g' holds numbers in some parts of the data and text" in str(err)
                continue
        together = pd.concat([first.astype({"g": object}), second.astype({"g": object})])
        expected = mnlogit.fit("y ~ x + g", together)
        np.testing.assert_allclose(got.params, expected.params, rtol=1e-10)


@pytest.mark.parametrize(
    ("data", "formula", "match"),
    [
        # Before: "all 0 rows have missing values".
        (lambda d: d.iloc[:0], "y ~ x", "the data have no rows"),
        # Before: RecursionError in patsy's parser.
        (lambda d: d, "y ~ " + " + ".join(["x"] * 3000), "nested too deeply"),
        (lambda d: d, "y ~ x + nope", "names 'nope', which is not a column"),
    ],
)
def test_frames_and_formulas_that_cannot_fit_are_named(data, formula, match):
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)  # Python's default: patsy's parser recurses once per term
    try:
        with pytest.raises(mnlogit.MNLogitError, match=match):
            mnlogit.fit(formula, data(_data()))
    finally:
        sys.setrecursionlimit(limit)


def test_a_header_only_csv_is_named(tmp_path):
    # Before: "negative dimensions are not allowed" from numpy.
    path = tmp_path / "h.csv"
    path.write_text("y,x\n")
    with pytest.raises(DataError, match="the data have no rows"):
        mnlogit.fit("y ~ x", pd.read_csv(path))


@pytest.mark.parametrize("values", [["1.5", "2"], ["1.5", None], ["a", "b"]])
def test_text_in_a_numeric_column_of_new_data_is_named(values):
    # Before: patsy's AttributeError text.
    res = mnlogit.fit("y ~ x", _data())
    with pytest.raises(
        DataError, match="'x' was numeric in fitting .* such as '(1.5|a)' \\(str\\)"
    ):
        res.predict(pd.DataFrame({"x": values}))


@pytest.mark.parametrize(
    ("exog", "match"),
    [
        # Before: silently fitted on the real part.
        (lambda X: X.astype(complex) + 1j, "complex numbers"),
        # Before: "not numeric" (two columns were both named 'const').
        (lambda X: np.column_stack([X, np.ones(len(X))]), "rank deficient"),
        (lambda X: pd.DataFrame(X, columns=["a", "a"]), "several columns named 'a'"),
    ],
)
def test_array_designs_that_cannot_fit_are_named(exog, match):
    df = _data()
    X = np.column_stack([np.ones(len(df)), df["x"]])
    with pytest.raises(MNLogitError, match=match):
        mnlogit.MNLogit(df["y"], exog(X)).fit()


def test_two_constant_columns_are_named_const_and_x(tmp_path):
    df = _data()
    X = np.column_stack([np.ones(len(df)), df["x"], np.ones(len(df))])
    with pytest.warns(mnlogit.AliasedColumnsWarning, match="'x2'"):
        res = mnlogit.MNLogit(df["y"], X).fit(drop_aliased=True)
    assert res.model_frame.table_names == ("const", "x1", "x2")


def test_no_warnings_from_numpy_or_pandas_on_the_dask_paths():
    df = _data()
    df.loc[3, "x"] = np.nan
    ddf = dd.from_pandas(df, npartitions=4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", mnlogit.MissingDataWarning)
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        warnings.filterwarnings("ignore", message=".*inplace.*")  # dask's own use of pandas
        res = mnlogit.fit("y ~ center(x) + z", ddf, progress=False, cov_type="HC1")
    assert res.converged
    assert FormulaError  # the package's error types are what the cases above expect


def test_plus_and_minus_infinity_in_one_column_are_named_without_numpy_warnings():
    df = _data(200)
    df.loc[[1, 2], "x"] = [np.inf, -np.inf]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DataError, match="infinite values: 'x' \\(2 values\\)"):
            mnlogit.fit("y ~ x", df)


@pytest.mark.parametrize(
    ("variables", "outcome"),
    [
        # Before: numpy's "need at least one array to stack".
        ([], "variables= is empty"),
        # Before: "'i', 'n', 'c', 'o', 'm', 'e' not among the model's variables".
        ("income", None),
        (["nope"], "'nope' not among the model's variables"),
    ],
)
def test_marginal_effects_variables_argument(variables, outcome):
    res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
    if outcome is None:
        me = res.marginal_effects(variables=variables)
        assert set(me["term"]) == {"income"}
        pd.testing.assert_frame_equal(
            me.reset_index(drop=True),
            res.marginal_effects(variables=["income"]).reset_index(drop=True),
        )
    else:
        with pytest.raises(MNLogitError, match=outcome):
            res.marginal_effects(variables=variables)


def test_a_model_too_large_for_memory_is_named_not_a_memory_error():
    # Before: numpy's MemoryError (a 12,000-level factor under a memory limit).
    import subprocess

    code = (
        "import resource, numpy as np, pandas as pd, mnlogit\n"
        "resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, resource.RLIM_INFINITY))\n"
        "rng = np.random.default_rng(0); n = 60_000\n"
        "df = pd.DataFrame({'y': rng.choice(['a', 'b', 'c'], n),\n"
        "                   'g': rng.integers(0, 12_000, n).astype(str)})\n"
        "try:\n"
        "    mnlogit.fit('y ~ C(g)', df)\n"
        "except mnlogit.DataError as err:\n"
        "    print('DataError:', err)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert "DataError:" in out.stdout, out.stderr[-2000:]
    assert "'C(g)' has 11,919 levels" in out.stdout or "coefficients" in out.stdout


def test_per_row_specification_tests_refuse_a_dask_fit():
    # Before: a bare IndexError ("Boolean array with size 3...") from iia_test.
    ddf = dd.from_pandas(_data(), npartitions=3)
    res = mnlogit.fit("y ~ x + z", ddf, progress=False)
    for call in (res.iia_test, res.gof_test, res.classification_table):
        with pytest.raises(MNLogitError, match="needs the fit's rows in memory"):
            call()


def test_deepcopy_keeps_the_formula_environment_pickling_drops_it():
    import copy
    import pickle

    def shift(x):
        return x + 1.0

    df = _data(300)
    res = mnlogit.fit("y ~ shift(x)", df)
    pd.testing.assert_frame_equal(copy.deepcopy(res).predict(df.head()), res.predict(df.head()))
    with pytest.raises(FormulaError, match="shift"):
        pickle.loads(pickle.dumps(res)).predict(df.head())


def test_dask_refusals_say_what_learns_from_all_rows():
    ddf = dd.from_pandas(_data(), npartitions=2)
    with pytest.raises(FormulaError, match="spline knots are quantiles"):
        mnlogit.fit("y ~ bs(x, df=4)", ddf, progress=False)
    with pytest.raises(FormulaError, match="a stateful transform inside an expression"):
        mnlogit.fit("y ~ center(np.log(x + 1))", ddf, progress=False)


def test_effect_grids_of_array_fits_refuse_what_they_cannot_use():
    # Before: data= and unknown names in at= were silently ignored for array fits.
    from mnlogit.plots import effect_grid

    df = _data(300)
    res = mnlogit.MNLogit(df["y"], df[["x", "z"]].assign(const=1.0)).fit()
    with pytest.raises(DataError, match="data= is for formula fits"):
        effect_grid(res, "x", data=df)
    with pytest.raises(MNLogitError, match="'nope' not among the design columns"):
        effect_grid(res, "x", at={"nope": 1.0})
    assert effect_grid(res, "x", at={"z": 0.5}, n_points=3)["z"].tolist() == [0.5] * 3
