"""Seconds per training epoch: mnlogit.nn against PyTorch eager on the CPU, side by side.

Same network (784-100-10, logistic hidden layer, softmax/cross-entropy output), same
data (the 60,000 MNIST training images), same optimiser (plain minibatch SGD, lr 0.1,
reshuffled every epoch), same batch sizes. PyTorch runs with 2 threads (the machine's
cores; the baseline) and, for information, with 1 thread; mnlogit runs with its
defaults (one thread, BLAS pinned to one thread). The frameworks
alternate per round so both see the same machine load; the median epoch time is
reported, with the load average before and after.
Run: ``python benchmarks/bench_nn_speed.py [--epochs 3]``.
Needs the ``bench`` extra (``pip install torch==2.13.0``, a CPU build).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import mnlogit
from mnlogit.nn import MLP


def torch_epoch_seconds(
    X, y, batch_size: int, epochs: int, seed: int, threads: int = 2
) -> list[float]:
    import torch

    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    net = torch.nn.Sequential(
        torch.nn.Linear(784, 100), torch.nn.Sigmoid(), torch.nn.Linear(100, 10)
    )
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    loss_fn = torch.nn.CrossEntropyLoss()
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    seconds = []
    for _ in range(epochs):
        order = torch.randperm(Xt.shape[0])
        start = time.perf_counter()
        for first in range(0, Xt.shape[0], batch_size):
            idx = order[first : first + batch_size]
            opt.zero_grad()
            loss = loss_fn(net(Xt[idx]), yt[idx])
            loss.backward()
            opt.step()
        seconds.append(time.perf_counter() - start)
    return seconds


def ours_epoch_seconds(X, y, batch_size: int, epochs: int, seed: int) -> list[float]:
    net = MLP(100, epochs=epochs, batch_size=batch_size, lr=0.1, seed=seed).fit(X, y)
    return net.history_["seconds"].tolist()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3, help="epochs per measurement")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds")
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[10, 32, 128])
    args = parser.parse_args()

    import os

    import torch

    (X, y), _ = mnlogit.datasets.load_mnist()
    y = y.astype(np.int64)
    print(
        f"torch {torch.__version__}, numpy {np.__version__}; {args.epochs} epoch(s) x "
        f"{args.rounds} rounds per batch size; load average {os.getloadavg()[0]:.1f}"
    )
    # One untimed epoch each, so first-call costs (thread pools, caches) are not counted.
    torch_epoch_seconds(X[:6000], y[:6000], 10, 1, 0)
    ours_epoch_seconds(X[:6000], y[:6000], 10, 1, 0)
    print("| batch | mnlogit.nn s/epoch | PyTorch 2 threads | ratio | PyTorch 1 thread | ratio |")
    print("|---:|---:|---:|---:|---:|---:|")
    for batch in args.batch_sizes:
        ours, two, one = [], [], []
        for r in range(args.rounds):
            ours += ours_epoch_seconds(X, y, batch, args.epochs, r)
            two += torch_epoch_seconds(X, y, batch, args.epochs, r, threads=2)
            one += torch_epoch_seconds(X, y, batch, args.epochs, r, threads=1)
        a, b, c = (statistics.median(t) for t in (ours, two, one))
        print(f"| {batch} | {a:.3f} | {b:.3f} | {a / b:.2f} | {c:.3f} | {a / c:.2f} |", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
