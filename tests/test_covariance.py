"""Sandwich covariances against statsmodels, and frequency weights against expanded rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import load_reference

import mnlogit
from mnlogit.exceptions import DataError, MNLogitError


@pytest.fixture(scope="module")
def ref():
    return load_reference("toolkit_statsmodels")["hsbdemo"]


@pytest.fixture(scope="module")
def fitted(hsbdemo, ref):
    return mnlogit.fit(ref["formula"], hsbdemo, reference=ref["reference"])


@pytest.mark.parametrize("cov_type", ["nonrobust", "HC0", "HC1", "cluster"])
def test_covariances_match_statsmodels(hsbdemo, ref, cov_type):
    groups = ref["groups"] if cov_type == "cluster" else None
    res = mnlogit.fit(
        ref["formula"], hsbdemo, reference=ref["reference"], cov_type=cov_type, groups=groups
    )
    np.testing.assert_allclose(res.params.to_numpy().T.ravel(), ref["params"], rtol=1e-7)
    np.testing.assert_allclose(
        res.cov_params().to_numpy(), ref[f"cov_{cov_type}"], rtol=1e-6, atol=1e-12
    )


def test_with_cov_type_is_a_new_object_equal_to_a_fresh_fit(fitted, hsbdemo, ref):
    robust = fitted.with_cov_type("cluster", groups="cid")
    assert fitted.cov_type == "nonrobust" and robust.cov_type == "cluster"
    np.testing.assert_allclose(robust.cov_params().to_numpy(), ref["cov_cluster"], rtol=1e-6)
    np.testing.assert_allclose(fitted.cov_params().to_numpy(), ref["cov_nonrobust"], rtol=1e-6)
    # Clusters given as one label per row of the data give the same matrix.
    by_array = fitted.with_cov_type("cluster", groups=hsbdemo["cid"].to_numpy())
    np.testing.assert_allclose(by_array.cov_params(), robust.cov_params(), rtol=1e-12)
    # Back to HC0 and again to the stored clusters.
    again = robust.with_cov_type("HC0").with_cov_type("cluster", groups="cid")
    np.testing.assert_allclose(again.cov_params(), robust.cov_params(), rtol=1e-12)


def test_cluster_correction_can_be_switched_off(fitted, hsbdemo):
    corrected = fitted.with_cov_type("cluster", groups="cid")
    raw = fitted.with_cov_type("cluster", groups="cid", use_correction=False)
    n, p, g = 200.0, fitted.n_params, hsbdemo["cid"].nunique()
    factor = g / (g - 1) * (n - 1) / (n - p)
    np.testing.assert_allclose(corrected.cov_params(), raw.cov_params() * factor, rtol=1e-12)


def test_summary_header_names_the_covariance(fitted):
    text = str(fitted.with_cov_type("cluster", groups="cid").summary())
    assert "cluster: cid (G=20)" in text
    assert "HC1" in str(fitted.with_cov_type("HC1").summary())


def test_groups_aligned_with_rows_after_dropping_missing(hsbdemo, ref):
    data = hsbdemo.copy()
    data.loc[[3, 50, 120], "write"] = np.nan
    with pytest.warns(mnlogit.MissingDataWarning):
        res = mnlogit.fit(ref["formula"], data, reference="academic", cov_type="cluster",
                          groups="cid")
    complete = hsbdemo.drop(index=[3, 50, 120])
    expected = mnlogit.fit(ref["formula"], complete, reference="academic", cov_type="cluster",
                           groups="cid")
    np.testing.assert_allclose(res.cov_params(), expected.cov_params(), rtol=1e-9)


def test_frequency_weights_equal_expanded_rows(hsbdemo):
    rng = np.random.default_rng(3)
    data = hsbdemo.assign(w=rng.integers(1, 4, len(hsbdemo)))
    expanded = data.loc[data.index.repeat(data["w"])].reset_index(drop=True)
    for cov_type in ("HC0", "HC1", "cluster"):
        groups = "cid" if cov_type == "cluster" else None
        weighted = mnlogit.fit("prog ~ C(ses) + write", data, weights="w", cov_type=cov_type,
                               groups=groups)
        full = mnlogit.fit("prog ~ C(ses) + write", expanded, cov_type=cov_type, groups=groups)
        np.testing.assert_allclose(weighted.cov_params(), full.cov_params(), rtol=1e-7)


def test_scores_sum_to_the_gradient(fitted):
    from mnlogit.inference.scores import score_blocks

    frame = fitted.model_frame
    theta = np.asarray(fitted.theta) + 0.01
    total = sum(s.sum(axis=0) for _, s, _ in score_blocks(frame.X, frame.outcome.codes, None,
                                                           theta))
    from mnlogit.core.sources import ArraySource

    source = ArraySource(frame.X, frame.outcome.codes, None, 3)
    np.testing.assert_allclose(total, source.derivatives(theta, hessian=False).gradient,
                               rtol=1e-10)


def test_bad_covariance_requests(fitted, hsbdemo):
    with pytest.raises(MNLogitError, match="cov_type must be one of"):
        fitted.with_cov_type("robust")
    with pytest.raises(MNLogitError, match="needs groups"):
        mnlogit.fit("prog ~ write", hsbdemo, cov_type="cluster")
    with pytest.raises(DataError, match="'nope' is not in the data"):
        fitted.with_cov_type("cluster", groups="nope")
    with pytest.raises(DataError, match="one value per row"):
        fitted.with_cov_type("cluster", groups=np.arange(7))
    with pytest.raises(DataError, match="2 missing values"):
        labels = pd.Series(hsbdemo["cid"], dtype=float)
        labels[[0, 1]] = np.nan
        fitted.with_cov_type("cluster", groups=labels.to_numpy())
    with pytest.raises(MNLogitError, match="maximum-likelihood"):
        mnlogit.fit("prog ~ write", hsbdemo, penalty="firth", cov_type="HC0")
