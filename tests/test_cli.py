"""The command line: the main job prints the anes96 summary; errors are one clear line."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import load_reference
from scipy import stats

import mnlogit
from mnlogit.cli import main


def test_main_job_prints_the_summary():
    out = subprocess.run(
        [sys.executable, "-m", "mnlogit"], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    assert "Multinomial logit regression results" in out
    assert "Reference outcome:" in out and "Democrat" in out
    assert "party3 = Independent" in out and "party3 = Republican" in out


def test_fit_on_a_csv_with_reference_and_odds_ratios(tmp_path, capsys):
    path = tmp_path / "d.csv"
    path.write_text("y,x\n" + "\n".join(f"{'abc'[i % 3]},{(i * 7) % 11}" for i in range(60)))
    assert main(["fit", "y ~ x", "--data", str(path), "--reference", "b", "--odds-ratios"]) == 0
    out = capsys.readouterr().out
    assert "RRR" in out and "y = a" in out and "y = c" in out


def test_bad_input_is_one_line_and_exit_code_2(capsys):
    assert main(["fit", "nope ~ x", "--data", "iris"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mnlogit: error:") and "'nope'" in err and "Traceback" not in err


def test_mnist_command_trains_and_reports_the_test_accuracy(tmp_path, capsys):
    from mnlogit.datasets import load_mnist
    from mnlogit.nn import MLP, load

    path = tmp_path / "net.npz"
    args = ["mnist", "--limit", "2000", "--epochs", "2", "--hidden", "30", "--lr", "0.2"]
    assert main([*args, "--seed", "3", "--quiet", "--save", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "784-30-10 logistic network on 2000 MNIST images"
    reported = float(out[1].split()[3])
    # The same training through the API gives the accuracy the command printed.
    (X, y), (X_test, y_test) = load_mnist()
    net = MLP(30, epochs=2, lr=0.2, seed=3).fit(X[:2000], y[:2000])
    assert reported == round(net.score(X_test, y_test), 4)
    np.testing.assert_array_equal(load(path).coefs_[0], net.coefs_[0])


def test_mnist_command_softmax_prints_epoch_table(capsys):
    assert main(["mnist", "--model", "softmax", "--limit", "1000", "--epochs", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("softmax regression on 1000 MNIST images")
    assert "validation_accuracy" in out and "final test accuracy: 0." in out


def test_mnist_command_missing_data_is_one_line(tmp_path, capsys):
    assert main(["mnist", "--fashion", "--data", str(tmp_path), "--epochs", "1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mnlogit: error:") and "fashion-mnist IDX files" in err
    assert "Traceback" not in err


# -- version, covariance and output options ------------------------------------------

HSBDEMO = str(Path(__file__).parent / "data" / "hsbdemo.csv")


def _csv_table(capsys, *args):
    assert main(["fit", *args, "--output", "csv"]) == 0
    return pd.read_csv(io.StringIO(capsys.readouterr().out), keep_default_na=False)


def test_version_is_the_package_version(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.strip() == f"mnlogit {mnlogit.__version__}"


@pytest.mark.parametrize(
    ("options", "cov_type"),
    [
        ([], "nonrobust"),
        (["--cov-type", "HC0"], "HC0"),
        (["--cov-type", "HC1"], "HC1"),
        (["--cluster", "cid"], "cluster"),
        (["--cov-type", "cluster", "--cluster", "cid"], "cluster"),
    ],
)
def test_covariance_options_match_statsmodels(capsys, options, cov_type):
    ref = load_reference("toolkit_statsmodels")["hsbdemo"]
    args = [ref["formula"], "--data", HSBDEMO, "--reference", ref["reference"], *options]
    table = _csv_table(capsys, *args)
    # Rows are outcome-major, the order of the stored statsmodels parameters.
    np.testing.assert_allclose(table["estimate"], ref["params"], rtol=1e-7)
    expected_se = np.sqrt(np.diag(ref[f"cov_{cov_type}"]))
    np.testing.assert_allclose(table["std_error"], expected_se, rtol=1e-6)


def test_alpha_sets_the_interval_width(capsys):
    table = _csv_table(capsys, "Species ~ Sepal_Length", "--data", "iris", "--alpha", "0.1")
    half = stats.norm.ppf(0.95) * table["std_error"]
    np.testing.assert_allclose(table["conf_low"], table["estimate"] - half, rtol=1e-12)
    np.testing.assert_allclose(table["conf_high"], table["estimate"] + half, rtol=1e-12)
    assert main(["fit", "Species ~ Sepal_Length", "--data", "iris", "--alpha", "1.5"]) == 2
    assert "alpha must be strictly between 0 and 1" in capsys.readouterr().err


def test_weights_equal_expanded_rows(tmp_path, capsys):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"y": rng.choice(list("abc"), 80), "x": rng.normal(size=80)})
    frame["w"] = rng.integers(1, 4, size=80)
    weighted, expanded = tmp_path / "weighted.csv", tmp_path / "expanded.csv"
    frame.to_csv(weighted, index=False)
    frame.loc[frame.index.repeat(frame["w"])].to_csv(expanded, index=False)
    by_weights = _csv_table(capsys, "y ~ x", "--data", str(weighted), "--weights", "w")
    by_rows = _csv_table(capsys, "y ~ x", "--data", str(expanded))
    np.testing.assert_allclose(by_weights["estimate"], by_rows["estimate"], rtol=1e-9)
    np.testing.assert_allclose(by_weights["std_error"], by_rows["std_error"], rtol=1e-9)


def test_json_output_is_strict_json_with_fit_statistics(capsys):
    args = ["Species ~ Sepal_Length", "--data", "iris", "--cluster", "Petal_Width"]
    assert main(["fit", *args, "--output", "json"]) == 0

    def refuse(constant):
        raise AssertionError(f"{constant} is not JSON")

    document = json.loads(capsys.readouterr().out, parse_constant=refuse)
    res = mnlogit.fit(
        "Species ~ Sepal_Length",
        mnlogit.datasets.load_iris(),
        cov_type="cluster",
        groups="Petal_Width",
    )
    assert document["fit"]["cov_type"] == "cluster" and document["fit"]["n_clusters"] == 22
    assert document["fit"]["llf"] == res.llf and document["fit"]["nobs"] == 150
    rows = pd.DataFrame(document["coefficients"])
    np.testing.assert_array_equal(rows["std_error"], res.tidy()["std_error"])


def test_json_output_writes_missing_standard_errors_as_null(capsys):
    # Both sepal measures separate setosa: the fit has no standard errors (NaN).
    formula = "Species ~ Sepal_Length + Sepal_Width"
    with pytest.warns(mnlogit.PerfectSeparationWarning):
        assert main(["fit", formula, "--data", "iris", "--output", "json"]) == 0
    out = capsys.readouterr().out
    assert "NaN" not in out
    document = json.loads(out)
    assert document["fit"]["converged"] is False
    assert any(row["std_error"] is None for row in document["coefficients"])


def test_latex_output_is_the_summary_as_latex(capsys):
    assert (
        main(
            [
                "fit",
                "Species ~ Sepal_Length",
                "--data",
                "iris",
                "--output",
                "latex",
                "--odds-ratios",
            ]
        )
        == 0
    )
    res = mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris())
    assert capsys.readouterr().out == res.summary(odds_ratios=True).as_latex().rstrip("\n") + "\n"


def test_verbose_prints_one_line_per_newton_iteration(capsys, caplog):
    with caplog.at_level("INFO", logger="mnlogit"):
        code = main(
            ["fit", "Species ~ Sepal_Length", "--data", "iris", "--verbose", "--output", "json"]
        )
    assert code == 0
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    document = json.loads(captured.out)
    assert len(lines) == document["fit"]["iterations"]
    # One log record per iteration too (not one from the CLI and one from the fit).
    assert len([r for r in caplog.records if r.name == "mnlogit.newton"]) == len(lines)
    assert lines[-1].startswith(f"mnlogit iteration {document['fit']['iterations']}: llf=")
    assert float(lines[-1].split("llf=")[1].split()[0]) == pytest.approx(document["fit"]["llf"])


@pytest.mark.parametrize(
    "options", [["--cov-type", "cluster"], ["--cov-type", "HC1", "--cluster", "Petal_Width"]]
)
def test_cluster_options_must_agree(capsys, options):
    assert main(["fit", "Species ~ Sepal_Length", "--data", "iris", *options]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mnlogit: error:") and "--cluster COLUMN" in err
