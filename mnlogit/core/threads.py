"""Threads of the process: the row-block pool and the one-thread BLAS limit.

Row blocks, Dask tasks and minibatches already use the cores; a multi-threaded BLAS
inside them oversubscribes the cores and slows down by large factors on a busy
machine. Both resources are process-wide, so both are managed here, once:

- the row-block pool is created on first use and forgotten in a forked child (its
  threads do not exist there; reusing it would hang the child's first fit); a fork
  waits until no thread is changing the BLAS limit, and a child forked while the
  limit was held restores the parent's setting after its own first limited section;
- the BLAS limit is reference-counted: the first of any number of nested or
  concurrent :func:`single_threaded_blas` contexts lowers the limit, the last one to
  leave restores the setting found by the first, from whichever thread (separate
  threadpoolctl contexts restore whatever they saw on entry, and threadpoolctl only
  obeys the thread that first set OpenBLAS's limit: either leaves BLAS at one thread
  for good when concurrent contexts interleave).
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import scipy.linalg  # noqa: F401  (loads scipy's own BLAS before the controller looks)
from threadpoolctl import ThreadpoolController


def available_cores() -> int:
    """Cores this process may run on.

    Examples
    --------
    >>> available_cores() >= 1
    True
    """
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@functools.cache
def row_pool(workers: int) -> ThreadPoolExecutor:
    """A long-lived pool of ``workers`` threads for row blocks.

    Starting threads on every likelihood pass costs milliseconds, so the pool lives
    as long as the process (or until a fork: a child gets a new one).

    Examples
    --------
    >>> row_pool(2) is row_pool(2)
    True
    """
    return ThreadPoolExecutor(workers, thread_name_prefix="mnlogit-rows")


@functools.cache
def _blas_controller() -> ThreadpoolController:
    # Inspecting the loaded BLAS libraries takes milliseconds: do it once (numpy's and
    # scipy's are both loaded by now: see the imports).
    return ThreadpoolController().select(user_api="blas")


def _set_threads(library: Any, n_threads: int) -> None:
    """Set one BLAS library's thread count from whichever thread calls.

    threadpoolctl >= 3.8 lets only the first thread that set an OpenBLAS limit (built
    with pthreads: one pool for the process) change it again; the others silently do
    nothing. The shared limit below is entered by the first fit and left by the last,
    in any thread, so each change takes the control for itself and hands it back.
    """
    release = getattr(type(library), "clear_controlling_thread", None)
    if release is not None:
        release(force=True)
    library.set_num_threads(n_threads)
    if release is not None:
        release(force=True)


class _BlasLimit:
    """The process's one reference-counted BLAS limit (see the module docstring).

    ``inherited`` holds the settings a forked child should go back to: the child of a
    process whose limit was held at the fork starts with BLAS at one thread and nobody
    to restore it, so its own first limit restores the parent's settings when it ends.
    """

    def __init__(self, inherited: list[tuple[Any, int]] | None = None) -> None:
        self.lock = threading.Lock()
        self.depth = 0
        self.saved: list[tuple[Any, int]] = []
        self.inherited = inherited or []

    def enter(self) -> None:
        with self.lock:
            if self.depth == 0:
                libraries = _blas_controller().lib_controllers
                self.saved = self.inherited or [(lib, lib.get_num_threads()) for lib in libraries]
                self.inherited = []
                for lib, _ in self.saved:
                    _set_threads(lib, 1)
            self.depth += 1

    def leave(self) -> None:
        with self.lock:
            self.depth -= 1
            if self.depth == 0:
                for lib, n_threads in self.saved:
                    if n_threads is not None:
                        _set_threads(lib, n_threads)
                self.saved = []


_BLAS_LIMIT = _BlasLimit()


@contextlib.contextmanager
def single_threaded_blas() -> Iterator[None]:
    """Context limiting BLAS to one thread; nested and concurrent uses are safe.

    Examples
    --------
    >>> with single_threaded_blas():
    ...     with single_threaded_blas():
    ...         pass
    """
    _BLAS_LIMIT.enter()
    try:
        yield
    finally:
        _BLAS_LIMIT.leave()


def _hold_across_fork() -> None:
    # No thread is half-way through changing the limit (holding threadpoolctl's lock,
    # which a child could never acquire) when the process forks.
    _BLAS_LIMIT.lock.acquire()


def _release_in_parent() -> None:
    _BLAS_LIMIT.lock.release()


def _forget_in_child() -> None:
    # A forked child has none of the parent's threads: new pool, new lock, no limit held;
    # if the parent's limit was held, BLAS is at one thread here and the child's first
    # limit will restore the parent's settings when it ends.
    global _BLAS_LIMIT
    row_pool.cache_clear()
    held = _BLAS_LIMIT.saved if _BLAS_LIMIT.depth > 0 else []
    _BLAS_LIMIT = _BlasLimit(inherited=list(held))


if hasattr(os, "register_at_fork"):
    os.register_at_fork(
        before=_hold_across_fork,
        after_in_parent=_release_in_parent,
        after_in_child=_forget_in_child,
    )
