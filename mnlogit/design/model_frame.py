"""ModelFrame: the outcome codes, design matrix, weights and labels of one fit.

Built by :func:`mnlogit.design.formula.frame_from_formula` or
:func:`mnlogit.design.arrays.frame_from_arrays`. A factor-only formula fit holds its
rows as level codes (:class:`CodedRows`) and the distinct (codes, outcome) patterns the
solver needs (:class:`Patterns`); the dense design is built only if something reads it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Protocol

import numpy as np
import pandas as pd

from ..exceptions import DataError
from .checks import column_extremes
from .evaluate import FactorValues, assemble
from .exog import array_design
from .outcome import Outcome
from .spec import DesignSpec


@dataclass(frozen=True)
class Patterns:
    """Distinct design rows with their outcome and total weight: what the solver needs
    of many rows that repeat (factor-only designs)."""

    X: np.ndarray
    y: np.ndarray
    weights: np.ndarray


@dataclass(frozen=True, eq=False)
class CodedRows:
    """The design rows of a factor-only fit as level codes (one small integer array per
    factor): the dense design is built from them only when asked for."""

    spec: DesignSpec
    codes: dict[int, np.ndarray]

    def design(self) -> np.ndarray:
        """The dense (n, k) design."""
        n = len(next(iter(self.codes.values()))) if self.codes else 0
        values = FactorValues(n, codes=self.codes)
        return assemble(self.spec, values, np.arange(n))


class FitFrame(Protocol):
    """The rows of a fit as estimation checks, results, inference and reports read them.

    :class:`ModelFrame` (rows in memory) is one; the Dask engine's frame (lazy rows:
    ``X`` and ``weights`` are Dask arrays, and it refuses per-row labels) is another.
    """

    @property
    def X(self) -> np.ndarray: ...  # noqa: N802 - the design matrix is X everywhere
    @property
    def outcome(self) -> Outcome: ...
    @property
    def weights(self) -> np.ndarray | None: ...
    @property
    def exog_names(self) -> tuple[str, ...]: ...
    @property
    def all_exog_names(self) -> tuple[str, ...]: ...
    @property
    def table_names(self) -> tuple[str, ...]: ...
    @property
    def aliased(self) -> tuple[str, ...]: ...
    @property
    def spec(self) -> DesignSpec | None: ...
    @property
    def formula(self) -> str | None: ...
    @property
    def row_index(self) -> pd.Index: ...
    @property
    def row_positions(self) -> np.ndarray: ...
    @property
    def n_dropped(self) -> int: ...
    @property
    def dropped_by_column(self) -> dict[str, int]: ...
    @property
    def patterns(self) -> Patterns | None: ...
    @property
    def nobs(self) -> float: ...
    @property
    def n_rows(self) -> int: ...
    @property
    def n_terms(self) -> int: ...
    @property
    def constant_column(self) -> int | None: ...
    @property
    def constant_value(self) -> float: ...
    def outcome_counts(self) -> np.ndarray: ...
    def design_for(self, newdata: Any) -> tuple[np.ndarray, np.ndarray]: ...


@dataclass(frozen=True, eq=False)
class ModelFrame:
    """Everything the likelihood and the reports need to know about the rows used.

    Attributes
    ----------
    design_rows : (n, k) float64 design of the rows used, or its level codes
        (:class:`CodedRows`); read it as ``X``.
    outcome : the outcome's levels, reference and model-order codes.
    weights : (n,) frequency weights, or None.
    exog_names : design-column names.
    row_index : labels (of the user's data) of the rows used.
    row_positions : positions (in the user's data) of the rows used.
    n_dropped : number of rows dropped for missing values.
    spec : the design's description (formula fits only).
    patterns : the distinct rows the solver may use instead (factor-only designs).
    """

    design_rows: Any
    outcome: Outcome
    weights: np.ndarray | None
    exog_names: tuple[str, ...]
    row_index: pd.Index
    row_positions: np.ndarray
    n_dropped: int = 0
    dropped_by_column: dict[str, int] = field(default_factory=dict)
    spec: DesignSpec | None = None
    formula: str | None = None
    all_exog_names: tuple[str, ...] = ()
    aliased: tuple[str, ...] = ()
    patterns: Patterns | None = None

    @cached_property
    def X(self) -> np.ndarray:  # noqa: N802 - the design matrix is X everywhere
        """(n, k) float64 design matrix of the rows used (built on first use when the
        frame holds level codes)."""
        rows = self.design_rows
        X = rows.design() if isinstance(rows, CodedRows) else rows
        if self.aliased and isinstance(rows, CodedRows):
            X = np.ascontiguousarray(X[:, [self.table_names.index(n) for n in self.exog_names]])
        return X

    def __getstate__(self) -> dict[str, Any]:
        # The dense design of coded rows is rebuilt after unpickling, not stored.
        state = dict(self.__dict__)
        if isinstance(self.design_rows, CodedRows):
            state.pop("X", None)
        return state

    def without_columns(self, drop: Sequence[int]) -> ModelFrame:
        """The same rows with design columns ``drop`` left out (recorded as aliased)."""
        keep = [j for j in range(self.n_terms) if j not in set(drop)]
        patterns = self.patterns
        if patterns is not None:
            patterns = replace(patterns, X=np.ascontiguousarray(patterns.X[:, keep]))
        rows = self.design_rows
        if not isinstance(rows, CodedRows):
            rows = np.ascontiguousarray(self.X[:, keep])
        return replace(
            self,
            design_rows=rows,
            exog_names=tuple(self.exog_names[j] for j in keep),
            all_exog_names=self.exog_names,
            aliased=tuple(self.exog_names[j] for j in drop),
            patterns=patterns,
        )

    @property
    def in_memory(self) -> bool:
        """Whether the rows are held here (a Dask fit's frame says False)."""
        return True

    @property
    def table_names(self) -> tuple[str, ...]:
        """Names of every design column, estimated or aliased, in design order."""
        return self.all_exog_names or self.exog_names

    @property
    def n_rows(self) -> int:
        """Number of rows used."""
        return len(self.row_positions)

    @property
    def nobs(self) -> float:
        """Number of observations: the sum of the frequency weights, or the row count."""
        return float(self.n_rows if self.weights is None else self.weights.sum())

    @property
    def n_terms(self) -> int:
        """Number of design columns k."""
        return len(self.exog_names)

    @cached_property
    def column_extremes(self) -> tuple[np.ndarray, np.ndarray]:
        """Largest and smallest value of each design column (-inf and inf without rows;
        of the distinct rows when collapsed, which have the same extremes); read-only."""
        X = self.patterns.X if self.patterns is not None else self.X
        extremes = column_extremes(X)
        for array in extremes:
            array.flags.writeable = False
        return extremes

    def knowing_extremes(self, extremes: tuple[np.ndarray, np.ndarray]) -> ModelFrame:
        """This frame, with the :attr:`column_extremes` of its design already computed
        by the checks that built it (a scan of the rows less)."""
        high, low = (np.array(a, dtype=np.float64) for a in extremes)
        high.flags.writeable = low.flags.writeable = False
        # A cached property's value lives in the instance dictionary.
        self.__dict__["column_extremes"] = (high, low)
        return self

    @cached_property
    def constant_column(self) -> int | None:
        """Index of the first non-zero constant design column (the intercept), if any."""
        high, low = self.column_extremes
        candidates = np.flatnonzero((high == low) & (high != 0))
        return int(candidates[0]) if candidates.size else None

    @property
    def constant_value(self) -> float:
        """Value of the constant column (1.0 when there is none)."""
        column = self.constant_column
        X = self.patterns.X if self.patterns is not None else self.X
        return 1.0 if column is None else float(X[0, column])

    def outcome_counts(self) -> np.ndarray:
        """(Weighted) number of observations of each outcome, in model order."""
        counts = np.bincount(
            self.outcome.codes, weights=self.weights, minlength=self.outcome.n_levels
        )
        return counts.astype(float)

    def design_for(self, newdata: Any) -> tuple[np.ndarray, np.ndarray]:
        """Design matrix of new data with the fit's encoding; rows with missing values
        are left out and the positions of the rows kept are returned beside it."""
        if self.spec is not None:
            X, kept = self.spec.build(newdata)
        else:
            X, kept = array_design(newdata, self.table_names)
        if self.aliased:
            X = np.ascontiguousarray(X[:, [self.table_names.index(n) for n in self.exog_names]])
        return X, kept

    def design_derivative(self, newdata: Any, variable: str) -> tuple[np.ndarray, np.ndarray]:
        """d design row / d ``variable`` of new data (formula fits), rows as in
        :meth:`design_for`."""
        if self.spec is None:
            raise DataError("derivatives of the design need a formula fit")
        G, kept = self.spec.derivative(newdata, variable)
        if self.aliased:
            G = np.ascontiguousarray(G[:, [self.table_names.index(n) for n in self.exog_names]])
        return G, kept
