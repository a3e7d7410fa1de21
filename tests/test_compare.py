"""Comparison tables, LaTeX/Markdown summaries and maketables."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import mnlogit
from mnlogit.exceptions import MNLogitError


@pytest.fixture(scope="module")
def models(hsbdemo):
    small = mnlogit.fit("prog ~ write", hsbdemo, reference="academic")
    big = mnlogit.fit(
        "prog ~ C(ses) + write", hsbdemo, reference="academic", cov_type="cluster", groups="cid"
    )
    return small, big


def test_cells_are_the_models_estimates(models):
    small, big = models
    table = mnlogit.compare([small, big], names=["write", "ses + write"], digits=4)
    text = str(table)
    sections = dict(table.sections)
    rows = sections["prog = vocation (vs. academic)"]
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
    assert stats["Covariance"] == ("nonrobust", "cluster: cid (G=20)")
    assert stats["Small-sample factor"] == ("", "G/(G-1)*(N-1)/(N-p)")
    assert "ses + write" in text and "Pseudo R2 (McFadden)" in text


def test_intervals_stars_and_odds_ratios(models):
    _, big = models
    table = mnlogit.compare([big], interval="ci", show_stars=True, odds_ratios=True, alpha=0.1)
    rows = dict(table.sections)["prog = general (vs. academic)"]
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
    assert r"| Small-sample factor | G/(G-1)\*(N-1)/(N-p) |" in md


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
    assert big.__maketables_stat__("pseudo_r2") == big.prsquared
    assert big.__maketables_stat__("r2") is None  # no R² to mislabel
    assert big.__maketables_stat__("se_type") == "cluster: cid (G=20), factor G/(G-1)*(N-1)/(N-p)"
    assert big.__maketables_stat__("n_clusters") == 20
    assert big.__maketables_stat__("nonexistent") is None
    assert big.__maketables_depvar__ == "prog (vs. academic)"
    assert big.__maketables_vcov_info__ == {"vcov_type": "cluster", "clustervar": "cid"}
    assert big.__maketables_stat_labels__["pseudo_r2"] == "Pseudo R² (McFadden)"


def test_selection_and_labels(models):
    small, big = models
    table = mnlogit.compare(
        [small, big],
        rename={"C(ses)": "SES", "write": "Writing score"},
        drop=["Intercept"],
        order=["write"],
        stats=["nobs", "n_clusters", "cov_correction"],
    )
    rows = dict(table.sections)["prog = general (vs. academic)"]
    assert [r[0] for r in rows[::2]] == ["Writing score", "SES[T.low]", "SES[T.middle]"]
    assert rows[0][2] == f"{big.params.loc['write', 'general']:.3f}"
    stats = dict(table.sections)[""]
    assert stats == (
        ("Observations", "200", "200"),
        ("Clusters", "", "20"),
        ("Small-sample factor", "", "G/(G-1)*(N-1)/(N-p)"),
    )
    kept = mnlogit.compare([small, big], keep=["C(ses)[T.middle]", "write"])
    assert [r[0] for r in kept.sections[1][1][::2]] == ["write", "C(ses)[T.middle]"]
    # A data variable selects every column built from it.
    by_variable = mnlogit.compare([big], keep=["ses"])
    assert [r[0] for r in by_variable.sections[0][1][::2]] == ["C(ses)[T.low]", "C(ses)[T.middle]"]
    # A column's own label beats its term's.
    both = mnlogit.compare([big], rename={"C(ses)": "SES", "C(ses)[T.low]": "Low SES"})
    assert [r[0] for r in both.sections[0][1][::2]][1:3] == ["Low SES", "SES[T.middle]"]
    summary = big.summary(keep=["C(ses)"], rename={"C(ses)": "SES"}, order=["C(ses)[T.middle]"])
    assert [row[0] for row in summary.blocks[0].rows] == ["SES[T.middle]", "SES[T.low]"]
    assert summary.blocks[0].rows[1][1] == f"{big.params.loc['C(ses)[T.low]', 'general']:.4f}"
    assert "SES[T.low]" in summary.as_latex() and "C(ses)" not in summary.as_text()


def test_bad_selections(models):
    small, big = models
    with pytest.raises(
        MNLogitError, match="rename entry 'ses' matches no term or design column of the model"
    ):
        mnlogit.compare([small, big], rename={"ses": "SES"})
    with pytest.raises(MNLogitError, match="'write' both kept and dropped"):
        mnlogit.compare([small, big], keep=["write", "C(ses)"], drop=["write"])
    with pytest.raises(MNLogitError, match="'C\\(ses\\)' both kept and dropped"):
        mnlogit.compare([big], keep=["C(ses)"], drop=["C(ses)[T.low]"])
    with pytest.raises(MNLogitError, match="drop entry 'age' matches no term"):
        big.summary(drop=["age"])
    with pytest.raises(MNLogitError, match="order entry 'x' matches no term"):
        mnlogit.compare([big], order=["x"])
    with pytest.raises(MNLogitError, match="the same label 'w'"):
        mnlogit.compare([big], rename={"write": "w", "Intercept": "w"})
    with pytest.raises(MNLogitError, match="unknown fit statistic\\(s\\) 'r2'; choose from 'nobs'"):
        mnlogit.compare([big], stats=["nobs", "r2"])


def test_bad_requests(models):
    with pytest.raises(MNLogitError, match="at least one"):
        mnlogit.compare([])
    with pytest.raises(MNLogitError, match="1 names for 2 models"):
        mnlogit.compare(list(models), names=["a"])
    with pytest.raises(MNLogitError, match="interval must be"):
        mnlogit.compare(list(models), interval="both")


def test_maketables_renders_the_models(models):
    maketables = pytest.importorskip("maketables")
    small, big = models
    assert type(maketables.get_extractor(big)).__name__ == "MNLogitExtractor"
    order = mnlogit.report.etable.coefficient_order([small, big])
    table = maketables.ETable([small, big], order=order)
    coef = table.df.loc["coef"]
    assert coef.index.tolist()[:4] == [
        "general / Intercept",
        "general / write",
        "general / C(ses)=low",
        "general / C(ses)=middle",
    ]
    cell = coef.loc["vocation / write"].iloc[1]
    assert f"{big.params.loc['write', 'vocation']:.3f}" in cell
    assert f"({big.bse.loc['write', 'vocation']:.3f})" in cell
    stats = table.df.loc["stats"]
    assert stats.loc["Pseudo R² (McFadden)"].tolist() == [
        f"{small.prsquared:.3f}",
        f"{big.prsquared:.3f}",
    ]
    assert "R²" not in stats.index
    assert stats.loc["S.E. type"].iloc[1] == "cluster: cid (G=20), factor G/(G-1)*(N-1)/(N-p)"
    assert table.df.columns[0][0] == "prog (vs. academic)"
    tex = table.make(type="tex")
    assert f"{small.llf:.3f}" in tex and "McFadden" in tex


@pytest.mark.slow
def test_maketables_works_as_installed_in_a_fresh_interpreter():
    pytest.importorskip("maketables")
    # mnlogit fitted before maketables is imported; no registry handling by the user.
    code = (
        "import mnlogit\n"
        "res = mnlogit.fit('Species ~ Sepal_Length', mnlogit.datasets.load_iris())\n"
        "import maketables\n"
        "t = maketables.ETable([res, res])\n"
        "print(t.df.loc['coef'].index[0], type(maketables.get_extractor(res)).__name__)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["versicolor", "/", "Intercept", "MNLogitExtractor"]
