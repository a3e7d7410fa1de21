"""The outcome variable: its levels in the user's order, the reference, the codes.

Labels are kept as the user gave them (strings, Categorical categories in their
order, integers, booleans); the likelihood works on *model-order* codes where 0
is the reference outcome and 1..m follow the remaining levels in order.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import DataError, LevelError, MissingDataWarning, warn


@dataclass(frozen=True, eq=False)
class Outcome:
    """Levels, reference and model-order codes of the outcome of one fit.

    Examples
    --------
    >>> import pandas as pd
    >>> o = encode_outcome(pd.Series(["b", "a", "c", "a"]), "y", reference="b")
    >>> o.levels, o.model_levels, o.codes.tolist()
    (('a', 'b', 'c'), ('b', 'a', 'c'), [0, 1, 2, 1])
    """

    name: str
    levels: tuple
    reference: Hashable
    codes: np.ndarray
    dropped_levels: tuple = ()

    @property
    def n_levels(self) -> int:
        """Number of outcomes J."""
        return len(self.levels)

    @property
    def model_levels(self) -> tuple:
        """Levels in model order: the reference first, then the others in level order."""
        return (self.reference,) + self.others

    @property
    def others(self) -> tuple:
        """The non-reference levels, in level order: the columns of ``params``."""
        return tuple(level for level in self.levels if level != self.reference)

    def level_order(self) -> np.ndarray:
        """Positions of ``levels`` within ``model_levels`` (to reorder model columns)."""
        model = list(self.model_levels)
        return np.array([model.index(level) for level in self.levels])


def encode_outcome(values: pd.Series, name: str, reference: Hashable | None = None) -> Outcome:
    """Encode the (non-missing) outcome values; the reference defaults to the first level.

    Levels are a Categorical's categories in their order, [False, True] for booleans,
    and the sorted distinct values otherwise. Categories without rows are dropped
    with a warning.

    Examples
    --------
    >>> import pandas as pd
    >>> encode_outcome(pd.Series([True, False, True]), "voted").levels
    (False, True)
    """
    if len(values) == 0:
        raise DataError(f"outcome {name!r} has no non-missing values")
    dropped: tuple = ()
    category_codes = None
    if isinstance(values.dtype, pd.CategoricalDtype):
        category_codes = values.cat.codes.to_numpy()
        present = set(np.flatnonzero(np.bincount(category_codes, minlength=1)))
        categories = list(values.cat.categories)
        dropped = tuple(c for i, c in enumerate(categories) if i not in present)
        levels = tuple(c for i, c in enumerate(categories) if i in present)
        if dropped:
            warn(
                f"outcome {name!r}: level(s) {', '.join(map(repr, dropped))} have no rows "
                "in the data used and are left out of the model",
                MissingDataWarning,
            )
    else:
        levels = _sorted_levels(values, name)
    levels = tuple(_plain(v) for v in levels)
    if len(levels) < 2:
        only = repr(levels[0]) if levels else "none"
        raise DataError(
            f"outcome {name!r} has only one level ({only}) in the {len(values)} rows used; "
            "a multinomial model needs at least two"
        )
    if reference is None:
        reference = levels[0]
    else:
        matches = [level for level in levels if _same(level, reference)]
        if not matches and isinstance(reference, str):
            # A command line or a config file gives '2' for the integer level 2.
            matches = [
                level for level in levels if not isinstance(level, str) and str(level) == reference
            ]
        if not matches:
            extra = " (it has no rows in the data used)" if reference in dropped else ""
            raise LevelError(
                f"reference {reference!r} is not a level of outcome {name!r}{extra}; "
                f"levels: {', '.join(map(repr, levels))}"
            )
        reference = matches[0]
    model_levels = (reference,) + tuple(v for v in levels if v != reference)
    lookup = {level: code for code, level in enumerate(model_levels)}
    if category_codes is not None:
        # Category code -> model code: no pass over the rows' values themselves.
        by_category = [lookup.get(_plain(c), -1) for c in values.cat.categories]
        codes = np.asarray(by_category, dtype=np.intp)[category_codes]
    else:
        # Look up each distinct value once (a Python loop over a million rows takes a second).
        inverse, uniques = pd.factorize(values, use_na_sentinel=False)
        codes = np.array([lookup[_plain(v)] for v in uniques], dtype=np.intp)[inverse]
    return Outcome(str(name), levels, reference, codes, dropped)


def _sorted_levels(values: pd.Series, name: str) -> tuple:
    try:
        unique = pd.unique(values)
    except TypeError:  # lists, dicts, sets cannot be levels
        bad = next(v for v in values if _unhashable(v))
        raise DataError(
            f"outcome {name!r} holds values of type {type(bad).__name__} (e.g. {bad!r}), "
            "which cannot be outcome levels; use strings or numbers"
        ) from None
    if pd.api.types.is_bool_dtype(values.dtype):
        return tuple(v for v in (False, True) if v in set(unique))
    kinds = {_kind(v) for v in unique}
    if len(kinds) > 1:
        raise DataError(
            f"outcome {name!r} mixes value types ({', '.join(sorted(kinds))}); "
            "convert it to one type, e.g. df[col].astype(str)"
        )
    if kinds == {"number"}:
        finite = np.isfinite(np.asarray(unique, dtype=float))
        if not finite.all():
            raise DataError(f"outcome {name!r} contains infinite values")
    return tuple(sorted(unique))


def _kind(value: object) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "bool"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return "number"
    if isinstance(value, str):
        return "str"
    return type(value).__name__


def _unhashable(value: object) -> bool:
    """Whether ``value`` cannot be a level (a list, a dict, a tuple holding a list ...)."""
    try:
        hash(value)
    except TypeError:
        return True
    return False


def _plain(value: object) -> object:
    """numpy scalars as Python scalars, so labels print and compare cleanly."""
    return value.item() if isinstance(value, np.generic) else value


def _same(level: object, requested: object) -> bool:
    try:
        return bool(level == requested)
    except (TypeError, ValueError):
        return False


def label_index(labels: Any, name: Any = None) -> pd.Index:
    """An Index of outcome labels, tuples kept as labels (pandas would otherwise make a
    MultiIndex of them).

    Examples
    --------
    >>> label_index([("a", 1), ("b", 2)], "y").tolist()
    [('a', 1), ('b', 2)]
    """
    return pd.Index(list(labels), name=name, tupleize_cols=False)
