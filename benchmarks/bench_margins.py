"""Benchmark of margins against the fit they come from (not part of the unit tests).

    python benchmarks/bench_margins.py                 # n = 10^5 side by side, n = 10^6 AMEs
    python benchmarks/bench_margins.py --reps 5 --write  # also RESULTS_margins.md

Data: ``benchmarks/bench_fit.make_case`` (``make_multinomial``, seed 1): K = 5 outcomes,
p = 20 standard-normal predictors, the formula ``y ~ x1 + ... + x20``.

At n = 10^5, timed in one process, interleaved repetition by repetition, medians:

- ``fit``: ``mnlogit.fit(formula, data)`` with standard errors (the reference time);
- ``AMEs``: ``marginal_effects()``, all 20 average marginal effects on all 5
  outcomes with delta-method standard errors;
- ``effects at means``: ``marginal_effects(at="mean")``;
- ``10-point grid``: ``predictions(at={"x1": 10 values})``, predictive margins of all
  outcomes with standard errors;
- statsmodels: ``MNLogit(y, X).fit(method="newton")`` and ``get_margeff(at="overall")``
  (first repetition only: minutes) / ``at="mean"`` (numerical Jacobians), with the largest
  relative differences of the effects and their standard errors from ours.

At n = 10^6 (fresh subprocess): the fit, then all AMEs; peak memory of the AMEs is
VmHWM after them minus VmRSS before (the kernel's peak counter reset through
``/proc/self/clear_refs``), beside the size of the design X.
"""

from __future__ import annotations

import argparse
import datetime
import json
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np

import mnlogit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_fit import machine, make_case  # noqa: E402

TASKS = ["fit", "AMEs", "effects at means", "10-point grid"]


def run_ours(case: dict) -> dict[str, tuple[float, object]]:
    """Seconds and result of each task on one formula fit."""
    timed = {"fit": _timed(lambda: mnlogit.fit(case["formula"], case["data"]))}
    res = timed["fit"][1]
    timed["AMEs"] = _timed(lambda: res.marginal_effects())
    timed["effects at means"] = _timed(lambda: res.marginal_effects(at="mean"))
    timed["10-point grid"] = _timed(lambda: res.predictions(at={"x1": np.linspace(-2.0, 2.0, 10)}))
    return timed


def _timed(call) -> tuple[float, object]:
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def run_statsmodels(case: dict, overall: bool = True) -> dict[str, tuple[float, object]]:
    """statsmodels' fit and effects; ``overall=False`` skips its slow AMEs."""
    import statsmodels.api as sm

    timed = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        timed["fit"] = _timed(lambda: sm.MNLogit(case["y"], case["X"]).fit(method="newton", disp=0))
        fitted = timed["fit"][1]
        if overall:
            timed["AMEs"] = _timed(lambda: fitted.get_margeff(at="overall"))
        timed["effects at means"] = _timed(lambda: fitted.get_margeff(at="mean"))
    return timed


def agreement(ours, theirs) -> tuple[float, float]:
    """Largest relative differences of statsmodels' effects and SEs from ours."""
    terms = [f"x{j}" for j in range(1, 21)]
    wide = ours.pivot(index="term", columns="outcome", values="effect").loc[terms]
    se = ours.pivot(index="term", columns="outcome", values="std_error").loc[terms]
    effect_ref, se_ref = np.asarray(theirs.margeff), np.asarray(theirs.margeff_se)
    return (
        float(np.max(np.abs(wide.to_numpy() - effect_ref) / np.abs(effect_ref))),
        float(np.max(np.abs(se.to_numpy() - se_ref) / se_ref)),
    )


def side_by_side(reps: int) -> dict:
    case = make_case("n1e5")
    seconds: dict[str, dict[str, list[float]]] = {"mnlogit": {}, "statsmodels": {}}
    theirs: dict = {}
    for rep in range(reps):
        ours = run_ours(case)
        # statsmodels' AMEs take minutes (a numerical Jacobian over all rows): once.
        timed = run_statsmodels(case, overall=rep == 0)
        theirs.update(timed)
        for tool, result in (("mnlogit", ours), ("statsmodels", timed)):
            for task, (elapsed, _) in result.items():
                seconds[tool].setdefault(task, []).append(elapsed)
    medians = {t: {k: statistics.median(v) for k, v in s.items()} for t, s in seconds.items()}
    close = {
        at: agreement(ours[task][1], theirs[task][1])
        for at, task in (("overall", "AMEs"), ("mean", "effects at means"))
    }
    result = {"seconds": medians, "agreement": close}
    print(json.dumps(result), flush=True)
    return result


def _status(field: str) -> float:
    """VmRSS or VmHWM of this process in MB."""
    lines = Path("/proc/self/status").read_text().splitlines()
    values = dict(line.split(":", 1) for line in lines if ":" in line)
    return int(values[field].split()[0]) / 1024.0


def child_million() -> None:
    """Subprocess entry: fit 10^6 rows, then time all AMEs and their peak memory."""
    case = make_case("n1e6")
    start = time.perf_counter()
    res = mnlogit.fit(case["formula"], case["data"])
    fit_seconds = time.perf_counter() - start
    Path("/proc/self/clear_refs").write_text("5")  # peak counter back to the current RSS
    before = _status("VmRSS")
    start = time.perf_counter()
    res.marginal_effects()
    seconds = time.perf_counter() - start
    peak = _status("VmHWM") - before
    print(
        json.dumps(
            {"fit": fit_seconds, "AMEs": seconds, "peak_mb": peak, "x_mb": case["X"].nbytes / 2**20}
        )
    )


def million() -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child"], capture_output=True, text=True, check=True
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    print(json.dumps({"n1e6": result}), flush=True)
    return result


def table(result: dict, big: dict) -> str:
    ours, theirs = result["seconds"]["mnlogit"], result["seconds"]["statsmodels"]
    lines = [
        "| task (n = 10^5, K = 5, 20 predictors) | mnlogit s | × its fit | statsmodels s "
        "| × its fit | statsmodels / mnlogit | max rel. diff effect / SE |",
        "|---|---|---|---|---|---|---|",
    ]
    for task in TASKS:
        ratio = "1.00" if task == "fit" else f"{ours[task] / ours['fit']:.2f}"
        row = f"| {task} | {ours[task]:.3f} | {ratio} |"
        if task in theirs:
            sm_ratio = "1.00" if task == "fit" else f"{theirs[task] / theirs['fit']:.2f}"
            row += f" {theirs[task]:.3f} | {sm_ratio} | {theirs[task] / ours[task]:.1f} |"
        else:
            row += " — | — | — |"
        at = {"AMEs": "overall", "effects at means": "mean"}.get(task)
        if at:
            effect, se = result["agreement"][at]
            row += f" {effect:.1e} / {se:.1e} |"
        else:
            row += " |"
        lines.append(row)
    lines.append(
        f"\nn = 10^6 (fresh process): fit {big['fit']:.2f} s; all 20 AMEs with SEs "
        f"{big['AMEs']:.2f} s ({big['AMEs'] / big['fit']:.2f}× the fit), peak memory of the "
        f"AMEs {big['peak_mb']:.0f} MB above the fitted state (X is {big['x_mb']:.0f} MB)."
    )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="write RESULTS_margins.md")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_million()
        return
    description = machine()
    print(description, flush=True)
    text = table(side_by_side(args.reps), million())
    print(text)
    if args.write:
        date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        (HERE / "RESULTS_margins.md").write_text(
            f"# Margins against the fit: mnlogit and statsmodels\n\nProduced by "
            f"`python benchmarks/bench_margins.py {' '.join(sys.argv[1:])}` on {date}.\n\n"
            f"Machine: {description}\n\n{text}"
        )


if __name__ == "__main__":
    main()
