"""Learning-rate schedules: the rate of each epoch from the base rate.

A schedule is a name or a callable ``f(epoch, epochs) -> factor`` (epoch counted
from 0); the rate of an epoch is ``lr * factor``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from ..exceptions import MNLogitError

Schedule = Callable[[int, int], float]


def constant(epoch: int, epochs: int) -> float:
    """The base rate throughout.

    Examples
    --------
    >>> constant(5, 10)
    1.0
    """
    return 1.0


def cosine(epoch: int, epochs: int) -> float:
    """Half a cosine from 1 at the first epoch down towards 0 at the last.

    The last epoch still trains (factor ``(1 - cos(pi / epochs)) / 2 > 0``).

    Examples
    --------
    >>> [round(cosine(e, 4), 3) for e in range(4)]
    [1.0, 0.854, 0.5, 0.146]
    """
    return 0.5 * (1.0 + math.cos(math.pi * epoch / epochs))


def linear(epoch: int, epochs: int) -> float:
    """Linear decay from 1 at the first epoch to ``1 / epochs`` at the last.

    Examples
    --------
    >>> [linear(e, 4) for e in range(4)]
    [1.0, 0.75, 0.5, 0.25]
    """
    return 1.0 - epoch / epochs


def step(epoch: int, epochs: int) -> float:
    """Divide the rate by 10 after half and again after three quarters of the epochs.

    Examples
    --------
    >>> [step(e, 8) for e in range(8)]
    [1.0, 1.0, 1.0, 1.0, 0.1, 0.1, 0.01, 0.01]
    """
    return (1.0, 0.1, 0.01)[(epoch >= epochs / 2) + (epoch >= 3 * epochs / 4)]


SCHEDULES: dict[str, Schedule] = {
    "constant": constant,
    "cosine": cosine,
    "linear": linear,
    "step": step,
}


def get_schedule(schedule: str | Schedule | None) -> Schedule:
    """The schedule called ``schedule`` (None means constant), or a callable as is.

    Examples
    --------
    >>> get_schedule("cosine")(0, 30)
    1.0
    """
    if schedule is None:
        return constant
    if callable(schedule):
        return schedule
    try:
        return SCHEDULES[schedule]
    except (KeyError, TypeError):
        raise MNLogitError(
            f"unknown lr_schedule {schedule!r}; choose one of {', '.join(SCHEDULES)} "
            "or pass a function f(epoch, epochs) -> factor"
        ) from None
