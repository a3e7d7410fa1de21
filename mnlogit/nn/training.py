"""The epoch loop of minibatch SGD: shuffling, steps, history and divergence checks.

The steps themselves are in :mod:`mnlogit.nn.kernel`; the checked hyper-parameters
come from :mod:`mnlogit.nn.settings`.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from ..core.threads import single_threaded_blas
from ..exceptions import MNLogitError
from .kernel import Batches, MinibatchStep, Params, StepRule, Workspace
from .progress import Progress
from .settings import Settings

HISTORY_COLUMNS = [
    "epoch",
    "lr",
    "train_loss",
    "train_accuracy",
    "validation_loss",
    "validation_accuracy",
    "seconds",
]


def _epoch(
    order: np.ndarray,
    batch_size: int,
    steppers: dict[int, MinibatchStep],
    rule: StepRule,
    progress: Progress,
) -> tuple[float, int]:
    """One pass over the data in the given order; (summed loss, hits)."""
    n = order.shape[0]
    report_every = max(1, -(-n // batch_size) // 50)
    loss, hits = 0.0, 0
    # Overflow only happens when training diverges, which the caller reports.
    with single_threaded_blas(), np.errstate(over="ignore", invalid="ignore"):
        for count, first in enumerate(range(0, n, batch_size), 1):
            idx = order[first : first + batch_size]
            batch_loss, batch_hits = steppers[idx.shape[0]].step(rule, idx)
            loss += batch_loss
            hits += batch_hits
            if count % report_every == 0:
                progress.advance(report_every)
        progress.advance(count % report_every)
    return loss, hits


def train(
    params: Params,
    data: Batches,
    settings: Settings,
    rates: list[float],
    rng: np.random.Generator,
    validate: Callable[[], tuple[float, float]] | None = None,
) -> pd.DataFrame:
    """Run ``settings.epochs`` epochs of SGD on ``params`` in place; the history.

    ``rates`` are the epochs' learning rates; ``rng`` draws the shuffles; ``validate``
    returns the validation (loss, accuracy) of the current parameters.

    Examples
    --------
    >>> from mnlogit.nn.settings import check_settings
    >>> s = check_settings({"epochs": 2, "batch_size": 2, "dtype": "float64"}, "SoftmaxRegression")
    >>> p = Params([np.zeros((1, 2))], [np.zeros(2)])
    >>> data = Batches(np.array([[1.0], [-1.0]]), np.array([0, 1]))
    >>> history = train(p, data, s, [0.1, 0.1], np.random.default_rng(0))
    >>> history["train_loss"].round(4).tolist(), history["train_accuracy"].tolist()
    ([0.6931, 0.6444], [0.5, 1.0])
    """
    n, dtype = data.X.shape[0], settings.dtype
    sizes = [data.X.shape[1], *settings.hidden, params.weights[-1].shape[1]]
    if settings.momentum:
        params.start_momentum()
    full, rest = divmod(n, settings.batch_size)
    spaces = [Workspace(sizes, settings.batch_size, dtype)] if full else []
    if rest:
        spaces.append(Workspace(sizes, rest, dtype))
    progress = Progress(settings.verbose, settings.epochs, full + (rest > 0))
    steppers = {ws.batch: MinibatchStep(params, ws, settings.activation, data) for ws in spaces}
    rows = []
    with contextlib.ExitStack() as stack:
        stack.callback(progress.close)
        for epoch, rate in enumerate(rates):
            rule = StepRule(rate, settings.momentum, 1.0 - rate * settings.l2 / n)
            progress.start_epoch(epoch)
            start = time.perf_counter()
            loss, hits = _epoch(rng.permutation(n), settings.batch_size, steppers, rule, progress)
            seconds = time.perf_counter() - start
            if not np.isfinite(loss):
                raise MNLogitError(
                    f"training diverged in epoch {epoch + 1} (loss {loss}); lower lr (now {rate:g})"
                )
            row = dict.fromkeys(HISTORY_COLUMNS, np.nan)
            row.update(
                epoch=epoch + 1,
                lr=rate,
                train_loss=loss / n,
                train_accuracy=hits / n,
                seconds=seconds,
            )
            text = f"loss {row['train_loss']:.4f}, accuracy {row['train_accuracy']:.4f}"
            if validate is not None:
                row["validation_loss"], row["validation_accuracy"] = validate()
                text += f", validation accuracy {row['validation_accuracy']:.4f}"
            progress.epoch_done(f"{text} ({seconds:.2f} s)")
            rows.append(row)
    params.velocities, params.bias_velocities = [], []
    return pd.DataFrame(rows, columns=HISTORY_COLUMNS)
