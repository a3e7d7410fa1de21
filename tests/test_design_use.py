"""The DesignSpec everywhere a fit is used: pickling, other data frames, margins
through transforms and splines, Wald tests by variable."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pandas as pd
import pytest

import mnlogit
from mnlogit import DataError

FORMULA = "y ~ C(g, Treatment('c')) * x + np.log(z) + center(w) + bs(v, df=4)"


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(11)
    n = 900
    x, z, w, v = (
        rng.normal(size=n),
        rng.uniform(0.5, 4, n),
        rng.normal(5, 2, n),
        rng.uniform(0, 10, n),
    )
    g = rng.choice(["a", "b", "c"], n)
    eta = np.column_stack([0.4 * x + np.log(z), -0.3 * w + 0.2 * np.sin(v) + (g == "a")])
    p = np.exp(np.column_stack([np.zeros(n), eta]))
    p /= p.sum(axis=1, keepdims=True)
    y = np.array(["k", "l", "m"])[(rng.random(n)[:, None] > p.cumsum(axis=1)).sum(axis=1)]
    return pd.DataFrame({"y": y, "x": x, "z": z, "w": w, "v": v, "g": g})


@pytest.fixture(scope="module")
def fitted(data):
    return mnlogit.fit(FORMULA, data)


def _same(a, b, data):
    pd.testing.assert_frame_equal(a.params, b.params)
    pd.testing.assert_frame_equal(a.predict(data.head(20)), b.predict(data.head(20)))
    assert str(a.summary()) == str(b.summary())
    assert a.wald_test("g").statistic == b.wald_test("g").statistic
    pd.testing.assert_frame_equal(a.with_cov_type("HC1").bse, b.with_cov_type("HC1").bse)


def test_results_pickle_and_deepcopy(fitted, data):
    # Before: NotImplementedError from patsy's DesignInfo.
    _same(pickle.loads(pickle.dumps(fitted)), fitted, data)
    _same(copy.deepcopy(fitted), fitted, data)


def test_results_cross_processes_with_joblib(fitted, data):
    joblib = pytest.importorskip("joblib")

    def predict(res, rows):
        return res.predict(rows)

    out = joblib.Parallel(n_jobs=2, backend="loky")(
        joblib.delayed(predict)(fitted, data.iloc[i : i + 10]) for i in (0, 10)
    )
    pd.testing.assert_frame_equal(pd.concat(out), fitted.predict(data.head(20)))


def test_factor_only_fit_pickles_without_its_dense_design(data):
    big = pd.concat([data] * 12, ignore_index=True)
    res = mnlogit.fit("y ~ C(g)", big)
    assert res.model_frame.patterns is not None
    copy_ = pickle.loads(pickle.dumps(res))
    np.testing.assert_array_equal(copy_.model_frame.X, res.model_frame.X)


@pytest.mark.parametrize("kind", ["polars", "polars-lazy", "pyarrow"])
def test_polars_and_pyarrow_frames_give_the_pandas_fit(fitted, data, kind):
    if kind.startswith("polars"):
        pl = pytest.importorskip("polars")
        frame = pl.from_pandas(data)
        frame = frame.lazy() if kind == "polars-lazy" else frame
    else:
        pa = pytest.importorskip("pyarrow")
        frame = pa.Table.from_pandas(data)
    res = mnlogit.fit(FORMULA, frame)
    pd.testing.assert_frame_equal(res.params, fitted.params, rtol=1e-13)
    new = {
        "polars": lambda: frame.head(5),
        "polars-lazy": lambda: frame.head(5).collect(),
        "pyarrow": lambda: frame.slice(0, 5),
    }[kind]()
    np.testing.assert_allclose(res.predict(new).to_numpy(), fitted.predict(data.head(5)).to_numpy())


def test_other_objects_are_refused_by_their_full_type_name(data):
    with pytest.raises(DataError, match="got builtins.dict"):
        mnlogit.fit("y ~ x", {"y": data["y"], "x": data["x"]})
    with pytest.raises(DataError, match="got numpy.ndarray"):
        mnlogit.fit("y ~ x", data.to_numpy())


def test_a_polars_column_of_an_unusable_type_is_named(data):
    pl = pytest.importorskip("polars")
    frame = pl.from_pandas(data.head(60)).with_columns(d=pl.lit([1, 2]))
    with pytest.raises(mnlogit.MNLogitError, match="'d'"):
        mnlogit.fit("y ~ x + d", frame)


def _average_probabilities(res, rows, variable, values):
    return res.predict(rows.assign(**{variable: values})).to_numpy().mean(axis=0)


@pytest.mark.parametrize("variable", ["x", "z", "w", "v"])
def test_margins_through_transforms_equal_finite_differences_of_predict(fitted, data, variable):
    # Before: bs() made marginal_effects fail (patsy's "data points fall outside the
    # outermost knots" when the design was re-evaluated at shifted values).
    me = fitted.marginal_effects(variables=[variable])
    values = data[variable].to_numpy()
    h = 1e-5 * max(1.0, values.std())
    low, high = values.min(), values.max()
    # Central differences inside; one-sided at the data's edges (bs is not defined
    # beyond its boundary knots).
    up = np.where(values + h > high, values, values + h)
    down = np.where(values - h < low, values, values - h)
    step = up - down
    rows = data
    p_up = fitted.predict(rows.assign(**{variable: up})).to_numpy()
    p_down = fitted.predict(rows.assign(**{variable: down})).to_numpy()
    expected = ((p_up - p_down) / step[:, None]).mean(axis=0)
    got = me.set_index("outcome")["effect"].reindex(fitted.outcome_levels).to_numpy()
    np.testing.assert_allclose(got, expected, rtol=2e-5, atol=1e-8)


def test_design_derivative_is_analytic_for_a_spline(fitted, data):
    rows = data[(data["v"] > 0.5) & (data["v"] < 9.5)].head(50)
    G, _ = fitted.model_frame.design_derivative(rows, "v")
    h = 1e-6
    up, _ = fitted.model_frame.design_for(rows.assign(v=rows["v"] + h))
    down, _ = fitted.model_frame.design_for(rows.assign(v=rows["v"] - h))
    np.testing.assert_allclose(G, (up - down) / (2 * h), atol=2e-7)


def test_wald_test_by_variable_name_covers_every_term_built_from_it(fitted):
    # Before: wald_test("g") refused a model written with C(g, Treatment('c')).
    by_variable = fitted.wald_test("g")
    by_terms = fitted.wald_test(["C(g, Treatment('c'))", "C(g, Treatment('c')):x"])
    assert by_variable.df == by_terms.df == 8
    assert by_variable.statistic == pytest.approx(by_terms.statistic, rel=1e-14)
    with pytest.raises(mnlogit.MNLogitError, match="'nothing' is not a term, variable"):
        fitted.wald_test("nothing")
