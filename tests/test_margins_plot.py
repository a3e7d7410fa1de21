"""marginsplot (plot_predictions): panels, lines and bands are the predictive margins."""

from __future__ import annotations

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

import mnlogit  # noqa: E402
from mnlogit.exceptions import MNLogitError  # noqa: E402

SES = ["high", "low", "middle"]


@pytest.fixture(scope="module")
def res(hsbdemo):
    return mnlogit.fit("prog ~ C(ses) + write", hsbdemo, reference="academic")


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_one_panel_per_outcome_one_line_per_level(res):
    at = {"write": [30, 40, 50, 60, 70], "ses": SES}
    fig = res.plot_predictions(at=at, x="write")
    table = res.predictions(at=at)
    assert [ax.get_title() for ax in fig.axes] == ["academic", "general", "vocation"]
    for ax in fig.axes:
        lines = ax.get_lines()
        assert [line.get_label() for line in lines] == SES
        for line in lines:
            rows = table[(table["outcome"] == ax.get_title()) & (table["ses"] == line.get_label())]
            np.testing.assert_allclose(line.get_xdata(), rows["write"])
            np.testing.assert_allclose(line.get_ydata(), rows["estimate"])
        # the bands span the confidence intervals
        band = ax.collections[0].get_paths()[0].vertices
        rows = table[(table["outcome"] == ax.get_title()) & (table["ses"] == "high")]
        assert band[:, 1].min() == pytest.approx(rows["conf_low"].min())
        assert band[:, 1].max() == pytest.approx(rows["conf_high"].max())
    assert fig.axes[0].get_legend().get_title().get_text() == "ses"
    title = fig._suptitle.get_text()
    assert "95% CIs" in title and "averaged over 200 rows" in title


def test_single_values_are_held_fixed_in_the_title(res):
    fig = res.plot_predictions(at={"write": [40, 60], "ses": "low"}, atmeans=True, alpha=0.1)
    title = fig._suptitle.get_text()
    assert "ses = low" in title and "90% CIs" in title and "at their means" in title
    assert fig.axes[0].get_legend() is None
    assert len(fig.axes[0].get_lines()) == 1


def test_factor_on_the_axis_and_a_default_range(res, hsbdemo):
    fig = res.plot_predictions(x="ses", outcomes=["general"])
    (ax,) = [a for a in fig.axes if a.get_visible()]
    assert [t.get_text() for t in ax.get_xticklabels()] == SES
    fig = res.plot_predictions(x="write", by="female", n_points=7)
    line = fig.axes[0].get_lines()[0]
    assert len(line.get_xdata()) == 7
    assert line.get_xdata()[0] == hsbdemo["write"].min()
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["female", "male"]


def test_bad_requests(res):
    with pytest.raises(MNLogitError, match="needs x= or at="):
        res.plot_predictions()
    with pytest.raises(MNLogitError, match="'math' is not a variable"):
        res.plot_predictions(x="math")
    with pytest.raises(MNLogitError, match="'elite' is not an outcome level"):
        res.plot_predictions(x="write", outcomes=["elite"])
    with pytest.raises(MNLogitError, match=r"one value; for one line per value use plot_pred"):
        res.plot_effects("write", at={"ses": ["low", "high"]})
