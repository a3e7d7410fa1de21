"""The saved-model format: one zip of ``model.json`` and ``arrays.npz`` (no pickle).

``model.json`` holds labels, names, settings and the design description (the plain-data
:class:`~mnlogit.design.DesignSpec`); ``arrays.npz`` the estimate, Hessian, gradient,
iteration history, the design rows, outcome codes, weights, row labels, cluster codes
and the spec's arrays (contrast matrices, knots), read back with ``allow_pickle=False``.

Writing is all-or-nothing: everything is encoded in memory first (a label that cannot
be stored is an error before the target is touched), then written to a temporary file
in the target's folder, flushed to disk and renamed over the target, so a failed or
interrupted save leaves the previous file as it was.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import zipfile
import zlib
from os import PathLike
from typing import Any

import numpy as np
import pandas as pd

from .core.newton import NewtonResult
from .core.separation import Separation
from .design import DesignSpec, FitFrame, ModelFrame, Outcome
from .exceptions import DataError, MNLogitError

FORMAT = "mnlogit-results"
VERSION = 2
_SCALARS = (int, float, str, bool, type(None))


def encode_label(value: Any) -> Any:
    """A label (outcome level, index name) as JSON: scalars as they are, tuples and
    timestamps tagged; anything else is refused by name.

    Examples
    --------
    >>> encode_label(("a", 1)), encode_label(np.int64(3))
    ({'tuple': ['a', 1]}, 3)
    """
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, tuple):
        return {"tuple": [encode_label(v) for v in value]}
    if isinstance(value, pd.Timestamp):
        return {"timestamp": value.isoformat()}
    if isinstance(value, float) and not np.isfinite(value):
        return {"float": repr(value)}
    if not isinstance(value, _SCALARS):
        raise MNLogitError(f"cannot save the label {value!r} of type {type(value).__name__}")
    return value


def decode_label(value: Any) -> Any:
    """Inverse of :func:`encode_label`; a malformed entry is an error.

    Examples
    --------
    >>> decode_label({"tuple": ["a", 1]})
    ('a', 1)
    """
    if isinstance(value, dict):
        if set(value) == {"tuple"} and isinstance(value["tuple"], list):
            return tuple(decode_label(v) for v in value["tuple"])
        if set(value) == {"timestamp"} and isinstance(value["timestamp"], str):
            return pd.Timestamp(value["timestamp"])
        if set(value) == {"float"} and value["float"] in ("nan", "inf", "-inf"):
            return float(value["float"])
        raise MNLogitError(f"malformed label {value!r}")
    if not isinstance(value, _SCALARS):
        raise MNLogitError(f"malformed label {value!r}")
    return value


def _index_arrays(index: pd.Index, arrays: dict[str, np.ndarray]) -> dict[str, Any]:
    """Row labels into ``arrays``; their kind and name into the returned description."""
    description: dict[str, Any] = {"name": encode_label(index.name)}
    if isinstance(index, pd.DatetimeIndex):
        description["kind"] = "datetime"
        description["tz"] = None if index.tz is None else str(index.tz)
        description["freq"] = index.freqstr
        arrays["row_index"] = index.tz_convert(None).to_numpy() if index.tz else index.to_numpy()
        return description
    values = index.to_numpy()
    if values.dtype.kind in "iufb":
        description["kind"] = "numbers"
        arrays["row_index"] = values
    else:
        description["kind"] = "text"
        arrays["row_index"] = np.asarray([str(v) for v in values], dtype=str)
    return description


def _index_from(description: dict[str, Any], values: np.ndarray) -> pd.Index:
    name = decode_label(description["name"])
    kind = description["kind"]
    if kind == "datetime":
        if values.dtype.kind != "M":
            raise MNLogitError("row labels stored as dates are not dates")
        index = pd.DatetimeIndex(values, name=name)
        if description["tz"]:
            index = index.tz_localize("UTC").tz_convert(description["tz"])
        freq = description.get("freq")  # absent from files written before it was kept
        if freq is None:
            return index
        try:
            return pd.DatetimeIndex(index, freq=str(freq))
        except (ValueError, TypeError):
            raise MNLogitError(
                f"row labels stored as dates do not follow their stored frequency {freq!r}"
            ) from None
    if (
        kind == "numbers"
        and values.dtype.kind in "iufb"
        or kind == "text"
        and values.dtype.kind == "U"
    ):
        return pd.Index(values, name=name, tupleize_cols=False)
    raise MNLogitError(f"row labels of kind {kind!r} hold {values.dtype} values")


def encode(
    frame: FitFrame,
    estimate: NewtonResult,
    cov_type: str,
    cov_kwds: dict[str, Any],
    penalty: tuple[str, float],
    separation: Separation,
) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The JSON description and arrays of a fit (nothing written yet).

    Raises
    ------
    MNLogitError
        Something that cannot be stored (a label of another type, a design whose
        expressions hold state that is not plain data), named.
    """
    arrays: dict[str, np.ndarray] = {
        "theta": estimate.theta,
        "gradient": estimate.gradient,
        "hessian": estimate.hessian,
        "X": frame.X,
        "codes": frame.outcome.codes,
        "row_positions": frame.row_positions,
    }
    index = _index_arrays(frame.row_index, arrays)
    if frame.weights is not None:
        arrays["weights"] = frame.weights
    for column, values in estimate.trace.items():
        arrays[f"history/{column}"] = values
    if separation.direction is not None:
        arrays["separation_direction"] = separation.direction
    if "groups" in cov_kwds:
        arrays["groups"] = np.asarray(cov_kwds["groups"])
    spec = frame.spec
    meta = {
        "format": FORMAT,
        "version": VERSION,
        "estimate": {
            "llf": estimate.llf,
            "converged": estimate.converged,
            "iterations": estimate.iterations,
            "message": estimate.message,
            "history": list(estimate.trace),
        },
        "outcome": {
            "name": frame.outcome.name,
            "levels": [encode_label(v) for v in frame.outcome.levels],
            "reference": encode_label(frame.outcome.reference),
            "dropped_levels": [encode_label(v) for v in frame.outcome.dropped_levels],
        },
        "frame": {
            "exog_names": list(frame.exog_names),
            "n_dropped": frame.n_dropped,
            "dropped_by_column": {str(k): int(v) for k, v in frame.dropped_by_column.items()},
            "formula": frame.formula,
            "all_exog_names": list(frame.all_exog_names),
            "aliased": list(frame.aliased),
            "row_index": index,
        },
        "design": None if spec is None else spec.to_dict(arrays),
        "cov_type": cov_type,
        "cov_kwds": {k: v for k, v in cov_kwds.items() if k != "groups"},
        "penalty": list(penalty),
        "separation": {
            "separated": separation.separated,
            "outcomes": [encode_label(v) for v in separation.outcomes],
            "terms": list(separation.terms),
            "checked": separation.checked,
        },
    }
    json.dumps(meta)  # refuse what JSON cannot hold now, before any file is touched
    return meta, arrays


def write(path: str | PathLike, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
    """Write a model file atomically: a temporary file beside ``path``, flushed to disk,
    then renamed over ``path`` (the old file stays intact if anything fails)."""
    buffer = io.BytesIO()
    # allow_pickle at its default, named so that no array can be taken for it.
    np.savez_compressed(buffer, allow_pickle=True, **arrays)
    document = json.dumps(meta, indent=1)
    target = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(target))
    handle, temporary = tempfile.mkstemp(prefix=".mnlogit-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as raw:
            with zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                archive.writestr("model.json", document)
                archive.writestr("arrays.npz", buffer.getvalue())
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(temporary, target)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    try:  # make the rename itself durable
        directory = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(directory)
    except OSError:
        pass
    finally:
        os.close(directory)


def read(path: str | PathLike) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The JSON description and arrays of a model file (checked to be one)."""
    try:
        with zipfile.ZipFile(path) as archive:
            meta = json.loads(archive.read("model.json"))
            with np.load(io.BytesIO(archive.read("arrays.npz")), allow_pickle=False) as npz:
                arrays = {name: npz[name] for name in npz.files}
    except FileNotFoundError:
        raise
    except (zipfile.BadZipFile, KeyError, EOFError, zlib.error, OSError) as err:
        # OSError: an archive whose directory points outside the file (a bad seek).
        raise DataError(f"{path} is not a saved mnlogit model ({err})") from None
    except ValueError as err:  # bad JSON or text, or an object array refused unpickled
        raise DataError(f"{path} is not a valid saved mnlogit model: {err}") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise DataError(f"{path} is not a saved mnlogit model (no {FORMAT!r} header)")
    version = meta.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= VERSION:
        raise DataError(f"{path} is not a saved mnlogit model of a version this package reads")
    if version < VERSION:
        raise DataError(
            f"{path} was saved in the format of an earlier mnlogit (version {version}), which "
            "stored its design as a patsy formula; refit the model and save it again"
        )
    return meta, arrays


def numeric(
    arrays: dict[str, np.ndarray],
    name: str,
    shape: tuple,
    integer: bool = False,
    finite: bool = True,
) -> np.ndarray:
    """A saved array of the expected shape (None: any length) holding (finite) numbers."""
    array = arrays[name]
    kinds = "iu" if integer else "iuf"
    expected = all(s is None or s == a for s, a in zip(shape, array.shape, strict=False))
    if array.ndim != len(shape) or not expected or array.dtype.kind not in kinds:
        raise MNLogitError(
            f"array {name!r} has shape {array.shape} and dtype {array.dtype}, expected "
            f"shape {tuple('n' if s is None else s for s in shape)} of "
            f"{'integers' if integer else 'numbers'}"
        )
    if finite and not integer and not np.isfinite(array).all():
        raise MNLogitError(f"array {name!r} holds non-finite values")
    return array


def decode(meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> dict[str, Any]:
    """The parts of a fit (frame, estimate, covariance settings, penalty, separation)
    from a model file's contents, checked for consistency; nothing is evaluated."""
    est_meta = meta["estimate"]
    iterations = int(est_meta["iterations"])
    trace = {
        str(c): numeric(arrays, f"history/{c}", (iterations,), finite=False)
        for c in est_meta["history"]
    }
    out = meta["outcome"]
    levels = tuple(decode_label(v) for v in out["levels"])
    reference = decode_label(out["reference"])
    fr = meta["frame"]
    exog_names = tuple(map(str, fr["exog_names"]))
    codes = numeric(arrays, "codes", (None,), integer=True)
    n_rows, k, m = codes.shape[0], len(exog_names), len(levels) - 1
    if len(set(levels)) != len(levels) or m < 1 or reference not in levels:
        raise MNLogitError(f"inconsistent outcome levels {levels} (reference {reference!r})")
    if codes.size and not 0 <= codes.min() <= codes.max() <= m:
        raise MNLogitError(f"outcome codes outside 0..{m}")
    estimate = NewtonResult(
        theta=numeric(arrays, "theta", (k * m,)),
        llf=float(est_meta["llf"]),
        gradient=numeric(arrays, "gradient", (k * m,), finite=False),
        hessian=numeric(arrays, "hessian", (k * m, k * m), finite=False),
        converged=bool(est_meta["converged"]),
        iterations=iterations,
        trace=trace,
        message=str(est_meta["message"]),
    )
    if estimate.converged:
        try:
            np.linalg.cholesky(-estimate.hessian)
        except np.linalg.LinAlgError:
            raise MNLogitError(
                "the stored Hessian is not negative definite, yet the fit is marked converged"
            ) from None
    outcome = Outcome(
        str(out["name"]),
        levels,
        reference,
        codes,
        tuple(decode_label(v) for v in out["dropped_levels"]),
    )
    weights = numeric(arrays, "weights", (n_rows,)) if "weights" in arrays else None
    row_index = _index_from(fr["row_index"], arrays["row_index"])
    if len(row_index) != n_rows:
        raise MNLogitError(f"{len(row_index)} row labels for {n_rows} rows")
    spec = None if meta["design"] is None else DesignSpec.from_dict(meta["design"], arrays)
    all_names = tuple(map(str, fr["all_exog_names"]))
    if spec is not None and spec.column_names != (all_names or exog_names):
        raise MNLogitError("the saved column names do not match the saved design")
    frame = ModelFrame(
        design_rows=numeric(arrays, "X", (n_rows, k)),
        outcome=outcome,
        weights=weights,
        exog_names=exog_names,
        row_index=row_index,
        row_positions=numeric(arrays, "row_positions", (n_rows,), integer=True),
        n_dropped=int(fr["n_dropped"]),
        dropped_by_column={str(a): int(b) for a, b in dict(fr["dropped_by_column"]).items()},
        spec=spec,
        formula=None if fr["formula"] is None else str(fr["formula"]),
        all_exog_names=all_names,
        aliased=tuple(map(str, fr["aliased"])),
    )
    sep = meta["separation"]
    direction = (
        numeric(arrays, "separation_direction", (k, m), finite=False)
        if "separation_direction" in arrays
        else None
    )
    separation = Separation(
        bool(sep["separated"]),
        tuple(decode_label(v) for v in sep["outcomes"]),
        tuple(map(str, sep["terms"])),
        direction,
        bool(sep["checked"]),
    )
    cov_kwds = dict(meta["cov_kwds"])
    if "groups" in arrays:
        cov_kwds["groups"] = numeric(arrays, "groups", (n_rows,), integer=True)
    kind, lam = meta["penalty"]
    if not isinstance(kind, str) or not isinstance(lam, (int, float)):
        raise MNLogitError(f"unknown penalty {meta['penalty']!r}")
    return {
        "frame": frame,
        "estimate": estimate,
        "cov_type": meta["cov_type"],
        "cov_kwds": cov_kwds,
        "penalty": (kind, float(lam)),
        "separation": separation,
    }
