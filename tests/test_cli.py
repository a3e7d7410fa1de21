"""The command line: the main job prints the anes96 summary; errors are one clear line."""

from __future__ import annotations

import subprocess
import sys

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
