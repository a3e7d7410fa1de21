"""Sphinx configuration of the mnlogit documentation.

Build (offline; no inventory is downloaded):  sphinx-build -W --keep-going docs build/docs

Two kinds of page are produced at build time, never stored:
- vignettes/*.ipynb: copies of the repository's vignettes (stored without outputs),
  executed by myst-nb so the pages show their tables and figures;
- api/reference.rst: the API reference, generated from the package's public names
  (``mnlogit.__all__`` and the ``__all__`` of the public modules listed below), so a
  new public name gets its page without editing the docs.
"""

from __future__ import annotations

import importlib
import inspect
import os
import shutil
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))  # document the source tree beside these docs
sys.path.insert(0, str(DOCS))  # public_api.py
# The notebook kernels inherit this: figures are shown inline in the pages (CI exports
# MPLBACKEND=Agg for the test suite, under which a kernel would show no figure).
os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
# ... and import mnlogit from this source tree too, not from another installed copy.
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
)

from public_api import RETURNED_TYPES, is_error, module_names, public_modules  # noqa: E402

import mnlogit  # noqa: E402

project = "mnlogit"
author = "mnlogit developers"
copyright = "2026, mnlogit developers"
release = version = mnlogit.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",  # MathJax served from the built site: math renders offline
    "sphinx.ext.viewcode",
    "numpydoc",
    "myst_nb",
]
templates_path = ["_templates"]
exclude_patterns = ["README.md", "**/.ipynb_checkpoints"]
html_theme = "furo"
html_title = f"mnlogit {release}"
html_static_path = ["_static"]
html_css_files = ["custom.css"]

# -- MyST and notebooks --------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "dollarmath", "deflist"]
myst_heading_anchors = 3
nb_execution_mode = "force"  # vignettes are stored without outputs: always execute
nb_execution_timeout = 600
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_merge_streams = True
nb_render_markdown_format = "myst"  # Markdown outputs (the validation table) with tables

# -- API documentation ---------------------------------------------------------------
autosummary_generate = True
autosummary_imported_members = True
autodoc_typehints = "none"  # numpydoc shows the documented types
autodoc_default_options = {"member-order": "groupwise"}
numpydoc_show_class_members = True
numpydoc_class_members_toctree = False
numpydoc_show_inherited_class_members = False
numpydoc_xref_param_type = False


def _autosummary(current: str, names: list[str]) -> str:
    items = "".join(f"   {name}\n" for name in names)
    return f".. currentmodule:: {current}\n\n.. autosummary::\n   :toctree: generated\n\n{items}\n"


def _section(title: str, text: str) -> str:
    return f"{title}\n{'-' * len(title)}\n\n{text}"


def write_api_reference() -> None:
    """docs/api/reference.rst from the public names of the package."""
    top = [n for n in mnlogit.__all__ if not inspect.ismodule(getattr(mnlogit, n))]
    errors = [n for n in top if is_error(getattr(mnlogit, n))]
    main = [n for n in top if n not in errors]
    parts = [
        "API reference\n=============\n\n",
        "Every public name of the package; each links to its own page. Generated at build "
        "time from ``mnlogit.__all__`` and the ``__all__`` of the public modules.\n\n",
        _section("Fitting and results", _autosummary("mnlogit", main)),
        _section("Errors and warnings", _autosummary("mnlogit", errors)),
    ]
    for name in public_modules():
        doc = inspect.getdoc(importlib.import_module(name)) or ""
        summary = doc.split("\n\n")[0].replace("\n", " ")
        parts.append(
            _section(f"``{name}``", f"{summary}\n\n" + _autosummary(name, module_names(name)))
        )
    returned = [t.rsplit(".", 1) for t in RETURNED_TYPES]
    text = "Objects that methods return: summaries, comparison tables, predictions, tests.\n\n"
    for module, name in returned:
        text += _autosummary(module, [name])
    parts.append(_section("Returned objects", text))
    target = DOCS / "api" / "reference.rst"
    target.parent.mkdir(exist_ok=True)
    content = "".join(parts)
    if not target.exists() or target.read_text() != content:
        target.write_text(content)


def copy_vignettes() -> None:
    """docs/vignettes/ holds copies of the vignettes, executed by myst-nb when built."""
    target = DOCS / "vignettes"
    target.mkdir(exist_ok=True)
    for path in sorted((ROOT / "vignettes").glob("*.ipynb")):
        copy = target / path.name
        if not copy.exists() or copy.read_bytes() != path.read_bytes():
            shutil.copyfile(path, copy)


write_api_reference()
copy_vignettes()
