"""Logging, iteration reports, progress bars and missing optional dependencies."""

from __future__ import annotations

import io
import logging
import sys
import types
import warnings

import pytest

import mnlogit
from mnlogit import log
from mnlogit.optional import require


def test_the_package_logger_is_silent_unless_configured(capsys):
    root = logging.getLogger("mnlogit")
    assert any(isinstance(h, logging.NullHandler) for h in root.handlers)
    # Without the NullHandler, Python's last-resort handler would print this to stderr.
    log.get_logger("newton").warning("not shown")
    assert capsys.readouterr().err == ""


def test_every_newton_iteration_is_logged_and_printed_when_verbose(capsys, caplog):
    seen: list[dict] = []
    with caplog.at_level(logging.INFO, logger="mnlogit"):
        res = mnlogit.fit(
            "Species ~ Sepal_Length",
            mnlogit.datasets.load_iris(),
            verbose=True,
            callback=seen.append,
        )
    lines = [ln for ln in capsys.readouterr().err.splitlines() if "iteration" in ln]
    # One record, one line and one callback per row of the fit's own iteration history.
    assert len(lines) == len(caplog.records) == len(seen) == res.iterations == len(res.history)
    assert {r.name for r in caplog.records} == {"mnlogit.newton"}
    assert all(r.levelno == logging.INFO for r in caplog.records)
    last = lines[-1]
    assert last.startswith(f"mnlogit iteration {res.iterations}: llf=")
    assert float(last.split("llf=")[1].split()[0]) == pytest.approx(res.llf, rel=1e-9)
    assert [row["llf"] for row in seen] == res.history["llf"].tolist()


def test_iterations_are_quiet_by_default(capsys, caplog):
    with caplog.at_level(logging.INFO, logger="mnlogit"):
        mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris())
    assert capsys.readouterr().err == "" and caplog.records


def test_seconds_are_per_iteration_not_cumulative():
    stream = io.StringIO()
    report = log.IterationReporter(verbose=True, stream=stream)
    for i, seconds in enumerate([1.0, 3.5], start=1):
        report(
            {
                "iteration": i,
                "llf": -1.0,
                "step_size": 1.0,
                "max_abs_gradient": 0.1,
                "seconds": seconds,
            }
        )
    assert [line.split()[-2] for line in stream.getvalue().splitlines()] == ["1.0", "2.5"]


class ZMQInteractiveShell:  # the class name Jupyter kernels use for their shell
    pass


def _fake_notebook(monkeypatch, widgets: bool):
    fake = types.ModuleType("IPython")
    fake.get_ipython = ZMQInteractiveShell  # returns an instance of the kernel shell
    monkeypatch.setitem(sys.modules, "IPython", fake)
    real_find_spec = log.importlib.util.find_spec

    def find_spec(name, *args):
        if name == "ipywidgets":
            return object() if widgets else None
        return real_find_spec(name, *args)

    monkeypatch.setattr(log.importlib.util, "find_spec", find_spec)


def test_progress_bar_in_a_notebook_without_widgets_never_warns(monkeypatch):
    pytest.importorskip("tqdm")
    from tqdm.std import tqdm as text_tqdm

    assert log.tqdm_class() is text_tqdm and not log.in_notebook()
    _fake_notebook(monkeypatch, widgets=False)
    assert log.in_notebook()
    bar_class = log.tqdm_class()
    assert bar_class is text_tqdm
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # tqdm.auto would warn "IProgress not found" here
        bar = bar_class(total=3, file=io.StringIO())
        bar.update(3)
        bar.close()


def test_progress_bar_in_a_notebook_with_widgets_is_the_widget(monkeypatch):
    pytest.importorskip("tqdm")
    from tqdm.notebook import tqdm as notebook_tqdm

    _fake_notebook(monkeypatch, widgets=True)
    assert log.tqdm_class() is notebook_tqdm


def test_no_progress_bar_without_tqdm(monkeypatch):
    real_find_spec = log.importlib.util.find_spec
    monkeypatch.setattr(
        log.importlib.util, "find_spec", lambda n, *a: None if n == "tqdm" else real_find_spec(n)
    )
    assert log.tqdm_class() is None


def test_missing_optional_dependency_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)  # import now fails
    with pytest.raises(
        ImportError,
        match=r"plotting needs matplotlib\.pyplot \(matplotlib\)"
        r'.*pip install "mnlogit\[plot\]"',
    ) as info:
        require("matplotlib.pyplot", "plot", "plotting")
    assert info.value.name == "matplotlib.pyplot"


def test_plots_without_matplotlib_name_the_plot_extra(monkeypatch):
    res = mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris())
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r'pip install "mnlogit\[plot\]"'):
        res.plot_odds_ratios()
