"""The ``mnlogit`` command line: fit a formula on a CSV file or a shipped data set."""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from . import __version__, datasets
from .api import fit
from .exceptions import MNLogitError
from .results import MNLogitResults

SHIPPED = {
    "anes96": datasets.load_anes96,
    "iris": datasets.load_iris,
    "alligators": datasets.load_alligators,
    "alligator_lakes": datasets.load_alligator_lakes,
}
DEMO_FORMULA = "party3 ~ age + C(educ) + income + selfLR"
COV_TYPES = ("nonrobust", "HC0", "HC1", "cluster")
OUTPUTS = ("text", "csv", "json", "latex")


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
    parser.add_argument(
        "--cov-type",
        choices=COV_TYPES,
        default=None,
        help="covariance of the estimates (default: nonrobust; cluster with --cluster)",
    )
    parser.add_argument(
        "--cluster", default=None, metavar="COLUMN", help="cluster-robust SEs by this column"
    )
    parser.add_argument("--odds-ratios", action="store_true", help="show relative-risk ratios")
    parser.add_argument("--alpha", type=float, default=0.05, help="1 - confidence level")
    parser.add_argument(
        "--output",
        choices=OUTPUTS,
        default="text",
        help="text summary, LaTeX summary, or the coefficient table as CSV or JSON",
    )
    parser.add_argument(
        "--verbose", action="store_true", help="print each Newton iteration to stderr"
    )
    parser.set_defaults(run=_run_fit)


def _run_fit(args: argparse.Namespace) -> int:
    data = _load(args.data)
    reference = args.reference
    if reference is None and args.formula == DEMO_FORMULA and args.data == "anes96":
        reference = "Democrat"
    cov_type = args.cov_type or ("cluster" if args.cluster is not None else "nonrobust")
    if (cov_type == "cluster") != (args.cluster is not None):
        raise MNLogitError(
            "cluster-robust standard errors need --cluster COLUMN (and no other --cov-type)"
        )
    res = fit(
        args.formula,
        data,
        reference=reference,
        weights=args.weights,
        cov_type=cov_type,
        groups=args.cluster,
        verbose=args.verbose,
    )
    print(render(res, args.output, alpha=args.alpha, odds_ratios=args.odds_ratios), end="")
    return 0


def _plain(value: Any) -> Any:
    """A JSON-ready copy of a fit statistic: numpy scalars as Python numbers, tuples as
    lists, NaN and infinities as null (JSON has no such numbers)."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return value


def render(
    results: MNLogitResults, output: str, alpha: float = 0.05, odds_ratios: bool = False
) -> str:
    """The fitted model as the ``mnlogit fit --output`` formats print it.

    Parameters
    ----------
    results : MNLogitResults
        A fitted model.
    output : {"text", "csv", "json", "latex"}
        ``text`` and ``latex``: the regression summary; ``csv``: the coefficient
        table :meth:`MNLogitResults.tidy` (one row per outcome and term); ``json``:
        an object with the fit statistics (``"fit"``) and the same table
        (``"coefficients"``, one object per row, missing values as null).
    alpha : float, default 0.05
        1 - confidence level of the intervals.
    odds_ratios : bool, default False
        Show relative-risk ratios in the text and LaTeX summaries (the CSV and JSON
        tables always have both).

    Returns
    -------
    str
        The text, ending with a newline.

    Examples
    --------
    >>> import json, mnlogit
    >>> res = mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris())
    >>> print(render(res, "csv").splitlines()[0])
    outcome,term,estimate,std_error,statistic,p_value,conf_low,conf_high,odds_ratio,...
    >>> document = json.loads(render(res, "json"))
    >>> document["fit"]["nobs"], document["coefficients"][0]["term"]
    (150.0, 'Intercept')
    """
    if output not in OUTPUTS:
        raise MNLogitError(f"output must be one of {', '.join(OUTPUTS)}, got {output!r}")
    if output == "text":
        return f"{results.summary(alpha=alpha, odds_ratios=odds_ratios)}\n"
    if output == "latex":
        return results.summary(alpha=alpha, odds_ratios=odds_ratios).as_latex().rstrip("\n") + "\n"
    table = results.tidy(alpha=alpha)
    if output == "csv":
        return table.to_csv(index=False)
    statistics = {name: _plain(value) for name, value in results.fit_statistics().items()}
    statistics["alpha"] = alpha
    coefficients = [
        {name: _plain(value) for name, value in row.items()}
        for row in table.to_dict(orient="records")
    ]
    return json.dumps({"fit": statistics, "coefficients": coefficients}, indent=2) + "\n"


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
    from .nn import MLP, Network, SoftmaxRegression

    loader = datasets.load_fashion_mnist if args.fashion else datasets.load_mnist
    (X, y), (X_test, y_test) = loader(args.data)
    if args.limit is not None:
        X, y = X[: args.limit], y[: args.limit]
    settings = {
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "lr": args.lr,
        "momentum": args.momentum,
        "l2": args.l2,
        "lr_schedule": args.schedule,
        "seed": args.seed,
        "verbose": not args.quiet,
    }
    net: Network
    if args.model == "mlp":
        net = MLP(args.hidden, args.activation, **settings)
        name = f"{X.shape[1]}-{args.hidden}-10 {args.activation} network"
    else:
        net = SoftmaxRegression(**settings)
        name = "softmax regression"
    print(f"{name} on {len(y)} {'Fashion-MNIST' if args.fashion else 'MNIST'} images")
    history = net.fit(X, y, validation_data=(X_test, y_test)).history_
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
    parser.add_argument("--version", action="version", version=f"mnlogit {__version__}")
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
