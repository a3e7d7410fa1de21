"""Hidden-layer activations, applied in place on preallocated buffers.

Each activation has a forward map ``forward(z)`` that overwrites the pre-activations
with the outputs h, and ``backward(h, delta, work)`` that multiplies the back-propagated
error ``delta`` in place by the derivative expressed through the outputs h, so the
pre-activations never need to be kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from ..exceptions import MNLogitError


class Activation(NamedTuple):
    """An elementwise activation: in-place forward map and derivative."""

    name: str
    forward: Callable[[np.ndarray], None]
    backward: Callable[[np.ndarray, np.ndarray, np.ndarray], None]


def _logistic_forward(z: np.ndarray) -> None:
    # 1 / (1 + exp(-z)) by four in-place ufuncs: twice as fast as scipy's expit on
    # float32 blocks. exp(-z) = inf for z < -88 gives exactly 0; callers run this
    # under np.errstate(over="ignore") (entering errstate costs as much as a ufunc).
    np.negative(z, out=z)
    np.exp(z, out=z)
    np.add(z, 1.0, out=z)
    np.reciprocal(z, out=z)


def _logistic_backward(h: np.ndarray, delta: np.ndarray, work: np.ndarray) -> None:
    # sigma'(z) = h (1 - h)
    np.subtract(1.0, h, out=work)
    np.multiply(delta, work, out=delta)
    np.multiply(delta, h, out=delta)


def _tanh_forward(z: np.ndarray) -> None:
    np.tanh(z, out=z)


def _tanh_backward(h: np.ndarray, delta: np.ndarray, work: np.ndarray) -> None:
    # tanh'(z) = 1 - h^2
    np.multiply(h, h, out=work)
    np.subtract(1.0, work, out=work)
    np.multiply(delta, work, out=delta)


def _relu_forward(z: np.ndarray) -> None:
    np.maximum(z, 0.0, out=z)


def _relu_backward(h: np.ndarray, delta: np.ndarray, work: np.ndarray) -> None:
    # relu'(z) = 1 where h > 0, else 0 (the subgradient 0 at z = 0)
    np.greater(h, 0.0, out=work)
    np.multiply(delta, work, out=delta)


ACTIVATIONS = {
    "logistic": Activation("logistic", _logistic_forward, _logistic_backward),
    "tanh": Activation("tanh", _tanh_forward, _tanh_backward),
    "relu": Activation("relu", _relu_forward, _relu_backward),
}


def get_activation(name: str) -> Activation:
    """The activation called ``name`` (``logistic``, ``tanh`` or ``relu``).

    Examples
    --------
    >>> import numpy as np
    >>> z = np.array([[0.0, 2.0]])
    >>> get_activation("logistic").forward(z)
    >>> z.round(4)
    array([[0.5   , 0.8808]])
    """
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        raise MNLogitError(
            f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}"
        ) from None
