"""Fuzzing the entry points: fit, predict, summary, tidy and load.

Random DataFrames (mixed dtypes, NaN, ±inf, empty strings, unicode and spaces in
column names, mixed-type object columns, zero or one row, booleans, dates) and
tampered model files go through the public entry points. Every outcome must be a
fit with sound output or one of the package's own exceptions (MNLogitError
subclasses) with only the package's own warnings -- never a raw numpy, patsy or
pandas exception, a hang, an unexplained NaN, or a modified user DataFrame.

The second half pins each bug the fuzzing found with the specific input.
"""

from __future__ import annotations

import io
import json
import os
import signal
import warnings
import zipfile
from contextlib import contextmanager

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mnlogit
from mnlogit import DataError, FormulaError, LevelError, MNLogitError

# MNLOGIT_FUZZ_EXAMPLES=2000 runs a longer, randomised search; the default is a
# fixed, quick sample.
_DEEP = os.environ.get("MNLOGIT_FUZZ_EXAMPLES")
FUZZ = settings(
    max_examples=int(_DEEP or 40),
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
    derandomize=_DEEP is None,
)


@contextmanager
def time_limit(seconds: float):
    """Fail (instead of hanging) when the block runs longer than ``seconds``."""

    def alarm(signum, frame):
        raise TimeoutError(f"call did not return within {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def outcome_of(call):
    """Run ``call``; return its value, or None after a documented MNLogitError.

    Any warning that is not one of the package's own fails the test, as does any
    other exception (it propagates) or a call taking longer than 30 s.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with time_limit(30):
                value = call()
        except MNLogitError as err:
            assert str(err), "an error without a message"
            value = None
    foreign = [w for w in caught if not issubclass(w.category, mnlogit.MNLogitWarning)]
    assert not foreign, [f"{w.category.__name__}: {w.message}" for w in foreign]
    return value


# ----------------------------------------------------------------------------
# random data frames

NAME_ALPHABET = st.sampled_from(list("abxyz _-.é中ñ∂ 0123'\"\\+~:()"))
names = st.text(NAME_ALPHABET, min_size=1, max_size=6)
LEVELS = ["a", "b", "", "é ü", " ", "c"]


def column(kind: str, n: int) -> st.SearchStrategy:
    floats = st.floats(allow_nan=True, allow_infinity=True, width=64)
    moderate = st.floats(-5, 5, allow_nan=False)
    one = {
        "float": st.one_of(moderate, moderate, floats),
        "int": st.integers(-3, 3),
        "bool": st.booleans(),
        "str": st.sampled_from(LEVELS),
        "mixed": st.one_of(st.integers(0, 2), st.sampled_from(LEVELS), st.none(), moderate),
        "nullable": st.one_of(st.integers(-3, 3), st.none()),
        "date": st.sampled_from(pd.date_range("2020-01-01", periods=4).tolist()),
    }[kind]
    values = st.lists(one, min_size=n, max_size=n)
    if kind == "nullable":
        return values.map(lambda v: pd.array(v, dtype="Int64"))
    if kind == "int":
        return values.map(lambda v: np.array(v, dtype=np.int64))
    if kind == "bool":
        return values.map(lambda v: np.array(v, dtype=bool))
    if kind == "float":
        return values.map(lambda v: np.array(v, dtype=np.float64))
    if kind == "date":
        return values.map(lambda v: pd.DatetimeIndex(v))
    return values.map(lambda v: pd.Series(v, dtype=object))


KINDS = ["float", "int", "bool", "str", "mixed", "nullable", "date"]
OUTCOME_KINDS = ["str", "int", "bool", "mixed", "float"]


@st.composite
def frames(draw):
    """A DataFrame with an outcome column and two predictors, and the formula."""
    n = draw(st.sampled_from([0, 1, 2, 5, 12, 30, 30, 60]))
    col_names = draw(st.lists(names, min_size=3, max_size=3, unique=True))
    y_kind = draw(st.sampled_from(OUTCOME_KINDS))
    if y_kind == "float":  # few distinct values, sometimes NaN
        y = draw(column("str", n)).map({"a": 1.5, "b": 2.5, "": np.nan, "é ü": 3.5}).fillna(1.5)
    else:
        y = draw(column(y_kind, n))
    data = {col_names[0]: y}
    for name in col_names[1:]:
        data[name] = draw(column(draw(st.sampled_from(KINDS)), n))
    frame = pd.DataFrame(data)
    y_term, *x_terms = (f"Q({name!r})" for name in col_names)
    rhs = draw(st.sampled_from([" + ".join(x_terms), x_terms[0], f"{x_terms[0]} * {x_terms[1]}"]))
    return frame, f"{y_term} ~ {rhs}"


def check_fit_output(res, data: pd.DataFrame) -> None:
    """Sound output of a successful fit: finite numbers except where documented."""
    finite_hessian = np.isfinite(res._estimate.hessian).all()
    assert np.isfinite(res.params.to_numpy()).all()
    assert np.isfinite(res.llf) and np.isfinite(res.llnull) and res.llf <= 1e-8
    tidy = res.tidy()
    # Documented NaN: standard errors are NaN only when -H is not positive definite,
    # and then the fit is not reported as converged.
    if not np.isfinite(tidy["std_error"]).all():
        assert not res.converged and finite_hessian
    assert tidy["flag"].isin(["", "separated"]).all()
    text = str(res.summary())
    html = res._repr_html_()
    others = res.summary(odds_ratios=True)
    for rendered in (text, html, others.as_latex(), others.as_markdown()):
        assert "nan" not in rendered.lower()
    assert "<table" in html
    probs = res.predict(data)
    assert len(probs) == len(data)
    used = probs.iloc[res.model_frame.row_positions]
    assert np.isfinite(used.to_numpy()).all()
    np.testing.assert_allclose(used.sum(axis=1), 1.0, rtol=1e-12)
    assert res.predict(data, kind="class").iloc[res.model_frame.row_positions].notna().all()


@FUZZ
@given(frames())
def test_random_frames_fit_or_raise_documented_errors(case):
    data, formula = case
    before = data.copy(deep=True)
    res = outcome_of(lambda: mnlogit.fit(formula, data, maxiter=30))
    pd.testing.assert_frame_equal(data, before)  # the user's frame is never modified
    if res is not None:
        outcome_of(lambda: check_fit_output(res, data))
        pd.testing.assert_frame_equal(data, before)


ARRAY_VALUES = st.one_of(
    st.floats(-4, 4), st.floats(-4, 4), st.just(np.nan), st.just(np.inf), st.just(1e150)
)


@FUZZ
@given(
    st.integers(0, 40).flatmap(
        lambda n: st.tuples(
            st.lists(st.sampled_from(["a", "b", "c", None]), min_size=n, max_size=n),
            st.lists(st.lists(ARRAY_VALUES, min_size=2, max_size=2), min_size=n, max_size=n),
            st.booleans(),
        )
    )
)
def test_array_interface_fits_or_raises_documented_errors(case):
    labels, rows, with_constant = case
    X = np.array(rows, dtype=float).reshape(len(rows), 2)
    if with_constant:
        X = np.column_stack([np.ones(len(rows)), X])
    y = np.array(labels, dtype=object)
    before = X.copy()
    res = outcome_of(lambda: mnlogit.MNLogit(y, X).fit(maxiter=30))
    np.testing.assert_array_equal(X, before)
    if res is not None:
        assert np.isfinite(res.params.to_numpy()).all() and np.isfinite(res.llf)
        outcome_of(lambda: (str(res.summary()), res.tidy(), res.predict(X)))


@st.composite
def fitted_and_newdata(draw):
    """A sound fit on clean data, and new data with random values in its columns."""
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    n = 60
    train = pd.DataFrame(
        {
            "y": rng.choice(["a", "b", "c"], n),
            "x y": rng.normal(size=n),
            "g": rng.choice(["u", "v"], n),
        }
    )
    m = draw(st.sampled_from([0, 1, 4]))
    new = pd.DataFrame(
        {
            "x y": draw(column(draw(st.sampled_from(KINDS)), m)),
            "g": draw(column(draw(st.sampled_from(["str", "mixed", "bool", "int"])), m)),
        }
    )
    return train, new


@FUZZ
@given(fitted_and_newdata())
def test_prediction_on_random_new_data(case):
    train, new = case
    res = mnlogit.fit('y ~ Q("x y") + g', train)
    before = new.copy(deep=True)
    for kind in ("prob", "class", "linear"):
        out = outcome_of(lambda kind=kind: res.predict(new, kind=kind))
        if out is not None:
            assert len(out) == len(new)
    pred = outcome_of(lambda: res.get_prediction(new))
    if pred is not None:
        missing = pred.predicted.isna().any(axis=1)
        assert np.isfinite(pred.predicted[~missing].to_numpy()).all()
        assert np.isfinite(pred.se[~missing].to_numpy()).all()
    pd.testing.assert_frame_equal(new, before)


# ----------------------------------------------------------------------------
# tampered model files


@pytest.fixture(scope="module")
def saved_model(tmp_path_factory):
    """A saved fit with a categorical and a transformed term, read back as parts."""
    iris = mnlogit.datasets.load_iris().assign(grp=["u", "v", "w"] * 50)
    res = mnlogit.fit("Species ~ center(Sepal_Length) + C(grp) + np.log(Sepal_Width)", iris)
    path = tmp_path_factory.mktemp("model") / "m.mnlogit"
    res.save(path)
    with zipfile.ZipFile(path) as archive:
        meta = json.loads(archive.read("model.json"))
        raw_npz = archive.read("arrays.npz")
    with np.load(io.BytesIO(raw_npz)) as npz:
        arrays = {k: npz[k] for k in npz.files}
    return res, iris, path, meta, arrays, raw_npz


def write_model(path, meta_text: str | bytes, arrays: dict | None = None, raw_npz=None):
    if raw_npz is None:
        buffer = io.BytesIO()
        np.savez(buffer, **arrays)
        raw_npz = buffer.getvalue()
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("model.json", meta_text)
        archive.writestr("arrays.npz", raw_npz)
    return path


def load_and_use(path, data):
    res = mnlogit.load(path)
    str(res.summary())
    res._repr_html_()
    res.tidy()
    return res.predict(data.head(3))


def json_paths(value, prefix=()):
    """Every (path, leaf) of a JSON document."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from json_paths(item, prefix + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from json_paths(item, prefix + (i,))
    yield prefix, value


JSON_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 10**6),
    st.floats(allow_nan=False),
    st.text(max_size=5),
    st.lists(st.integers(0, 3), max_size=3),
    st.just({"x": 1}),
)


@FUZZ
@given(st.data())
def test_tampered_json_gives_a_documented_error_or_a_sound_model(saved_model, tmp_path, data):
    res, iris, _, meta, arrays, raw_npz = saved_model
    document = json.loads(json.dumps(meta))
    paths = [p for p, _ in json_paths(document) if p]
    for _ in range(data.draw(st.integers(1, 3))):
        where = data.draw(st.sampled_from(paths))
        parent = document
        try:
            for key in where[:-1]:
                parent = parent[key]
            if data.draw(st.booleans()) and isinstance(parent, dict):
                parent.pop(where[-1], None)
            else:
                parent[where[-1]] = data.draw(JSON_VALUES)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed this path
    text = json.dumps(document)
    if data.draw(st.booleans()):
        text = text[: data.draw(st.integers(0, len(text)))]
    path = write_model(tmp_path / "t.mnlogit", text, raw_npz=raw_npz)
    outcome_of(lambda: load_and_use(path, iris))


ARRAY_CHANGES = ["drop", "shorten", "text", "nan", "object", "transpose", "int"]


@FUZZ
@given(st.data())
def test_tampered_arrays_give_a_documented_error(saved_model, tmp_path, data):
    res, iris, _, meta, arrays, raw_npz = saved_model
    changed = dict(arrays)
    name = data.draw(st.sampled_from(sorted(arrays)))
    change = data.draw(st.sampled_from(ARRAY_CHANGES))
    value = np.atleast_1d(arrays[name])
    changed[name] = {
        "drop": None,
        "shorten": value[: len(value) // 2],
        "text": value.astype(str),
        "nan": np.full(value.shape, np.nan),
        "object": np.array([{"a": 1}] * len(value), dtype=object),
        "transpose": value.T if value.ndim == 2 else value[:, None],
        "int": value.astype(np.int64) + 3 if value.dtype.kind in "iuf" else value,
    }[change]
    if changed[name] is None:
        del changed[name]
    buffer = io.BytesIO()
    np.savez(buffer, **changed)  # object arrays are pickled here: load must refuse them
    path = write_model(tmp_path / "t.mnlogit", json.dumps(meta), raw_npz=buffer.getvalue())
    outcome_of(lambda: load_and_use(path, iris))


@FUZZ
@given(st.data())
def test_corrupted_bytes_give_a_documented_error(saved_model, tmp_path, data):
    _, iris, path, *_ = saved_model
    raw = bytearray(path.read_bytes())
    cut = data.draw(st.integers(0, len(raw)))
    if data.draw(st.booleans()):
        raw = raw[:cut]
    else:
        for position in data.draw(st.lists(st.integers(0, len(raw) - 1), min_size=1, max_size=8)):
            raw[position] ^= 0xFF
    target = tmp_path / "c.mnlogit"
    target.write_bytes(bytes(raw))
    outcome_of(lambda: load_and_use(target, iris))


ATTACKS = [
    "__import__('os').system('touch {marker}')",
    "open('{marker}', 'w')",
    "np.save('{marker}', 1)",
    "center(Sepal_Length) + Q('__builtins__')",
    "I(9**9**9**9)",
    "C(grp).__class__",
    "{marker} ~ Sepal_Length",
]


def _expression_factor(meta):
    return next(f for f in meta["design"]["factors"] if f["recipe"] == "expression")


@pytest.mark.parametrize("attack", ATTACKS)
def test_loading_never_runs_code_from_a_tampered_expression(saved_model, tmp_path, attack):
    # Before (format 1): the stored formula was re-evaluated by patsy on loading, and
    # a "~" inserted into it ran code. Now the only code a loaded model evaluates is an
    # expression factor's, and only after its whole code passed the allow-list.
    *_, meta, _, raw_npz = saved_model
    marker = tmp_path / "pwned"
    document = json.loads(json.dumps(meta))
    _expression_factor(document)["code"] = attack.format(marker=marker)
    path = write_model(tmp_path / "evil.mnlogit", json.dumps(document), raw_npz=raw_npz)
    with pytest.raises(DataError, match="a saved model may only read columns|not a Python"):
        mnlogit.load(path)
    assert not list(tmp_path.glob("pwned*"))


def _string_leaves(value):
    for path, leaf in json_paths(value):
        if isinstance(leaf, str) and path and path[0] != "format":
            yield path


@pytest.mark.parametrize("attack", ATTACKS[:2])
def test_no_string_of_a_saved_model_runs_code(saved_model, tmp_path, attack):
    # Every string of the file replaced by code in turn (recipes, codes, names, levels,
    # the formula, array keys): loading and using the model gives an error or a model,
    # and never runs the code.
    res, iris, _, meta, _, raw_npz = saved_model
    marker = tmp_path / "pwned"
    code = attack.format(marker=marker)
    leaves = list(_string_leaves(meta))
    assert len(leaves) > 30
    for where in leaves:
        document = json.loads(json.dumps(meta))
        parent = document
        for key in where[:-1]:
            parent = parent[key]
        parent[where[-1]] = code
        path = write_model(tmp_path / "evil.mnlogit", json.dumps(document), raw_npz=raw_npz)
        outcome_of(lambda path=path: load_and_use(path, iris))
        assert not list(tmp_path.glob("pwned*")), f"code ran from {where}"


def test_object_arrays_in_a_saved_model_are_refused_not_unpickled(saved_model, tmp_path):
    # Before: a raw ValueError from numpy ("Object arrays cannot be loaded").
    res, iris, _, meta, arrays, _ = saved_model
    path = write_model(
        tmp_path / "o.mnlogit", json.dumps(meta), dict(arrays, theta=np.array([{}], dtype=object))
    )
    with pytest.raises(DataError, match="not a valid saved mnlogit model: Object arrays"):
        mnlogit.load(path)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m, a: a.update(theta=a["theta"][:2]), "array 'theta' has shape \\(2,\\)"),
        (lambda m, a: a.update(codes=a["codes"] + 5), "outcome codes outside 0..2"),
        (
            lambda m, a: a.update({"history/llf": a["history/llf"][:1]}),
            "array 'history/llf' has shape \\(1,\\)",
        ),
        (lambda m, a: a.update(X=np.full_like(a["X"], np.nan)), "'X' holds non-finite"),
        (lambda m, a: m.pop("estimate"), "missing entry 'estimate'"),
        (lambda m, a: m.update(penalty=["lasso", 1]), "unknown penalty"),
        (lambda m, a: m.update(version="1"), "of a version this package reads"),
    ],
)
def test_inconsistent_saved_model_is_named(saved_model, tmp_path, change, message):
    # Before: raw ValueError, KeyError or TypeError from numpy and dict lookups, or a
    # model that loaded and failed (or printed NaN) later.
    res, iris, _, meta, arrays, _ = saved_model
    meta, arrays = json.loads(json.dumps(meta)), dict(arrays)
    change(meta, arrays)
    path = write_model(tmp_path / "i.mnlogit", json.dumps(meta), arrays)
    with pytest.raises(DataError, match=message):
        mnlogit.load(path)


def test_truncated_json_is_a_data_error(saved_model, tmp_path):
    res, iris, _, meta, _, raw_npz = saved_model
    path = write_model(tmp_path / "t.mnlogit", json.dumps(meta)[:100], raw_npz=raw_npz)
    with pytest.raises(DataError, match="not a valid saved mnlogit model: Expecting"):
        mnlogit.load(path)


def test_untampered_file_still_loads_to_the_same_model(saved_model):
    res, iris, path, *_ = saved_model
    loaded = mnlogit.load(path)
    pd.testing.assert_frame_equal(loaded.predict(iris), res.predict(iris), check_exact=True)
    assert str(loaded.summary()) == str(res.summary())


# ----------------------------------------------------------------------------
# regressions: each input the fuzzing found, with what it did before the fix


@pytest.fixture(scope="module")
def small():
    rng = np.random.default_rng(3)
    n = 120
    return pd.DataFrame(
        {
            "y": rng.choice(["a", "b", "c"], n),
            "x": rng.normal(size=n),
            "g": rng.choice(["u", "v"], n),
        }
    )


@pytest.mark.parametrize("dtype", ["Int64", "Float64"])
def test_nullable_predictor_with_pd_na_drops_those_rows(small, dtype):
    # Before: FormulaError "boolean value of NA is ambiguous" (patsy cannot test pd.NA).
    xi = np.round(small["x"] * 3)
    df = small.assign(x=pd.array(xi.where(small.index % 7 != 0), dtype=dtype))
    with pytest.warns(mnlogit.MissingDataWarning, match="dropped 18 of 120 rows .*18 in 'x'"):
        res = mnlogit.fit("y ~ x + g", df)
    plain = mnlogit.fit("y ~ x + g", small.assign(x=xi)[small.index % 7 != 0])
    np.testing.assert_allclose(res.params, plain.params, rtol=1e-12)
    new = df.head(8)
    before = new.copy()
    with pytest.warns(mnlogit.MissingDataWarning, match="2 of 8 rows of newdata"):
        probs = res.predict(new)  # before: raw TypeError
    assert probs.iloc[[0, 7]].isna().all().all() and probs.iloc[1:7].notna().all().all()
    pd.testing.assert_frame_equal(
        probs.iloc[1:7], plain.predict(new.iloc[1:7].astype({"x": float}))
    )
    pd.testing.assert_frame_equal(new, before)  # still Int64/Float64 with pd.NA


def test_duplicated_column_names_are_named(small):
    # Before: raw TypeError "int() argument must be ... not 'Series'".
    df = pd.concat([small, small[["x"]]], axis=1)
    with pytest.raises(DataError, match="several columns named 'x'"):
        mnlogit.fit("y ~ x + g", df)


@pytest.mark.parametrize(
    "values",
    [
        pd.date_range("2020-01-01", periods=120),  # before: one level per date, silently
        pd.date_range("2020-01-01", periods=120, tz="UTC"),  # before: unnamed FormulaError
        pd.to_timedelta(np.arange(120), "D"),
        np.arange(120) + 1j,
    ],
)
def test_dates_durations_and_complex_predictors_are_named(small, values):
    with pytest.raises(DataError, match="column 'd' has dtype .* which a formula cannot use"):
        mnlogit.fit("y ~ d", small.assign(d=values))


@pytest.mark.parametrize("scale", [1e300, 1e-300])
def test_predictor_out_of_double_range_is_named(small, scale):
    # Before: RuntimeWarning "overflow encountered in square" (1e300), or a false
    # CollinearityError "'x' is zero in every row used" (1e-300).
    with pytest.raises(DataError, match=r"design column\(s\) 'x' \(largest \|value\|"):
        mnlogit.fit("y ~ x", small.assign(x=small["x"] * scale))


def test_overflow_inside_a_formula_expression_is_named():
    # Before: RuntimeWarning "overflow encountered in multiply" from patsy.
    df = pd.DataFrame({"y": ["a", "b"] * 15, "u": [5.0] + [0.0] * 29, "v": [3.6e307] + [1.0] * 29})
    with pytest.raises(DataError, match="infinite values: 'u:v' \\(1 values\\)"):
        mnlogit.fit("y ~ u * v", df)


def test_invalid_values_from_an_expression_are_missing_values(small):
    # Before: numpy's RuntimeWarning "invalid value encountered in log" besides the drop.
    with pytest.warns(mnlogit.MissingDataWarning, match="missing values"):
        res = mnlogit.fit("y ~ np.log(x) + g", small)
    assert res.nobs == (small["x"] > 0).sum()


def test_text_in_a_numeric_column_of_newdata_is_named(small):
    # Before: raw AttributeError "'DataFrame' object has no attribute 'dtype'" in patsy.
    res = mnlogit.fit("y ~ x + g", small)
    new = small.head(3).astype({"x": object})
    new.loc[1, "x"] = "1.5 kg"
    with pytest.raises(DataError, match="column 'x' was numeric in fitting .* '1.5 kg'"):
        res.predict(new)
    with pytest.raises(LevelError, match="column 'g' has level\\(s\\) 1 not seen"):
        res.predict(small.head(3).assign(g=1))


def test_newdata_out_of_double_range_is_named(small):
    # Before: RuntimeWarning "invalid value encountered in matmul" (inf * 0 in the SEs).
    res = mnlogit.fit("y ~ x + g", small)
    with pytest.raises(DataError, match="'x' \\(largest \\|value\\| 1e\\+300\\)"):
        res.get_prediction(small.head(2).assign(x=1e300))


def test_a_design_without_columns_is_named(small):
    # Before: raw ValueError "cannot reshape array of size 0 into shape (0)".
    with pytest.raises(FormulaError, match="no terms on the right of '~'"):
        mnlogit.fit("y ~ 0", small)
    with pytest.raises(DataError, match="exog has no columns"):
        mnlogit.MNLogit(["a", "b", "a"], np.ones((3, 0)))


@pytest.mark.parametrize("bad", [[1], {"a": 1}, (1, [2])])
def test_unhashable_outcome_values_are_named(small, bad):
    # Before: raw TypeError "unhashable type: 'list'".
    y = pd.Series([bad, "a"] * 60, dtype=object)
    with pytest.raises(DataError, match=f"outcome 'y' holds values of type {type(bad).__name__}"):
        mnlogit.fit("y ~ x", small.assign(y=y))


def test_odds_ratio_bounds_beyond_double_range_are_infinite_not_an_overflow():
    # Before: RuntimeWarning "overflow encountered in exp" in tidy() (the upper bound of
    # the coefficient was ~1e5). exp(coef) overflows to +inf exactly. A predictor in
    # units of 1e-4 gives a slope whose interval reaches beyond exp's range (a
    # separated fit no longer has intervals: its estimates are infinite).
    x = np.array([0.0, 1.0, 2.0, 3.0, 4.0, 5.0]) * 1e-4
    df = pd.DataFrame({"y": ["a", "b", "a", "b", "b", "a"], "x": x})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = mnlogit.fit("y ~ x", df)
        tidy = res.tidy()
        text = str(res.summary(odds_ratios=True))
    assert res.converged and tidy["conf_high"].iloc[1] > 710
    assert np.isinf(tidy["odds_ratio_high"].iloc[1]) and tidy["odds_ratio_low"].iloc[1] == 0.0
    assert "inf" in text


def test_huge_weights_are_named(small):
    with pytest.raises(DataError, match="weights up to 1e\\+300 exceed 1e100"):
        mnlogit.fit("y ~ x", small, weights=np.full(len(small), 1e300))


@pytest.mark.parametrize("alpha", [0, 2, "x"])
def test_bad_alpha_is_a_package_error(small, alpha):
    # Before: a bare ValueError (or TypeError for a string) from the normal quantile.
    res = mnlogit.fit("y ~ x", small)
    with pytest.raises(MNLogitError, match="alpha must be strictly between 0 and 1"):
        res.summary(alpha=alpha)


# ----------------------------------------------------------------------------
# options and the Dask entry point

OPTION_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 200),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.sampled_from(["firth", ("l2", 1.0), ("l2", -1), "HC1", "cluster", "stata", [1, 2]]),
    st.just(np.ones(3)),
    st.just(lambda row: None),
)
OPTIONS = [
    "maxiter",
    "gtol",
    "ftol",
    "start_params",
    "callback",
    "penalty",
    "drop_aliased",
    "detect_separation",
    "cov_type",
    "groups",
    "correction",
    "verbose",
]


@FUZZ
@given(st.dictionaries(st.sampled_from(OPTIONS), OPTION_VALUES, max_size=4))
def test_random_fit_options_fit_or_raise_documented_errors(anes96, options):
    res = outcome_of(lambda: mnlogit.fit("party3 ~ age + income", anes96, **options))
    if res is not None:
        outcome_of(lambda: (str(res.summary()), res.tidy(), res.predict(anes96.head())))


@FUZZ
@given(frames(), st.integers(1, 3))
def test_random_frames_on_dask_fit_as_in_memory_or_raise_documented_errors(case, parts):
    dask = pytest.importorskip("dask")
    dd = pytest.importorskip("dask.dataframe")
    data, formula = case
    if len(data) == 0:
        return
    with dask.config.set(scheduler="sync"):
        got = outcome_of(
            lambda: mnlogit.fit(formula, dd.from_pandas(data, npartitions=parts), maxiter=30)
        )
    expected = outcome_of(lambda: mnlogit.fit(formula, data, maxiter=30))
    if got is not None and expected is not None and got.converged and expected.converged:
        np.testing.assert_allclose(got.params, expected.params, rtol=1e-6, atol=1e-8)
