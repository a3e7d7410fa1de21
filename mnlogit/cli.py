"""The ``mnlogit`` command line: fit a formula on a CSV file or a shipped data set."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

import pandas as pd

from . import datasets
from .api import fit
from .exceptions import MNLogitError

SHIPPED = {
    "anes96": datasets.load_anes96,
    "iris": datasets.load_iris,
    "alligators": datasets.load_alligators,
    "alligator_lakes": datasets.load_alligator_lakes,
}
DEMO_FORMULA = "party3 ~ age + C(educ) + income + selfLR"


def _load(source: str) -> pd.DataFrame:
    if source in SHIPPED:
        return SHIPPED[source]()
    try:
        return pd.read_csv(source)
    except (OSError, ValueError) as err:
        raise MNLogitError(
            f"cannot read data {source!r}: {err}; give a CSV path or one of {', '.join(SHIPPED)}"
        ) from None


def _add_fit_command(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "fit", help="fit a formula and print the regression summary (default: the anes96 demo)"
    )
    parser.add_argument("formula", nargs="?", default=DEMO_FORMULA, help="patsy formula")
    parser.add_argument(
        "--data", default="anes96", help=f"CSV path or shipped data set ({', '.join(SHIPPED)})"
    )
    parser.add_argument("--reference", default=None, help="baseline outcome level")
    parser.add_argument("--weights", default=None, help="column of frequency weights")
    parser.add_argument("--odds-ratios", action="store_true", help="show relative-risk ratios")
    parser.add_argument("--alpha", type=float, default=0.05, help="1 - confidence level")
    parser.set_defaults(run=_run_fit)


def _run_fit(args: argparse.Namespace) -> int:
    data = _load(args.data)
    reference = args.reference
    if reference is None and args.formula == DEMO_FORMULA and args.data == "anes96":
        reference = "Democrat"
    res = fit(args.formula, data, reference=reference, weights=args.weights)
    print(res.summary(alpha=args.alpha, odds_ratios=args.odds_ratios))
    return 0


def _add_mnist_command(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "mnist", help="train softmax regression or the 784-100-10 network on (Fashion-)MNIST"
    )
    parser.add_argument("--model", choices=["mlp", "softmax"], default="mlp")
    parser.add_argument("--hidden", type=int, default=100, help="hidden units (mlp)")
    parser.add_argument(
        "--activation", choices=["logistic", "tanh", "relu"], default="logistic", help="(mlp)"
    )
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=10)
    parser.add_argument("--lr", type=float, default=0.1, help="learning rate")
    parser.add_argument("--momentum", type=float, default=0.0)
    parser.add_argument("--l2", type=float, default=0.0, help="weight decay lambda (per n)")
    parser.add_argument(
        "--schedule",
        default="constant",
        choices=["constant", "cosine", "linear", "step"],
        help="learning-rate schedule",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--fashion", action="store_true", help="Fashion-MNIST instead of MNIST")
    parser.add_argument("--data", default=None, help="folder with the four IDX .gz files")
    parser.add_argument("--limit", type=int, default=None, help="train on the first N images")
    parser.add_argument("--save", default=None, help="save the trained network (.npz)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar or epoch lines")
    parser.set_defaults(run=_run_mnist)


def _run_mnist(args: argparse.Namespace) -> int:
    from .nn import MLP, SoftmaxRegression

    loader = datasets.load_fashion_mnist if args.fashion else datasets.load_mnist
    (X, y), (X_test, y_test) = loader(args.data)
    if args.limit is not None:
        X, y = X[: args.limit], y[: args.limit]
    if args.model == "mlp":
        net = MLP(args.hidden, args.activation)
        name = f"{X.shape[1]}-{args.hidden}-10 {args.activation} network"
    else:
        net = SoftmaxRegression()
        name = "softmax regression"
    print(f"{name} on {len(y)} {'Fashion-MNIST' if args.fashion else 'MNIST'} images")
    history = net.fit(
        X,
        y,
        epochs=args.epochs,
        batch_size=args.batch_size,
        lr=args.lr,
        momentum=args.momentum,
        l2=args.l2,
        seed=args.seed,
        verbose=not args.quiet,
        validation_data=(X_test, y_test),
        lr_schedule=args.schedule,
    )
    if not args.quiet:
        print(history.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    seconds = history["seconds"].sum()
    print(
        f"final test accuracy: {history['validation_accuracy'].iloc[-1]:.4f} "
        f"({len(y_test)} test images; {seconds:.1f} s of training)"
    )
    if args.save:
        net.save(args.save)
        print(f"saved to {args.save}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``mnlogit`` command.

    Examples
    --------
    >>> build_parser().parse_args(["fit", "--data", "iris", "Species ~ Sepal_Length"]).data
    'iris'
    """
    parser = argparse.ArgumentParser(
        prog="mnlogit", description="Multinomial logistic regression by exact Newton MLE."
    )
    subparsers = parser.add_subparsers(dest="command")
    _add_fit_command(subparsers)
    _add_mnist_command(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: ``mnlogit`` alone fits the anes96 demo model and prints its summary.

    Examples
    --------
    >>> main(["fit", "--data", "iris", "Species ~ Sepal_Length"])  # doctest: +ELLIPSIS
    Multinomial logit regression results...
    0
    """
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    if args.command is None:
        args = build_parser().parse_args(["fit"])
    try:
        return args.run(args)
    except MNLogitError as err:
        print(f"mnlogit: error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (``mnlogit | head``): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
