"""The public API of mnlogit, as the documentation and the docstring checks see it.

Read by docs/conf.py (the API reference pages) and tests/test_api_docs.py (numpydoc
validation), so both cover the same objects. It is driven by the package itself: the
names in ``mnlogit.__all__`` and the ``__all__`` of the public modules. A new public
name gets a page and a docstring check without editing this file; a new public module
outside ``mnlogit.__all__`` goes into ``EXTRA_MODULES``.
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any

import mnlogit

# Public modules whose names are documented besides mnlogit.__all__.
EXTRA_MODULES = ["mnlogit.plots", "mnlogit.log"]
# Types that public functions return (users receive them, never construct them).
RETURNED_TYPES = [
    "mnlogit.report.summary.Summary",
    "mnlogit.report.compare.ComparisonTable",
    "mnlogit.inference.prediction.PredictionResults",
    "mnlogit.inference.wald.TestResult",
    "mnlogit.inference.wald.FTestResult",
    "mnlogit.inference.lincom.Combination",
    "mnlogit.inference.specification.IIATestResult",
    "mnlogit.inference.goodness_of_fit.GoodnessOfFitResult",
    "mnlogit.inference.goodness_of_fit.ClassificationTable",
]


def module_names(module_name: str) -> list[str]:
    """A module's public names: its ``__all__``, else the functions and classes it defines."""
    module = importlib.import_module(module_name)
    names = getattr(module, "__all__", None)
    if names is None:
        names = [
            name
            for name, value in vars(module).items()
            if not name.startswith("_")
            and (inspect.isfunction(value) or inspect.isclass(value))
            and value.__module__ == module_name
        ]
    return sorted(names, key=str.lower)


def is_error(value: Any) -> bool:
    """Whether a public name is an exception or warning class."""
    return inspect.isclass(value) and issubclass(value, (Exception, Warning))


def public_modules() -> list[str]:
    """The public modules: those in ``mnlogit.__all__``, then ``EXTRA_MODULES``."""
    top = [f"mnlogit.{n}" for n in mnlogit.__all__ if inspect.ismodule(getattr(mnlogit, n))]
    return top + EXTRA_MODULES


def public_objects() -> list[str]:
    """Dotted names of every public function and class (not modules, members or constants).

    A constant such as ``mnlogit.log.ROOT_LOGGER`` has no docstring of its own (its
    ``__doc__`` is its type's), so numpydoc cannot check it; it is described by a ``#:``
    comment, which the API reference shows.
    """
    names = [f"mnlogit.{n}" for n in mnlogit.__all__ if not inspect.ismodule(getattr(mnlogit, n))]
    for module in public_modules():
        names += [f"{module}.{n}" for n in module_names(module)]
    names += RETURNED_TYPES
    return [
        name
        for name in names
        if inspect.isroutine(value := resolve(name)) or inspect.isclass(value)
    ]


def resolve(dotted: str) -> Any:
    """The object a dotted name refers to (attributes of modules and classes)."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            value: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for part in parts[cut:]:
            value = getattr(value, part)
        return value
    raise ImportError(dotted)


def public_members(dotted: str) -> list[str]:
    """Dotted names of a public class's own public methods and properties."""
    cls = resolve(dotted)
    if not inspect.isclass(cls) or is_error(cls):
        return []
    members = []
    for klass in cls.__mro__:
        if klass is object or not klass.__module__.startswith("mnlogit"):
            continue
        for name, value in vars(klass).items():
            # Methods (also class and static ones) and properties; doctest finds the
            # examples of all of these, but not those of a functools.cached_property.
            documented = isinstance(value, (property, classmethod, staticmethod))
            documented = documented or inspect.isfunction(value)
            if not name.startswith("_") and documented:
                members.append(f"{dotted}.{name}")
    return sorted(set(members))
