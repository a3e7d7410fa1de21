"""The ``mnlogit`` command line: fit a formula on a CSV file or a shipped data set."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import pandas as pd

from . import datasets
from .exceptions import MNLogitError
from .model import fit

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
