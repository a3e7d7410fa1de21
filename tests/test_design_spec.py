"""The design layer against patsy: the DesignSpec builds exactly patsy's design matrix.

Every formula of the corpus is fitted, its spec rebuilds the design of the fitted data
and of new data, and both are compared with ``patsy.dmatrix`` / ``build_design_matrices``
(patsy evaluating the same formula itself).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import patsy
import pytest

import mnlogit
from mnlogit import LevelError
from mnlogit.design import frame_from_formula


def _data(n: int = 240, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "y": rng.choice(["p", "q", "r"], n),
            "x": rng.normal(size=n),
            "z": rng.uniform(0.5, 3.0, size=n),
            "i": rng.integers(0, 4, size=n),
            "g": rng.choice(["a", "b", "c"], n),
            "h": pd.Categorical(rng.choice(["lo", "mid", "hi"], n), categories=["lo", "mid", "hi"]),
            "b": rng.random(n) < 0.4,
        }
    )


# (right-hand side, recipes mnlogit evaluates through patsy's machinery)
CORPUS = [
    ("C(g)", set()),
    ("C(g, Treatment('c'))", set()),
    ("C(g, Treatment(reference='b'))", set()),
    ("C(g, Sum)", set()),
    ("C(g, Helmert)", set()),
    ("C(g, Diff)", set()),
    ("C(g, Poly)", set()),
    ("C(g, levels=['c', 'b', 'a'])", set()),
    ("x * z", set()),
    ("x:C(g)", set()),
    ("C(g):C(h)", set()),
    ("C(g) * C(h)", set()),
    ("C(g) * x * z", set()),
    ("x - 1", set()),
    ("0 + C(g)", set()),
    ("0 + C(g):x", set()),
    ("I(x**2) + np.log(z)", {"I(x ** 2)", "np.log(z)"}),
    ("np.exp(x / 2):C(g)", {"np.exp(x / 2)"}),
    ("center(x) + standardize(z) + scale(x, ddof=1)", set()),
    ("standardize(z, rescale=False)", set()),
    ("center(np.log(z))", {"center(np.log(z))"}),
    ("bs(x, df=4)", set()),
    ("bs(x, df=5, degree=2, include_intercept=True) - 1", set()),
    ("bs(x, knots=[-0.5, 0.5], lower_bound=-5, upper_bound=5)", set()),
    ("cr(x, df=4)", set()),
    ("cr(x, df=4, constraints='center')", set()),
    ("cc(z, df=5)", set()),
    ("C(g):bs(z, df=3)", set()),
    ("b + h", set()),
    ("C(i)", set()),
    ("i + C(b)", set()),
    ("Q('x') + C(Q('g'))", set()),
    ("C(i > 1)", {"C(i > 1)"}),
]


@pytest.mark.parametrize(("rhs", "through_patsy"), CORPUS)
def test_spec_builds_patsys_design(rhs, through_patsy):
    df = _data()
    frame = frame_from_formula(f"y ~ {rhs}", df)
    spec = frame.spec
    expected = patsy.dmatrix(rhs, df, eval_env=patsy.EvalEnvironment([{"np": np}]))
    assert list(spec.column_names) == list(expected.design_info.column_names)
    np.testing.assert_allclose(frame.X, np.asarray(expected), rtol=1e-15, atol=2e-15)
    # What goes through patsy's evaluation: exactly the arbitrary-Python factors.
    recipes = spec.describe_recipes()
    assert {code for code, recipe in recipes.items() if recipe == "expression"} == through_patsy

    # New data, with a subset of the levels: patsy's own build with the fitted design.
    new = df[df["g"].isin(["a", "b"]) & (df["x"].abs() < 1)].head(17)
    (patsy_new,) = patsy.build_design_matrices([expected.design_info], new)
    X_new, kept = spec.build(new)
    np.testing.assert_allclose(X_new, np.asarray(patsy_new), rtol=1e-15, atol=2e-15)
    assert kept.tolist() == list(range(len(new)))


def test_missing_values_drop_the_rows_patsy_drops_and_learn_from_the_rest():
    df = _data()
    df.loc[[3, 7], "x"] = np.nan
    df.loc[11, "g"] = None
    with pytest.warns(mnlogit.MissingDataWarning, match="dropped 3 of 240 rows"):
        frame = frame_from_formula("y ~ center(x) + C(g) + bs(z, df=3)", df)
    complete = df.dropna(subset=["x", "g"])
    expected = patsy.dmatrix("center(x) + C(g) + bs(z, df=3)", complete)
    np.testing.assert_allclose(frame.X, np.asarray(expected), rtol=1e-15, atol=2e-15)
    assert frame.n_dropped == 3
    assert frame.dropped_by_column == {"x": 2, "g": 1}


def test_an_unseen_level_is_named():
    df = _data()
    frame = frame_from_formula("y ~ C(g) + x", df)
    with pytest.raises(LevelError, match="column 'g' has level\\(s\\) 'zz' not seen in fitting"):
        frame.spec.build(df.head(3).assign(g=["a", "zz", "b"]))


def test_a_spline_beyond_its_boundary_knots_is_named():
    df = _data()
    spec = frame_from_formula("y ~ bs(x, df=4)", df).spec
    with pytest.raises(mnlogit.DataError, match="values of 'x' from .* outside the spline's"):
        spec.build(df.head(2).assign(x=[0.0, 99.0]))


def test_integer_arithmetic_is_done_in_float64_not_wrapped():
    # Before: an int8 column kept its type, I(i8*i8) wrapped around (max 121 instead of
    # 14,400) and the fit reported convergence 12 % off.
    rng = np.random.default_rng(0)
    n = 600
    i8 = rng.integers(-120, 121, n).astype(np.int8)
    u8 = rng.integers(0, 256, n).astype(np.uint8)
    big = rng.integers(-(2**40), 2**40, n)
    df = pd.DataFrame({"y": rng.choice(["a", "b", "c"], n), "i8": i8, "u8": u8, "big": big})
    floats = df.assign(i8=i8.astype(float), u8=u8.astype(float), big=big.astype(float))
    for rhs in ["I(i8 * i8)", "I(i8 * 3)", "I(u8 + u8)", "I(big * big / 1e20)"]:
        X = frame_from_formula(f"y ~ {rhs}", df).X
        X_float = frame_from_formula(f"y ~ {rhs}", floats).X
        np.testing.assert_array_equal(X, X_float)
    assert frame_from_formula("y ~ I(i8 * i8)", df).X[:, 1].max() == float(
        (i8.astype(int) ** 2).max()
    )
