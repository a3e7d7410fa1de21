"""Side-by-side benchmark of exact multinomial-logit fits (not part of the unit tests).

    python benchmarks/bench_fit.py                      # every case, 3 repetitions
    python benchmarks/bench_fit.py --cases n1e6 --reps 5
    python benchmarks/bench_fit.py --huge               # also the 10^7-row fit (ours only)
    python benchmarks/bench_fit.py --write              # RESULTS_fit.md + notes/perf_readme.md

Data: ``mnlogit.datasets.make_multinomial`` (seed 1). Cases: K = 5 outcomes and
p = 20 standard-normal predictors at n = 10^4, 10^5, 10^6; a wide case K = 10,
p = 50, n = 2*10^5; a categorical-only case (n = 10^6, x1..x3 of a K = 5 draw cut
into 4, 3 and 5 quantile bins, used as factors).

Tools, timed in the same process, interleaved repetition by repetition, medians:

- ``mnlogit (arrays)``: ``MNLogit(y, X).fit()`` and its standard errors;
- ``mnlogit (formula)``: ``mnlogit.fit(formula, data)`` and standard errors (patsy included);
- ``statsmodels``: ``MNLogit(y, X).fit(method="newton", disp=0)`` and ``cov_params()``;
- ``scikit-learn``: ``LogisticRegression(C=np.inf, solver="lbfgs", tol=1e-8)``
  (unpenalised; no standard errors exist for it).

The array tools get the same float64 design (constant column first) and integer
outcome codes. Log-likelihoods are printed relative to ours, standard errors of
statsmodels as the largest relative difference. Peak memory of each fit runs in a
fresh subprocess: after the data are built the kernel's peak-RSS counter is reset
(``/proc/self/clear_refs``), and the fit's peak is VmHWM after the fit minus VmRSS
before it -- real resident memory, BLAS buffers included. The floor is 2 x the time
of one Hessian-sized product ``X' [X*c_1, ..., X*c_P]`` over all rows (P = K(K-1)/2
outcome pairs) with numpy's BLAS as configured (multi-threaded), fixed Z blocks of
65,536 rows: the least an exact fit with standard errors must compute (a last
Newton step and the covariance).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import mnlogit
from mnlogit.datasets import make_multinomial

HERE = Path(__file__).resolve().parent
CASES = {
    "n1e4": {"n": 10_000, "p": 20, "k": 5},
    "n1e5": {"n": 100_000, "p": 20, "k": 5},
    "n1e6": {"n": 1_000_000, "p": 20, "k": 5},
    "wide": {"n": 200_000, "p": 50, "k": 10},
    "categorical": {"n": 1_000_000, "p": 3, "k": 5, "bins": (4, 3, 5)},
}
TOOLS = ["mnlogit (arrays)", "mnlogit (formula)", "statsmodels", "scikit-learn"]


def make_case(name: str) -> dict:
    """Data of a case: the DataFrame, formula, design array (constant first) and codes."""
    spec = CASES[name]
    data, _ = make_multinomial(n=spec["n"], p=spec["p"], k=spec["k"], seed=1)
    if "bins" in spec:
        for j, bins in enumerate(spec["bins"], start=1):
            data[f"x{j}"] = pd.qcut(data[f"x{j}"], bins, labels=[f"b{b}" for b in range(bins)])
        terms = [f"C(x{j})" for j in range(1, spec["p"] + 1)]
        dummies = pd.get_dummies(data.iloc[:, 1:], drop_first=True, dtype=np.float64)
        X = np.column_stack([np.ones(len(data)), dummies.to_numpy()])
    else:
        terms = [f"x{j}" for j in range(1, spec["p"] + 1)]
        X = np.column_stack([np.ones(len(data)), data.iloc[:, 1:].to_numpy()])
    y = data["y"].cat.codes.to_numpy().astype(np.int64)
    return {"data": data, "formula": "y ~ " + " + ".join(terms), "X": X, "y": y}


def run_tool(tool: str, case: dict) -> dict:
    """Fit once; the log-likelihood and (where they exist) standard errors, outcome-major."""
    X, y = case["X"], case["y"]
    if tool.startswith("mnlogit"):
        if tool == "mnlogit (arrays)":
            res = mnlogit.MNLogit(y, X).fit()
        else:
            res = mnlogit.fit(case["formula"], case["data"])
        bse = res.bse.to_numpy().T.ravel()
        return {"llf": res.llf, "bse": bse, "converged": res.converged}
    if tool == "statsmodels":
        import statsmodels.api as sm

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = sm.MNLogit(y, X).fit(method="newton", disp=0)
            cov = res.cov_params()
        bse = np.sqrt(np.diag(np.asarray(cov)))  # statsmodels orders outcome-major too
        return {"llf": float(res.llf), "bse": bse, "converged": bool(res.mle_retvals["converged"])}
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=np.inf, solver="lbfgs", tol=1e-8, max_iter=10_000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X[:, 1:], y)
    log_proba = model.predict_log_proba(X[:, 1:])
    llf = float(log_proba[np.arange(len(y)), np.searchsorted(model.classes_, y)].sum())
    return {"llf": llf, "bse": None, "converged": bool(model.n_iter_.max() < 10_000)}


def hessian_floor(X: np.ndarray, n_outcomes: int, reps: int) -> float:
    """2 x the median seconds of one product X' [X*c_1 ... X*c_P] over all rows.

    Timed with numpy's multi-threaded BLAS and with BLAS held to one thread, per
    repetition; the faster counts (a spinning multi-threaded BLAS is slow on a busy
    machine, a single thread is slow on an idle one).
    """
    from threadpoolctl import threadpool_limits

    m = n_outcomes - 1
    pairs = m * (m + 1) // 2
    block = 65_536
    Z = np.random.default_rng(0).random((min(block, X.shape[0]), X.shape[1] * pairs))

    def product() -> float:
        start = time.perf_counter()
        total = np.zeros((X.shape[1], Z.shape[1]))
        for first in range(0, X.shape[0], block):
            rows = X[first : first + block]
            total += rows.T @ Z[: rows.shape[0]]
        return time.perf_counter() - start

    times = []
    for _ in range(reps):
        with threadpool_limits(1, user_api="blas"):
            single = product()
        times.append(min(product(), single))
    return 2.0 * statistics.median(times)


def _status(field: str) -> float:
    """A VmRSS/VmHWM line of /proc/self/status in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024.0
    raise KeyError(field)


def child_memory(tool: str, name: str) -> None:
    """Subprocess entry: print the fit's peak memory above the loaded data, in MB."""
    case = make_case(name)
    import gc

    # The public names load lazily: import the engine before measuring the fit itself.
    import mnlogit.api  # noqa: F401

    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current RSS
    before = _status("VmRSS")
    start = time.perf_counter()
    result = run_tool(tool, case)
    seconds = time.perf_counter() - start
    print(
        json.dumps(
            {
                "peak_mb": _status("VmHWM") - before,
                "seconds": seconds,
                "llf": result["llf"],
                "x_mb": case["X"].nbytes / 2**20,
            }
        )
    )


def memory(tool: str, name: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", tool, name],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_case(name: str, reps: int, with_memory: bool) -> dict:
    case = make_case(name)
    times: dict[str, list[float]] = {tool: [] for tool in TOOLS}
    results: dict[str, dict] = {}
    for _ in range(reps):
        for tool in TOOLS:
            start = time.perf_counter()
            results[tool] = run_tool(tool, case)
            times[tool].append(time.perf_counter() - start)
    ours = results["mnlogit (arrays)"]
    row = {
        "case": name,
        "n": len(case["y"]),
        "K": CASES[name]["k"],
        "k": case["X"].shape[1],
        "x_mb": case["X"].nbytes / 2**20,
        "floor": hessian_floor(case["X"], CASES[name]["k"], reps),
        "tools": {},
    }
    for tool in TOOLS:
        r = results[tool]
        entry = {
            "seconds": statistics.median(times[tool]),
            "llf": r["llf"],
            "llf_rel": abs(r["llf"] - ours["llf"]) / abs(ours["llf"]),
            "converged": r["converged"],
        }
        if tool == "statsmodels":
            entry["se_rel"] = float(np.max(np.abs(r["bse"] - ours["bse"]) / r["bse"]))
        if with_memory:
            entry["peak_mb"] = memory(tool, name)["peak_mb"]
        row["tools"][tool] = entry
        print(json.dumps({"case": name, "tool": tool, **entry}), flush=True)
    print(json.dumps({"case": name, "floor": row["floor"]}), flush=True)
    return row


def huge(n: int) -> dict:
    """The 10^7-row in-memory fit (ours, arrays) in a fresh subprocess."""
    CASES["huge"] = {"n": n, "p": 20, "k": 5}
    out = subprocess.run(
        [sys.executable, __file__, "--child", "mnlogit (arrays)", "huge", "--huge-n", str(n)],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    print(json.dumps({"case": "huge", **result}), flush=True)
    return result


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import scipy
    import sklearn
    import statsmodels

    blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    return (
        f"{cpu}, {os.cpu_count()} cores, {mem_gb:.0f} GB RAM; Linux {platform.release()}; "
        f"Python {platform.python_version()}, numpy {np.__version__} ({blas['name']} "
        f"{blas.get('version', '')}), scipy {scipy.__version__}, pandas {pd.__version__}, "
        f"statsmodels {statsmodels.__version__}, scikit-learn {sklearn.__version__}, "
        f"mnlogit {mnlogit.__version__}. Load average at the start: "
        f"{', '.join(f'{v:.1f}' for v in os.getloadavg())} (the machine was shared)."
    )


def table(rows: list[dict], huge_result: dict | None) -> str:
    """The results as a Markdown table."""
    head = (
        "| case | n | K | k | tool | seconds | vs ours (arrays) | llf | llf rel. diff | "
        "max SE rel. diff | peak MB (X MB) | floor s (ours / floor) |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|\n"
    )
    lines = []
    for row in rows:
        ours = row["tools"]["mnlogit (arrays)"]["seconds"]
        for tool, e in row["tools"].items():
            ratio = e["seconds"] / ours
            floor = ""
            if tool == "mnlogit (arrays)":
                floor = f"{row['floor']:.3f} ({ours / row['floor']:.2f}x)"
            peak = f"{e['peak_mb']:.0f} ({row['x_mb']:.0f})" if "peak_mb" in e else ""
            se = (
                f"{e['se_rel']:.1e}"
                if "se_rel" in e
                else ("" if tool != "scikit-learn" else "none")
            )
            lines.append(
                f"| {row['case']} | {row['n']:,} | {row['K']} | {row['k']} | {tool} | "
                f"{e['seconds']:.3f} | {ratio:.2f}x | {e['llf']:.6f} | {e['llf_rel']:.1e} | {se} | "
                f"{peak} | {floor} |"
            )
    text = head + "\n".join(lines) + "\n"
    if huge_result:
        text += (
            f"\n10^7 rows (K = 5, p = 20, arrays, fresh process): fit and standard errors in "
            f"{huge_result['seconds']:.1f} s, peak {huge_result['peak_mb']:.0f} MB above the "
            f"loaded data (X is {huge_result['x_mb']:.0f} MB), llf {huge_result['llf']:.4f}.\n"
        )
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", nargs="*", default=list(CASES), choices=list(CASES))
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument(
        "--wide-reps",
        type=int,
        default=1,
        help="repetitions of the wide case (statsmodels needs minutes per fit there)",
    )
    parser.add_argument("--no-memory", action="store_true", help="skip the subprocess fits")
    parser.add_argument("--huge", action="store_true", help="also fit 10^7 rows (ours only)")
    parser.add_argument("--huge-n", type=int, default=10_000_000)
    parser.add_argument("--write", action="store_true", help="write RESULTS_fit.md and the note")
    parser.add_argument("--child", nargs=2, metavar=("TOOL", "CASE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        if args.child[1] == "huge":
            CASES["huge"] = {"n": args.huge_n, "p": 20, "k": 5}
        child_memory(*args.child)
        return
    description = machine()
    print(description, flush=True)
    rows = [
        bench_case(name, args.wide_reps if name == "wide" else args.reps, not args.no_memory)
        for name in args.cases
    ]
    huge_result = huge(args.huge_n) if args.huge else None
    text = table(rows, huge_result)
    print(text)
    if args.write:
        date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        (HERE / "RESULTS_fit.md").write_text(
            f"# Exact multinomial-logit fits: mnlogit, statsmodels, scikit-learn\n\n"
            f"Produced by `python benchmarks/bench_fit.py {' '.join(sys.argv[1:])}` on "
            f"{date}.\n\nMachine: {description}\n\n{table(rows, huge_result)}"
        )


if __name__ == "__main__":
    main()
