"""What a formula factor is, read from its code without evaluating it.

A patsy factor is a Python expression (``ses``, ``C(ses, Treatment('high'))``,
``center(age)``, ``bs(x, df=4)``, ``np.log(income)``). Most factors analysts write are
one of a few shapes that mnlogit evaluates itself, exactly as patsy would, and whose
learned state is plain data: a data column, a factor of a data column, a centring or
standardisation of a column, or a spline of a column. Everything else is an
*expression*, evaluated through patsy's machinery (see :mod:`.patsy_adapter`).

This module only parses (``ast``): it never evaluates anything, so it also serves the
loading of saved models, where the stored factor codes are checked against an
allow-list before anything is evaluated (:func:`check_loadable`).
"""

from __future__ import annotations

import ast
import builtins
import functools
from dataclasses import dataclass, field
from typing import Any, Literal

from ..exceptions import MNLogitError

Recipe = Literal["column", "C", "center", "standardize", "bs", "cr", "cc", "expression"]

# Keyword arguments (with defaults) of the transforms mnlogit evaluates itself.
TRANSFORM_ARGUMENTS: dict[str, dict[str, Any]] = {
    "center": {},
    "standardize": {"center": True, "rescale": True, "ddof": 0},
    "bs": {
        "df": None,
        "knots": None,
        "degree": 3,
        "include_intercept": False,
        "lower_bound": None,
        "upper_bound": None,
    },
    "cr": {
        "df": None,
        "knots": None,
        "lower_bound": None,
        "upper_bound": None,
        "constraints": None,
    },
}
TRANSFORM_ARGUMENTS["scale"] = TRANSFORM_ARGUMENTS["standardize"]
TRANSFORM_ARGUMENTS["cc"] = TRANSFORM_ARGUMENTS["cr"]
# The recipe of each of those transforms (scale is standardize under another name).
TRANSFORM_RECIPES: dict[str, Recipe] = {
    "center": "center",
    "standardize": "standardize",
    "scale": "standardize",
    "bs": "bs",
    "cr": "cr",
    "cc": "cc",
}


@dataclass(frozen=True)
class FactorRecipe:
    """How a factor is evaluated: its shape, the column it reads, its literal options.

    ``recipe`` is ``"column"`` (a data column used as is: numeric columns give one
    design column, others are categorical), ``"C"`` (a categorical of one column,
    with the source of its contrast and levels arguments), ``"center"``,
    ``"standardize"`` (``scale`` is its alias), ``"bs"``, ``"cr"``, ``"cc"`` (of one
    column, with literal keyword options), or ``"expression"`` (anything else).

    Examples
    --------
    >>> classify("C(ses, Treatment('high'))")
    FactorRecipe(code="C(ses, Treatment('high'))", recipe='C', variable='ses', \
contrast="Treatment('high')", levels=None, options={})
    >>> classify("np.log(x)").recipe
    'expression'
    """

    code: str
    recipe: Recipe
    variable: str | None = None
    contrast: str | None = None
    levels: tuple | None = None
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def data_column(self) -> str:
        """The data column a recipe other than ``"expression"`` reads.

        Examples
        --------
        >>> classify("center(x)").data_column
        'x'
        """
        if self.variable is None:
            raise ValueError(f"the factor {self.code!r} does not read one data column")
        return self.variable


@functools.lru_cache(maxsize=1024)
def _names_in(code: str) -> frozenset[str]:
    try:
        tree = ast.parse(code, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return frozenset()
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
    return frozenset(names)


def referenced_names(code: str) -> set[str]:
    """Names a factor expression reads: bare identifiers and ``Q("...")`` strings.

    Examples
    --------
    >>> sorted(referenced_names("np.log(Q('my var')) + ses"))
    ['Q', 'my var', 'np', 'ses']
    """
    return set(_names_in(code))


def _column_of(node: ast.AST) -> str | None:
    """The data column a node names: ``x`` or ``Q("x")``."""
    if isinstance(node, ast.Name):
        return node.id
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "Q"
        and len(node.args) == 1
        and not node.keywords
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ):
        return node.args[0].value
    return None


def _literal(node: ast.AST) -> tuple[bool, Any]:
    try:
        return True, ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False, None


@functools.lru_cache(maxsize=1024)
def classify(code: str) -> FactorRecipe:
    """Recognise the shape of a factor from its code (no evaluation).

    Examples
    --------
    >>> classify("x").recipe, classify("Q('a b')").variable
    ('column', 'a b')
    >>> classify("standardize(x, ddof=1)").options
    {'center': True, 'rescale': True, 'ddof': 1}
    >>> classify("bs(x, df=n)").recipe  # a non-literal option: patsy evaluates it
    'expression'
    """
    expression = FactorRecipe(code, "expression")
    try:
        node = ast.parse(code, mode="eval").body
    except SyntaxError:
        return expression
    column = _column_of(node)
    if column is not None:
        return FactorRecipe(code, "column", column)
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args):
        return expression
    name, first = node.func.id, _column_of(node.args[0])
    if first is None:
        return expression
    if name == "C":
        return _categorical(code, node, first) or expression
    if name not in TRANSFORM_ARGUMENTS:
        return expression
    defaults = TRANSFORM_ARGUMENTS[name]
    names = list(defaults)
    options = dict(defaults)
    if len(node.args) - 1 > len(names):
        return expression
    # A keyword's name is None for **mapping, which is not a literal option.
    pairs: list[tuple[str | None, ast.expr]] = list(zip(names, node.args[1:], strict=False))
    pairs += [(k.arg, k.value) for k in node.keywords]
    for key, value in pairs:
        ok, literal = _literal(value)
        if key is None or key not in defaults or not ok:
            return expression
        options[key] = tuple(literal) if isinstance(literal, list) else literal
    return FactorRecipe(code, TRANSFORM_RECIPES[name], first, options=options)


def _categorical(code: str, node: ast.Call, column: str) -> FactorRecipe | None:
    """``C(column[, contrast][, levels=[...]])`` with literal levels, or None."""
    contrast = levels = None
    arguments = list(node.args[1:]) + [k.value for k in node.keywords]
    keys = ["contrast", "levels"][: len(node.args) - 1] + [k.arg for k in node.keywords]
    if len(node.args) > 3 or any(k not in ("contrast", "levels") for k in keys):
        return None
    for key, value in zip(keys, arguments, strict=True):
        if key == "contrast":
            contrast = ast.unparse(value)
        else:
            ok, literal = _literal(value)
            if not ok or not isinstance(literal, (list, tuple)):
                return None
            levels = tuple(literal)
    return FactorRecipe(code, "C", column, contrast, levels)


# What a loaded model may evaluate: patsy's built-ins and numpy's math functions. Only
# factors of the "expression" recipe are ever evaluated on loading, and only after this
# check has accepted their whole code.
PATSY_BUILTINS = frozenset(
    "C Q I center standardize scale bs cr cc te Treatment Poly Sum Helmert Diff "
    "ContrastMatrix".split()
)
NUMPY_FUNCTIONS = frozenset(
    "abs absolute arccos arccosh arcsin arcsinh arctan arctanh cbrt ceil clip cos cosh exp "
    "expm1 fabs floor fmax fmin log log10 log1p log2 maximum minimum power rint round sign "
    "sin sinh sqrt square tan tanh trunc where isnan isfinite e pi".split()
)
_SAFE_NODES = (
    ast.Expression,
    ast.Call,
    ast.Name,
    ast.Load,
    ast.Constant,
    ast.BinOp,
    ast.UnaryOp,
    ast.Compare,
    ast.BoolOp,
    ast.List,
    ast.Tuple,
    ast.keyword,
    ast.Attribute,
    ast.operator,
    ast.unaryop,
    ast.cmpop,
    ast.boolop,
)


def check_loadable(code: str, columns: set[str]) -> None:
    """Refuse a stored factor code that does more than read ``columns`` and call
    patsy's built-ins and numpy math functions.

    Raises
    ------
    MNLogitError
        Naming the part of the code that is not allowed.

    Examples
    --------
    >>> check_loadable("np.log(x) + I(x**2)", {"x"})
    >>> check_loadable("__import__('os').system('id')", {"x"})
    Traceback (most recent call last):
    ...
    mnlogit.exceptions.MNLogitError: the formula term "__import__('os').system('id')" uses \
"__import__('os').system"; a saved model may only read columns and call patsy's built-ins \
and numpy math functions
    """
    try:
        tree = ast.parse(code, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        raise MNLogitError(f"the formula term {code!r} is not a Python expression") from None
    for node in ast.walk(tree):
        if _forbidden(node, columns):
            raise MNLogitError(
                f"the formula term {code!r} uses {ast.unparse(node)!r}; a saved model may only "
                "read columns and call patsy's built-ins and numpy math functions"
            )


def _forbidden(node: ast.AST, columns: set[str]) -> bool:
    if not isinstance(node, _SAFE_NODES):
        return True
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name):
            if func.id not in PATSY_BUILTINS:
                return True
            # Q reads a column by name, and only that.
            return func.id == "Q" and [getattr(a, "value", None) in columns for a in node.args] != [
                True
            ]
        return not isinstance(func, ast.Attribute)
    if isinstance(node, ast.BinOp):
        # Arithmetic on constants alone is evaluated by Python (9**9**9, 'a' * 10**12
        # would hang): only one operation on two plain numbers is allowed.
        numbers = all(_is_number(side) for side in (node.left, node.right))
        constant = not any(
            isinstance(n, ast.Name) for side in (node.left, node.right) for n in ast.walk(side)
        )
        return constant and (not numbers or isinstance(node.op, ast.Pow))
    if isinstance(node, ast.Attribute):
        base = node.value
        return not (
            isinstance(base, ast.Name)
            and base.id in ("np", "numpy")
            and node.attr in NUMPY_FUNCTIONS
        )
    if isinstance(node, ast.Name):
        known = columns | PATSY_BUILTINS | {"np", "numpy"}
        return node.id not in known and (node.id in dir(builtins) or node.id[0] == "_")
    if isinstance(node, ast.Constant):
        return not isinstance(node.value, (int, float, str, bool, type(None)))
    return False


def _is_number(node: ast.AST) -> bool:
    if isinstance(node, ast.UnaryOp):
        node = node.operand
    return isinstance(node, ast.Constant) and type(node.value) in (int, float)
