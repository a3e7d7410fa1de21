"""Out-of-core benchmark of the Dask engine (not part of the unit tests).

    python benchmarks/bench_dask.py generate --n 100000000 --out /work/bench_data/mn
    python benchmarks/bench_dask.py fit --path /work/bench_data/mn [--persist no] [--cluster]
    python benchmarks/bench_dask.py inmemory --n 1000000
    python benchmarks/bench_dask.py profile --path /work/bench_data/mn
    python benchmarks/bench_dask.py all --n 10000000 --out /work/bench_data/mn

The data: K = 5 outcomes (integer codes 0..4), p = 20 standard-normal float64
predictors, drawn from a multinomial logit with fixed coefficients; files of
``--file-rows`` rows written in row groups of ``--group-rows``. ``fit`` and ``inmemory``
run in a fresh subprocess so that the peak resident memory (``ru_maxrss`` of that
process, which holds Dask's threaded scheduler) belongs to the fit alone.
``profile`` times, on one file, the three parts of a pass: reading the Parquet file,
building the design block, and the derivative kernel.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

N_PREDICTORS = 20
N_OUTCOMES = 5
FORMULA = "y ~ " + " + ".join(f"x{j}" for j in range(1, N_PREDICTORS + 1))


def true_coefficients() -> np.ndarray:
    """(p + 1, K - 1) coefficients: intercepts, then slopes, fixed for reproducibility."""
    rng = np.random.default_rng(12345)
    return rng.normal(scale=0.3, size=(N_PREDICTORS + 1, N_OUTCOMES - 1))


def draw(n: int, seed: int):
    """A pandas chunk of ``n`` rows from the model."""
    import pandas as pd

    from mnlogit.core.likelihood import model_probabilities

    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, N_PREDICTORS))
    B = true_coefficients()
    probs = model_probabilities(B[0] + X @ B[1:])
    y = (rng.random(n)[:, None] > probs.cumsum(axis=1)).sum(axis=1).astype(np.int8)
    frame = pd.DataFrame(X, columns=[f"x{j}" for j in range(1, N_PREDICTORS + 1)])
    frame.insert(0, "y", np.minimum(y, N_OUTCOMES - 1))
    return frame


def generate(n: int, out: Path, file_rows: int, group_rows: int) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for i, first in enumerate(range(0, n, file_rows)):
        rows = min(file_rows, n - first)
        table = pa.Table.from_pandas(draw(rows, seed=i), preserve_index=False)
        pq.write_table(
            table, out / f"part-{i:05d}.parquet", row_group_size=group_rows, compression="none"
        )
    size = sum(f.stat().st_size for f in out.glob("*.parquet"))
    print(
        json.dumps(
            {
                "generated_rows": n,
                "files": i + 1,
                "bytes": size,
                "seconds": round(time.perf_counter() - start, 1),
            }
        )
    )


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


class TreeMemory:
    """Peak resident memory of this process and all its descendants, sampled."""

    def __init__(self, interval: float = 0.2) -> None:
        import threading

        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(interval,), daemon=True)
        self._thread.start()

    def _run(self, interval: float) -> None:
        import psutil

        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for proc in [me, *me.children(recursive=True)]:
                try:
                    total += proc.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(interval)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak / 2**20


def fit(path: Path, persist: str, workers: int, cluster: bool) -> dict:
    import contextlib

    import dask

    import mnlogit

    memory = TreeMemory()
    context: contextlib.AbstractContextManager = contextlib.nullcontext()
    if cluster:
        from distributed import Client, LocalCluster

        local = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            memory_limit="6GiB",
        )
        context = Client(local)
    else:
        dask.config.set(scheduler="threads", num_workers=workers)
    option = {"auto": None, "yes": True, "no": False}[persist]
    with context:
        start = time.perf_counter()
        res = mnlogit.fit(FORMULA, str(path / "*.parquet"), persist=option)
        total = time.perf_counter() - start
    if cluster:
        local.close()
    history = res.history
    newton = float(history["seconds"].iloc[-1])
    error = np.abs(res.params.to_numpy() - true_coefficients()).max()
    return {
        "engine": "dask",
        "nobs": res.nobs,
        "iterations": res.iterations,
        "converged": res.converged,
        "total_seconds": round(total, 1),
        "newton_seconds": round(newton, 1),
        "seconds_per_iteration": round(newton / res.iterations, 2),
        "setup_seconds": round(total - newton, 1),
        "peak_rss_mb": round(_peak_mb()),
        "peak_tree_rss_mb": round(memory.stop()),
        "max_abs_error_vs_truth": float(error),
        "llf": res.llf,
        "persist": persist,
        "scheduler": "distributed" if cluster else "threads",
    }


def inmemory(n: int) -> dict:
    import mnlogit

    frame = draw(n, seed=0)
    start = time.perf_counter()
    res = mnlogit.fit(FORMULA, frame)
    total = time.perf_counter() - start
    return {
        "engine": "memory",
        "nobs": res.nobs,
        "iterations": res.iterations,
        "total_seconds": round(total, 2),
        "seconds_per_iteration": round(float(res.history["seconds"].iloc[-1]) / res.iterations, 3),
        "peak_rss_mb": round(_peak_mb()),
    }


def profile(path: Path) -> dict:
    """Seconds of reading, design building and kernel for one file (one partition)."""
    import pandas as pd

    from mnlogit.dask_engine.frame import DesignSpec, Formula
    from mnlogit.dask_engine.source import partition_derivatives

    first = sorted(path.glob("*.parquet"))[0]
    pd.read_parquet(first)  # warm-up: imports and the file cache
    t0 = time.perf_counter()
    part = pd.read_parquet(first)
    t1 = time.perf_counter()
    formula = Formula.parse(FORMULA, part.columns, None).with_categoricals(part.head(0))
    spec = DesignSpec(formula, part.head(1), tuple(range(N_OUTCOMES)))
    spec.block(part.head(1000))  # warm-up
    design, kernel = [], []
    for _ in range(3):  # steady state, as in a worker that has run a few partitions
        t2 = time.perf_counter()
        block = spec.block(part)
        t3 = time.perf_counter()
        theta = np.zeros(block.X.shape[1] * (N_OUTCOMES - 1))
        partition_derivatives(block, theta, N_OUTCOMES)
        design.append(t3 - t2)
        kernel.append(time.perf_counter() - t3)
        del block
    return {
        "rows": len(part),
        "read_seconds": round(t1 - t0, 3),
        "design_seconds": round(float(np.median(design)), 3),
        "kernel_seconds": round(float(np.median(kernel)), 3),
    }


def _child(args: list[str]) -> dict:
    """Run one measurement in a fresh interpreter; its last stdout line is JSON."""
    out = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    )
    sys.stderr.write(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["generate", "fit", "inmemory", "profile", "all"])
    parser.add_argument("--n", type=int, default=10_000_000)
    parser.add_argument(
        "--out", "--path", dest="path", type=Path, default=Path("/work/bench_data/mnlogit_dask")
    )
    parser.add_argument("--file-rows", type=int, default=1_000_000)
    parser.add_argument("--group-rows", type=int, default=250_000)
    parser.add_argument("--persist", choices=["auto", "yes", "no"], default="no")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--cluster",
        action="store_true",
        help="dask.distributed LocalCluster of --workers processes",
    )
    args = parser.parse_args()
    if args.command == "generate":
        generate(args.n, args.path, args.file_rows, args.group_rows)
    elif args.command == "fit":
        print(json.dumps(fit(args.path, args.persist, args.workers, args.cluster)))
    elif args.command == "inmemory":
        print(json.dumps(inmemory(args.n)))
    elif args.command == "profile":
        print(json.dumps(profile(args.path)))
    else:
        if not any(args.path.glob("*.parquet")):
            generate(args.n, args.path, args.file_rows, args.group_rows)
        memory = _child(["inmemory", "--n", "1000000"])
        dask_fit = _child(
            [
                "fit",
                "--path",
                str(args.path),
                "--persist",
                args.persist,
                "--workers",
                str(args.workers),
            ]
        )
        parts = _child(["profile", "--path", str(args.path)])
        ratio = (dask_fit["total_seconds"] / dask_fit["nobs"]) / (
            memory["total_seconds"] / memory["nobs"]
        )
        print(
            json.dumps(
                {
                    "memory_1e6": memory,
                    "dask": dask_fit,
                    "one_partition": parts,
                    "time_per_row_ratio": round(ratio, 2),
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
