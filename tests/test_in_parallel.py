"""`prowler_calls.in_parallel`: independent calls at once, in their order, on threads started
once per process; a call from one of those threads runs its items one after the other (no
thread waits for a pool it occupies), and a forked child gets a pool of its own."""

from __future__ import annotations

import multiprocessing
import threading
import time

from prowler_ext.prowler_calls import PARALLEL_CALLS, in_parallel


def _slow_ident(item: int) -> tuple[int, int]:
    time.sleep(0.05)
    return item, threading.get_ident()


def test_items_run_at_once_and_come_back_in_their_order():
    start = time.perf_counter()
    answers = in_parallel(_slow_ident, range(PARALLEL_CALLS))
    elapsed = time.perf_counter() - start
    assert [item for item, _ in answers] == list(range(PARALLEL_CALLS))
    assert len({ident for _, ident in answers}) == PARALLEL_CALLS
    assert elapsed < 0.05 * PARALLEL_CALLS / 2  # not one after the other


def test_one_item_runs_on_the_calling_thread():
    assert in_parallel(_slow_ident, [7]) == [(7, threading.get_ident())]


def test_a_call_from_a_pool_thread_runs_its_items_there():
    def outer(item: int) -> list[int]:
        here = threading.get_ident()
        inner = in_parallel(_slow_ident, [1, 2, 3])
        return [ident == here for _, ident in inner]

    # more outer items than threads: nested pools would wait for each other forever
    answers = in_parallel(outer, range(PARALLEL_CALLS + 2))
    assert answers == [[True, True, True]] * (PARALLEL_CALLS + 2)


def _in_child(queue) -> None:
    queue.put([item for item, _ in in_parallel(_slow_ident, [1, 2, 3])])


def test_a_forked_child_starts_its_own_threads():
    in_parallel(_slow_ident, [1, 2])  # the parent's pool exists
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_in_child, args=(queue,))
    child.start()
    child.join(timeout=10)
    assert child.exitcode == 0
    assert queue.get(timeout=1) == [1, 2, 3]
