"""Saving networks as plain .npz archives and loading them back with full validation.

The archive holds only numeric and string arrays and is read with
``allow_pickle=False``, so loading never executes code; every inconsistency of a
tampered or foreign file is a :class:`DataError` naming the file.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..exceptions import DataError
from .activations import ACTIVATIONS

FORMAT = "mnlogit.nn"
VERSION = 1


KINDS = ("MLP", "SoftmaxRegression")


@dataclass
class NetworkRecord:
    """Everything a saved network holds: plain values and arrays, no objects."""

    kind: str  # one of KINDS
    activation: str
    hidden: tuple[int, ...]
    n_classes: int
    weights: list[np.ndarray]
    biases: list[np.ndarray]


def save_network(record: NetworkRecord, path: str | Path) -> None:
    """Write ``record`` to ``path`` (the name is used as given).

    Examples
    --------
    >>> import tempfile
    >>> record = NetworkRecord("SoftmaxRegression", "logistic", (), 2,
    ...                        [np.zeros((1, 2))], [np.zeros(2)])
    >>> save_network(record, tempfile.mkdtemp() + "/a.npz")
    """
    arrays = {
        "format": np.array(FORMAT),
        "version": np.array(VERSION),
        "kind": np.array(record.kind),
        "activation": np.array(record.activation),
        "hidden": np.array(record.hidden, dtype=np.int64),
        "n_classes": np.array(record.n_classes),
    }
    for i, (w, b) in enumerate(zip(record.weights, record.biases, strict=True)):
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


def read_network(path: str | Path) -> NetworkRecord:
    """Read a network written by :func:`save_network`, checking every entry.

    Examples
    --------
    >>> import tempfile
    >>> record = NetworkRecord("MLP", "tanh", (3,), 2, [np.zeros((1, 3)), np.zeros((3, 2))],
    ...                        [np.zeros(3), np.zeros(2)])
    >>> path = tempfile.mkdtemp() + "/a.npz"; save_network(record, path)
    >>> [w.shape for w in read_network(path).weights]
    [(1, 3), (3, 2)]
    """
    path = Path(path)
    name = str(path)
    data = _read(path)
    if _scalar(data, "format", "U", name) != FORMAT:
        raise DataError(f"{name!r} is not an mnlogit network archive")
    if _scalar(data, "version", "iu", name) != VERSION:
        raise DataError(f"{name!r} has unsupported format version {data['version'].item()}")
    kind = _scalar(data, "kind", "U", name)
    if kind not in KINDS:
        raise DataError(f"{name!r} holds an unknown network kind {kind!r}")
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

    return NetworkRecord(
        kind,
        activation,
        tuple(hidden.tolist()),
        n_classes,
        [np.ascontiguousarray(w) for w in weights],
        [np.ascontiguousarray(b) for b in biases],
    )
