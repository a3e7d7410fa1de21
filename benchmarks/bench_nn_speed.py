"""Seconds per training epoch: mnlogit.nn, a plain numpy loop and PyTorch eager, side by side.

Same network (784-100-10, logistic hidden layer, softmax/cross-entropy output), same
data (the 60,000 MNIST training images), same optimiser (plain minibatch SGD, lr 0.1,
reshuffled every epoch), same batch sizes, float32 throughout.

- mnlogit.nn: ``MLP(100, epochs=..., batch_size=..., lr=0.1).fit(X, y)``, its defaults
  (one thread, BLAS pinned to one thread); the epoch's time is ``history_["seconds"]``.
- plain numpy: the loop one writes by hand (below): preallocated buffers per batch size,
  one-thread BLAS, gradients into buffers then ``W -= (lr / b) * G``; it computes the
  same running loss and accuracy that mnlogit.nn reports in its history.
- PyTorch eager: ``nn.Sequential(Linear, Sigmoid, Linear)``, ``CrossEntropyLoss``,
  ``optim.SGD``, indexing a shuffled permutation; 2 threads (the machine's cores) and,
  for information, 1 thread.

The machine is shared, so the contenders alternate within every round (each trains
``--epochs`` epochs after one untimed warm-up on 6,000 images per batch size) and the
median epoch over the rounds is reported, with the load average before and after.
``--clock cpu`` times this thread's CPU time instead of the wall clock, which other jobs
disturb much less (single-threaded contenders only). Run:
``python benchmarks/bench_nn_speed.py [--epochs 1 --rounds 5]``; needs the ``bench``
extra (``pip install torch==2.13.0``, a CPU build).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

import mnlogit
from mnlogit.nn import MLP

HIDDEN, CLASSES, LR = 100, 10, 0.1
CLOCK = {"wall": time.perf_counter, "cpu": time.thread_time}
clock = CLOCK["wall"]  # --clock cpu: this thread's CPU time, robust to other jobs' load


def ours_epoch_seconds(X, y, batch_size: int, epochs: int, seed: int) -> list[float]:
    def fit(epochs: int) -> tuple[float, MLP]:
        start = clock()
        net = MLP(HIDDEN, epochs=epochs, batch_size=batch_size, lr=LR, seed=seed).fit(X, y)
        return clock() - start, net

    if clock is CLOCK["wall"]:
        return fit(epochs)[1].history_["seconds"].tolist()
    # The history holds wall time: the CPU time of one more epoch, without fit's fixed costs.
    return [(fit(epochs + 1)[0] - fit(1)[0]) / epochs] * epochs


def _buffers(batch: int, p: int) -> dict[str, np.ndarray]:
    f = np.float32
    return {
        "x": np.empty((batch, p), f),
        "t": np.empty((batch, CLASSES), f),
        "labels": np.empty(batch, np.intp),
        "h": np.empty((batch, HIDDEN), f),
        "z": np.empty((batch, CLASSES), f),
        "row": np.empty((batch, 1), f),
        "dh": np.empty((batch, HIDDEN), f),
        "work": np.empty((batch, HIDDEN), f),
        "g1": np.empty((p, HIDDEN), f),
        "g2": np.empty((HIDDEN, CLASSES), f),
    }


def plain_epoch_seconds(X, y, batch_size: int, epochs: int, seed: int) -> list[float]:
    """The hand-written preallocated numpy loop (the baseline of issue 17)."""
    rng = np.random.default_rng(seed)
    n, p = X.shape
    w1 = (rng.standard_normal((p, HIDDEN)) / np.sqrt(p)).astype(np.float32)
    w2 = (rng.standard_normal((HIDDEN, CLASSES)) / np.sqrt(HIDDEN)).astype(np.float32)
    b1, b2 = np.zeros(HIDDEN, np.float32), np.zeros(CLASSES, np.float32)
    onehot = np.eye(CLASSES, dtype=np.float32)[y]
    sizes = {batch_size, n % batch_size} - {0}
    buffers = {b: _buffers(b, p) for b in sizes}
    seconds = []
    with threadpool_limits(1, "blas"), np.errstate(over="ignore"):
        for _ in range(epochs):
            order = rng.permutation(n)
            loss, hits = 0.0, 0
            start = clock()
            for first in range(0, n, batch_size):
                idx = order[first : first + batch_size]
                b = buffers[idx.shape[0]]
                x, t, labels, h, z = b["x"], b["t"], b["labels"], b["h"], b["z"]
                np.take(X, idx, axis=0, out=x)
                np.take(onehot, idx, axis=0, out=t)
                np.take(y, idx, out=labels)
                # forward: h = logistic(x w1 + b1), z = softmax(h w2 + b2)
                np.matmul(x, w1, out=h)
                h += b1
                np.negative(h, out=h)
                np.exp(h, out=h)
                h += 1.0
                np.reciprocal(h, out=h)
                np.matmul(h, w2, out=z)
                z += b2
                np.max(z, axis=1, keepdims=True, out=b["row"])
                z -= b["row"]
                np.exp(z, out=z)
                np.sum(z, axis=1, keepdims=True, out=b["row"])
                z /= b["row"]
                loss -= float(np.log(z[np.arange(idx.shape[0]), labels]).sum())
                hits += int(np.count_nonzero(z.argmax(axis=1) == labels))
                # backward: dz = p - t, dh = dz w2' * h (1 - h)
                z -= t
                np.matmul(z, w2.T, out=b["dh"])
                np.subtract(1.0, h, out=b["work"])
                b["dh"] *= b["work"]
                b["dh"] *= h
                np.matmul(h.T, z, out=b["g2"])
                np.matmul(x.T, b["dh"], out=b["g1"])
                # SGD step on the mean gradient
                step = LR / idx.shape[0]
                b["g1"] *= step
                w1 -= b["g1"]
                b["g2"] *= step
                w2 -= b["g2"]
                b1 -= step * b["dh"].sum(axis=0)
                b2 -= step * z.sum(axis=0)
            seconds.append(clock() - start)
    assert np.isfinite(loss) and hits > 0  # the loop trained
    return seconds


def torch_epoch_seconds(
    X, y, batch_size: int, epochs: int, seed: int, threads: int = 2
) -> list[float]:
    import torch

    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    net = torch.nn.Sequential(
        torch.nn.Linear(784, HIDDEN), torch.nn.Sigmoid(), torch.nn.Linear(HIDDEN, CLASSES)
    )
    opt = torch.optim.SGD(net.parameters(), lr=LR)
    loss_fn = torch.nn.CrossEntropyLoss()
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    seconds = []
    for _ in range(epochs):
        order = torch.randperm(Xt.shape[0])
        start = clock()
        for first in range(0, Xt.shape[0], batch_size):
            idx = order[first : first + batch_size]
            opt.zero_grad()
            loss = loss_fn(net(Xt[idx]), yt[idx])
            loss.backward()
            opt.step()
        seconds.append(clock() - start)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=1, help="timed epochs per measurement")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds")
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[10, 32, 128])
    parser.add_argument("--no-torch", action="store_true", help="skip PyTorch")
    parser.add_argument(
        "--clock",
        choices=list(CLOCK),
        default="wall",
        help="cpu: thread CPU time (PyTorch with 2 threads is then left out)",
    )
    args = parser.parse_args()
    global clock
    clock = CLOCK[args.clock]

    (X, y), _ = mnlogit.datasets.load_mnist()
    y = y.astype(np.int64)
    blas = [f"{i['internal_api']} {i['version']}" for i in threadpool_info()]
    versions = f"numpy {np.__version__} ({', '.join(blas)}), Python {platform.python_version()}"
    contenders = {"mnlogit.nn": ours_epoch_seconds, "plain numpy": plain_epoch_seconds}
    if not args.no_torch:
        import torch

        versions += f", torch {torch.__version__}"
        if args.clock == "wall":
            contenders["PyTorch 2 threads"] = torch_epoch_seconds
        contenders["PyTorch 1 thread"] = lambda *a: torch_epoch_seconds(*a, threads=1)
    print(f"{time.strftime('%Y-%m-%d %H:%M %Z')}; {versions}; {args.clock} clock")
    print(
        f"{args.epochs} timed epoch(s) x {args.rounds} rounds; load average before "
        f"{os.getloadavg()[0]:.2f}"
    )
    names = list(contenders)
    header = " | ".join(f"{name} s/epoch" for name in names)
    ratios = " | ".join(f"ours / {name}" for name in names[1:])
    print(f"| batch | {header} | {ratios} |")
    print("|---:" * (2 * len(names)) + "|")
    for batch in args.batch_sizes:
        times: dict[str, list[float]] = {name: [] for name in names}
        for name in names:  # untimed: first-call costs (thread pools, caches) not counted
            contenders[name](X[:6000], y[:6000], batch, 1, 0)
        for r in range(args.rounds):
            for name in names[r % 2 :] + names[: r % 2]:  # alternate who goes first
                times[name] += contenders[name](X, y, batch, args.epochs, r)
        med = {name: statistics.median(t) for name, t in times.items()}
        cells = " | ".join(f"{med[name]:.3f}" for name in names)
        rel = " | ".join(f"{med[names[0]] / med[name]:.2f}" for name in names[1:])
        print(f"| {batch} | {cells} | {rel} |", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
