"""Optional dependencies: import one, or say which extra installs it.

The run-time dependencies (numpy, scipy, pandas, patsy, threadpoolctl) are always
there; plotting, Dask and progress bars come with the extras ``plot``, ``dask`` and
``progress``. Code that needs one calls :func:`require` where it is used, so
``import mnlogit`` never imports them, and a missing one is an :class:`ImportError`
that names the extra to install rather than a bare ``ModuleNotFoundError``.
"""

from __future__ import annotations

import importlib
from types import ModuleType

# extra -> what it installs, for the message
EXTRAS = {
    "plot": "matplotlib",
    "dask": "dask and pyarrow",
    "progress": "tqdm",
}


def require(module: str, extra: str, purpose: str | None = None) -> ModuleType:
    """Import ``module``, or raise an ImportError naming the extra that installs it.

    Parameters
    ----------
    module : str
        Dotted module name, e.g. ``"matplotlib.pyplot"``.
    extra : str
        The extra of mnlogit that installs it (``"plot"``, ``"dask"``, ``"progress"``).
    purpose : str, optional
        What needs it, for the message (default: ``"this feature"``).

    Returns
    -------
    module
        The imported module.

    Raises
    ------
    ImportError
        If ``module`` cannot be imported; the message names ``module`` and the
        command ``pip install "mnlogit[extra]"``.

    Examples
    --------
    >>> require("json", "plot").__name__
    'json'
    >>> require("no_such_module_xyz", "dask", "fitting a Dask DataFrame")
    Traceback (most recent call last):
    ...
    ImportError: fitting a Dask DataFrame needs no_such_module_xyz (dask and pyarrow), which is not installed: pip install "mnlogit[dask]"
    """  # noqa: E501
    try:
        return importlib.import_module(module)
    except ImportError as err:
        what = f"{module} ({EXTRAS[extra]})" if extra in EXTRAS else module
        message = (
            f"{purpose or 'this feature'} needs {what}, which is not installed: "
            f'pip install "mnlogit[{extra}]"'
        )
        raise ImportError(message, name=module) from err


__all__ = ["EXTRAS", "require"]
