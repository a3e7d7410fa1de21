"""Logging and progress reports shared by the long-running paths.

mnlogit logs to the ``"mnlogit"`` logger hierarchy (``mnlogit.newton``,
``mnlogit.dask``, ``mnlogit.nn``, ...), which has a :class:`logging.NullHandler`,
so nothing is shown unless the application configures logging::

    import logging
    logging.basicConfig()
    logging.getLogger("mnlogit").setLevel(logging.INFO)   # one record per iteration

Independently of logging, a ``verbose=True`` switch on a long path prints one line
per step to standard error (:class:`IterationReporter`), and training loops may draw
a progress bar with :func:`tqdm_class`, which picks a bar that works where the code
runs and never triggers tqdm's warning about missing notebook widgets.
"""

from __future__ import annotations

import importlib.util
import logging
import sys
from collections.abc import Callable, Mapping
from typing import Any, TextIO

#: Name of the package's root logger; components log to ``"mnlogit.<component>"``.
ROOT_LOGGER = "mnlogit"


def get_logger(component: str | None = None) -> logging.Logger:
    """The logger of the package or of one of its components.

    Parameters
    ----------
    component : str, optional
        Component name (``"newton"``, ``"dask"``, ``"nn"``); None for the root
        ``"mnlogit"`` logger.

    Returns
    -------
    logging.Logger
        ``logging.getLogger("mnlogit")`` or ``logging.getLogger("mnlogit.<component>")``.

    Examples
    --------
    >>> get_logger("dask").name
    'mnlogit.dask'
    >>> any(isinstance(h, logging.NullHandler) for h in get_logger().handlers)
    True
    """
    return logging.getLogger(ROOT_LOGGER if component is None else f"{ROOT_LOGGER}.{component}")


def format_iteration(row: Mapping[str, Any], seconds: float | None = None) -> str:
    """One line describing a Newton iteration from its history row.

    Parameters
    ----------
    row : mapping
        A row of the solver's iteration history, with keys ``iteration``, ``llf``,
        ``step_size``, ``max_abs_gradient`` and optionally ``decrement``.
    seconds : float, optional
        Time spent on this iteration, appended when given.

    Returns
    -------
    str
        For example ``"iteration 3: llf=-812.2  step=1  max|grad|=2.1e-05"``.

    Examples
    --------
    >>> row = {"iteration": 3, "llf": -812.25, "step_size": 1.0, "max_abs_gradient": 2.1e-5}
    >>> format_iteration(row, seconds=0.25)
    'iteration 3: llf=-812.25  step=1  max|grad|=2.1e-05  0.2 s'
    """
    parts = [f"iteration {row['iteration']}: llf={row['llf']:.10g}", f"step={row['step_size']:g}"]
    if "decrement" in row:
        parts.append(f"decrement={row['decrement']:.3g}")
    parts.append(f"max|grad|={row['max_abs_gradient']:.3g}")
    text = "  ".join(parts)
    return text if seconds is None else f"{text}  {seconds:.1f} s"


class IterationReporter:
    """A solver callback reporting each Newton iteration to logging and, if asked, stderr.

    Every iteration becomes one INFO record on the logger ``mnlogit.<component>``;
    with ``verbose=True`` the same line is also printed to ``stream`` (standard
    error by default), prefixed with ``label``. A user ``callback`` is then called
    with the row, so the reporter can wrap the callback a caller passed to ``fit``.

    Parameters
    ----------
    verbose : bool, default False
        Print one line per iteration to ``stream``.
    component : str, default "newton"
        Logger component: records go to ``mnlogit.<component>``.
    label : str, default "mnlogit"
        Prefix of the printed lines (e.g. ``"mnlogit[dask]"``).
    callback : callable, optional
        Called with each history row after it is reported.
    stream : file-like, optional
        Where verbose lines go (default: ``sys.stderr`` at the time of the call).

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> report = IterationReporter(verbose=True, label="mnlogit[dask]", stream=out)
    >>> report({"iteration": 1, "llf": -10.5, "step_size": 0.5, "max_abs_gradient": 0.01,
    ...         "seconds": 2.0})
    >>> out.getvalue()
    'mnlogit[dask] iteration 1: llf=-10.5  step=0.5  max|grad|=0.01  2.0 s\\n'
    """

    def __init__(
        self,
        verbose: bool = False,
        component: str = "newton",
        label: str = "mnlogit",
        callback: Callable[[dict], None] | None = None,
        stream: TextIO | None = None,
    ) -> None:
        self.verbose = bool(verbose)
        self.logger = get_logger(component)
        self.label = label
        self.callback = callback
        self.stream = stream
        self._last_seconds = 0.0

    def __call__(self, row: dict) -> None:
        """Report one history row (the solver calls this once per iteration)."""
        seconds = None
        if "seconds" in row:  # the history holds cumulative seconds since the start
            seconds = float(row["seconds"]) - self._last_seconds
            self._last_seconds = float(row["seconds"])
        if self.verbose or self.logger.isEnabledFor(logging.INFO):
            line = format_iteration(row, seconds)
            self.logger.info("%s", line)
        if self.verbose:
            stream = sys.stderr if self.stream is None else self.stream
            print(f"{self.label} {line}", file=stream, flush=True)
        if self.callback is not None:
            self.callback(row)


def in_notebook() -> bool:
    """Whether the code runs in a Jupyter kernel (an IPython ZMQ shell).

    Returns
    -------
    bool
        True inside a Jupyter notebook or lab kernel; False in a terminal, a script or
        the IPython terminal shell.

    Examples
    --------
    >>> in_notebook()
    False
    """
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    shell = ipython.get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def tqdm_class() -> Any:
    """The tqdm progress-bar class to use here, or None when tqdm is not installed.

    In a notebook with ipywidgets this is ``tqdm.notebook.tqdm`` (a widget);
    everywhere else, including a notebook without ipywidgets, the plain text bar
    ``tqdm.std.tqdm``. Unlike ``tqdm.auto`` it never emits tqdm's "IProgress not
    found" warning.

    Returns
    -------
    type or None
        A tqdm class, or None without the ``progress`` extra (callers then print
        plain lines).

    Examples
    --------
    >>> bar_class = tqdm_class()
    >>> bar_class is None or bar_class.__name__ == "tqdm"
    True
    """
    if importlib.util.find_spec("tqdm") is None:
        return None
    if in_notebook() and importlib.util.find_spec("ipywidgets") is not None:
        from tqdm.notebook import tqdm as notebook_tqdm

        return notebook_tqdm
    from tqdm.std import tqdm as text_tqdm

    return text_tqdm


__all__ = [
    "ROOT_LOGGER",
    "IterationReporter",
    "format_iteration",
    "get_logger",
    "in_notebook",
    "tqdm_class",
]
