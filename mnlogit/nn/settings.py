"""Checking the networks' hyper-parameters when ``fit`` runs.

scikit-learn's convention: ``__init__`` and ``set_params`` store what they are given,
and ``fit`` validates. Every check here names the estimator and the parameter at fault
and raises :class:`~mnlogit.exceptions.MNLogitError` (never a numpy ``TypeError`` from
comparing a string with a number).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..exceptions import MNLogitError
from .activations import Activation, get_activation
from .schedules import Schedule, get_schedule


@dataclass(frozen=True)
class Settings:
    """The checked hyper-parameters of one fit."""

    hidden: tuple[int, ...]
    activation: Activation
    epochs: int
    batch_size: int
    lr: float
    momentum: float
    l2: float
    schedule: Schedule
    seed: int | None
    verbose: bool
    dtype: np.dtype

    def rates(self, owner: str) -> list[float]:
        """The learning rate of every epoch, checked before training starts.

        A schedule's factor must be a finite number >= 0 (0 pauses an epoch).

        Examples
        --------
        >>> s = check_settings({"epochs": 4, "lr": 0.2, "lr_schedule": "step"}, "MLP")
        >>> [round(r, 4) for r in s.rates("MLP")]
        [0.2, 0.2, 0.02, 0.002]
        >>> s = check_settings({"epochs": 3, "lr_schedule": lambda e, n: 1 - e}, "MLP")
        >>> s.rates("MLP")
        Traceback (most recent call last):
        ...
        mnlogit.exceptions.MNLogitError: MLP: lr_schedule gives a negative rate -0.1 in epoch 3 ...
        """
        rates = []
        for epoch in range(self.epochs):
            factor = self.schedule(epoch, self.epochs)
            if not _is_real(factor):
                raise MNLogitError(
                    f"{owner}: lr_schedule returned {factor!r} ({type(factor).__name__}) "
                    f"in epoch {epoch + 1}; it must return a number (the factor of lr)"
                )
            rate = self.lr * float(factor)
            if not math.isfinite(rate) or rate < 0:
                kind = "negative" if rate < 0 else "non-finite"
                raise MNLogitError(
                    f"{owner}: lr_schedule gives a {kind} rate {rate:g} in epoch {epoch + 1} "
                    f"(factor {float(factor):g} of lr {self.lr:g}); rates must be finite and >= 0"
                )
            rates.append(rate)
        return rates


def _is_real(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _describe(value: Any) -> str:
    return f"{value!r} ({type(value).__name__})"


def _integer(owner: str, name: str, value: Any, low: int) -> int:
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < low:
        raise MNLogitError(f"{owner}: {name} must be an integer >= {low}; got {_describe(value)}")
    return int(value)


def _real(owner: str, name: str, value: Any, low: float, high: float, closed: str) -> float:
    """A finite float in the interval between low and high; ``closed`` says which ends count."""
    ok = _is_real(value) and math.isfinite(value)
    if ok:
        ok = (value >= low if "low" in closed else value > low) and (
            value <= high if "high" in closed else value < high
        )
    if not ok:
        left = "[" if "low" in closed else "("
        right = "]" if "high" in closed else ")"
        raise MNLogitError(
            f"{owner}: {name} must be a number in {left}{low:g}, {high:g}{right}; "
            f"got {_describe(value)}"
        )
    return float(value)


def check_settings(params: dict[str, Any], owner: str) -> Settings:
    """Check the hyper-parameters ``params`` (from ``get_params``) of the estimator ``owner``.

    Parameters missing from ``params`` take the networks' defaults (used by
    :class:`~mnlogit.nn.SoftmaxRegression`, which has neither ``hidden`` nor
    ``activation``).

    Examples
    --------
    >>> check_settings({"hidden": 100, "lr": 0.5}, "MLP").hidden
    (100,)
    >>> check_settings({"lr": "0.1"}, "MLP")
    Traceback (most recent call last):
    ...
    mnlogit.exceptions.MNLogitError: MLP: lr must be a number in (0, inf); got '0.1' (str)
    """
    get = params.get
    hidden = () if get("hidden") is None else (_integer(owner, "hidden", get("hidden"), 1),)
    try:  # np.dtype(None) would be float64: None is refused like any other non-dtype
        dtype = None if get("dtype", "float32") is None else np.dtype(get("dtype", "float32"))
    except TypeError:
        dtype = None
    if dtype not in (np.float32, np.float64):
        raise MNLogitError(
            f"{owner}: dtype must be float32 or float64; got {_describe(get('dtype'))}"
        )
    seed = get("seed", 0)
    if seed is not None:
        seed = _integer(owner, "seed", seed, 0)
    verbose = get("verbose", False)
    if not isinstance(verbose, numbers.Integral):
        raise MNLogitError(f"{owner}: verbose must be True or False; got {_describe(verbose)}")
    try:
        activation = get_activation(get("activation", "logistic"))
        schedule = get_schedule(get("lr_schedule"))
    except MNLogitError as err:
        raise MNLogitError(f"{owner}: {err}") from None
    return Settings(
        hidden=hidden,
        activation=activation,
        epochs=_integer(owner, "epochs", get("epochs", 30), 1),
        batch_size=_integer(owner, "batch_size", get("batch_size", 10), 1),
        lr=_real(owner, "lr", get("lr", 0.1), 0.0, math.inf, ""),
        momentum=_real(owner, "momentum", get("momentum", 0.0), 0.0, 1.0, "low"),
        l2=_real(owner, "l2", get("l2", 0.0), 0.0, math.inf, "low"),
        schedule=schedule,
        seed=seed,
        verbose=bool(verbose),
        dtype=dtype,
    )
