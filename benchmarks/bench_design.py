"""The formula path against the array path (issue 11's targets), side by side.

    python benchmarks/bench_design.py                 # both cases, 5 repetitions
    python benchmarks/bench_design.py --write         # also RESULTS_design.md

The cases and the two mnlogit tools are those of ``bench_fit.py`` (imported from it):
``n1e6`` (10^6 rows, K = 5, 20 standard-normal predictors) and ``categorical`` (10^6
rows, K = 5, three factors of 4, 3 and 5 levels). ``mnlogit (arrays)`` fits the design
matrix bench_fit builds (constant first); ``mnlogit (formula)`` fits the formula over the
DataFrame (the design layer included), and ``mnlogit (formula, polars)`` the same formula
over a polars copy of the frame. Repetitions are interleaved; medians are reported.
Peak memory of each fit runs in a fresh subprocess (bench_fit's child: VmHWM after the
fit minus VmRSS before it, the package imported first), against the bytes of the
10^6 x 21 float64 design.

Targets: formula <= 1.25x the array fit (continuous), <= 1.5x (three factors), same
log-likelihood; formula peak memory <= 1.6x the design's bytes.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import time
from pathlib import Path

import numpy as np
from bench_fit import make_case, memory, run_tool

import mnlogit

HERE = Path(__file__).resolve().parent
TOOLS = ["mnlogit (arrays)", "mnlogit (formula)", "mnlogit (formula, polars)"]


def fit(tool: str, case: dict) -> float:
    """One fit with standard errors; its log-likelihood."""
    if tool == "mnlogit (formula, polars)":
        res = mnlogit.fit(case["formula"], case["polars"])
        _ = res.bse  # the standard errors are part of the timed work
        return res.llf
    return run_tool(tool, case)["llf"]


def bench(name: str, reps: int) -> dict:
    case = make_case(name)
    try:
        import polars as pl

        case["polars"] = pl.from_pandas(case["data"])
    except ImportError:
        TOOLS.remove("mnlogit (formula, polars)")
    times: dict[str, list[float]] = {tool: [] for tool in TOOLS}
    llf: dict[str, float] = {}
    for _ in range(reps):
        for tool in TOOLS:
            start = time.perf_counter()
            llf[tool] = fit(tool, case)
            times[tool].append(time.perf_counter() - start)
    design_mb = case["X"].nbytes / 2**20
    row = {"case": name, "design_mb": design_mb, "tools": {}}
    base = statistics.median(times["mnlogit (arrays)"])
    for tool in TOOLS:
        seconds = statistics.median(times[tool])
        entry = {
            "seconds": seconds,
            "ratio": seconds / base,
            "llf_rel": abs(llf[tool] - llf["mnlogit (arrays)"]) / abs(llf["mnlogit (arrays)"]),
        }
        if tool != "mnlogit (formula, polars)":
            entry["peak_mb"] = memory(tool, name)["peak_mb"]
            entry["peak_ratio"] = entry["peak_mb"] / design_mb
        row["tools"][tool] = entry
        print(json.dumps({"case": name, "tool": tool, **entry}), flush=True)
    return row


def table(rows: list[dict]) -> str:
    lines = [
        "| case | tool | seconds (median) | vs arrays | llf rel. diff | peak MB | peak / design |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        for tool, e in row["tools"].items():
            peak = f"{e['peak_mb']:.0f}" if "peak_mb" in e else ""
            ratio = f"{e['peak_ratio']:.2f}x" if "peak_ratio" in e else ""
            lines.append(
                f"| {row['case']} | {tool} | {e['seconds']:.3f} | {e['ratio']:.2f}x | "
                f"{e['llf_rel']:.1e} | {peak} | {ratio} |"
            )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", nargs="*", default=["n1e6", "categorical"])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--write", action="store_true", help="write RESULTS_design.md")
    args = parser.parse_args()
    load_before = os.getloadavg()
    rows = [bench(name, args.reps) for name in args.cases]
    text = table(rows)
    print(text)
    if args.write:
        stamp = datetime.date.today().isoformat()
        load = ", ".join(f"{v:.1f}" for v in load_before)
        after = ", ".join(f"{v:.1f}" for v in os.getloadavg())
        (HERE / "RESULTS_design.md").write_text(
            f"# Formula path vs array path ({stamp})\n\n"
            f"`python benchmarks/bench_design.py --write` ({args.reps} interleaved repetitions, "
            f"medians; load average {load} before, {after} after; 2 cores shared).\n\n"
            f"{text}\nThe design is 10^6 x 21 float64 = {rows[0]['design_mb']:.0f} MiB. "
            "Targets (issue 11): formula <= 1.25x arrays with 20 continuous predictors, "
            "<= 1.5x with three factors; peak <= 1.6x the design's bytes.\n"
        )


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
