"""Process-wide thread resources: the row-block pool across fork, the BLAS limit across
concurrent fits.

Before: (1) after a fit in the parent (60,000 rows, 4 outcomes, row blocks shared
between pool threads), fits inside ``multiprocessing.get_context("fork").Pool(2)``
hung for ever, because the children inherited the cached pool whose threads do not
exist after a fork; (2) rounds of fits in concurrent threads left the process's BLAS
at one thread for good (2 before, 1 after), because each fit's threadpoolctl context
restored what it saw on entry, which could be another fit's limit. The reference is
the setting before: the pool must work in the child, the BLAS setting must be what it
was. Every wait has a timeout, so a regression fails instead of hanging the suite.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
import warnings

import numpy as np
import pytest
from threadpoolctl import ThreadpoolController, threadpool_info

import mnlogit
from mnlogit.core.sources import ArraySource
from mnlogit.core.threads import single_threaded_blas

# Generous: a child's fit takes well under a second; a hang is for ever.
TIMEOUT_SECONDS = 120
# The BLAS thread count set around the concurrency tests, so that a leaked limit of
# one thread cannot go unnoticed (whatever this machine's default is).
KNOWN_BLAS_THREADS = 2


def simulated(n_rows: int, n_outcomes: int = 4, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(X with a constant, outcome labels) from a multinomial logit."""
    rng = np.random.default_rng(seed)
    X = np.column_stack([np.ones(n_rows), rng.normal(size=(n_rows, 4))])
    coef = rng.uniform(-0.5, 0.5, size=(5, n_outcomes))
    coef[:, 0] = 0.0
    eta = X @ coef
    probs = np.exp(eta - eta.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    codes = (probs.cumsum(axis=1) > rng.random(n_rows)[:, None]).argmax(axis=1)
    return X, np.array(list("abcdefgh"))[codes]


def fit_in_child(task: tuple[int, str]) -> tuple[float, bool]:
    """A fit in a forked child: (llf, converged)."""
    n_rows, penalty = task
    X, y = simulated(n_rows, seed=n_rows)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = mnlogit.MNLogit(y, X).fit(penalty=None if penalty == "none" else penalty)
    return res.llf, res.converged


def pass_in_child(n_rows: int) -> float:
    """One likelihood pass split between two pool threads, in a forked child."""
    X, y = simulated(n_rows, seed=n_rows)
    codes = np.unique(y, return_inverse=True)[1]
    return ArraySource(X, codes, None, 4, workers=2).derivatives(np.zeros(15)).llf


def blas_threads() -> list[int]:
    return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]


def set_blas_threads(n_threads: int) -> None:
    """Set every BLAS to ``n_threads`` and leave no thread in control of OpenBLAS.

    threadpoolctl >= 3.8 lets only one thread at a time change OpenBLAS's limit (the
    others silently do nothing), so a ``threadpool_limits`` context around a test
    would make every limit set by the fits in other threads a no-op and the test
    vacuous; this sets the value and releases the control at once.
    """
    for lib in ThreadpoolController().select(user_api="blas").lib_controllers:
        release = getattr(type(lib), "clear_controlling_thread", None)
        if release is not None:
            release(force=True)
        lib.set_num_threads(n_threads)
        if release is not None:
            release(force=True)


@pytest.fixture
def known_blas_setting():
    """BLAS at a known count other than one (a leaked limit of one cannot hide)."""
    original = blas_threads()
    set_blas_threads(KNOWN_BLAS_THREADS)
    yield blas_threads()
    set_blas_threads(original[0])


@pytest.fixture(scope="module")
def parent_fit():
    # The parent uses the row pool first (60,000 rows x 4 outcomes; two pool threads).
    X, y = simulated(60_000)
    codes = np.unique(y, return_inverse=True)[1]
    ArraySource(X, codes, None, 4, workers=2).derivatives(np.zeros(15))
    return mnlogit.MNLogit(y, X).fit()


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="no fork")
@pytest.mark.parametrize(
    "tasks",
    [
        [(60_000, "none"), (60_000, "none")],  # the reported case: large fits in both children
        [(60_000, "none")] * 4,  # several fits per child
        [(2_000, "none"), (70_000, "none"), (1_000, "firth")],  # small, large, penalised
    ],
    ids=["reported", "several-per-child", "mixed"],
)
def test_fits_in_a_fork_pool_after_a_parent_fit_complete(parent_fit, tasks):
    expected = []
    for n_rows, penalty in tasks:
        expected.append(fit_in_child((n_rows, penalty)))
    with multiprocessing.get_context("fork").Pool(2) as pool:
        pending = pool.map_async(fit_in_child, tasks)
        try:
            got = pending.get(timeout=TIMEOUT_SECONDS)
        except multiprocessing.TimeoutError:
            pool.terminate()
            pytest.fail(f"fits in forked children did not finish in {TIMEOUT_SECONDS} s")
    assert parent_fit.converged
    for (llf, converged), (want_llf, want_converged) in zip(got, expected, strict=True):
        assert converged == want_converged
        assert llf == pytest.approx(want_llf, rel=1e-12)


def pass_and_blas_in_child(n_rows: int) -> tuple[float, list[int]]:
    """A pooled likelihood pass in a forked child, and the child's BLAS setting after it."""
    return pass_in_child(n_rows), blas_threads()


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="no fork")
def test_child_forked_while_a_parent_thread_holds_the_limit(parent_fit, known_blas_setting):
    # A parent thread is inside a limited section (BLAS at one thread) when the pool
    # forks: the children inherit one thread but not the limit's holder; their passes
    # must complete, and after their own first limited section BLAS must be back at the
    # parent's setting, not stuck at one thread.
    entered, done = threading.Event(), threading.Event()

    def hold_the_limit() -> None:
        with single_threaded_blas():
            entered.set()
            done.wait(TIMEOUT_SECONDS)

    holder = threading.Thread(target=hold_the_limit, daemon=True)
    holder.start()
    try:
        assert entered.wait(TIMEOUT_SECONDS) and set(blas_threads()) == {1}
        with multiprocessing.get_context("fork").Pool(2) as pool:
            pending = pool.map_async(pass_and_blas_in_child, [40_000, 50_000])
            try:
                got = pending.get(timeout=TIMEOUT_SECONDS)
            except multiprocessing.TimeoutError:
                pool.terminate()
                pytest.fail(f"passes in forked children did not finish in {TIMEOUT_SECONDS} s")
    finally:
        done.set()
        holder.join(TIMEOUT_SECONDS)
    assert blas_threads() == known_blas_setting
    for (llf, child_blas), n_rows in zip(got, [40_000, 50_000], strict=True):
        assert llf == pytest.approx(pass_in_child(n_rows), rel=1e-12)
        assert child_blas == known_blas_setting


def run_in_threads(target, n_threads: int) -> None:
    errors: list[BaseException] = []

    def guarded() -> None:
        try:
            target()
        except BaseException as error:  # reported in the main thread
            errors.append(error)

    threads = [threading.Thread(target=guarded) for _ in range(n_threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT_SECONDS)
        assert not thread.is_alive(), f"a thread did not finish in {TIMEOUT_SECONDS} s"
    if errors:
        raise errors[0]


@pytest.mark.parametrize(
    ("n_rows", "n_threads", "rounds"),
    [(60_000, 2, 2), (40_000, 4, 3), (5_000, 3, 5)],
    ids=["pilot-and-pool", "row-pool", "small"],
)
def test_concurrent_fits_leave_the_blas_setting_as_it_was(
    known_blas_setting, n_rows, n_threads, rounds
):
    X, y = simulated(n_rows, seed=n_rows)
    reference = mnlogit.MNLogit(y, X).fit()

    def fits() -> None:
        for _ in range(rounds):
            res = mnlogit.MNLogit(y, X).fit()
            assert res.llf == reference.llf

    assert known_blas_setting and set(known_blas_setting) == {KNOWN_BLAS_THREADS}
    run_in_threads(fits, n_threads)
    assert blas_threads() == known_blas_setting


def test_interleaved_nested_limits_hold_one_thread_and_restore_the_setting(known_blas_setting):
    # Contexts entered and left in every interleaving: inside any of them BLAS runs one
    # thread; when the last one leaves, the setting is the one found by the first.
    inside: list[list[int]] = []
    barrier = threading.Barrier(4)

    def nested(pause: float) -> None:
        barrier.wait(TIMEOUT_SECONDS)
        for _ in range(20):
            with single_threaded_blas():
                time.sleep(pause)
                with single_threaded_blas():
                    inside.append(blas_threads())
                time.sleep(pause / 2)
            time.sleep(pause / 3)

    run_in_threads(lambda: nested(0.001 * (threading.get_ident() % 3 + 1)), 4)
    assert blas_threads() == known_blas_setting
    assert len(inside) == 80 and all(set(threads) == {1} for threads in inside)


class Interrupted(Exception):
    pass


def interrupt(row: dict) -> None:
    raise Interrupted(f"stopped at iteration {row['iteration']}")


def test_a_fit_interrupted_inside_the_limit_releases_it(known_blas_setting):
    # A callback raising during the full-data steps of a 60,000-row fit (which run inside
    # the limited section), in several threads at once, must not leak the limit.
    X, y = simulated(60_000, seed=3)

    def interrupted_fits() -> None:
        for _ in range(3):
            with pytest.raises(Interrupted):
                mnlogit.MNLogit(y, X).fit(callback=interrupt)

    run_in_threads(interrupted_fits, 2)
    assert blas_threads() == known_blas_setting
