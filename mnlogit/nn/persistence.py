"""Saving networks as plain .npz archives and loading them back with full validation.

The archive holds only numeric and string arrays and is read with
``allow_pickle=False``, so loading never executes code; every inconsistency of a
tampered or foreign file is a :class:`DataError` naming the file.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..exceptions import DataError
from .activations import ACTIVATIONS

if TYPE_CHECKING:
    from .network import Network

FORMAT = "mnlogit.nn"
VERSION = 1


def save_network(net: Network, path: str | Path) -> None:
    """Write ``net`` to ``path`` (the name is used as given).

    Examples
    --------
    >>> import tempfile
    >>> from mnlogit.nn import SoftmaxRegression
    >>> net = SoftmaxRegression(); _ = net.fit([[0.0], [1.0]], [0, 1], epochs=1, verbose=False)
    >>> save_network(net, tempfile.mkdtemp() + "/a.npz")
    """
    params = net._fitted()
    arrays = {
        "format": np.array(FORMAT),
        "version": np.array(VERSION),
        "kind": np.array(type(net).__name__),
        "activation": np.array(net.activation),
        "hidden": np.array(net.hidden, dtype=np.int64),
        "n_classes": np.array(net.n_classes),
    }
    for i, (w, b) in enumerate(zip(params.weights, params.biases, strict=True)):
        arrays[f"weights_{i}"] = w
        arrays[f"biases_{i}"] = b
    with open(path, "wb") as stream:
        np.savez(stream, **arrays)


def _read(path: Path) -> dict[str, np.ndarray]:
    try:
        with np.load(path, allow_pickle=False) as archive:
            return {key: archive[key] for key in archive.files}
    except FileNotFoundError:
        raise DataError(f"network file {str(path)!r} does not exist") from None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as err:
        raise DataError(f"{str(path)!r} is not a readable mnlogit network archive: {err}") from None


def _scalar(data: dict[str, np.ndarray], key: str, kind: str, name: str) -> object:
    value = data.get(key)
    if value is None or value.shape != () or value.dtype.kind not in kind:
        raise DataError(f"{name!r} has a missing or malformed {key!r} entry")
    return value.item()


def load_network(path: str | Path, expected: type | None = None) -> Network:
    """Read a network written by :func:`save_network`, checking every entry.

    ``expected`` (a Network subclass) requires that kind of network.

    Examples
    --------
    >>> import tempfile
    >>> from mnlogit.nn import MLP
    >>> net = MLP(hidden=3); _ = net.fit([[0.0], [1.0]], [0, 1], epochs=1, verbose=False)
    >>> path = tempfile.mkdtemp() + "/a.npz"; net.save(path)
    >>> [w.shape for w in load_network(path).weights]
    [(1, 3), (3, 2)]
    """
    from .network import MLP, Network, SoftmaxRegression

    path = Path(path)
    name = str(path)
    data = _read(path)
    if _scalar(data, "format", "U", name) != FORMAT:
        raise DataError(f"{name!r} is not an mnlogit network archive")
    if _scalar(data, "version", "iu", name) != VERSION:
        raise DataError(f"{name!r} has unsupported format version {data['version'].item()}")
    kind = _scalar(data, "kind", "U", name)
    classes = {"MLP": MLP, "SoftmaxRegression": SoftmaxRegression}
    if kind not in classes:
        raise DataError(f"{name!r} holds an unknown network kind {kind!r}")
    if expected not in (None, Network) and classes[kind] is not expected:
        raise DataError(f"{name!r} holds a {kind}, not a {expected.__name__}")
    activation = _scalar(data, "activation", "U", name)
    if activation not in ACTIVATIONS:
        raise DataError(f"{name!r} names an unknown activation {activation!r}")
    n_classes = _scalar(data, "n_classes", "iu", name)
    hidden = data.get("hidden")
    if hidden is None or hidden.ndim != 1 or hidden.dtype.kind not in "iu" or (hidden < 1).any():
        raise DataError(f"{name!r} has a missing or malformed 'hidden' entry")
    if n_classes < 2 or (kind == "MLP") != (hidden.shape[0] == 1) or hidden.shape[0] > 1:
        raise DataError(f"{name!r} has an inconsistent architecture ({kind}, hidden {hidden})")

    n_layers = hidden.shape[0] + 1
    layer_keys = {f"{p}_{i}" for p in ("weights", "biases") for i in range(n_layers)}
    known = {"format", "version", "kind", "activation", "hidden", "n_classes"} | layer_keys
    if set(data) != known:
        odd = sorted(set(data) ^ known)
        raise DataError(f"{name!r} has missing or unexpected entries: {', '.join(odd)}")
    weights = [data[f"weights_{i}"] for i in range(n_layers)]
    biases = [data[f"biases_{i}"] for i in range(n_layers)]
    dtype = weights[0].dtype
    widths = [weights[0].shape[0] if weights[0].ndim == 2 else -1, *hidden.tolist(), n_classes]
    for i, (w, b) in enumerate(zip(weights, biases, strict=True)):
        shape = (widths[i], widths[i + 1])
        if w.shape != shape or b.shape != shape[1:] or w.dtype != dtype or b.dtype != dtype:
            raise DataError(
                f"{name!r}: layer {i} has weights {w.shape} {w.dtype} and biases {b.shape} "
                f"{b.dtype}, expected {shape} and {shape[1:]} of one float dtype"
            )
        if not (np.isfinite(w).all() and np.isfinite(b).all()):
            raise DataError(f"{name!r}: layer {i} has non-finite parameters")
    if dtype not in (np.float32, np.float64) or widths[0] < 1:
        raise DataError(f"{name!r} has parameters of dtype {dtype}, not float32/float64")

    net = (
        MLP(int(hidden[0]), activation, n_classes, dtype)
        if kind == "MLP"
        else SoftmaxRegression(n_classes, dtype)
    )
    from .kernel import Params

    net.params = Params(
        [np.ascontiguousarray(w) for w in weights], [np.ascontiguousarray(b) for b in biases]
    )
    return net
