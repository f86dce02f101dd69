"""The core's worker threads, and native (BLAS) threads kept out of their way.

numpy releases the GIL in its loops, so blocks of points run in parallel (scikit-learn
uses every core through OpenMP). One pool per thread count, made when first needed and
shut down at exit.
"""

from __future__ import annotations

import atexit
import contextvars
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from typing import Any

__all__ = ["map_blocks", "native_limit", "one_blas_thread"]

_pools: dict[int, ThreadPoolExecutor] = {}
_controller: list[Any] = []  # the threadpoolctl controller, made when first needed


def map_blocks(fn: Callable[[Any], None], items: Iterable[Any], threads: int) -> None:
    """Call ``fn`` on every item, in ``threads`` worker threads.

    The items are dealt out in turn, one task a thread (a task per item costs a wake-up
    and a hand-over each, on the order of a short numpy call). ``fn`` must write only
    its own item's part of shared arrays. Each task runs in a copy of the caller's
    context, so numpy's errstate (a context variable) is the caller's in every worker.
    """
    if threads <= 1:
        for item in items:
            fn(item)
        return
    if threads not in _pools:
        _pools[threads] = ThreadPoolExecutor(threads, thread_name_prefix="kmeans_anim")
    dealt = list(items)
    ctx = contextvars.copy_context()

    def task(i: int) -> None:
        for item in dealt[i::threads]:
            fn(item)

    tasks = range(min(threads, len(dealt)))
    for _ in _pools[threads].map(lambda i: ctx.copy().run(task, i), tasks):
        pass  # consumed to raise a worker's exception


@atexit.register
def _shutdown() -> None:
    for pool in _pools.values():
        pool.shutdown(wait=True)
    _pools.clear()


def _threadpools() -> Any:
    if not _controller:
        from threadpoolctl import ThreadpoolController

        _controller.append(ThreadpoolController())
    return _controller[0]


def one_blas_thread() -> AbstractContextManager[Any]:
    """A context in which BLAS uses one thread. Our threads already share the blocks;
    BLAS threads on top of them (or next to another busy process) only contend: a
    product of width k takes 3 to 30 times longer with two BLAS threads than with one."""
    return _threadpools().limit(limits=1, user_api="blas")


def native_limit() -> int | None:
    """The smallest thread count of the native libraries loaded (BLAS, OpenMP), which a
    caller may have lowered with ``threadpoolctl.threadpool_limits``; None if none."""
    counts = [lib.num_threads for lib in _threadpools().lib_controllers]
    return min(counts) if counts else None
