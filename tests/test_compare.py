"""Comparison tables, LaTeX/Markdown summaries and the maketables hooks."""

from __future__ import annotations

import numpy as np
import pytest

import mnlogit
from mnlogit.exceptions import MNLogitError


@pytest.fixture(scope="module")
def models(hsbdemo):
    small = mnlogit.fit("prog ~ write", hsbdemo, reference="academic")
    big = mnlogit.fit("prog ~ C(ses) + write", hsbdemo, reference="academic",
                      cov_type="cluster", groups="cid")
    return small, big


def test_cells_are_the_models_estimates(models):
    small, big = models
    table = mnlogit.compare([small, big], names=["write", "ses + write"], digits=4)
    text = str(table)
    sections = dict(table.sections)
    rows = sections["prog = vocation"]
    labels = [r[0] for r in rows]
    i = labels.index("write")
    for col, res in enumerate((small, big), start=1):
        assert rows[i][col] == f"{res.params.loc['write', 'vocation']:.4f}"
        assert rows[i + 1][col] == f"({res.bse.loc['write', 'vocation']:.4f})"
    # The SES terms are blank for the model without them.
    j = labels.index("C(ses)[T.low]")
    assert rows[j][1] == "" and rows[j][2] != ""
    stats = dict((r[0], r[1:]) for r in sections[""])
    assert stats["Log-likelihood"] == (f"{small.llf:.3f}", f"{big.llf:.3f}")
    assert stats["AIC"] == (f"{small.aic:.2f}", f"{big.aic:.2f}")
    assert stats["Covariance"] == ("nonrobust", "cluster")
    assert "ses + write" in text and "Pseudo R2" in text


def test_intervals_stars_and_odds_ratios(models):
    _, big = models
    table = mnlogit.compare([big], interval="ci", show_stars=True, odds_ratios=True, alpha=0.1)
    rows = dict(table.sections)["prog = general"]
    i = [r[0] for r in rows].index("write")
    or_row = big.odds_ratios(0.1).loc[("general", "write")]
    p = big.pvalues.loc["write", "general"]
    stars = "*" * sum(p < level for level in (0.05, 0.01, 0.001))
    assert rows[i][1] == f"{or_row['odds_ratio']:.3f}{stars}"
    assert rows[i + 1][1] == f"[{or_row['lower']:.3f}, {or_row['upper']:.3f}]"
    assert any("90% confidence intervals" in n for n in table.notes)


def test_renderers(models):
    table = mnlogit.compare(list(models), show_stars=True)
    latex = table.as_latex()
    assert latex.startswith(r"\begin{tabular}{lrr}") and r"\bottomrule" in latex
    assert r"C(ses)[T.low]" in latex
    md = table.as_markdown()
    assert md.splitlines()[1] == "|:---|---:|---:|" and "\\*" in md
    html = table._repr_html_()
    titled = sum(1 for title, _ in table.sections if title)
    assert html.count("<tr>") == 1 + titled + sum(len(rows) for _, rows in table.sections)


def test_summary_latex_and_markdown_carry_the_estimates(models):
    _, big = models
    value = f"{big.params.loc['write', 'general']:.4f}"
    latex = big.summary().as_latex()
    assert value in latex and r"C(ses)[T.low]" in latex
    assert "cluster: cid (G=20)" in latex
    md = big.summary().as_markdown()
    assert value in md and "| **prog = general** |" in md


def test_maketables_hooks(models):
    _, big = models
    coef = big.__maketables_coef_table__
    tidy = big.tidy()
    assert coef.index[0] == "general / Intercept"
    np.testing.assert_array_equal(coef["b"], tidy["estimate"])
    np.testing.assert_array_equal(coef["se"], tidy["std_error"])
    np.testing.assert_array_equal(coef["ci95u"], tidy["conf_high"])
    assert big.__maketables_stat__("N") == 200
    assert big.__maketables_stat__("ll") == big.llf
    assert big.__maketables_stat__("se_type") == "cluster"
    assert big.__maketables_stat__("nonexistent") is None
    assert big.__maketables_depvar__ == "prog"
    assert big.__maketables_vcov_info__ == {"se_type": "cluster", "cluster_var": "cid"}


def test_bad_requests(models):
    with pytest.raises(MNLogitError, match="at least one"):
        mnlogit.compare([])
    with pytest.raises(MNLogitError, match="1 names for 2 models"):
        mnlogit.compare(list(models), names=["a"])
    with pytest.raises(MNLogitError, match="interval must be"):
        mnlogit.compare(list(models), interval="both")


def test_maketables_renders_the_models(models, monkeypatch):
    maketables = pytest.importorskip("maketables")
    from maketables import extractors

    # maketables 0.2 checks its duck-typed statsmodels extractor before plug-ins.
    registry = [extractors.PluginExtractor(), *extractors._EXTRACTOR_REGISTRY]
    monkeypatch.setattr(extractors, "_EXTRACTOR_REGISTRY", registry)
    small, big = models
    tex = maketables.ETable([small, big], model_stats=["N", "ll"]).make(type="tex")
    assert f"{big.params.loc['write', 'vocation']:.3f}" in tex
    assert f"{small.llf:.3f}" in tex
