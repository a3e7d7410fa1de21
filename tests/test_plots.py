"""Figures rendered headless (Agg): their content (lines, labels, values), not pixels."""

from __future__ import annotations

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import mnlogit  # noqa: E402
from mnlogit import plots  # noqa: E402
from mnlogit.exceptions import MNLogitError  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def fitted(anes96):
    return mnlogit.fit("party3 ~ age + income + C(education)", anes96)


def test_effect_plot_lines_are_the_predictions(fitted, anes96):
    ax = plots.plot_effects(fitted, "income", at={"age": 40}, n_points=11)
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["Democrat", "Independent", "Republican"]
    assert ax.get_xlabel() == "income" and ax.get_ylabel() == "Predicted probability"
    x = np.linspace(anes96["income"].min(), anes96["income"].max(), 11)
    mode = anes96["education"].mode().iloc[0]
    new = pd.DataFrame(
        {
            "age": 40,
            "income": x,
            "education": pd.Categorical([mode] * 11, categories=anes96["education"].cat.categories),
        }
    )
    expected = fitted.predict(new)
    for line in lines:
        np.testing.assert_allclose(line.get_xdata(), x)
        np.testing.assert_allclose(line.get_ydata(), expected[line.get_label()], rtol=1e-12)
    assert len(ax.collections) == 3  # one confidence band per outcome


def test_effect_plot_of_a_factor_has_error_bars(fitted, anes96):
    ax = plots.plot_effects(fitted, "education", outcomes=["Republican"])
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == list(anes96["education"].cat.categories)
    assert [c.get_label() for c in ax.containers] == ["Republican"]


def test_effect_plot_of_an_array_fit(anes96):
    X = np.column_stack([np.ones(len(anes96)), anes96["age"], anes96["income"]])
    res = mnlogit.MNLogit(anes96["party3"], X).fit()
    ax = plots.plot_effects(res, "x2", n_points=5)
    assert ax.get_lines()[0].get_xdata().tolist() == [1.0, 6.75, 12.5, 18.25, 24.0]


def test_forest_plot_shows_every_ratio(fitted):
    ax = plots.plot_odds_ratios(fitted, terms=["age", "income"], alpha=0.1)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [
        "Independent: age",
        "Independent: income",
        "Republican: age",
        "Republican: income",
    ]
    assert ax.get_xscale() == "log"
    points = ax.get_lines()[0]
    ratios = fitted.odds_ratios(0.1)
    expected = [
        ratios.loc[(o, t), "odds_ratio"]
        for o, t in [
            ("Independent", "age"),
            ("Independent", "income"),
            ("Republican", "age"),
            ("Republican", "income"),
        ]
    ]
    np.testing.assert_allclose(points.get_xdata(), expected)
    segments = ax.collections[0].get_segments()
    np.testing.assert_allclose(
        [s[0][0] for s in segments],
        [
            ratios.loc[(o, t), "lower"]
            for o, t in [
                ("Independent", "age"),
                ("Independent", "income"),
                ("Republican", "age"),
                ("Republican", "income"),
            ]
        ],
    )


def test_learning_curves():
    history = pd.DataFrame(
        {
            "epoch": [1, 2, 3],
            "train_loss": [0.9, 0.5, 0.4],
            "train_accuracy": [0.7, 0.8, 0.85],
            "validation_accuracy": [0.68, 0.79, 0.8],
            "seconds": [1, 1, 1],
        }
    )
    fig = plots.plot_learning_curves(history)
    loss_ax, acc_ax = fig.axes
    assert loss_ax.get_lines()[0].get_ydata().tolist() == [0.9, 0.5, 0.4]
    assert [line.get_label() for line in acc_ax.get_lines()] == ["train", "validation"]
    with pytest.raises(mnlogit.DataError, match="'train_loss'"):
        plots.plot_learning_curves(history.drop(columns="train_loss"))


def test_bad_requests(fitted):
    with pytest.raises(MNLogitError, match="'PID' is not a variable"):
        plots.plot_effects(fitted, "PID")
    with pytest.raises(MNLogitError, match="'nope' not among"):
        plots.plot_odds_ratios(fitted, terms=["nope"])
