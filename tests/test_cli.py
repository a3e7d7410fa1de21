"""The command line: the main job prints the anes96 summary; errors are one clear line."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

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
    net = MLP(30)
    net.fit(X[:2000], y[:2000], epochs=2, lr=0.2, seed=3, verbose=False)
    assert reported == round(net.score(X_test, y_test), 4)
    np.testing.assert_array_equal(load(path).weights[0], net.weights[0])


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
