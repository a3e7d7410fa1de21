"""Where the shipped data files are: inside the installed package, or the checkout."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def shipped_data_dir() -> Path:
    """Folder of the shipped data sets.

    A wheel installs the repository's ``datasets/`` folder as ``mnlogit._datasets``;
    in a source checkout or an editable install it is the ``datasets/`` folder
    beside the package.

    Examples
    --------
    >>> (shipped_data_dir() / "iris.csv").is_file()
    True
    """
    try:
        return Path(str(resources.files("mnlogit._datasets")))
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / "datasets"
