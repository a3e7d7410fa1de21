"""Where the shipped data files are: inside the installed package, or the checkout."""

from __future__ import annotations

from pathlib import Path

# mnlogit/ itself: this module lives in mnlogit/datasets/.
_PACKAGE = Path(__file__).resolve().parent.parent


def shipped_data_dir() -> Path:
    """Folder of the shipped data sets.

    A wheel installs the repository's ``datasets/`` folder as ``mnlogit/_datasets``;
    in a source checkout or an editable install it is the ``datasets/`` folder
    beside the package.

    Examples
    --------
    >>> (shipped_data_dir() / "iris.csv").is_file()
    True
    """
    installed = _PACKAGE / "_datasets"
    return installed if installed.is_dir() else _PACKAGE.parent / "datasets"
