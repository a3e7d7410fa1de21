"""A model frame over a Dask DataFrame: one shared design specification for all partitions.

The in-memory :class:`~mnlogit.design.frame.ModelFrame` learns the outcome levels and the
categorical predictor levels from the rows used. Here one parallel pass over the
partitions (:func:`scan_partition`) counts missing values and keeps, from each
partition, its first complete row and the first complete row of every distinct value
of every categorical factor's columns. patsy sniffs levels as the sorted union of the
values it sees (or a Categorical's categories), so these few *representative rows*
give exactly the levels of the whole data. A :class:`DesignSpec` (the formula and the
representative rows) is picklable -- patsy's ``DesignInfo`` is not -- and rebuilds
the same ``DesignInfo`` in every worker process, which then builds its partition's
design matrix (:meth:`DesignSpec.block`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import patsy

from ..design.frame import (
    _build_design,
    _check_finite,
    _evaluate_outcome,
    _factor_codes,
    _formula_design,
    _missing_counts,
    _parse_formula,
    _referenced_names,
)
from ..design.outcome import Outcome
from ..exceptions import DataError, FormulaError

# Formulas evaluated on workers see the columns, patsy's builtins (C, I, Q, ...) and numpy.
_NAMESPACE = {"np": np, "numpy": np}
# DesignInfo rebuilt once per process and specification.
_DESIGN_CACHE: dict[str, patsy.DesignInfo] = {}


def eval_env() -> patsy.EvalEnvironment:
    """The environment formulas are evaluated in, the same in the client and on workers."""
    return patsy.EvalEnvironment([_NAMESPACE])


class Block(NamedTuple):
    """The rows of one partition used in the fit: design, model-order codes, weights."""

    X: np.ndarray
    y: np.ndarray
    w: np.ndarray | None


@dataclass(frozen=True)
class Formula:
    """The parts of a formula the passes over the data need (all picklable).

    Examples
    --------
    >>> f = Formula.parse("y ~ x + C(g)", ["y", "x", "g", "z"], None)
    >>> f.outcome, f.columns
    ('y', ('y', 'x', 'g'))
    """

    formula: str
    outcome: str
    weights: str | None
    columns: tuple[str, ...]
    rhs_columns: tuple[str, ...]
    categorical_groups: tuple[tuple[str, ...], ...] = ()

    @classmethod
    def parse(cls, formula: str, columns: Any, weights: str | None) -> Formula:
        """Outcome code and the data columns the formula (and weights) read."""
        if not isinstance(formula, str):
            raise FormulaError(f"formula must be a string such as 'y ~ x1 + x2', got {formula!r}")
        lhs, rhs = _parse_formula(formula)
        known = [str(c) for c in columns]
        # The order _missing_counts reports variables in: outcome, then term by term.
        rhs_cols = [
            n for code in _factor_codes(rhs) for n in sorted(_referenced_names(code)) if n in known
        ]
        read = [n for n in sorted(_referenced_names(lhs)) if n in known] + rhs_cols
        if weights is not None:
            if not isinstance(weights, str):
                raise DataError(
                    "with a Dask DataFrame, weights must be the name of a column, "
                    f"got {type(weights).__name__}"
                )
            if weights not in known:
                raise DataError(f"weights column {weights!r} is not in the data")
            read.append(weights)
        names = tuple(dict.fromkeys(read))
        return cls(formula, lhs, weights, names, tuple(dict.fromkeys(rhs_cols)))

    @property
    def missing_order(self) -> list[str]:
        """Names in the order the in-memory frame counts missing values."""
        return [self.outcome, *self.columns, "weights"]

    @property
    def rhs(self) -> patsy.ModelDesc:
        """Right-hand side of the formula."""
        return _parse_formula(self.formula)[1]

    def with_categoricals(self, meta: pd.DataFrame) -> Formula:
        """Record the column groups that feed categorical factors: the columns read
        by a ``C(...)`` factor, and non-numeric (string, Categorical, boolean) columns."""
        groups = []
        for code in _factor_codes(self.rhs):
            names = tuple(n for n in _referenced_names(code) if n in self.columns)
            if "C(" in code.replace(" ", ""):
                groups.append(names)
            else:
                groups += [(n,) for n in names if not _is_numeric(meta[n].dtype)]
        return replace(self, categorical_groups=tuple(dict.fromkeys(g for g in groups if g)))

    def complete_rows(self, part: pd.DataFrame) -> tuple[pd.Series, np.ndarray]:
        """The outcome values and the mask of rows with no missing value the model reads."""
        y = _evaluate_outcome(self.outcome, part, eval_env())
        ok = y.notna().to_numpy()
        for name in self.rhs_columns:
            ok = ok & part[name].notna().to_numpy()
        if self.weights is not None:
            ok = ok & part[self.weights].notna().to_numpy()
        return y, ok


class Scan(NamedTuple):
    """What one pass learns from a partition (summed over partitions by :func:`merge_scans`)."""

    n_rows: int
    missing: dict[str, int]
    samples: pd.DataFrame
    outcomes: pd.Series


def _is_numeric(dtype: Any) -> bool:
    return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)


def check_stateless(info: patsy.DesignInfo) -> None:
    """Stateful transforms learn from all rows at once, which the passes do not do."""
    for factor, factor_info in info.factor_infos.items():
        state = factor_info.state if isinstance(factor_info.state, dict) else {}
        if state.get("transforms"):
            raise FormulaError(
                f"the Dask engine does not support the stateful transform in {factor.code!r} "
                "(center, standardize, splines): compute the column beforehand"
            )


def scan_partition(part: pd.DataFrame, formula: Formula) -> Scan:
    """Missing-value counts, representative complete rows and distinct outcome values.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"y": ["a", "b", None], "g": ["u", "u", "v"], "x": [1.0, 2, 3]})
    >>> f = Formula.parse("y ~ x + g", df.columns, None).with_categoricals(df)
    >>> s = scan_partition(df, f)
    >>> s.n_rows, s.missing, s.samples["g"].tolist(), s.outcomes.tolist()
    (3, {'y': 1}, ['u'], ['a', 'b'])
    """
    part = part.reset_index(drop=True)
    y, ok = formula.complete_rows(part)
    w = None if formula.weights is None else part[formula.weights].to_numpy(np.float64)
    missing = _missing_counts(part, formula.outcome, formula.rhs, y, w, eval_env())
    used = part.loc[ok]
    picks = [used.index[:1]]
    for group in formula.categorical_groups:
        picks.append(used.drop_duplicates(subset=list(group)).index)
    rows = pd.Index(np.unique(np.concatenate([p.to_numpy() for p in picks])))
    return Scan(len(part), missing, part.loc[rows], y[ok].drop_duplicates())


def merge_scans(scans: list[Scan], order: list[str]) -> Scan:
    """Combine the scans of all partitions.

    Examples
    --------
    >>> import pandas as pd
    >>> a = Scan(2, {"x": 1}, pd.DataFrame({"x": [1.0]}), pd.Series(["a"]))
    >>> b = Scan(3, {"x": 2}, pd.DataFrame({"x": [2.0]}), pd.Series(["a", "b"]))
    >>> m = merge_scans([a, b], ["x"])
    >>> m.n_rows, m.missing, m.outcomes.tolist()
    (5, {'x': 3}, ['a', 'b'])
    """
    missing = {name: sum(s.missing.get(name, 0) for s in scans) for name in order}
    missing = {name: count for name, count in missing.items() if count}
    samples = pd.concat([s.samples for s in scans], ignore_index=True)
    outcomes = pd.concat([s.outcomes for s in scans], ignore_index=True).drop_duplicates()
    return Scan(sum(s.n_rows for s in scans), missing, samples, outcomes.reset_index(drop=True))


@dataclass(frozen=True)
class DesignSpec:
    """Picklable recipe of the design: the formula, representative rows, outcome order.

    Every process rebuilds the same patsy ``DesignInfo`` from it (cached), so each
    partition's design matrix has the columns, levels and contrasts of the fit.
    """

    formula: Formula
    samples: pd.DataFrame
    model_levels: tuple
    token: str = field(default_factory=lambda: uuid.uuid4().hex)

    def design_info(self) -> patsy.DesignInfo:
        """The shared patsy DesignInfo (built once per process)."""
        info = _DESIGN_CACHE.get(self.token)
        if info is None:
            info, _ = _build_design(self.formula.rhs, self.samples, eval_env())
            check_stateless(info)
            _DESIGN_CACHE[self.token] = info
        return info

    def block(self, part: pd.DataFrame) -> Block:
        """Design matrix, outcome codes and weights of a partition's complete rows."""
        part = part.reset_index(drop=True)
        y, ok = self.formula.complete_rows(part)
        # Only complete rows reach patsy: a level seen only in dropped rows is no level.
        rows = np.flatnonzero(ok)
        X, kept = self.design_for(part if ok.all() else part.iloc[rows].reset_index(drop=True))
        rows = rows[kept]
        codes = outcome_codes(y.iloc[rows], self.model_levels)
        w = None
        if self.formula.weights is not None:
            w = np.ascontiguousarray(part[self.formula.weights].to_numpy(np.float64)[rows])
        return Block(X, codes, w)

    def design_for(self, newdata: Any) -> tuple[np.ndarray, np.ndarray]:
        """Design of new (pandas) data with the fit's encoding, and the positions kept.

        A formula of plain numeric columns (and the intercept) is assembled directly,
        with patsy's rule for missing values; anything else goes through patsy.
        """
        info = self.design_info()
        columns = _plain_columns(info, newdata) if isinstance(newdata, pd.DataFrame) else None
        if columns is None:
            return _formula_design(info, newdata)
        X = np.ones((len(newdata), len(columns)))
        # Copy runs of adjacent data columns as 2-D blocks: far faster than one
        # strided column write at a time.
        start = 0
        while start < len(columns):
            stop = start + 1
            if columns[start] is not None:
                while stop < len(columns) and columns[stop] is not None:
                    stop += 1
                X[:, start:stop] = newdata[list(columns[start:stop])].to_numpy(np.float64)
            start = stop
        missing = np.isnan(X).any(axis=1)
        kept = np.flatnonzero(~missing)
        if missing.any():
            X = X[kept]
        _check_finite(X, info.column_names)
        return X, kept


def _plain_columns(info: patsy.DesignInfo, data: pd.DataFrame) -> list[str | None] | None:
    """Data column of each design column (None: the intercept), if every term is
    the intercept or one numeric column used as is; else None."""
    if len(info.terms) != len(info.column_names):
        return None
    columns: list[str | None] = []
    for term, name in zip(info.terms, info.column_names, strict=True):
        if not term.factors and name == "Intercept":
            columns.append(None)
            continue
        if len(term.factors) != 1 or term.factors[0].code != name or name not in data.columns:
            return None
        factor_info = info.factor_infos[term.factors[0]]
        if factor_info.type != "numerical" or factor_info.num_columns != 1:
            return None
        if not _is_numeric(data[name].dtype):
            return None
        columns.append(name)
    return columns


def outcome_codes(values: pd.Series, model_levels: tuple) -> np.ndarray:
    """Model-order codes of outcome values (vectorised; an unknown value is an error).

    Examples
    --------
    >>> import pandas as pd
    >>> outcome_codes(pd.Series(["b", "a", "c"]), ("b", "a", "c")).tolist()
    [0, 1, 2]
    """
    index = pd.Index(list(model_levels))
    if isinstance(values.dtype, pd.CategoricalDtype):
        lookup = index.get_indexer(values.cat.categories.astype(object))
        codes = np.where(values.cat.codes.to_numpy() < 0, -1, lookup[values.cat.codes.to_numpy()])
    else:
        codes = index.get_indexer(values.to_numpy())
    if (codes < 0).any():
        unknown = pd.unique(values[codes < 0])[:5]
        raise DataError(
            f"outcome has value(s) {', '.join(map(repr, unknown))} not found when scanning "
            f"the data (levels: {', '.join(map(repr, model_levels))})"
        )
    return codes.astype(np.intp)


@dataclass(frozen=True, eq=False)
class DaskModelFrame:
    """The frame of a Dask fit, with the attributes results and reports read.

    ``X`` and ``weights`` are lazy Dask arrays of the rows used (known shape);
    ``outcome`` carries levels and reference but no per-row codes, so the outcome
    counts are stored (:meth:`outcome_counts`). ``data`` is the Dask DataFrame read.
    """

    X: Any
    outcome: Outcome
    weights: Any
    exog_names: tuple[str, ...]
    counts: np.ndarray
    n_dropped: int
    dropped_by_column: dict[str, int]
    spec: DesignSpec
    constant_column: int | None
    data: Any
    formula: str
    aliased: tuple[str, ...] = ()

    @property
    def design_info(self) -> patsy.DesignInfo:
        """The shared patsy DesignInfo."""
        return self.spec.design_info()

    @property
    def table_names(self) -> tuple[str, ...]:
        """Names of every design column."""
        return self.exog_names

    @property
    def nobs(self) -> float:
        """Number of observations: the sum of the frequency weights, or the row count."""
        return float(self.counts.sum())

    @property
    def n_terms(self) -> int:
        """Number of design columns k."""
        return len(self.exog_names)

    @property
    def row_index(self) -> pd.Index:
        """Not materialised for Dask fits: use ``predict(ddf)`` for lazy per-row results."""
        raise DataError(
            "the rows of a Dask fit are not held in memory; pass the Dask DataFrame, "
            "e.g. results.predict(ddf), for lazy per-row predictions"
        )

    row_positions = row_index

    def outcome_counts(self) -> np.ndarray:
        """(Weighted) number of observations of each outcome, in model order."""
        return self.counts.copy()

    def design_for(self, newdata: Any) -> tuple[np.ndarray, np.ndarray]:
        """Design matrix of new (pandas) data with the fit's encoding."""
        return self.spec.design_for(newdata)


def outcome_sample(outcomes: pd.Series, meta: Any) -> pd.Series:
    """Distinct outcome values, with the declared categories when the column has them."""
    if isinstance(meta, pd.CategoricalDtype) and meta.categories is not None:
        return outcomes.astype(meta)
    return outcomes
