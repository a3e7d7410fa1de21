"""Every example in the package's docstrings runs and prints what it says."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import mnlogit

# Modules whose examples need optional extras are skipped when those are absent.
OPTIONAL = {"mnlogit.plots": "matplotlib", "mnlogit.dask_engine": "dask"}


def _modules():
    for info in pkgutil.walk_packages(mnlogit.__path__, "mnlogit."):
        if info.name.endswith("__main__"):
            continue
        yield info.name


@pytest.mark.parametrize("name", sorted(_modules()))
def test_docstring_examples(name):
    for prefix, extra in OPTIONAL.items():
        if name.startswith(prefix):
            pytest.importorskip(extra)
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} failing example(s) in {name}"
