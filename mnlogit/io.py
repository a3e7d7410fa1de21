"""Saving and loading fitted models without pickle.

A saved model is one zip file holding ``model.json`` (labels, names, formula,
settings, the patsy encoding: factor types, categorical levels and the state of
stateful transforms such as ``center`` or ``standardize``) and ``arrays.npz``
(estimates, Hessian, gradient, iteration history, the design matrix, outcome
codes, weights, row labels, cluster codes, transform state arrays), read back
with ``allow_pickle=False``. Everything ``summary()``, ``predict()``, the tests,
margins (given ``data=``) and ``with_cov_type`` need is restored.

The patsy design is rebuilt from the formula on a small synthetic frame whose
categorical columns carry the saved levels in order, then the saved transform
state is put back; the rebuilt column names are checked against the saved ones.
Formulas calling functions other than numpy's and patsy's built-ins, or
transforms whose state is not plain numbers and arrays, cannot be saved: the
error names the term.
"""

from __future__ import annotations

import io
import json
import zipfile
from os import PathLike
from typing import Any

import numpy as np
import pandas as pd
import patsy

from .exceptions import DataError, MNLogitError
from .formula import ModelFrame, _referenced_names
from .newton import NewtonResult
from .outcome import Outcome
from .separation import Separation

FORMAT = "mnlogit-results"
VERSION = 1
_SCALARS = (int, float, str, bool, type(None))


def save(results: Any, path: str | PathLike) -> None:
    """Write a fitted model to ``path`` (a zip of JSON and npz; no pickle).

    Examples
    --------
    >>> import mnlogit, tempfile, os
    >>> res = mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris())
    >>> path = os.path.join(tempfile.mkdtemp(), "iris.mnlogit")
    >>> save(res, path)
    >>> load(path).llf == res.llf
    True
    """
    frame: ModelFrame = results.model_frame
    est: NewtonResult = results._estimate
    arrays: dict[str, np.ndarray] = {
        "theta": est.theta, "gradient": est.gradient, "hessian": est.hessian,
        "X": frame.X, "codes": frame.outcome.codes, "row_positions": frame.row_positions,
        "row_index": _index_values(frame.row_index),
    }
    if frame.weights is not None:
        arrays["weights"] = frame.weights
    for column in est.history.columns:
        arrays[f"history/{column}"] = est.history[column].to_numpy()
    sep = results.separation
    if sep.direction is not None:
        arrays["separation_direction"] = sep.direction
    cov_kwds = {k: v for k, v in results.cov_kwds.items() if k != "groups"}
    if "groups" in results.cov_kwds:
        arrays["groups"] = np.asarray(results.cov_kwds["groups"])
    meta = {
        "format": FORMAT,
        "version": VERSION,
        "estimate": {"llf": est.llf, "converged": est.converged, "iterations": est.iterations,
                     "message": est.message, "history": list(map(str, est.history.columns))},
        "outcome": {"name": frame.outcome.name, "levels": _plain(frame.outcome.levels),
                    "reference": _plain(frame.outcome.reference),
                    "dropped_levels": _plain(frame.outcome.dropped_levels)},
        "frame": {"exog_names": list(frame.exog_names), "n_dropped": frame.n_dropped,
                  "dropped_by_column": frame.dropped_by_column, "formula": frame.formula,
                  "all_exog_names": list(frame.all_exog_names), "aliased": list(frame.aliased),
                  "row_index_name": frame.row_index.name},
        "design": None if frame.design_info is None else _design_state(frame, arrays),
        "cov_type": results.cov_type,
        "cov_kwds": cov_kwds,
        "penalty": list(results.penalty),
        "separation": {"separated": sep.separated, "outcomes": _plain(sep.outcomes),
                       "terms": list(sep.terms), "checked": sep.checked},
    }
    if meta["design"] is not None:
        _rebuild_design(meta["design"], arrays)  # fail now, not when loading
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("model.json", json.dumps(meta, indent=1))
        archive.writestr("arrays.npz", buffer.getvalue())


def load(path: str | PathLike) -> Any:
    """Read a model written by :func:`save` (or ``results.save``).

    The loaded results have no fitted data attached: pass ``data=`` to
    ``marginal_effects`` and cluster labels per row to ``with_cov_type``.

    Examples
    --------
    >>> import mnlogit, tempfile, os
    >>> df = mnlogit.datasets.load_iris()
    >>> res = mnlogit.fit("Species ~ Sepal_Length", df)
    >>> path = os.path.join(tempfile.mkdtemp(), "iris.mnlogit")
    >>> res.save(path)
    >>> load(path).predict(df.head(2)).equals(res.predict(df.head(2)))
    True
    """
    from .results import MNLogitResults

    try:
        with zipfile.ZipFile(path) as archive:
            meta = json.loads(archive.read("model.json"))
            with np.load(io.BytesIO(archive.read("arrays.npz")), allow_pickle=False) as npz:
                arrays = {name: npz[name] for name in npz.files}
    except (zipfile.BadZipFile, KeyError) as err:
        raise DataError(f"{path} is not a saved mnlogit model ({err})") from None
    if meta.get("format") != FORMAT or meta.get("version", 0) > VERSION:
        raise DataError(f"{path} is not a saved mnlogit model of a version this package reads")
    est_meta = meta["estimate"]
    history = pd.DataFrame({c: arrays[f"history/{c}"] for c in est_meta["history"]})
    estimate = NewtonResult(
        theta=arrays["theta"], llf=est_meta["llf"], gradient=arrays["gradient"],
        hessian=arrays["hessian"], converged=est_meta["converged"],
        iterations=est_meta["iterations"], history=history, message=est_meta["message"],
    )
    out = meta["outcome"]
    outcome = Outcome(out["name"], tuple(out["levels"]), out["reference"], arrays["codes"],
                      tuple(out["dropped_levels"]))
    fr = meta["frame"]
    frame = ModelFrame(
        X=arrays["X"], outcome=outcome, weights=arrays.get("weights"),
        exog_names=tuple(fr["exog_names"]),
        row_index=pd.Index(arrays["row_index"], name=fr["row_index_name"]),
        row_positions=arrays["row_positions"], n_dropped=fr["n_dropped"],
        dropped_by_column=fr["dropped_by_column"],
        design_info=None if meta["design"] is None else _rebuild_design(meta["design"], arrays),
        formula=fr["formula"], all_exog_names=tuple(fr["all_exog_names"]),
        aliased=tuple(fr["aliased"]),
    )
    sep = meta["separation"]
    separation = Separation(sep["separated"], tuple(sep["outcomes"]), tuple(sep["terms"]),
                            arrays.get("separation_direction"), sep["checked"])
    cov_kwds = dict(meta["cov_kwds"])
    if "groups" in arrays:
        cov_kwds["groups"] = arrays["groups"]
    results = MNLogitResults(frame, estimate, meta["cov_type"], cov_kwds,
                             tuple(meta["penalty"]), separation)
    results.model = None
    return results


def _plain(values: Any) -> Any:
    """Labels as JSON scalars; anything else is refused by name."""
    if isinstance(values, (tuple, list)):
        return [_plain(v) for v in values]
    value = values.item() if isinstance(values, np.generic) else values
    if not isinstance(value, _SCALARS):
        raise MNLogitError(f"cannot save the label {value!r} of type {type(value).__name__}")
    return value


def _index_values(index: pd.Index) -> np.ndarray:
    values = index.to_numpy()
    if values.dtype.kind in "iufb":
        return values
    return np.asarray([str(v) for v in values])


def _design_state(frame: ModelFrame, arrays: dict[str, np.ndarray]) -> dict[str, Any]:
    """Factor types, levels and transform state of the patsy design (arrays go to npz)."""
    info = frame.design_info
    factors = []
    for number, (factor, factor_info) in enumerate(info.factor_infos.items()):
        if not isinstance(factor, patsy.EvalFactor):
            raise MNLogitError(f"cannot save the formula term {factor.name()!r}")
        transforms: dict[str, dict[str, Any]] = {}
        for obj_name, obj in factor_info.state.get("transforms", {}).items():
            transforms[obj_name] = {}
            for attr, value in vars(obj).items():
                if isinstance(value, np.ndarray) and value.dtype.kind in "iufb":
                    key = f"transform/{number}/{obj_name}/{attr}"
                    arrays[key] = value
                    transforms[obj_name][attr] = {"array": key}
                elif isinstance(value, _SCALARS) or isinstance(value, np.generic):
                    transforms[obj_name][attr] = {"value": _plain(value)}
                else:
                    raise MNLogitError(
                        f"cannot save the state of the transform in {factor.code!r} "
                        f"(attribute {attr!r} of type {type(value).__name__})"
                    )
        factors.append({
            "code": factor.code, "type": factor_info.type,
            "categories": None if factor_info.categories is None
            else _plain(list(factor_info.categories)),
            "transforms": transforms,
        })
    return {"rhs": frame.formula.split("~", 1)[1], "factors": factors,
            "column_names": list(info.column_names)}


def _rebuild_design(state: dict[str, Any], arrays: dict[str, np.ndarray]) -> patsy.DesignInfo:
    data = _synthetic_frame(state["factors"])
    env = patsy.EvalEnvironment([{"np": np, "numpy": np}])
    try:
        info = patsy.dmatrix(state["rhs"], data, eval_env=env).design_info
    except Exception as err:  # a user function or expression that cannot be rebuilt
        raise MNLogitError(
            f"cannot rebuild the design of '~{state['rhs']}' for saving and loading: "
            f"{type(err).__name__}: {err}"
        ) from None
    saved = {f["code"]: f for f in state["factors"]}
    for factor, factor_info in info.factor_infos.items():
        for obj_name, obj in factor_info.state.get("transforms", {}).items():
            for attr, stored in saved[factor.code]["transforms"][obj_name].items():
                value = arrays[stored["array"]] if "array" in stored else stored["value"]
                setattr(obj, attr, value)
    if list(info.column_names) != state["column_names"]:
        raise MNLogitError(
            f"the rebuilt design of '~{state['rhs']}' has columns {info.column_names}, "
            f"not the saved {state['column_names']}"
        )
    return info


def _synthetic_frame(factors: list[dict[str, Any]], n_rows: int = 24) -> pd.DataFrame:
    """A few rows on which the formula evaluates to the saved encoding."""
    columns: dict[str, Any] = {}
    for factor in factors:
        names = sorted(_referenced_names(factor["code"]) - set(dir(patsy.builtins)) - {"np"})
        for name in names:
            if factor["type"] == "categorical":
                levels = factor["categories"]
                cycle = [levels[i % len(levels)] for i in range(n_rows)]
                if all(isinstance(v, str) for v in levels):
                    columns[name] = pd.Categorical(cycle, categories=levels)
                else:
                    columns[name] = np.asarray(cycle, dtype=object if any(
                        isinstance(v, str) for v in levels) else None)
            elif name not in columns:
                columns[name] = np.linspace(1.0, 2.0, n_rows)
    return pd.DataFrame(columns)
