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
    raw = fitted.with_cov_type("cluster", groups="cid", correction=None)
    n, p, g = 200.0, fitted.n_params, hsbdemo["cid"].nunique()
    factor = g / (g - 1) * (n - 1) / (n - p)
    np.testing.assert_allclose(corrected.cov_params(), raw.cov_params() * factor, rtol=1e-12)


@pytest.fixture(scope="module")
def corrections():
    return load_reference("specification_statsmodels")["hsbdemo"]["corrections"]


def test_stata_factors_match_the_sandwich_formula(hsbdemo, ref, corrections):
    stata = {
        cov_type: mnlogit.fit(
            ref["formula"],
            hsbdemo,
            reference="academic",
            cov_type=cov_type,
            groups="cid" if cov_type == "cluster" else None,
            correction="stata",
        )
        for cov_type in ("HC1", "cluster")
    }
    # Stata's vce(robust) and vce(cluster) for ML models: HC0 N/(N-1), raw cluster G/(G-1).
    np.testing.assert_allclose(stata["HC1"].cov_params(), corrections["cov_HC1_stata"], rtol=1e-9)
    np.testing.assert_allclose(
        stata["cluster"].cov_params(), corrections["cov_cluster_stata"], rtol=1e-9
    )
    # correction=None leaves statsmodels' raw cluster sandwich (use_correction=False).
    raw = stata["cluster"].with_cov_type("cluster", correction=None)
    np.testing.assert_allclose(raw.cov_params(), corrections["cov_cluster_raw"], rtol=1e-9)
    # On hsbdemo statsmodels' factor gives standard errors sqrt((N-1)/(N-p)) = 1.8% larger.
    default = stata["cluster"].with_cov_type("cluster")
    ratio = (default.bse / stata["cluster"].bse).to_numpy()
    np.testing.assert_allclose(ratio, np.sqrt(199 / 192), rtol=1e-12)
    assert 0.018 < ratio[0, 0] - 1 < 0.0181


def test_summary_and_statistics_name_the_factor(hsbdemo, ref):
    res = mnlogit.fit(ref["formula"], hsbdemo, cov_type="cluster", groups="cid", correction="stata")
    stats = res.fit_statistics()
    assert (stats["cov_correction"], stats["cluster_var"], stats["n_clusters"]) == (
        "G/(G-1)",
        "cid",
        20,
    )
    text = str(res.summary())
    assert "cluster: cid (G=20)" in text and "Small-sample factor:" in text
    assert "G/(G-1)*(N-1)/(N-p)" in str(res.with_cov_type("cluster").summary())
    assert "N/(N-1)" in str(res.with_cov_type("HC1", correction="stata").summary())
    assert "Small-sample factor" not in str(res.with_cov_type("HC0").summary())


def test_summary_header_names_the_covariance(fitted):
    text = str(fitted.with_cov_type("cluster", groups="cid").summary())
    assert "cluster: cid (G=20)" in text
    assert "HC1" in str(fitted.with_cov_type("HC1").summary())


def test_groups_aligned_with_rows_after_dropping_missing(hsbdemo, ref):
    data = hsbdemo.copy()
    data.loc[[3, 50, 120], "write"] = np.nan
    with pytest.warns(mnlogit.MissingDataWarning):
        res = mnlogit.fit(
            ref["formula"], data, reference="academic", cov_type="cluster", groups="cid"
        )
    complete = hsbdemo.drop(index=[3, 50, 120])
    expected = mnlogit.fit(
        ref["formula"], complete, reference="academic", cov_type="cluster", groups="cid"
    )
    np.testing.assert_allclose(res.cov_params(), expected.cov_params(), rtol=1e-9)


def test_frequency_weights_equal_expanded_rows(hsbdemo):
    rng = np.random.default_rng(3)
    data = hsbdemo.assign(w=rng.integers(1, 4, len(hsbdemo)))
    expanded = data.loc[data.index.repeat(data["w"])].reset_index(drop=True)
    for cov_type in ("HC0", "HC1", "cluster"):
        groups = "cid" if cov_type == "cluster" else None
        weighted = mnlogit.fit(
            "prog ~ C(ses) + write", data, weights="w", cov_type=cov_type, groups=groups
        )
        full = mnlogit.fit("prog ~ C(ses) + write", expanded, cov_type=cov_type, groups=groups)
        np.testing.assert_allclose(weighted.cov_params(), full.cov_params(), rtol=1e-7)


def test_scores_sum_to_the_gradient(fitted):
    from mnlogit.inference.scores import score_blocks

    frame = fitted.model_frame
    theta = np.asarray(fitted.theta) + 0.01
    total = sum(
        s.sum(axis=0) for _, s, _ in score_blocks(frame.X, frame.outcome.codes, None, theta)
    )
    from mnlogit.core.sources import ArraySource

    source = ArraySource(frame.X, frame.outcome.codes, None, 3)
    np.testing.assert_allclose(total, source.derivatives(theta, hessian=False).gradient, rtol=1e-10)


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
    for bad in ("Stata", True):
        with pytest.raises(
            MNLogitError, match=f"correction must be 'statsmodels', 'stata' or None, got {bad!r}"
        ):
            mnlogit.fit("prog ~ write", hsbdemo, cov_type="HC1", correction=bad)
        with pytest.raises(MNLogitError, match="correction must be"):
            fitted.with_cov_type("cluster", groups="cid", correction=bad)
