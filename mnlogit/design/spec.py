"""DesignSpec: the one description of a model's right-hand side, owned by mnlogit.

Learned once from the data (:mod:`.learn`), then re-applied identically to new data,
to every Dask partition and to a reloaded or unpickled model. It is plain data --
factor recipes and their learned state (levels, means, scales, knots), contrast
matrices, column names and the maps term → columns and variable → terms/columns --
so it pickles, serialises to JSON and loads without evaluating anything (only factors
that are arbitrary Python are evaluated, through patsy, and a loaded model checks
their code against an allow-list first).

Vocabulary (DESIGN.md): a *design column* is one column of X (``C(ses)[T.middle]``); a
*term* is a patsy term, possibly several columns (``C(ses)``, ``C(ses):write``); a
*variable* is a data column a term is built from (``ses``, ``write``); a *factor* is
one expression of a term (``C(ses)``, ``np.log(write)``).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import Any, Literal

import numpy as np

from ..exceptions import MNLogitError
from .evaluate import build_derivative, build_design
from .expressions import Recipe, check_loadable

FactorType = Literal["numerical", "categorical"]


@dataclass(frozen=True, eq=False)
class FactorSpec:
    """One factor: how it is evaluated and what it learned.

    Attributes
    ----------
    code : the factor's code as patsy normalises it (``C(ses)``, ``np.log(x)``).
    recipe : how it is evaluated (see :class:`mnlogit.design.expressions.FactorRecipe`).
    type : ``"numerical"`` or ``"categorical"``.
    variables : the data columns it reads.
    num_columns : columns of a numerical factor; levels of a categorical one.
    levels : the levels of a categorical factor, in coding order.
    state : learned plain data: ``shift``/``scale`` (center, standardize), ``knots``,
        ``degree``, ``include_intercept``, ``constraints`` (splines), ``transforms``
        (patsy's stateful transforms inside an expression).
    """

    code: str
    recipe: Recipe
    type: FactorType
    variables: tuple[str, ...]
    num_columns: int = 1
    levels: tuple | None = None
    state: dict[str, Any] = field(default_factory=dict)

    @property
    def variable(self) -> str | None:
        """The one data column of a factor that is not an expression."""
        return self.variables[0] if self.recipe != "expression" and self.variables else None


@dataclass(frozen=True, eq=False)
class SubtermSpec:
    """One primitive interaction: factor positions, contrast matrices of the
    categorical ones (levels x columns), number of columns."""

    factors: tuple[int, ...]
    contrasts: dict[int, np.ndarray]
    n_columns: int


@dataclass(frozen=True, eq=False)
class TermSpec:
    """A term: its name, factor positions, design columns ``start:stop``, subterms."""

    name: str
    factors: tuple[int, ...]
    start: int
    stop: int
    subterms: tuple[SubtermSpec, ...]


@dataclass(frozen=True, eq=False)
class DesignSpec:
    """The right-hand side of a fitted formula, as plain data.

    Examples
    --------
    >>> import mnlogit
    >>> res = mnlogit.fit("party3 ~ C(vote) * income", mnlogit.datasets.load_anes96())
    >>> spec = res.model_frame.spec
    >>> spec.term_names
    ('Intercept', 'C(vote)', 'income', 'C(vote):income')
    >>> spec.variable_columns("vote")
    [1, 3]
    """

    formula: str
    factors: tuple[FactorSpec, ...]
    terms: tuple[TermSpec, ...]
    column_names: tuple[str, ...]
    # The environment expressions are evaluated in: the fit's while it lives, numpy and
    # patsy's built-ins after pickling or loading. Not part of the description.
    env: Any = field(default=None, compare=False, repr=False)

    def __getstate__(self) -> dict[str, Any]:
        state = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "env"}
        return state

    def __deepcopy__(self, memo: dict[int, Any]) -> DesignSpec:
        # A copy in the same session keeps the environment its expressions were
        # written in (the user's own functions); only pickling drops it.
        copied = DesignSpec.__new__(DesignSpec)
        copied.__setstate__(copy.deepcopy(self.__getstate__(), memo))
        object.__setattr__(copied, "env", self.env)
        return copied

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)
        object.__setattr__(self, "env", None)

    # -- maps -----------------------------------------------------------------------
    @property
    def term_names(self) -> tuple[str, ...]:
        """Term names in design order (``"Intercept"`` for the constant)."""
        return tuple(term.name for term in self.terms)

    @cached_property
    def variables(self) -> tuple[str, ...]:
        """Data columns read by the right-hand side, in order of first use."""
        return tuple(dict.fromkeys(v for f in self.factors for v in f.variables))

    def term_columns(self, term: str) -> list[int]:
        """Design-column positions of a term (by its name).

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris())
        >>> res.model_frame.spec.term_columns("Sepal_Length")
        [1]
        """
        for candidate in self.terms:
            if candidate.name == term:
                return list(range(candidate.start, candidate.stop))
        raise MNLogitError(f"{term!r} is not a term of the model ({', '.join(self.term_names)})")

    def variable_terms(self, variable: str) -> list[str]:
        """Names of the terms built (in part) from a data column.

        Examples
        --------
        >>> import mnlogit
        >>> df = mnlogit.datasets.load_anes96()
        >>> spec = mnlogit.fit("party3 ~ C(vote) * income", df).model_frame.spec
        >>> spec.variable_terms("income")
        ['income', 'C(vote):income']
        """
        reading = {i for i, f in enumerate(self.factors) if variable in f.variables}
        return [t.name for t in self.terms if reading & set(t.factors)]

    def variable_columns(self, variable: str) -> list[int]:
        """Design-column positions of every term built (in part) from a data column."""
        return [j for name in self.variable_terms(variable) for j in self.term_columns(name)]

    def base_level(self, position: int) -> Any:
        """The level of a categorical factor coded by a row of zeros (treatment
        contrasts' reference), else its first level.

        Examples
        --------
        >>> import mnlogit
        >>> df = mnlogit.datasets.load_anes96()
        >>> spec = mnlogit.fit("party3 ~ C(educ, Treatment(3))", df).model_frame.spec
        >>> spec.base_level(0)
        3
        """
        levels = self.factors[position].levels or ()
        for term in self.terms:
            for sub in term.subterms:
                matrix = sub.contrasts.get(position)
                if matrix is not None:
                    zero = np.flatnonzero(~matrix.any(axis=1))
                    if zero.size == 1:
                        return levels[zero[0]]
        return levels[0] if levels else None

    def linear_column(self, variable: str) -> int | None:
        """The one design column of a variable that enters only as itself (a main
        effect ``x``), else None.

        Examples
        --------
        >>> import mnlogit
        >>> df = mnlogit.datasets.load_anes96()
        >>> spec = mnlogit.fit("party3 ~ age + income + age:income", df).model_frame.spec
        >>> spec.linear_column("age"), spec.linear_column("selfLR")
        (None, None)
        """
        positions = [i for i, f in enumerate(self.factors) if variable in f.variables]
        if len(positions) != 1:
            return None
        factor = self.factors[positions[0]]
        terms = [t for t in self.terms if positions[0] in t.factors]
        if factor.recipe != "column" or factor.type != "numerical" or len(terms) != 1:
            return None
        term = terms[0]
        return term.start if len(term.factors) == 1 and term.stop == term.start + 1 else None

    @property
    def categorical_only(self) -> bool:
        """Whether every factor is categorical: the design rows are determined by the
        factors' level codes (and collapse to their distinct combinations)."""
        return all(f.type == "categorical" for f in self.factors)

    def describe_recipes(self) -> dict[str, str]:
        """Factor code → recipe: which factors mnlogit evaluates itself and which go
        through patsy (``"expression"``).

        Examples
        --------
        >>> import mnlogit
        >>> df = mnlogit.datasets.load_anes96()
        >>> spec = mnlogit.fit("party3 ~ np.log(age) + center(income)", df).model_frame.spec
        >>> spec.describe_recipes()
        {'np.log(age)': 'expression', 'center(income)': 'center'}
        """
        return {f.code: f.recipe for f in self.factors}

    # -- materialising ----------------------------------------------------------------
    def build(self, data: Any) -> tuple[np.ndarray, np.ndarray]:
        """Design matrix of ``data`` (a data frame) with this encoding, and the positions
        of the rows kept (rows with missing values are left out).

        Examples
        --------
        >>> import mnlogit, pandas as pd
        >>> df = mnlogit.datasets.load_iris()
        >>> spec = mnlogit.fit("Species ~ center(Sepal_Length)", df).model_frame.spec
        >>> X, kept = spec.build(pd.DataFrame({"Sepal_Length": [5.8433333333333333, None]}))
        >>> X.round(12).tolist(), kept.tolist()
        ([[1.0, 0.0]], [0])
        """
        return build_design(self, data)

    def derivative(self, data: Any, variable: str) -> tuple[np.ndarray, np.ndarray]:
        """d design row / d ``variable`` for the rows of ``data`` (same rows as
        :meth:`build`): analytic for columns, centring, scaling, splines and their
        products; a central difference only for arbitrary expressions.

        Examples
        --------
        >>> import mnlogit
        >>> df = mnlogit.datasets.load_iris()
        >>> spec = mnlogit.fit("Species ~ Sepal_Length + I(Sepal_Length**2)", df).model_frame.spec
        >>> G, _ = spec.derivative(df.head(1), "Sepal_Length")
        >>> G.round(6).tolist()
        [[0.0, 1.0, 10.2]]
        """
        return build_derivative(self, data, variable)

    # -- storing ----------------------------------------------------------------------
    def to_dict(self, arrays: dict[str, np.ndarray]) -> dict[str, Any]:
        """A JSON-ready description; numeric arrays go into ``arrays`` (by key).

        Raises
        ------
        MNLogitError
            An expression a loaded model could not evaluate (it calls a function of
            the fitting session's own code), named.
        """
        factors = []
        for i, factor in enumerate(self.factors):
            if factor.recipe == "expression":
                try:
                    check_loadable(factor.code, set(self.variables))
                except MNLogitError as err:
                    raise MNLogitError(
                        f"cannot save the formula term {factor.code!r}: {err}"
                    ) from None
            factors.append(
                {
                    "code": factor.code,
                    "recipe": factor.recipe,
                    "type": factor.type,
                    "variables": list(factor.variables),
                    "num_columns": factor.num_columns,
                    "levels": None if factor.levels is None else list(factor.levels),
                    "state": _plain_state(factor.state, f"factor/{i}", arrays),
                }
            )
        terms = []
        for i, term in enumerate(self.terms):
            subterms = []
            for s, sub in enumerate(term.subterms):
                contrasts = {}
                for position, matrix in sub.contrasts.items():
                    key = f"contrast/{i}/{s}/{position}"
                    arrays[key] = matrix
                    contrasts[str(position)] = key
                subterms.append(
                    {
                        "factors": list(sub.factors),
                        "contrasts": contrasts,
                        "n_columns": sub.n_columns,
                    }
                )
            terms.append(
                {
                    "name": term.name,
                    "factors": list(term.factors),
                    "start": term.start,
                    "stop": term.stop,
                    "subterms": subterms,
                }
            )
        return {
            "formula": self.formula,
            "factors": factors,
            "terms": terms,
            "column_names": list(self.column_names),
        }

    @classmethod
    def from_dict(
        cls, description: Mapping[str, Any], arrays: Mapping[str, np.ndarray]
    ) -> DesignSpec:
        """The spec of :meth:`to_dict`, checked for consistency; nothing is evaluated.

        Raises
        ------
        MNLogitError
            Naming the entry that is malformed or inconsistent, or an expression whose
            code does more than read columns and call numpy and patsy built-ins.
        """
        factors = tuple(_factor_from(f, arrays) for f in description["factors"])
        columns = {v for f in factors for v in f.variables}
        for factor in factors:
            if factor.recipe == "expression":
                check_loadable(factor.code, columns)
        terms = []
        position = 0
        for t in description["terms"]:
            subterms = []
            for s in t["subterms"]:
                contrasts = {}
                for key, name in dict(s["contrasts"]).items():
                    matrix = np.asarray(arrays[name], dtype=float)
                    if matrix.ndim != 2 or not np.isfinite(matrix).all():
                        raise MNLogitError(f"contrast matrix {name!r} is not a finite 2-d array")
                    contrasts[int(key)] = matrix
                subterms.append(
                    SubtermSpec(tuple(map(int, s["factors"])), contrasts, int(s["n_columns"]))
                )
            term = TermSpec(
                str(t["name"]),
                tuple(map(int, t["factors"])),
                int(t["start"]),
                int(t["stop"]),
                tuple(subterms),
            )
            if term.start != position or term.stop - term.start != sum(
                s.n_columns for s in subterms
            ):
                raise MNLogitError(f"term {term.name!r} has inconsistent columns")
            position = term.stop
            terms.append(term)
        names = tuple(map(str, description["column_names"]))
        spec = cls(str(description["formula"]), factors, tuple(terms), names)
        check_consistent(spec)
        return spec


def check_consistent(spec: DesignSpec) -> None:
    """Refuse a spec whose parts do not fit together (a tampered or corrupt file).

    Raises
    ------
    MNLogitError
        Naming the term, factor or count at fault.
    """
    n_factors = len(spec.factors)
    if spec.terms and spec.terms[-1].stop != len(spec.column_names):
        raise MNLogitError(
            f"the design has {len(spec.column_names)} column names but its terms "
            f"{spec.terms[-1].stop} columns"
        )
    for term in spec.terms:
        for sub in term.subterms:
            width = 1
            for position in sub.factors:
                if not 0 <= position < n_factors:
                    raise MNLogitError(f"term {term.name!r} refers to factor {position}")
                factor = spec.factors[position]
                if factor.type == "categorical":
                    matrix = sub.contrasts.get(position)
                    if matrix is None or matrix.shape[0] != len(factor.levels or ()):
                        raise MNLogitError(
                            f"the contrast of {factor.code!r} in {term.name!r} does not match "
                            f"its {len(factor.levels or ())} levels"
                        )
                    width *= matrix.shape[1]
                else:
                    width *= factor.num_columns
            if width != sub.n_columns:
                raise MNLogitError(f"a subterm of {term.name!r} has inconsistent columns")


def _plain_state(state: Mapping[str, Any], prefix: str, arrays: dict[str, np.ndarray]) -> Any:
    """State values as JSON, arrays stored under keys (nested dicts allowed)."""
    plain: dict[str, Any] = {}
    for key, value in state.items():
        if isinstance(value, Mapping):
            plain[key] = {"dict": _plain_state(value, f"{prefix}/{key}", arrays)}
        elif isinstance(value, np.ndarray):
            arrays[f"{prefix}/{key}"] = value
            plain[key] = {"array": f"{prefix}/{key}"}
        else:
            plain[key] = {"value": value.item() if isinstance(value, np.generic) else value}
    return plain


def _state_from(plain: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> dict[str, Any]:
    state: dict[str, Any] = {}
    for key, entry in dict(plain).items():
        if "dict" in entry:
            state[key] = _state_from(entry["dict"], arrays)
        elif "array" in entry:
            value = arrays[entry["array"]]
            if value.dtype.kind not in "iufb":
                raise MNLogitError(f"array {entry['array']!r} does not hold numbers")
            state[key] = value
        else:
            value = entry["value"]
            if not isinstance(value, (int, float, str, bool, type(None))):
                raise MNLogitError(f"state {key!r} is not a plain value")
            state[key] = value
    return state


def _factor_from(entry: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> FactorSpec:
    recipe = entry["recipe"]
    if recipe not in ("column", "C", "center", "standardize", "bs", "cr", "cc", "expression"):
        raise MNLogitError(f"unknown factor recipe {recipe!r}")
    kind = entry["type"]
    if kind not in ("numerical", "categorical"):
        raise MNLogitError(f"unknown factor type {kind!r}")
    levels = entry["levels"]
    if levels is not None:
        levels = tuple(levels)
        for level in levels:
            if not isinstance(level, (int, float, str, bool)):
                raise MNLogitError(f"level {level!r} of {entry['code']!r} is not a plain value")
    num_columns = int(entry["num_columns"])
    if num_columns < 1:
        raise MNLogitError(f"factor {entry['code']!r} has {num_columns} columns")
    return FactorSpec(
        str(entry["code"]),
        recipe,
        kind,
        tuple(map(str, entry["variables"])),
        num_columns,
        levels,
        _state_from(entry["state"], arrays),
    )
