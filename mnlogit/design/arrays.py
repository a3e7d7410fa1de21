"""The array interface: a ModelFrame from an outcome vector and a design matrix."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import DataError
from .checks import (
    check_dropped,
    check_extremes,
    check_finite,
    check_missing_policy,
    check_weights,
    column_extremes,
    resolve_weights,
)
from .exog import read_exog
from .model_frame import ModelFrame
from .outcome import encode_outcome


def frame_from_arrays(
    endog: Any,
    exog: Any,
    reference: Hashable | None = None,
    weights: Any = None,
    missing: str = "drop",
) -> ModelFrame:
    """Build the ModelFrame of an outcome vector and a design matrix (used as given).

    Parameters
    ----------
    endog : outcome values, one per row.
    exog : (n, k) design matrix (array or DataFrame); add the constant yourself.
    reference : the baseline outcome (default: the first level).
    weights : frequency weights, one per row.
    missing : ``"drop"`` rows with missing values (counted) or ``"raise"``.

    Examples
    --------
    >>> import numpy as np
    >>> mf = frame_from_arrays(["a", "b", "b"], np.array([[1.0, 2.0], [1.0, 0.5], [1.0, 1.0]]))
    >>> mf.exog_names
    ('const', 'x1')
    """
    check_missing_policy(missing)
    exog_read = read_exog(exog)
    n = len(exog_read.row_index)
    name = getattr(endog, "name", None) or "y"
    y_raw = endog if isinstance(endog, pd.Series) else pd.Series(_as_1d(endog, "endog"))
    if len(y_raw) != n:
        raise DataError(f"endog has {len(y_raw)} values but exog has {n} rows")
    y_raw = y_raw.set_axis(pd.RangeIndex(n))
    w_raw = resolve_weights(weights, n)
    # The user's rows themselves when they are float64 in C order (a read-only view:
    # copying 10^6 x 21 doubles costs more than a Newton step here), else one copy.
    X = np.asarray(exog_read.values, dtype=np.float64, order="C").view()
    X.flags.writeable = False
    # A finite total rules out NaN anywhere (the usual case: one fast pass); otherwise a
    # row with a finite sum holds none, and only the other rows get the per-cell test.
    if np.isfinite(X.sum()):
        suspect = np.empty(0, dtype=np.intp)
    else:
        suspect = np.flatnonzero(~np.isfinite(X.sum(axis=1)))
    nan_cells = np.isnan(X[suspect])
    ok = y_raw.notna().to_numpy().copy()
    ok[suspect[nan_cells.any(axis=1)]] = False
    counts = {c: int(v) for c, v in zip(exog_read.names, nan_cells.sum(0), strict=True) if v}
    if y_raw.isna().any():
        counts[str(name)] = int(y_raw.isna().sum())
    if w_raw is not None:
        ok &= ~np.isnan(w_raw)
        if np.isnan(w_raw).any():
            counts["weights"] = int(np.isnan(w_raw).sum())
    n_dropped = int((~ok).sum())
    check_dropped(n_dropped, n, counts, missing)
    names = exog_read.names
    X = np.ascontiguousarray(X if n_dropped == 0 else X[ok])
    check_finite(X, names)
    # The extremes read_exog found are those of X unless rows were dropped.
    extremes = exog_read.extremes if n_dropped == 0 else None
    extremes = column_extremes(X) if extremes is None else extremes
    check_extremes(extremes, names)
    outcome = encode_outcome(y_raw if n_dropped == 0 else y_raw[ok], str(name), reference)
    w = None
    if w_raw is not None:
        totals = np.bincount(outcome.codes, weights=w_raw[ok], minlength=outcome.n_levels)
        w = check_weights(w_raw[ok], totals, outcome.model_levels, outcome.name)
    frame = ModelFrame(
        design_rows=X,
        outcome=outcome,
        weights=w,
        exog_names=names,
        row_index=exog_read.row_index if n_dropped == 0 else exog_read.row_index[ok],
        row_positions=np.arange(n) if n_dropped == 0 else np.flatnonzero(ok),
        n_dropped=n_dropped,
        dropped_by_column=counts,
    )
    return frame.knowing_extremes(extremes)


def _as_1d(values: Any, label: str) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim == 2 and 1 in array.shape:
        array = array.reshape(-1)
    if array.ndim != 1:
        raise DataError(f"{label} must be one-dimensional, got shape {array.shape}")
    return array
