"""Small-data benchmark: fits of 10^3 to 10^6 rows, the README's ANES model, a bootstrap.

    python benchmarks/bench_small.py                 # everything, 5 repetitions
    python benchmarks/bench_small.py --cases n1e3 n1e4 --reps 9
    python benchmarks/bench_small.py --write         # also RESULTS_small.md

Cases (``mnlogit.datasets.make_multinomial``, seed 1): K = 5 outcomes and p = 20
standard-normal predictors at n = 10^3, 10^4, 10^5, 10^6; the wide case K = 10,
p = 50, n = 2*10^5 (as in bench_fit.py). Tools, in one process, interleaved
repetition by repetition (the machine is shared: each tool sees the same load; ten times
``--reps`` repetitions at 10^3 rows, where a fit takes milliseconds, half of them at 10^6
rows and in the wide case):

- ``mnlogit``: ``MNLogit(y, X).fit()`` and its standard errors (arrays in);
- ``sklearn lbfgs`` / ``sklearn newton-cholesky``: ``LogisticRegression(C=np.inf,
  solver=..., tol=1e-8)`` (unpenalised, no standard errors exist for it);
- ``statsmodels``: ``MNLogit(y, X).fit(method="newton")`` and ``cov_params()`` (skipped
  at 10^6 rows and in the wide case, where one fit takes minutes; --statsmodels-all).

The ratio is ours over the faster scikit-learn solver, on the minimum and on the
median of the repetitions. The ANES 1996 model of the README is timed end to end
(``mnlogit.fit(...)`` then ``str(res.summary())``) and in parts: the model frame
(formula, patsy, data checks) and the fit plus summary from a built frame. The
bootstrap refits a hsbdemo-size model (200 rows, ``prog ~ C(ses) + write``, K = 3)
on 1,000 resamples of the rows with every tool, interleaved replicate by replicate.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

import mnlogit
from mnlogit.datasets import make_multinomial

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_fit import machine  # noqa: E402  (the same machine description as bench_fit)

CASES = {
    "n1e3": {"n": 1_000, "p": 20, "k": 5},
    "n1e4": {"n": 10_000, "p": 20, "k": 5},
    "n1e5": {"n": 100_000, "p": 20, "k": 5},
    "n1e6": {"n": 1_000_000, "p": 20, "k": 5},
    "wide": {"n": 200_000, "p": 50, "k": 10},
}
SKLEARN = ("sklearn lbfgs", "sklearn newton-cholesky")
ANES_FORMULA = "party3 ~ age + C(educ) + income + selfLR"
BOOTSTRAP_FORMULA = "prog ~ C(ses) + write"


def arrays(name: str) -> tuple[np.ndarray, np.ndarray]:
    """The case's design (constant column first) and integer outcome codes."""
    spec = CASES[name]
    data, _ = make_multinomial(n=spec["n"], p=spec["p"], k=spec["k"], seed=1)
    X = np.column_stack([np.ones(len(data)), data.iloc[:, 1:].to_numpy()])
    return X, data["y"].cat.codes.to_numpy().astype(np.int64)


def sklearn_fit(solver: str, X: np.ndarray, y: np.ndarray) -> float:
    """Unpenalised scikit-learn fit; its log-likelihood."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=np.inf, solver=solver, tol=1e-8, max_iter=10_000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X[:, 1:], y)
    log_proba = model.predict_log_proba(X[:, 1:])
    return float(log_proba[np.arange(len(y)), np.searchsorted(model.classes_, y)].sum())


def statsmodels_fit(X: np.ndarray, y: np.ndarray) -> float:
    """statsmodels Newton fit with its covariance; its log-likelihood."""
    import statsmodels.api as sm

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = sm.MNLogit(y, X).fit(method="newton", disp=0)
        res.cov_params()
    return float(res.llf)


def mnlogit_fit(X: np.ndarray, y: np.ndarray) -> float:
    """Our fit with standard errors; its log-likelihood."""
    res = mnlogit.MNLogit(y, X).fit()
    res.bse  # noqa: B018  (the standard errors are part of the timed work)
    return res.llf


def tools_for(name: str, statsmodels_all: bool) -> dict[str, Callable[..., float]]:
    tools: dict[str, Callable[..., float]] = {
        "mnlogit": mnlogit_fit,
        "sklearn lbfgs": lambda X, y: sklearn_fit("lbfgs", X, y),
        "sklearn newton-cholesky": lambda X, y: sklearn_fit("newton-cholesky", X, y),
    }
    if statsmodels_all or name not in ("n1e6", "wide"):
        tools["statsmodels"] = statsmodels_fit
    return tools


def interleaved(tools: dict[str, Callable[[], object]], reps: int) -> dict[str, list[float]]:
    """Seconds of each call, tool after tool within every repetition."""
    times: dict[str, list[float]] = {name: [] for name in tools}
    for _ in range(reps):
        for name, call in tools.items():
            start = time.perf_counter()
            call()
            times[name].append(time.perf_counter() - start)
    return times


def bench_case(name: str, reps: int, statsmodels_all: bool) -> dict:
    X, y = arrays(name)
    tools = tools_for(name, statsmodels_all)
    llfs = {tool: fit(X, y) for tool, fit in tools.items()}  # warm-up, and the answers
    n_rows = CASES[name]["n"]
    if n_rows >= 1_000_000 or name == "wide":
        reps = max(1, reps // 2)
    elif n_rows <= 1_000:
        # Fits of milliseconds: ten times the repetitions, or a shared machine's noise
        # decides the minimum.
        reps *= 10
    times = interleaved({tool: (lambda f=fit: f(X, y)) for tool, fit in tools.items()}, reps)
    row = {"case": name, **CASES[name], "reps": reps, "tools": {}}
    for tool, seconds in times.items():
        row["tools"][tool] = {
            "min": min(seconds),
            "median": statistics.median(seconds),
            "llf_rel": abs(llfs[tool] - llfs["mnlogit"]) / abs(llfs["mnlogit"]),
        }
    print(format_case(row), flush=True)
    return row


def format_case(row: dict) -> str:
    ours = row["tools"]["mnlogit"]
    best = {q: min(row["tools"][t][q] for t in SKLEARN) for q in ("min", "median")}
    parts = [f"{row['case']}: ours {ours['min'] * 1e3:.1f} ms (median {ours['median'] * 1e3:.1f})"]
    for tool, e in row["tools"].items():
        if tool != "mnlogit":
            parts.append(f"{tool} {e['min'] * 1e3:.1f} ms (llf rel. diff {e['llf_rel']:.1e})")
    parts.append(
        f"ratio to the faster scikit-learn {ours['min'] / best['min']:.2f} (min), "
        f"{ours['median'] / best['median']:.2f} (median)"
    )
    return "; ".join(parts)


def bench_anes(reps: int) -> dict:
    """The README's ANES fit and summary, end to end and in parts."""
    df = mnlogit.datasets.load_anes96()

    def end_to_end() -> None:
        str(mnlogit.fit(ANES_FORMULA, df, reference="Democrat").summary())

    def frame() -> None:
        mnlogit.MNLogit.from_formula(ANES_FORMULA, df, reference="Democrat")

    model = mnlogit.MNLogit.from_formula(ANES_FORMULA, df, reference="Democrat")

    def fit_and_summary() -> None:
        str(model.fit().summary())

    calls = {
        "fit + summary": end_to_end,
        "model frame": frame,
        "fit + summary, frame built": fit_and_summary,
    }
    for call in calls.values():
        call()
    times = interleaved(calls, reps)
    result = {name: (min(t), statistics.median(t)) for name, t in times.items()}
    share = result["model frame"][0] / result["fit + summary"][0]
    print(
        "ANES: "
        + "; ".join(f"{k} {v[0] * 1e3:.2f} ms (median {v[1] * 1e3:.2f})" for k, v in result.items())
        + f"; model-frame share {share:.0%}",
        flush=True,
    )
    return result


def bench_bootstrap(replicates: int) -> dict:
    """Seconds of ``replicates`` refits of a hsbdemo-size model on resampled rows."""
    data = pd.read_csv(HERE.parent / "tests" / "data" / "hsbdemo.csv")
    model = mnlogit.MNLogit.from_formula(BOOTSTRAP_FORMULA, data, reference="academic")
    X, y = model.frame.X, model.frame.outcome.codes
    rng = np.random.default_rng(2)
    samples = [rng.integers(0, len(data), len(data)) for _ in range(replicates)]
    tools: dict[str, Callable[[np.ndarray], object]] = {
        "mnlogit (formula)": lambda rows: (
            mnlogit.fit(BOOTSTRAP_FORMULA, data.iloc[rows], reference="academic").params
        ),
        "mnlogit (arrays)": lambda rows: mnlogit.MNLogit(y[rows], X[rows]).fit().params,
        "sklearn lbfgs": lambda rows: sklearn_fit("lbfgs", X[rows], y[rows]),
        "sklearn newton-cholesky": lambda rows: sklearn_fit("newton-cholesky", X[rows], y[rows]),
        "statsmodels": lambda rows: statsmodels_fit(X[rows], y[rows]),
    }
    totals = dict.fromkeys(tools, 0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a resample may separate: warnings are expected
        for rows in samples:
            for name, call in tools.items():
                start = time.perf_counter()
                call(rows)
                totals[name] += time.perf_counter() - start
    print(
        f"bootstrap ({replicates} replicates): "
        + "; ".join(
            f"{k} {v:.2f} s ({v / replicates * 1e3:.2f} ms each)" for k, v in totals.items()
        ),
        flush=True,
    )
    return totals


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def report(rows: list[dict], anes: dict | None, boot: dict | None, replicates: int) -> str:
    lines = [
        "| case | n | K | p | reps | mnlogit ms (min / median) | sklearn lbfgs | "
        "sklearn newton-cholesky | statsmodels | ours / faster sklearn (min; median) | "
        "max llf rel. diff |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def cell(t: dict, tool: str) -> str:
        if tool not in t:
            return "not run"
        return f"{t[tool]['min'] * 1e3:.1f} / {t[tool]['median'] * 1e3:.1f}"

    for row in rows:
        t = row["tools"]

        best = {q: min(t[s][q] for s in SKLEARN) for q in ("min", "median")}
        ratio = (
            f"{t['mnlogit']['min'] / best['min']:.2f}; "
            f"{t['mnlogit']['median'] / best['median']:.2f}"
        )
        llf = max(e["llf_rel"] for e in t.values())
        lines.append(
            f"| {row['case']} | {row['n']:,} | {row['k']} | {row['p']} | {row['reps']} | "
            f"{cell(t, 'mnlogit')} | {cell(t, 'sklearn lbfgs')} | "
            f"{cell(t, 'sklearn newton-cholesky')} | {cell(t, 'statsmodels')} | {ratio} | "
            f"{llf:.1e} |"
        )
    text = "\n".join(lines) + "\n"
    if anes:
        text += '\nANES 1996 (`mnlogit.fit("' + ANES_FORMULA + '", df, reference="Democrat")`'
        text += " then `str(res.summary())`), milliseconds, min / median:\n\n"
        text += "| part | ms |\n|---|---:|\n"
        text += "".join(f"| {k} | {v[0] * 1e3:.2f} / {v[1] * 1e3:.2f} |\n" for k, v in anes.items())
        share = anes["model frame"][0] / anes["fit + summary"][0]
        text += (
            f"\nThe model frame (formula, patsy, data checks) is {share:.0%} of the "
            "end-to-end time.\n"
        )
    if boot:
        text += (
            f"\nBootstrap of `{BOOTSTRAP_FORMULA}` on hsbdemo (200 rows), "
            f"{replicates} replicates:\n\n"
        )
        text += (
            "| tool | seconds | ms per replicate | vs mnlogit (arrays) |\n|---|---:|---:|---:|\n"
        )
        base = boot["mnlogit (arrays)"]
        text += "".join(
            f"| {k} | {v:.2f} | {v / replicates * 1e3:.2f} | {v / base:.2f}x |\n"
            for k, v in boot.items()
        )
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", nargs="*", default=list(CASES), choices=list(CASES))
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--anes-reps", type=int, default=30)
    parser.add_argument("--replicates", type=int, default=1_000)
    parser.add_argument("--statsmodels-all", action="store_true")
    parser.add_argument("--skip-anes", action="store_true")
    parser.add_argument("--skip-bootstrap", action="store_true")
    parser.add_argument("--write", action="store_true", help="write RESULTS_small.md")
    args = parser.parse_args()
    description = machine()
    before = uptime()
    print(description, "\n", before, flush=True)
    rows = [bench_case(name, args.reps, args.statsmodels_all) for name in args.cases]
    anes = None if args.skip_anes else bench_anes(args.anes_reps)
    boot = None if args.skip_bootstrap else bench_bootstrap(args.replicates)
    after = uptime()
    text = report(rows, anes, boot, args.replicates)
    print(text, "\n", after)
    if args.write:
        date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        (HERE / "RESULTS_small.md").write_text(
            "# Small data: mnlogit against scikit-learn and statsmodels\n\n"
            f"Produced by `python benchmarks/bench_small.py {' '.join(sys.argv[1:])}` "
            f"on {date}.\n\n"
            f"Machine: {description}\n\nLoad: before `{before}`; after `{after}`.\n\n{text}"
        )


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    main()
