"""Shipped data sets: real tables (ANES 1996, iris, alligators), MNIST, and synthetic data.

The MNIST readers load on first use (``mnlogit.datasets.load_mnist``), so importing
the package reads no image file and imports no gzip reader.

Examples
--------
>>> import mnlogit
>>> mnlogit.datasets.load_iris().shape
(150, 5)
"""

from __future__ import annotations

import importlib
from typing import Any

from .tables import load_alligator_lakes, load_alligators, load_anes96, load_iris, make_multinomial

_LAZY = {"load_mnist": ".mnist", "load_fashion_mnist": ".mnist"}

__all__ = [
    "load_alligator_lakes",
    "load_alligators",
    "load_anes96",
    "load_fashion_mnist",
    "load_iris",
    "load_mnist",
    "make_multinomial",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
