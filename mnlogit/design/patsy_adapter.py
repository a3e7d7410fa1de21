"""Everything mnlogit asks of patsy, in one place (the only module importing it).

patsy is the formula *language*: analysts write exactly the formulas they know from
statsmodels. mnlogit uses it for

- parsing a formula into its outcome and terms (:func:`parse_formula`);
- evaluating the factors that are arbitrary Python (``np.log(x)``, ``I(x**2)``,
  ``center(np.log(x))``) with patsy's evaluation environment and stateful-transform
  machinery (:class:`PatsyExpression`), and the contrast argument of ``C()``;
- learning spline knots exactly as patsy's ``bs``/``cr``/``cc`` do (:func:`learn_spline`);
- the *structure* of the design: which subterms code each term, with which contrast
  matrices and column names, in patsy's column order (:func:`term_codings`) -- patsy
  computes it from what mnlogit has learned, on a one-row stand-in of the data, so
  the columns are patsy's to the last detail while the data never pass through patsy.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import patsy
import patsy.builtins
import patsy.categorical
import patsy.util

from ..exceptions import DataError, FormulaError

BUILTIN_NAMES = frozenset(n for n in dir(patsy.builtins) if not n.startswith("_"))
_BUILTINS = {name: getattr(patsy.builtins, name) for name in BUILTIN_NAMES}
# What formulas of a reloaded or unpickled model see besides the data: numpy and patsy's
# built-ins (the environment of the fit itself is not stored).
_DEFAULT_NAMESPACE = {"np": np, "numpy": np}


@dataclass(frozen=True)
class ParsedFormula:
    """A formula's outcome code and right-hand-side terms (each a tuple of factor codes;
    ``()`` is the intercept), in the order written.

    Examples
    --------
    >>> parse_formula("y ~ x + C(g):x - 1").terms
    (('x',), ('C(g)', 'x'))
    """

    formula: str
    outcome: str
    terms: tuple[tuple[str, ...], ...]

    @property
    def factor_codes(self) -> tuple[str, ...]:
        """Every distinct factor code of the right-hand side, in order of appearance."""
        return tuple(dict.fromkeys(code for term in self.terms for code in term))


def parse_formula(formula: str, outcome: bool = True) -> ParsedFormula:
    """Parse ``"y ~ terms"`` (or, with ``outcome=False``, a right-hand side ``"terms"``).

    Raises
    ------
    FormulaError
        The formula does not parse, has no single outcome, or (right-hand side) has one.

    Examples
    --------
    >>> p = parse_formula("prog ~ C(ses) * write")
    >>> p.outcome, p.terms
    ('prog', ((), ('C(ses)',), ('write',), ('C(ses)', 'write')))
    """
    # A formula's parse depends on its text alone: remembered for repeated fits
    # (bootstraps, specification searches), where it is a large share of a small fit.
    if not isinstance(formula, str):
        raise FormulaError(f"formula must be a string such as 'y ~ x1 + x2', got {formula!r}")
    return _parse_formula(formula, outcome)


@functools.lru_cache(maxsize=256)
def _parse_formula(formula: str, outcome: bool) -> ParsedFormula:
    try:
        desc = patsy.ModelDesc.from_formula(formula)
    except patsy.PatsyError as err:
        raise FormulaError(f"cannot parse formula {formula!r}: {err.message}") from None
    except RecursionError:
        raise FormulaError(
            f"cannot parse the formula of {len(formula)} characters: it is nested too deeply "
            "for patsy's parser; build the design matrix yourself and use MNLogit(endog, exog)"
        ) from None
    lhs = [f.code for term in desc.lhs_termlist for f in term.factors]
    if outcome and (len(desc.lhs_termlist) != 1 or len(lhs) != 1):
        raise FormulaError(
            f"formula {formula!r} must have exactly one outcome variable on the left of '~'"
        )
    if not outcome and desc.lhs_termlist:
        raise FormulaError(f"the right-hand side {formula!r} has a left-hand side")
    terms = tuple(tuple(f.code for f in term.factors) for term in desc.rhs_termlist)
    return ParsedFormula(formula, lhs[0] if outcome else "", terms)


def capture_env(depth: int) -> patsy.EvalEnvironment:
    """The caller's variables ``depth`` frames up, for evaluating formula expressions.

    Examples
    --------
    >>> "np" in capture_env(0).namespace
    True
    """
    return patsy.EvalEnvironment.capture(depth + 1)


def default_env() -> patsy.EvalEnvironment:
    """The environment of a model whose fitting environment is gone: numpy only.

    Examples
    --------
    >>> default_env().namespace["np"] is np
    True
    """
    return patsy.EvalEnvironment([_DEFAULT_NAMESPACE])


def env_defines(env: Any, name: str) -> bool:
    """Whether an environment defines ``name`` (besides patsy's built-ins).

    Examples
    --------
    >>> env_defines(default_env(), "np"), env_defines(None, "np")
    (True, False)
    """
    return env is not None and name in env.namespace


def evaluate(code: str, data: Mapping[str, Any], env: Any) -> Any:
    """Evaluate a plain expression (an outcome, a contrast) over ``data`` and patsy's
    built-ins in ``env``; any failure is a FormulaError naming the code.

    Examples
    --------
    >>> evaluate("x + 1", {"x": np.array([1, 2])}, default_env()).tolist()
    [2, 3]
    """
    namespace = dict(_BUILTINS)
    namespace.update(data)
    try:
        return (env or default_env()).eval(code, inner_namespace=namespace)
    except Exception as err:  # a user expression can fail in any way
        raise FormulaError(f"cannot evaluate {code!r}: {type(err).__name__}: {err}") from None


def sort_levels(values: Sequence[Any]) -> tuple:
    """Levels in patsy's order (numbers before strings, each sorted).

    Examples
    --------
    >>> sort_levels(["b", 2, "a", 1.5])
    (1.5, 2, 'a', 'b')
    """
    return tuple(sorted(values, key=patsy.util.SortAnythingKey))


def is_categorical(value: Any) -> bool:
    """Whether patsy treats an evaluated factor as categorical.

    Examples
    --------
    >>> is_categorical(np.array(["a", "b"])), is_categorical(np.array([1.0, 2.0]))
    (True, False)
    """
    return bool(patsy.categorical.guess_categorical(value))


def unbox(value: Any) -> tuple[Any, Any, tuple | None]:
    """(data, contrast, levels) of an evaluated categorical factor (``C(...)`` boxes it).

    Examples
    --------
    >>> data, contrast, levels = unbox(patsy.builtins.C([1, 2], levels=[2, 1]))
    >>> data, contrast, levels
    ([1, 2], None, (2, 1))
    """
    if isinstance(value, patsy.categorical._CategoricalBox):
        data, contrast, levels = unbox(value.data)
        contrast = value.contrast if value.contrast is not None else contrast
        levels = tuple(value.levels) if value.levels is not None else levels
        return data, contrast, levels
    return value, None, None


class PatsyExpression:
    """A factor evaluated by patsy (arbitrary Python, stateful transforms included).

    The stateful transforms in the code (``center``, ``standardize``, splines) learn
    their state from the rows given to :meth:`learn`; :meth:`plain_state` is that
    state as numbers and arrays (for saving and pickling), which
    :meth:`with_plain_state` puts back into fresh transform objects.

    Examples
    --------
    >>> e = PatsyExpression("center(np.log(x))", default_env())
    >>> e.learn({"x": np.array([1.0, np.e])})
    >>> e.evaluate({"x": np.array([np.e])}).round(6).tolist()
    [0.5]
    >>> e.stateful, sorted(e.plain_state()["_patsy_stobj0__center__"])
    (True, ['_count', '_sum'])
    """

    def __init__(self, code: str, env: Any) -> None:
        self.code = code
        self.factor = patsy.EvalFactor(code)
        self.state: dict[str, Any] = {}
        try:
            self.passes = self.factor.memorize_passes_needed(self.state, env or default_env())
        except patsy.PatsyError as err:
            raise FormulaError(f"cannot evaluate the term {code!r}: {err.message}") from None

    @property
    def stateful(self) -> bool:
        """Whether the code calls stateful transforms (which must learn from data)."""
        return bool(self.state["transforms"])

    def learn(self, data: Mapping[str, Any]) -> None:
        """Let the stateful transforms learn from ``data`` (the rows used)."""
        try:
            for which in range(self.passes):
                self.factor.memorize_chunk(self.state, which, data)
                self.factor.memorize_finish(self.state, which)
        except Exception as err:  # a transform refusing its options or data
            raise FormulaError(f"cannot evaluate the term {self.code!r}: {_reason(err)}") from None

    def evaluate(self, data: Mapping[str, Any]) -> Any:
        """The factor's value on ``data``."""
        try:
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                return self.factor.eval(self.state, data)
        except Exception as err:
            raise FormulaError(f"cannot evaluate the term {self.code!r}: {_reason(err)}") from None

    def plain_state(self) -> dict[str, dict[str, Any]]:
        """The learned state of each transform object as plain values (arrays, numbers).

        Raises
        ------
        FormulaError
            A transform holds something else (a user-defined stateful transform).
        """
        plain: dict[str, dict[str, Any]] = {}
        for name, obj in self.state["transforms"].items():
            attributes: dict[str, Any] = {}
            for attr, value in vars(obj).items():
                if isinstance(value, np.ndarray) and value.dtype.kind in "iufb":
                    attributes[attr] = value
                elif isinstance(value, (int, float, str, bool, type(None), np.generic)):
                    attributes[attr] = value.item() if isinstance(value, np.generic) else value
                else:
                    raise FormulaError(
                        f"the state of the transform in {self.code!r} (attribute {attr!r} of "
                        f"type {type(value).__name__}) is not plain data"
                    )
            plain[name] = attributes
        return plain

    def with_plain_state(self, plain: Mapping[str, Mapping[str, Any]]) -> PatsyExpression:
        """Put a :meth:`plain_state` back (only attributes the fresh objects have)."""
        transforms = self.state["transforms"]
        if set(plain) != set(transforms):
            raise FormulaError(f"the stored transforms of {self.code!r} do not match its code")
        for name, attributes in plain.items():
            obj = transforms[name]
            for attr, value in attributes.items():
                if attr not in vars(obj):
                    raise FormulaError(f"unknown transform state {attr!r} in {self.code!r}")
                setattr(obj, attr, value)
        return self


def _reason(err: Exception) -> str:
    return err.message if isinstance(err, patsy.PatsyError) else f"{type(err).__name__}: {err}"


def learn_spline(kind: str, x: np.ndarray, options: Mapping[str, Any], code: str) -> dict:
    """Knots (and degree or constraints) of ``bs``/``cr``/``cc`` learned from ``x``
    exactly as patsy learns them.

    Examples
    --------
    >>> learn_spline("bs", np.linspace(0, 1, 11), {"df": 4, "degree": 3}, "bs(x, df=4)")
    {'knots': array([0. , 0. , 0. , 0. , 0.5, 1. , 1. , 1. , 1. ]), 'degree': 3}
    """
    transform = getattr(patsy.builtins, kind).__patsy_stateful_transform__()
    try:
        transform.memorize_chunk(x, **options)
        transform.memorize_finish()
    except Exception as err:  # patsy's own checks of df, knots and bounds
        raise FormulaError(f"cannot evaluate the term {code!r}: {_reason(err)}") from None
    if kind == "bs":
        return {"knots": np.asarray(transform._all_knots, float), "degree": int(transform._degree)}
    constraints = transform._constraints
    return {
        "knots": np.asarray(transform._all_knots, float),
        "constraints": None if constraints is None else np.asarray(constraints, float),
    }


def contrast_object(code: str | None, env: Any) -> Any:
    """The contrast a ``C()`` argument names (``Treatment('high')``, ``Sum``, a matrix).

    Examples
    --------
    >>> type(contrast_object("Treatment('high')", default_env())).__name__
    'Treatment'
    """
    return None if code is None else evaluate(code, {}, env)


@dataclass(frozen=True)
class FactorKind:
    """What the structure needs to know of a learned factor."""

    categorical: bool
    num_columns: int = 1
    levels: tuple = ()
    contrast: Any = None


@dataclass(frozen=True)
class SubtermCoding:
    """One primitive interaction of a term: its factor codes, the contrast matrix of each
    categorical one (levels x columns), and its number of columns."""

    factors: tuple[str, ...]
    contrasts: dict[str, np.ndarray]
    n_columns: int


@dataclass(frozen=True)
class TermCoding:
    """A term in patsy's column order: its name, factor codes, subterms, column names."""

    name: str
    factors: tuple[str, ...]
    subterms: tuple[SubtermCoding, ...]
    column_names: tuple[str, ...]


class _KnownFactor:
    """A patsy factor that replays what mnlogit has learned (type, columns, levels and
    contrast) on a one-row stand-in, so patsy derives the design's structure from it."""

    origin = None  # where in the formula (patsy's error messages read it)

    def __init__(self, code: str, kind: FactorKind) -> None:
        self.code, self.kind = code, kind

    def name(self) -> str:
        return self.code

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _KnownFactor) and other.code == self.code

    def __hash__(self) -> int:
        return hash((_KnownFactor, self.code))

    def memorize_passes_needed(self, state: dict, eval_env: Any) -> int:
        return 0

    def eval(self, state: dict, data: Any) -> Any:
        if self.kind.categorical:
            return patsy.builtins.C(np.zeros(1), self.kind.contrast, levels=list(self.kind.levels))
        return np.zeros((1, self.kind.num_columns))


def term_codings(
    terms: Sequence[tuple[str, ...]], kinds: Mapping[str, FactorKind]
) -> list[TermCoding]:
    """patsy's coding of ``terms`` given each factor's learned kind, in column order.

    Raises
    ------
    FormulaError
        A contrast that cannot code the levels (patsy's message).

    Examples
    --------
    >>> kinds = {"g": FactorKind(True, levels=("a", "b", "c")), "x": FactorKind(False)}
    >>> [t.column_names for t in term_codings([(), ("g",), ("g", "x")], kinds)]
    [('Intercept',), ('g[T.b]', 'g[T.c]'), ('g[a]:x', 'g[b]:x', 'g[c]:x')]
    """
    if all(kind.contrast is None for kind in kinds.values()):
        # Default contrasts: the structure depends on the terms and kinds alone, and is
        # remembered for repeated fits of one formula (its contrast arrays are read-only).
        return list(_default_codings(tuple(terms), tuple(sorted(kinds.items()))))
    return _codings(terms, kinds)


@functools.lru_cache(maxsize=256)
def _default_codings(
    terms: tuple[tuple[str, ...], ...], kinds: tuple[tuple[str, FactorKind], ...]
) -> tuple[TermCoding, ...]:
    return tuple(_codings(terms, dict(kinds)))


def _codings(terms: Sequence[tuple[str, ...]], kinds: Mapping[str, FactorKind]) -> list[TermCoding]:
    factors = {code: _KnownFactor(code, kind) for code, kind in kinds.items()}
    termlist = [patsy.Term([factors[code] for code in term]) for term in terms]
    try:
        (info,) = patsy.design_matrix_builders(
            [termlist], lambda: iter([{}]), patsy.EvalEnvironment([{}])
        )
    except patsy.PatsyError as err:
        raise FormulaError(f"cannot build the design: {err.message}") from None
    except MemoryError:
        widest = max(kinds.items(), key=lambda item: len(item[1].levels))
        raise DataError(
            f"the factor {widest[0]!r} has {len(widest[1].levels):,} levels, whose contrast "
            "matrix (levels x levels) is more than this process can allocate: merge rare "
            "levels or fit it as a numeric variable"
        ) from None
    except Exception as err:  # a user contrast object failing on the levels
        raise FormulaError(f"cannot build the design: {type(err).__name__}: {err}") from None
    codings = []
    for term, subterms in info.term_codings.items():
        names = info.column_names[info.term_name_slices[term.name()]]
        codings.append(
            TermCoding(
                term.name(),
                tuple(f.code for f in term.factors),
                tuple(
                    SubtermCoding(
                        tuple(f.code for f in sub.factors),
                        {f.code: _read_only(m.matrix) for f, m in sub.contrast_matrices.items()},
                        int(sub.num_columns),
                    )
                    for sub in subterms
                ),
                tuple(names),
            )
        )
    return codings


def _read_only(matrix: Any) -> np.ndarray:
    """A float copy that cannot be changed (cached codings are shared between fits)."""
    array = np.array(matrix, dtype=float)
    array.flags.writeable = False
    return array
