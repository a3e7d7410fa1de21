"""Wald restrictions that are redundant, contradictory, empty, missing or mis-sized.

Reference: theory. Rows of R that repeat (or combine) other rows restrict nothing
new, so the test must equal the test of the independent rows alone, with that many
degrees of freedom; rows demanding two different values of one combination of the
coefficients cannot hold together, and no statistic describes them (before, the
pseudo-inverse blended e0'theta = 0 and e0'theta = 1 into chi2(1) = 32.2).
"""

from __future__ import annotations

import numpy as np
import pytest

import mnlogit
from mnlogit.exceptions import DataError


@pytest.fixture(scope="module")
def fitted(hsbdemo):
    return mnlogit.fit("prog ~ C(ses) + write", hsbdemo, reference="academic")


def unit_rows(n_params: int, *positions: int) -> np.ndarray:
    return np.eye(n_params)[list(positions)]


@pytest.mark.parametrize(
    ("rows", "value"),
    [
        ([0, 0], [0.0, 1.0]),  # the reported case
        ([3, 3], [-0.05, 0.05]),
        ([0, 1, 0], [0.0, 0.0, 1e-3]),  # a repeat among independent rows
    ],
)
def test_contradictory_repeated_rows_are_refused(fitted, rows, value):
    R = unit_rows(fitted.n_params, *rows)
    with pytest.raises(DataError, match="inconsistent.*no coefficients satisfy all of them"):
        fitted.wald_test(R, value=value)


def test_contradictory_combination_is_refused(fitted):
    # Row 3 is row 1 + row 2, but its value is not the sum of theirs.
    R = unit_rows(fitted.n_params, 1, 2)
    R = np.vstack([R, R.sum(axis=0)])
    with pytest.raises(DataError, match="inconsistent.*rank 2 of 3 rows"):
        fitted.wald_test(R, value=[0.1, 0.2, 0.4])


@pytest.mark.parametrize(
    ("redundant", "independent", "value", "independent_value"),
    [
        ([0, 0], [0], [0.0, 0.0], [0.0]),
        ([3, 3, 3], [3], -0.05, -0.05),
        ([1, 2, 1], [1, 2], [0.2, -0.1, 0.2], [0.2, -0.1]),
    ],
)
def test_redundant_consistent_rows_give_the_independent_test(
    fitted, redundant, independent, value, independent_value
):
    test = fitted.wald_test(unit_rows(fitted.n_params, *redundant), value=value)
    alone = fitted.wald_test(unit_rows(fitted.n_params, *independent), value=independent_value)
    assert test.df == len(independent)
    assert test.statistic == pytest.approx(alone.statistic, rel=1e-10)
    assert f"({len(redundant)} restrictions, {len(independent)} independent)" in test.hypothesis


def test_redundant_combination_rows_give_the_independent_test(fitted):
    R = unit_rows(fitted.n_params, 1, 2)
    with_sum = np.vstack([R, R.sum(axis=0)])
    test = fitted.wald_test(with_sum, value=[0.1, 0.2, 0.3])
    assert test.df == 2 and "3 restrictions, 2 independent" in test.hypothesis
    assert test.statistic == pytest.approx(
        fitted.wald_test(R, value=[0.1, 0.2]).statistic, rel=1e-10
    )


def test_repeated_outcomes_in_a_term_test_are_counted_once(fitted):
    once = fitted.wald_test("write", outcomes=["general"])
    twice = fitted.wald_test("write", outcomes=["general", "general"])
    assert twice.df == once.df == 1
    assert twice.statistic == pytest.approx(once.statistic, rel=1e-10)
    assert "2 restrictions, 1 independent" in twice.hypothesis


@pytest.mark.parametrize(
    ("where", "bad"),
    [("R", np.nan), ("R", np.inf), ("value", np.nan), ("value", -np.inf)],
)
def test_missing_or_infinite_restriction_values_are_named(fitted, where, bad):
    # Before: a NaN in R was blamed on a singular Hessian.
    R = unit_rows(fitted.n_params, 0, 3)
    value = np.zeros(2)
    if where == "R":
        R[1, 5] = bad
        match = "R has 1 missing or infinite value\\(s\\), the first in row 1, column 5"
    else:
        value[1] = bad
        match = "value has 1 missing or infinite entr\\(ies\\), the first at position 1"
    with pytest.raises(DataError, match=match):
        fitted.wald_test(R, value=value)


@pytest.mark.parametrize("empty", [[], (), np.empty((0, 6)), np.empty(0)])
def test_empty_restriction_is_a_clear_error(fitted, empty):
    with pytest.raises(DataError, match="the restriction is empty"):
        fitted.wald_test(empty)


@pytest.mark.parametrize(
    ("restriction", "value", "match"),
    [
        ("write", [1.0, 2.0, 3.0], "value has 3 entries but the hypothesis write = 0 .* 2 restr"),
        ("C(ses)", [0.0, 0.0], "value has 2 entries .* 4 restrictions"),
        ("write", [[0.0, 0.0]], "value has 2 entries"),
        (None, [1.0, 2.0], "value has 2 entries .* 1 restrictions"),
        ("write", "zero", "value must be numbers, got str 'zero'"),
    ],
)
def test_value_of_the_wrong_length_is_a_clear_error(fitted, restriction, value, match):
    if restriction is None:
        restriction = unit_rows(fitted.n_params, 0)
    with pytest.raises(DataError, match=match):
        fitted.wald_test(restriction, value=value)


@pytest.mark.parametrize(
    ("restriction", "match"),
    [
        (np.zeros((2, 5)), "R has 5 columns; the model has 8 coefficients"),
        (np.zeros((2, 3, 8)), "shape \\(2, 3, 8\\)"),
        ([["a"] * 8], "must be a term name, a list of term names, or a matrix R"),
        (np.zeros((1, 8)), "an R of zeros: nothing is restricted"),
    ],
)
def test_malformed_matrices_are_clear_errors(fitted, restriction, match):
    with pytest.raises(DataError, match=match):
        fitted.wald_test(restriction)
