"""ModelFrame: the outcome codes, design matrix, weights and labels of one fit.

This is the only module that talks to patsy. It owns the outcome levels and
their order, the reference outcome, the design-column names, the handling of
missing values (which rows were dropped and how many), the weights, and the
patsy ``DesignInfo`` that rebuilds the design for new data.
"""

from __future__ import annotations

import ast
import builtins
import functools
import warnings
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd
import patsy
import patsy.builtins

from ..exceptions import DataError, FormulaError, LevelError, MissingDataWarning
from .outcome import Outcome, _plain, _unhashable, encode_outcome

MissingPolicy = Literal["drop", "raise"]
# Design values beyond this magnitude (or nonzero columns below its inverse) would
# overflow (underflow) in the Hessian's products of two columns.
MAX_MAGNITUDE = 1e100


@dataclass(frozen=True, eq=False)
class ModelFrame:
    """Everything the likelihood and the reports need to know about the rows used.

    Attributes
    ----------
    X : (n, k) float64 design matrix of the rows used.
    outcome : the outcome's levels, reference and model-order codes.
    weights : (n,) frequency weights, or None.
    exog_names : design-column names.
    row_index : labels (of the user's data) of the rows used.
    row_positions : positions (in the user's data) of the rows used.
    n_dropped : number of rows dropped for missing values.
    design_info : patsy design information (formula interface only).
    """

    X: np.ndarray
    outcome: Outcome
    weights: np.ndarray | None
    exog_names: tuple[str, ...]
    row_index: pd.Index
    row_positions: np.ndarray
    n_dropped: int = 0
    dropped_by_column: dict[str, int] = field(default_factory=dict)
    design_info: patsy.DesignInfo | None = None
    formula: str | None = None
    all_exog_names: tuple[str, ...] = ()
    aliased: tuple[str, ...] = ()

    def without_columns(self, drop: Sequence[int]) -> ModelFrame:
        """The same rows with design columns ``drop`` left out (recorded as aliased)."""
        keep = [j for j in range(self.n_terms) if j not in set(drop)]
        return replace(
            self,
            X=np.ascontiguousarray(self.X[:, keep]),
            exog_names=tuple(self.exog_names[j] for j in keep),
            all_exog_names=self.exog_names,
            aliased=tuple(self.exog_names[j] for j in drop),
        )

    @property
    def table_names(self) -> tuple[str, ...]:
        """Names of every design column, estimated or aliased, in design order."""
        return self.all_exog_names or self.exog_names

    @property
    def nobs(self) -> float:
        """Number of observations: the sum of the frequency weights, or the row count."""
        return float(self.X.shape[0] if self.weights is None else self.weights.sum())

    @property
    def n_terms(self) -> int:
        """Number of design columns k."""
        return self.X.shape[1]

    @functools.cached_property
    def constant_column(self) -> int | None:
        """Index of the first non-zero constant design column (the intercept), if any."""
        if self.X.shape[0] == 0:
            return None
        # Largest equals smallest: two reductions, no n x k temporary (X has no NaN).
        high, low = self.X.max(axis=0), self.X.min(axis=0)
        candidates = np.flatnonzero((high == low) & (high != 0))
        return int(candidates[0]) if candidates.size else None

    def outcome_counts(self) -> np.ndarray:
        """(Weighted) number of observations of each outcome, in model order."""
        counts = np.bincount(
            self.outcome.codes, weights=self.weights, minlength=self.outcome.n_levels
        )
        return counts.astype(float)

    def design_for(self, newdata: Any) -> tuple[np.ndarray, np.ndarray]:
        """Design matrix of new data with the fit's encoding; rows with missing values
        are left out and the positions of the rows kept are returned beside it."""
        if self.design_info is not None:
            X, kept = _formula_design(self.design_info, newdata)
        else:
            X, kept = _array_design(newdata, self.table_names)
        if self.aliased:
            X = np.ascontiguousarray(X[:, [self.table_names.index(n) for n in self.exog_names]])
        return X, kept


# ----------------------------------------------------------------------------
# formula interface


def frame_from_formula(
    formula: str,
    data: pd.DataFrame,
    reference: Hashable | None = None,
    weights: str | Sequence[float] | np.ndarray | pd.Series | None = None,
    missing: MissingPolicy = "drop",
    eval_env: patsy.EvalEnvironment | int = 0,
) -> ModelFrame:
    """Build the ModelFrame of ``formula`` evaluated on ``data``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"y": ["a", "b", "a", "c"], "x": [1.0, 2.0, 3.0, 5.0]})
    >>> mf = frame_from_formula("y ~ x", df)
    >>> mf.exog_names, mf.outcome.levels
    (('Intercept', 'x'), ('a', 'b', 'c'))
    """
    if not isinstance(formula, str):
        raise FormulaError(f"formula must be a string such as 'y ~ x1 + x2', got {formula!r}")
    if not isinstance(data, pd.DataFrame):
        raise DataError(
            f"data must be a pandas DataFrame, got {type(data).__name__}; "
            "use mnlogit.MNLogit(endog, exog) for arrays"
        )
    _check_missing_policy(missing)
    if isinstance(eval_env, int):
        eval_env = patsy.EvalEnvironment.capture(eval_env + 1)
    lhs_code, rhs = _parse_formula(formula)
    frame = data.set_axis(pd.RangeIndex(len(data)), axis=0)
    _check_names(formula, [lhs_code] + _factor_codes(rhs), frame, eval_env)

    y_raw = _evaluate_outcome(lhs_code, frame, eval_env)
    w_raw = _resolve_weights(weights, frame)
    frame = _usable_columns(frame, _data_columns(_factor_codes(rhs), frame))
    _, X_df = _build_design(rhs, frame, eval_env)

    ok = pd.Series(False, index=frame.index)
    ok.loc[X_df.index] = True
    dropped_by = _missing_counts(frame, lhs_code, rhs, y_raw, w_raw, eval_env)
    ok &= y_raw.notna().to_numpy()
    if w_raw is not None:
        ok &= ~np.isnan(w_raw)
    n_dropped = int((~ok).sum())
    if n_dropped and missing == "raise":
        raise DataError(
            f"{n_dropped} of {len(frame)} rows have missing values "
            f"({_describe_counts(dropped_by)}); drop them or pass missing='drop'"
        )
    if n_dropped == len(frame):
        raise DataError(
            f"no rows left: all {len(frame)} rows have missing values "
            f"({_describe_counts(dropped_by)})"
        )
    if n_dropped:
        # Rebuild on the estimation sample so factor levels and stateful
        # transforms (center, standardize) are learned from the rows used.
        frame = frame.loc[ok.to_numpy()]
        design_info, X_df = _build_design(rhs, frame, eval_env)
        _warn_dropped(n_dropped, len(ok), dropped_by)
    else:
        design_info = X_df.design_info
    exog_names = tuple(design_info.column_names)
    if not exog_names:
        raise FormulaError(f"formula {formula!r} has no terms on the right of '~' (no columns)")
    X = np.asarray(X_df, dtype=np.float64)
    _check_finite(X, exog_names)
    _check_scale(X, exog_names)
    kept = ok.to_numpy()
    outcome = encode_outcome(y_raw[kept], lhs_code, reference)
    w = None if w_raw is None else _check_weights(w_raw[kept], outcome)
    return ModelFrame(
        X=np.ascontiguousarray(X),
        outcome=outcome,
        weights=w,
        exog_names=exog_names,
        row_index=data.index[kept],
        row_positions=np.flatnonzero(kept),
        n_dropped=n_dropped,
        dropped_by_column=dropped_by,
        design_info=design_info,
        formula=formula,
    )


def _parse_formula(formula: str) -> tuple[str, patsy.ModelDesc]:
    try:
        desc = patsy.ModelDesc.from_formula(formula)
    except patsy.PatsyError as err:
        raise FormulaError(f"cannot parse formula {formula!r}: {err.message}") from None
    factors = [f for term in desc.lhs_termlist for f in term.factors]
    if len(desc.lhs_termlist) != 1 or len(factors) != 1:
        raise FormulaError(
            f"formula {formula!r} must have exactly one outcome variable on the left of '~'"
        )
    return factors[0].code, patsy.ModelDesc([], desc.rhs_termlist)


def _factor_codes(desc: patsy.ModelDesc) -> list[str]:
    return [f.code for term in desc.rhs_termlist for f in term.factors]


def _referenced_names(code: str) -> set[str]:
    """Names a factor expression reads: bare identifiers and Q("...") strings."""
    try:
        tree = ast.parse(code, mode="eval")
    except SyntaxError:
        return set()
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "Q"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names.add(str(node.args[0].value))
    return names


def _check_names(
    formula: str, codes: list[str], frame: pd.DataFrame, env: patsy.EvalEnvironment
) -> None:
    known = set(map(str, frame.columns)) | set(dir(builtins)) | set(dir(patsy.builtins))
    unknown = []
    for code in codes:
        for name in sorted(_referenced_names(code)):
            if name not in known and name not in env.namespace and name not in unknown:
                unknown.append(name)
    if unknown:
        columns = ", ".join(map(repr, list(frame.columns)[:20]))
        more = "" if frame.shape[1] <= 20 else f" and {frame.shape[1] - 20} more"
        what = "is not a column" if len(unknown) == 1 else "are not columns"
        raise FormulaError(
            f"formula {formula!r} names {', '.join(map(repr, unknown))}, which {what} "
            f"of the data (columns: {columns}{more})"
        )


def _data_columns(codes: list[str], frame: pd.DataFrame) -> list[str]:
    """The data columns that the factor expressions ``codes`` read."""
    names = dict.fromkeys(n for code in codes for n in sorted(_referenced_names(code)))
    return [n for n in names if n in frame.columns]


def _usable_columns(frame: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """``frame`` with the columns ``names`` in types patsy reads (a new frame).

    Nullable columns (Int64, Float64, boolean, string, object holding ``pd.NA``)
    get NaN or None for missing values, as patsy cannot test ``pd.NA``; dates,
    durations and complex numbers are an error naming the column.
    """
    duplicated = [n for n in names if (frame.columns == n).sum() > 1]
    if duplicated:
        raise DataError(
            f"the data has several columns named {', '.join(map(repr, duplicated))}; "
            "rename them so that the formula reads one"
        )
    converted = {}
    for name in names:
        column = frame[name]
        dtype = column.dtype
        if dtype.kind in "mMc" or isinstance(dtype, (pd.PeriodDtype, pd.IntervalDtype)):
            raise DataError(
                f"column {name!r} has dtype {dtype}, which a formula cannot use; convert it "
                "to numbers (e.g. days since a date) or to strings (one level per value)"
            )
        plain = isinstance(dtype, np.dtype) and (dtype.kind in "fiub" or not column.hasnans)
        if plain or isinstance(dtype, pd.CategoricalDtype):
            continue
        if dtype.kind in "fiu":
            converted[name] = column.to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            values = column.astype(object)
            converted[name] = values.where(values.notna(), None)
    return frame.assign(**converted) if converted else frame


def _namespace(frame: pd.DataFrame) -> dict[str, Any]:
    namespace = {name: getattr(patsy.builtins, name) for name in dir(patsy.builtins)}
    namespace.update({str(c): frame[c] for c in frame.columns})
    return namespace


def _evaluate_outcome(code: str, frame: pd.DataFrame, env: patsy.EvalEnvironment) -> pd.Series:
    if code in frame.columns:
        values = frame[code]
    else:
        try:
            values = env.eval(code, inner_namespace=_namespace(frame))
        except Exception as err:  # user expressions can fail in any way
            raise FormulaError(f"cannot evaluate the outcome {code!r}: {err}") from None
    if isinstance(values, pd.DataFrame):
        raise FormulaError(f"the outcome {code!r} must be one column, got {values.shape[1]}")
    values = pd.Series(values, index=frame.index) if not isinstance(values, pd.Series) else values
    if len(values) != len(frame):
        raise FormulaError(f"the outcome {code!r} has {len(values)} values for {len(frame)} rows")
    return values.set_axis(frame.index)


def _build_design(
    rhs: patsy.ModelDesc, frame: pd.DataFrame, env: patsy.EvalEnvironment
) -> tuple[patsy.DesignInfo, pd.DataFrame]:
    try:
        # An expression's overflow shows up as infinite design values (an error naming
        # the column) and an invalid result (log of a negative) as a missing value.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            X_df = patsy.dmatrix(
                rhs, frame, eval_env=env, NA_action="drop", return_type="dataframe"
            )
    except patsy.PatsyError as err:
        raise FormulaError(f"cannot build the design matrix: {err.message}") from None
    except Exception as err:  # an expression in the formula failed on the data
        raise FormulaError(f"cannot build the design matrix: {type(err).__name__}: {err}") from None
    return X_df.design_info, X_df


def _missing_counts(
    frame: pd.DataFrame,
    lhs_code: str,
    rhs: patsy.ModelDesc,
    y: pd.Series,
    w: np.ndarray | None,
    env: patsy.EvalEnvironment,
) -> dict[str, int]:
    """Missing values per variable the model reads (data columns where possible)."""
    counts: dict[str, int] = {}
    names = [lhs_code] if lhs_code not in frame.columns else []
    for code in [lhs_code] + _factor_codes(rhs):
        names += [n for n in sorted(_referenced_names(code)) if n in frame.columns]
    for name in dict.fromkeys(names):
        series = y if name == lhs_code and name not in frame.columns else frame[name]
        count = int(series.isna().sum())
        if count:
            counts[name] = count
    if w is not None and np.isnan(w).any():
        counts["weights"] = int(np.isnan(w).sum())
    return counts


def _describe_counts(counts: dict[str, int]) -> str:
    if not counts:
        return "missing values produced by formula expressions"
    return ", ".join(f"{n} in {name!r}" for name, n in counts.items())


def _warn_dropped(n_dropped: int, n_rows: int, counts: dict[str, int]) -> None:
    warnings.warn(
        f"dropped {n_dropped} of {n_rows} rows with missing values ({_describe_counts(counts)})",
        MissingDataWarning,
        stacklevel=4,
    )


def _resolve_weights(weights: Any, frame: pd.DataFrame) -> np.ndarray | None:
    if weights is None:
        return None
    if isinstance(weights, str):
        if weights not in frame.columns:
            raise DataError(f"weights column {weights!r} is not in the data")
        values = frame[weights]
        label = f"weights column {weights!r}"
    else:
        values = weights
        label = "weights"
    try:
        array = np.asarray(values, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise DataError(f"{label} must be numeric") from None
    if array.shape[0] != len(frame):
        raise DataError(f"{label} has {array.shape[0]} values for {len(frame)} rows of data")
    return array


def _check_weights(w: np.ndarray, outcome: Outcome) -> np.ndarray:
    if np.isinf(w).any():
        raise DataError(f"weights contain {int(np.isinf(w).sum())} infinite values")
    if w.max(initial=0.0) > MAX_MAGNITUDE:
        raise DataError(f"weights up to {w.max():.3g} exceed 1e100; rescale them")
    if (w < 0).any():
        raise DataError(f"weights must be non-negative; {int((w < 0).sum())} are negative")
    if w.sum() <= 0:
        raise DataError("weights sum to zero: no observations to fit")
    totals = np.bincount(outcome.codes, weights=w, minlength=outcome.n_levels)
    empty = [outcome.model_levels[j] for j in np.flatnonzero(totals == 0)]
    if empty:
        # Its coefficients would diverge to -inf: the level is as absent as one without rows.
        raise DataError(
            f"outcome {outcome.name!r} level(s) {', '.join(map(repr, empty))} have total "
            "weight zero; drop their rows or give them positive weights"
        )
    return np.ascontiguousarray(w)


def _check_scale(X: np.ndarray, names: Sequence[str], fitting: bool = True) -> None:
    """Refuse columns so large (or, in fitting, so small) that products of two columns
    in the Hessian or the linear predictors would overflow (or underflow)."""
    largest = np.maximum(X.max(axis=0, initial=0.0), -X.min(axis=0, initial=0.0))  # no copy
    bad = largest > MAX_MAGNITUDE
    if fitting:
        bad |= (largest > 0) & (largest < 1.0 / MAX_MAGNITUDE)
    if bad.any():
        columns = ", ".join(
            f"{names[j]!r} (largest |value| {largest[j]:.3g})" for j in np.flatnonzero(bad)
        )
        limit = "above 1e100" if not fitting else "above 1e100 or, when nonzero, all below 1e-100"
        raise DataError(
            f"design column(s) {columns} are out of the range double precision can fit "
            f"({limit}); rescale them, e.g. divide or multiply by a power of ten"
        )


def _check_finite(X: np.ndarray, names: Sequence[str]) -> None:
    # Any infinite or NaN value makes the total non-finite: one pass, no temporary.
    if np.isfinite(X.sum()):
        return
    bad = ~np.isfinite(X)
    if bad.any():
        columns = [
            f"{names[j]!r} ({int(bad[:, j].sum())} values)" for j in np.flatnonzero(bad.any(0))
        ]
        raise DataError(
            f"design columns contain infinite values: {', '.join(columns)} (in the data or "
            "from overflow in a formula expression); missing values are dropped, infinite "
            "ones are not"
        )


def _check_missing_policy(missing: str) -> None:
    if missing not in ("drop", "raise"):
        raise DataError(f"missing must be 'drop' or 'raise', got {missing!r}")


def _formula_design(design_info: patsy.DesignInfo, newdata: Any) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(newdata, pd.DataFrame):
        raise DataError(
            f"newdata must be a pandas DataFrame for a formula fit, got {type(newdata).__name__}"
        )
    frame = newdata.set_axis(pd.RangeIndex(len(newdata)), axis=0)
    needed = [
        n for code in (f.code for f in design_info.factor_infos) for n in _referenced_names(code)
    ]
    absent = [n for n in dict.fromkeys(needed) if n not in frame.columns and n not in _globals()]
    if absent:
        raise FormulaError(f"newdata lacks the column(s) {', '.join(map(repr, absent))}")
    frame = _usable_columns(frame, _data_columns([f.code for f in design_info.factor_infos], frame))
    try:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # as in fitting
            (X_df,) = patsy.build_design_matrices(
                [design_info], frame, NA_action="drop", return_type="dataframe"
            )
    except Exception as err:  # patsy, or a formula expression failing on the new values
        raise _newdata_error(err, design_info, frame) from None
    X = np.ascontiguousarray(X_df, dtype=np.float64)
    _check_finite(X, design_info.column_names)
    _check_scale(X, design_info.column_names, fitting=False)
    return X, X_df.index.to_numpy()


def _globals() -> set[str]:
    return set(dir(builtins)) | set(dir(patsy.builtins)) | {"np", "numpy"}


def _newdata_error(
    err: Exception, design_info: patsy.DesignInfo, frame: pd.DataFrame
) -> DataError | LevelError:
    """The reason new data do not fit the design: an unseen level of a categorical
    column, text in a numeric column, or else patsy's own words."""
    for factor, info in design_info.factor_infos.items():
        for name in _referenced_names(factor.code):
            if name not in frame.columns:
                continue
            column = frame[name].dropna()
            if info.type == "categorical":
                known = set(info.categories)
                unseen = [v for v in pd.unique(column) if _unhashable(v) or v not in known]
                if unseen:
                    shown = ", ".join(repr(_plain(v)) for v in unseen[:5])
                    return LevelError(
                        f"column {name!r} has level(s) {shown} not seen in fitting "
                        f"(known levels: {', '.join(map(repr, info.categories))})"
                    )
            elif column.dtype.kind not in "fiub":
                text = column[pd.to_numeric(column, errors="coerce").isna()]
                if len(text):
                    return DataError(
                        f"column {name!r} was numeric in fitting but newdata has "
                        f"non-numeric values such as {text.iloc[0]!r}"
                    )
    message = err.message if isinstance(err, patsy.PatsyError) else f"{type(err).__name__}: {err}"
    return DataError(f"cannot build the design matrix for newdata: {message}")


# ----------------------------------------------------------------------------
# array interface


def frame_from_arrays(
    endog: Any,
    exog: Any,
    reference: Hashable | None = None,
    weights: Any = None,
    missing: MissingPolicy = "drop",
) -> ModelFrame:
    """Build the ModelFrame of an outcome vector and a design matrix (used as given).

    Examples
    --------
    >>> import numpy as np
    >>> mf = frame_from_arrays(["a", "b", "b"], np.array([[1.0, 2.0], [1.0, 0.5], [1.0, 1.0]]))
    >>> mf.exog_names
    ('const', 'x1')
    """
    _check_missing_policy(missing)
    exog_df = _exog_frame(exog)
    n = len(exog_df)
    name = getattr(endog, "name", None) or "y"
    y_raw = endog if isinstance(endog, pd.Series) else pd.Series(_as_1d(endog, "endog"))
    if len(y_raw) != n:
        raise DataError(f"endog has {len(y_raw)} values but exog has {n} rows")
    y_raw = y_raw.set_axis(pd.RangeIndex(n))
    w_raw = _resolve_weights(weights, exog_df.set_axis(pd.RangeIndex(n)))
    if isinstance(exog, np.ndarray) and exog.ndim == 2:
        # The user's rows themselves when they are float64 in C order (a read-only view:
        # copying 10^6 x 21 doubles costs more than a Newton step here), else one copy.
        X = np.asarray(exog, dtype=np.float64, order="C").view()
        X.flags.writeable = False
    else:
        X = exog_df.to_numpy(dtype=np.float64)
    # A finite total rules out NaN anywhere (the usual case: one fast pass); otherwise a
    # row with a finite sum holds none, and only the other rows get the per-cell test.
    if np.isfinite(X.sum()):
        suspect = np.empty(0, dtype=np.intp)
    else:
        suspect = np.flatnonzero(~np.isfinite(X.sum(axis=1)))
    nan_cells = np.isnan(X[suspect])
    ok = y_raw.notna().to_numpy().copy()
    ok[suspect[nan_cells.any(axis=1)]] = False
    counts = {c: int(v) for c, v in zip(exog_df.columns, nan_cells.sum(0), strict=True) if v}
    if y_raw.isna().any():
        counts[str(name)] = int(y_raw.isna().sum())
    if w_raw is not None:
        ok &= ~np.isnan(w_raw)
        if np.isnan(w_raw).any():
            counts["weights"] = int(np.isnan(w_raw).sum())
    n_dropped = int((~ok).sum())
    if n_dropped and missing == "raise":
        raise DataError(f"{n_dropped} of {n} rows have missing values ({_describe_counts(counts)})")
    if n_dropped == n:
        raise DataError(f"no rows left: all {n} rows have missing values")
    if n_dropped:
        _warn_dropped(n_dropped, n, counts)
    names = tuple(map(str, exog_df.columns))
    X = np.ascontiguousarray(X if n_dropped == 0 else X[ok])
    _check_finite(X, names)
    _check_scale(X, names)
    outcome = encode_outcome(y_raw[ok], str(name), reference)
    w = None if w_raw is None else _check_weights(w_raw[ok], outcome)
    return ModelFrame(
        X=X,
        outcome=outcome,
        weights=w,
        exog_names=names,
        row_index=exog_df.index[ok],
        row_positions=np.flatnonzero(ok),
        n_dropped=n_dropped,
        dropped_by_column=counts,
    )


def _as_1d(values: Any, label: str) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim == 2 and 1 in array.shape:
        array = array.reshape(-1)
    if array.ndim != 1:
        raise DataError(f"{label} must be one-dimensional, got shape {array.shape}")
    return array


def _exog_frame(exog: Any) -> pd.DataFrame:
    if isinstance(exog, pd.Series):
        exog = exog.to_frame()
    if isinstance(exog, pd.DataFrame):
        frame = exog
    else:
        array = np.asarray(exog)
        if array.ndim == 1:
            array = array[:, None]
        if array.ndim != 2:
            raise DataError(f"exog must be two-dimensional, got shape {array.shape}")
        names = [f"x{j + 1}" for j in range(array.shape[1])]
        if array.shape[0] and np.issubdtype(array.dtype, np.number):
            const = np.flatnonzero((array.max(axis=0) == 1) & (array.min(axis=0) == 1))
            names = ["const" if j in const else n for j, n in enumerate(names)]
            names = _renumber(names)
        # A view, not a copy: the frame is only read (names, dtypes, index).
        frame = pd.DataFrame(array, columns=names, copy=False)
    if frame.shape[0] == 0:
        raise DataError("exog has no rows")
    if frame.shape[1] == 0:
        raise DataError("exog has no columns; add at least a constant column")
    bad = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    if bad:
        raise DataError(
            f"exog column(s) {', '.join(map(repr, bad))} are not numeric; encode them or "
            "use the formula interface, e.g. mnlogit.fit('y ~ C(group)', data)"
        )
    return frame


def _renumber(names: list[str]) -> list[str]:
    """x1..xk numbering of the non-constant columns after a 'const' is named."""
    counter = 0
    out = []
    for name in names:
        if name == "const":
            out.append(name)
        else:
            counter += 1
            out.append(f"x{counter}")
    return out


def _array_design(newdata: Any, names: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    frame = _exog_frame(newdata)
    if isinstance(newdata, pd.DataFrame):
        absent = [n for n in names if n not in frame.columns]
        if absent:
            raise DataError(f"newdata lacks the column(s) {', '.join(map(repr, absent))}")
        frame = frame[list(names)]
    if frame.shape[1] != len(names):
        raise DataError(f"newdata has {frame.shape[1]} columns; the model has {len(names)}")
    X = frame.to_numpy(dtype=np.float64)
    ok = ~np.isnan(X).any(axis=1)
    X = np.ascontiguousarray(X[ok])
    _check_finite(X, names)
    _check_scale(X, names, fitting=False)
    return X, np.flatnonzero(ok)


__all__ = ["ModelFrame", "frame_from_formula", "frame_from_arrays", "LevelError"]
