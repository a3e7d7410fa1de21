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

import ast
import builtins
import io
import json
import zipfile
import zlib
from os import PathLike
from typing import Any

import numpy as np
import pandas as pd
import patsy

from .core.newton import NewtonResult
from .core.separation import Separation
from .design.frame import ModelFrame, _referenced_names
from .design.outcome import Outcome
from .exceptions import DataError, MNLogitError

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
    est: NewtonResult = results.estimate
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

    Loading never unpickles (object arrays are refused) and never runs code from
    the file: the saved formula may only read columns and call patsy's built-ins
    and numpy math functions, which is checked before it is evaluated.

    Raises
    ------
    DataError
        The file is not a saved model, or it is corrupt or tampered with (bad
        JSON, missing entries, arrays of the wrong shape or type, a formula that
        does more than the above); the message names the entry at fault.
    OSError
        The file cannot be read (e.g. ``FileNotFoundError``).

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
    try:
        with zipfile.ZipFile(path) as archive:
            meta = json.loads(archive.read("model.json"))
            with np.load(io.BytesIO(archive.read("arrays.npz")), allow_pickle=False) as npz:
                arrays = {name: npz[name] for name in npz.files}
    except (zipfile.BadZipFile, KeyError, EOFError, zlib.error) as err:
        raise DataError(f"{path} is not a saved mnlogit model ({err})") from None
    except ValueError as err:  # bad JSON or text, or an object array refused unpickled
        raise DataError(f"{path} is not a valid saved mnlogit model: {err}") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise DataError(f"{path} is not a saved mnlogit model (no {FORMAT!r} header)")
    if not isinstance(meta.get("version"), int) or meta["version"] > VERSION:
        raise DataError(f"{path} is not a saved mnlogit model of a version this package reads")
    try:
        results = _restore(meta, arrays)
    except MNLogitError as err:
        raise DataError(f"{path}: {err}") from None
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as err:
        what = f"missing entry {err}" if isinstance(err, KeyError) else f"{err}"
        raise DataError(f"{path} is not a valid saved mnlogit model: {what}") from None
    return results


def _restore(meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> Any:
    """Results from the JSON metadata and arrays of a saved model, checked for consistency."""
    from .inference.covariance import check_cov_type
    from .results import _METHODS, MNLogitResults

    est_meta = meta["estimate"]
    history = pd.DataFrame({c: arrays[f"history/{c}"] for c in est_meta["history"]})
    out = meta["outcome"]
    levels = tuple(_plain(out["levels"]))
    fr = meta["frame"]
    exog_names = tuple(map(str, fr["exog_names"]))
    codes = _numeric(arrays, "codes", (None,), integer=True)
    n_rows, k, m = codes.shape[0], len(exog_names), len(levels) - 1
    if len(set(levels)) != len(levels) or m < 1 or out["reference"] not in levels:
        raise MNLogitError(f"inconsistent outcome levels {levels} (reference {out['reference']!r})")
    if codes.size and not 0 <= codes.min() <= codes.max() <= m:
        raise MNLogitError(f"outcome codes outside 0..{m}")
    estimate = NewtonResult(
        theta=_numeric(arrays, "theta", (k * m,)), llf=float(est_meta["llf"]),
        gradient=_numeric(arrays, "gradient", (k * m,), finite=False),
        hessian=_numeric(arrays, "hessian", (k * m, k * m), finite=False),
        converged=bool(est_meta["converged"]), iterations=int(est_meta["iterations"]),
        history=history, message=str(est_meta["message"]),
    )
    outcome = Outcome(str(out["name"]), levels, out["reference"], codes,
                      tuple(_plain(out["dropped_levels"])))
    weights = _numeric(arrays, "weights", (n_rows,)) if "weights" in arrays else None
    row_index = arrays["row_index"]
    if row_index.shape != (n_rows,):
        raise MNLogitError(f"{row_index.shape} row labels for {n_rows} rows")
    frame = ModelFrame(
        X=_numeric(arrays, "X", (n_rows, k)), outcome=outcome, weights=weights,
        exog_names=exog_names,
        row_index=pd.Index(row_index, name=fr["row_index_name"]),
        row_positions=_numeric(arrays, "row_positions", (n_rows,), integer=True),
        n_dropped=int(fr["n_dropped"]), dropped_by_column=dict(fr["dropped_by_column"]),
        design_info=None if meta["design"] is None else _rebuild_design(meta["design"], arrays),
        formula=None if fr["formula"] is None else str(fr["formula"]),
        all_exog_names=tuple(map(str, fr["all_exog_names"])), aliased=tuple(fr["aliased"]),
    )
    if frame.design_info is not None and list(frame.table_names) != frame.design_info.column_names:
        raise MNLogitError("the saved column names do not match the saved design")
    sep = meta["separation"]
    direction = (
        _numeric(arrays, "separation_direction", (k, m), finite=False)
        if "separation_direction" in arrays
        else None
    )
    separation = Separation(bool(sep["separated"]), tuple(_plain(sep["outcomes"])),
                            tuple(map(str, sep["terms"])), direction, bool(sep["checked"]))
    cov_kwds = dict(meta["cov_kwds"])
    if "groups" in arrays:
        cov_kwds["groups"] = _numeric(arrays, "groups", (n_rows,), integer=True)
    check_cov_type(meta["cov_type"], cov_kwds)
    kind, lam = meta["penalty"]
    if kind not in _METHODS or not isinstance(lam, (int, float)):
        raise MNLogitError(f"unknown penalty {meta['penalty']!r}")
    results = MNLogitResults(frame, estimate, meta["cov_type"], cov_kwds, (kind, float(lam)),
                             separation)
    results.model = None
    return results


def _numeric(
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


# What a saved formula may call: patsy's built-ins and numpy's math functions. Loading
# evaluates the formula, so anything else (Python built-ins, attributes, other numpy
# functions such as np.save) is refused before evaluation: a tampered file cannot run code.
_PATSY_FUNCTIONS = frozenset(n for n in dir(patsy.builtins) if n[0] != "_" and n[:5] != "test_")
_NUMPY_FUNCTIONS = frozenset(
    "abs absolute arccos arccosh arcsin arcsinh arctan arctanh cbrt ceil clip cos cosh exp "
    "expm1 fabs floor fmax fmin log log10 log1p log2 maximum minimum power rint round sign "
    "sin sinh sqrt square tan tanh trunc where isnan isfinite e pi".split()
)
_SAFE_NODES = (
    ast.Expression, ast.Call, ast.Name, ast.Load, ast.Constant, ast.BinOp, ast.UnaryOp,
    ast.Compare, ast.BoolOp, ast.List, ast.Tuple, ast.keyword, ast.Attribute,
    ast.operator, ast.unaryop, ast.cmpop, ast.boolop,
)


def _check_expression(code: str, columns: set[str]) -> None:
    """Refuse a formula term that does more than read columns and call safe functions."""
    try:
        tree = ast.parse(code, mode="eval")
    except SyntaxError:
        raise MNLogitError(f"the formula term {code!r} is not a Python expression") from None
    for node in ast.walk(tree):
        bad = not isinstance(node, _SAFE_NODES)
        if isinstance(node, ast.Call):
            func = node.func
            bad |= not (
                isinstance(func, ast.Name) and func.id in _PATSY_FUNCTIONS
                or isinstance(func, ast.Attribute)
            )
            if isinstance(func, ast.Name) and func.id == "Q":  # Q reads a column by name
                bad |= [getattr(a, "value", None) in columns for a in node.args] != [True]
        elif isinstance(node, ast.BinOp):
            # Arithmetic on constants alone is evaluated by Python (9**9**9, 'a' * 10**12
            # would hang): only one operation on two plain numbers is allowed.
            numbers = all(_is_number(side) for side in (node.left, node.right))
            constant = not any(
                isinstance(n, ast.Name) for side in (node.left, node.right) for n in ast.walk(side)
            )
            bad |= constant and (not numbers or isinstance(node.op, ast.Pow))
        elif isinstance(node, ast.Attribute):
            base = node.value
            bad |= not (
                isinstance(base, ast.Name) and base.id in ("np", "numpy")
                and node.attr in _NUMPY_FUNCTIONS
            )
        elif isinstance(node, ast.Name):
            known = columns | _PATSY_FUNCTIONS | {"np", "numpy"}
            bad |= node.id not in known and (node.id in dir(builtins) or node.id[0] == "_")
        elif isinstance(node, ast.Constant):
            bad |= not isinstance(node.value, (int, float, str, bool, type(None)))
        if bad:
            raise MNLogitError(
                f"the formula term {code!r} uses {ast.unparse(node)!r}; a saved model may only "
                "read columns and call patsy's built-ins and numpy math functions"
            )


def _is_number(node: ast.AST) -> bool:
    if isinstance(node, ast.UnaryOp):
        node = node.operand
    return isinstance(node, ast.Constant) and type(node.value) in (int, float)


def _rebuild_design(state: dict[str, Any], arrays: dict[str, np.ndarray]) -> patsy.DesignInfo:
    columns = {n for f in state["factors"] for n in _referenced_names(str(f["code"]))}
    try:
        desc = patsy.ModelDesc.from_formula(str(state["rhs"]))
    except patsy.PatsyError as err:
        raise MNLogitError(f"cannot parse the saved formula '~{state['rhs']}': {err}") from None
    if desc.lhs_termlist:
        # The stored right-hand side never holds a "~": a left-hand side would be evaluated
        # by patsy before anything could refuse it, so it is refused unevaluated.
        raise MNLogitError(f"the saved formula '~{state['rhs']}' has a left-hand side")
    for term in desc.lhs_termlist + desc.rhs_termlist:
        for factor in term.factors:
            try:
                _check_expression(factor.code, columns)
            except MNLogitError as err:
                raise MNLogitError(
                    f"cannot rebuild the design of '~{state['rhs']}' for saving and loading: {err}"
                ) from None
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
                # Only the state the rebuilt transform has, with numbers or numeric arrays.
                if attr not in vars(obj):
                    raise MNLogitError(f"unknown transform state {attr!r} in {factor.code!r}")
                if "array" in stored:
                    key = stored["array"]
                    value = _numeric(arrays, key, (None,) * arrays[key].ndim)
                else:
                    value = _plain(stored["value"])
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
