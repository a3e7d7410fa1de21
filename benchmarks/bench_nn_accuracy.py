"""Test accuracy of softmax regression and the 784-100-10 logistic network on MNIST.

Reproduces the accuracy table of benchmarks/RESULTS_nn.md: every model is trained on
the 60,000 training images with minibatch SGD (batch 10) and evaluated on the 10,000
test images after its LAST epoch (the best epoch is shown for information only).
Run: ``python benchmarks/bench_nn_accuracy.py [--only improved --seeds 0]`` (the whole
table: about 10 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import statistics

import mnlogit
from mnlogit.nn import MLP, SoftmaxRegression

RECIPES = {
    "softmax, plain SGD": (
        SoftmaxRegression,
        {"epochs": 15, "lr": 0.1},
        [0],
    ),
    "softmax, cosine lr": (
        SoftmaxRegression,
        {"epochs": 15, "lr": 0.1, "lr_schedule": "cosine"},
        [0, 1, 2],
    ),
    "MLP, plain SGD (PyTorch reference recipe)": (MLP, {"epochs": 30, "lr": 0.1}, [0]),
    "MLP, Nielsen's L2 recipe": (MLP, {"epochs": 30, "lr": 0.5, "l2": 5.0}, [0]),
    "MLP, improved: momentum + L2 + cosine lr": (
        MLP,
        {"epochs": 40, "lr": 0.1, "momentum": 0.9, "l2": 3.0, "lr_schedule": "cosine"},
        [0, 1, 2, 3, 4],
    ),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=None, help="run recipes whose name contains this")
    parser.add_argument("--seeds", type=int, nargs="+", default=None, help="instead of the table's")
    args = parser.parse_args()
    (X, y), (X_test, y_test) = mnlogit.datasets.load_mnist()
    print("| model and recipe | hyper-parameters | seed | final test acc. | best epoch | train s |")
    print("|---|---|---:|---:|---:|---:|")
    for name, (model, settings, seeds) in RECIPES.items():
        if args.only and args.only not in name:
            continue
        finals = []
        for seed in seeds if args.seeds is None else args.seeds:
            net = model(batch_size=10, seed=seed, **settings)
            history = net.fit(X, y, validation_data=(X_test, y_test)).history_
            final = history["validation_accuracy"].iloc[-1]
            best = history["validation_accuracy"].max()
            finals.append(final)
            shown = ", ".join(f"{k}={v}" for k, v in settings.items())
            print(
                f"| {name} | batch=10, {shown} | {seed} | {100 * final:.2f}% | "
                f"{100 * best:.2f}% | {history['seconds'].sum():.0f} |",
                flush=True,
            )
        if len(finals) > 1:
            print(
                f"| {name}: mean ± sd over {len(finals)} seeds | | | "
                f"{100 * statistics.mean(finals):.2f}% ± {100 * statistics.stdev(finals):.2f} | "
                "| |",
                flush=True,
            )


if __name__ == "__main__":
    main()
