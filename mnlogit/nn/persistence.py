"""Saving networks as plain .npz archives and reading them back with full validation.

The archive holds only numeric and string arrays (the hyper-parameters as one JSON
text) and is read with ``allow_pickle=False``, so reading never executes code; every
inconsistency of a tampered or foreign file is a :class:`DataError` naming the file.
This module knows the file format, not the network classes: it writes and reads a
:class:`NetworkRecord` of plain values.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..exceptions import DataError

FORMAT = "mnlogit.nn"
VERSION = 2  # 2: hyper-parameters, classes and history; 1: architecture and weights only
KINDS = ("MLP", "SoftmaxRegression")
HISTORY_WIDTH = 7  # columns of the history table


@dataclass
class NetworkRecord:
    """Everything a saved network holds: plain values and arrays, no objects."""

    kind: str  # one of KINDS
    settings: dict[str, Any]  # hyper-parameters: numbers, strings, booleans or None
    classes: np.ndarray  # (K,) sorted distinct labels: numbers, strings or booleans
    weights: list[np.ndarray]  # (fan_in, fan_out) per layer
    biases: list[np.ndarray]  # (fan_out,) per layer
    history: np.ndarray  # (epochs, HISTORY_WIDTH) float64


def save_network(record: NetworkRecord, path: str | Path) -> None:
    """Write ``record`` to ``path``, replacing an existing file only once it is complete.

    Examples
    --------
    >>> import tempfile
    >>> record = NetworkRecord("SoftmaxRegression", {"epochs": 1}, np.array(["a", "b"]),
    ...                        [np.zeros((1, 2))], [np.zeros(2)], np.zeros((1, 7)))
    >>> save_network(record, tempfile.mkdtemp() + "/a.npz")
    """
    if record.classes.dtype.kind not in "biufUS":
        raise DataError(
            f"cannot save classes of dtype {record.classes.dtype}: a saved network's classes "
            "must be numbers, strings or booleans"
        )
    arrays: dict[str, Any] = {
        "format": np.array(FORMAT),
        "version": np.array(VERSION),
        "kind": np.array(record.kind),
        "settings": np.array(json.dumps(record.settings)),
        "classes": record.classes,
        "history": np.asarray(record.history, np.float64),
    }
    for i, (w, b) in enumerate(zip(record.weights, record.biases, strict=True)):
        arrays[f"weights_{i}"] = w
        arrays[f"biases_{i}"] = b
    path = Path(path)
    # A crash or an error while writing leaves the old file as it was.
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            np.savez(stream, **arrays)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def _read(path: Path) -> dict[str, np.ndarray]:
    name = str(path)
    try:
        with open(path, "rb") as stream:
            archive = np.load(stream, allow_pickle=False)
            if isinstance(archive, np.lib.npyio.NpzFile):
                with archive:
                    return {key: archive[key] for key in archive.files}
    except FileNotFoundError:
        raise DataError(f"network file {name!r} does not exist") from None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as err:
        raise DataError(f"{name!r} is not a readable mnlogit network archive: {err}") from None
    raise DataError(f"{name!r} holds a single array (.npy), not an mnlogit network archive (.npz)")


def _scalar(data: dict[str, np.ndarray], key: str, kind: str, name: str) -> Any:
    value = data.get(key)
    if value is None or value.shape != () or value.dtype.kind not in kind:
        raise DataError(f"{name!r} has a missing or malformed {key!r} entry")
    return value.item()


def _settings(text: str, name: str) -> dict[str, Any]:
    try:
        settings = json.loads(text)
    except ValueError:
        settings = None
    plain = (int, float, str, bool, type(None))
    if not isinstance(settings, dict) or not all(
        isinstance(value, plain) for value in settings.values()
    ):
        raise DataError(f"{name!r} has a malformed 'settings' entry (hyper-parameters)")
    return settings


def _classes(classes: np.ndarray | None, name: str) -> np.ndarray:
    if (
        classes is None
        or classes.ndim != 1
        or classes.shape[0] < 2
        or classes.dtype.kind not in "biufUS"
        or (classes.dtype.kind == "f" and not np.isfinite(classes).all())
        or not np.array_equal(np.unique(classes), classes)
    ):
        raise DataError(
            f"{name!r} has a missing or malformed 'classes' entry (at least 2 distinct sorted "
            "labels: numbers, strings or booleans)"
        )
    return classes


def _layers(data: dict[str, np.ndarray], name: str) -> tuple[list[np.ndarray], list[np.ndarray]]:
    n_layers = sum(key.startswith("weights_") for key in data)
    keys = [f"weights_{i}" for i in range(n_layers)] + [f"biases_{i}" for i in range(n_layers)]
    if n_layers == 0 or any(key not in data for key in keys):
        raise DataError(f"{name!r} has missing or misnumbered layer entries")
    weights = [data[f"weights_{i}"] for i in range(n_layers)]
    biases = [data[f"biases_{i}"] for i in range(n_layers)]
    dtype = weights[0].dtype
    if dtype not in (np.float32, np.float64):
        raise DataError(f"{name!r} has parameters of dtype {dtype}, not float32 or float64")
    width = weights[0].shape[0] if weights[0].ndim == 2 else 0
    for i, (w, b) in enumerate(zip(weights, biases, strict=True)):
        fan_out = w.shape[1] if w.ndim == 2 else 0
        if (
            w.ndim != 2
            or w.shape[0] != width
            or min(w.shape) < 1
            or b.shape != (fan_out,)
            or w.dtype != dtype
            or b.dtype != dtype
        ):
            raise DataError(
                f"{name!r}: layer {i} has weights {w.shape} {w.dtype} and biases {b.shape} "
                f"{b.dtype}, expected ({width}, m) and (m,) of one float dtype ({dtype})"
            )
        if not (np.isfinite(w).all() and np.isfinite(b).all()):
            raise DataError(f"{name!r}: layer {i} has non-finite parameters")
        width = fan_out
    return [np.ascontiguousarray(w) for w in weights], [np.ascontiguousarray(b) for b in biases]


def _version_1(data: dict[str, np.ndarray], name: str) -> tuple[dict[str, Any], np.ndarray]:
    """Hyper-parameters and classes of a version-1 file (architecture and weights only)."""
    activation = _scalar(data, "activation", "U", name)
    n_classes = _scalar(data, "n_classes", "iu", name)
    hidden = data.get("hidden")
    if hidden is None or hidden.ndim != 1 or hidden.dtype.kind not in "iu" or hidden.size > 1:
        raise DataError(f"{name!r} has a missing or malformed 'hidden' entry")
    settings: dict[str, Any] = {"dtype": data["weights_0"].dtype.name}
    if hidden.size:
        settings.update(hidden=int(hidden[0]), activation=activation)
    return settings, np.arange(n_classes)


def read_network(path: str | Path) -> NetworkRecord:
    """Read a network written by :func:`save_network`, checking every entry.

    Examples
    --------
    >>> import tempfile
    >>> record = NetworkRecord("MLP", {"hidden": 3}, np.array([0, 1]),
    ...                        [np.zeros((1, 3)), np.zeros((3, 2))], [np.zeros(3), np.zeros(2)],
    ...                        np.zeros((0, 7)))
    >>> path = tempfile.mkdtemp() + "/a.npz"; save_network(record, path)
    >>> [w.shape for w in read_network(path).weights]
    [(1, 3), (3, 2)]
    """
    name = str(path)
    data = _read(Path(path))
    if _scalar(data, "format", "U", name) != FORMAT:
        raise DataError(f"{name!r} is not an mnlogit network archive")
    version = _scalar(data, "version", "iu", name)
    if version not in (1, VERSION):
        raise DataError(f"{name!r} has unsupported format version {version}")
    kind = _scalar(data, "kind", "U", name)
    if kind not in KINDS:
        raise DataError(f"{name!r} holds an unknown network kind {kind!r}")
    weights, biases = _layers(data, name)
    if version == 1:
        settings, classes = _version_1(data, name)
        history: np.ndarray = np.zeros((0, HISTORY_WIDTH))
        known = {"activation", "hidden", "n_classes"}
    else:
        settings = _settings(_scalar(data, "settings", "U", name), name)
        classes = _classes(data.get("classes"), name)
        history = data.get("history", np.zeros(0))
        if (
            history.ndim != 2
            or history.shape[1] != HISTORY_WIDTH
            or history.dtype.kind != "f"
            or not np.array_equal(history[:, 0], np.arange(1, history.shape[0] + 1))
            or not np.isfinite(history[:, [1, 2, 3, 6]]).all()
        ):
            raise DataError(f"{name!r} has a missing or malformed 'history' entry")
        known = {"settings", "classes", "history"}
    layer_keys = {f"{p}_{i}" for p in ("weights", "biases") for i in range(len(weights))}
    known |= {"format", "version", "kind"} | layer_keys
    if set(data) != known:
        odd = sorted(set(data) ^ known)
        raise DataError(f"{name!r} has missing or unexpected entries: {', '.join(odd)}")
    if weights[-1].shape[1] != classes.shape[0]:
        raise DataError(
            f"{name!r}: the output layer has {weights[-1].shape[1]} units for "
            f"{classes.shape[0]} classes"
        )
    return NetworkRecord(kind, settings, classes, weights, biases, history.astype(np.float64))
