"""Spread independent work (validating releases, rendering them, photos) over the cores.

One pool for all of it: `in_workers(function, args, context)` calls `function(context, arg)`
for each arg, in worker processes when there is enough work. The context reaches each worker
through the pool's initializer, so nothing depends on a forked child inheriting the parent's
memory: the same code runs with fork, forkserver and spawn (Linux, macOS, Windows).

Workers never outlive smr: a build killed with SIGKILL cannot shut its pool down, so each
worker watches smr from the start (`die_with_parent`), two ways. On Linux the kernel sends
the worker SIGTERM when its parent process ends (prctl PR_SET_PDEATHSIG), even while the
worker is deep in Pillow's C code. Everywhere, a thread in the worker waits on
multiprocessing's parent sentinel (the end of a pipe from smr, or smr's process handle on
Windows) and ends the worker when smr is gone. The thread is what works with forkserver,
where the worker's parent is the fork server, which lives as long as any of its workers.
"""

from __future__ import annotations

import os
import signal
import sys
import threading

PARALLEL_FROM = 64  # items before worker processes pay for themselves
START_METHOD_VARIABLE = "SMR_START_METHOD"  # for tests only: run the workers with this start method
PARENT_WATCH_VARIABLE = "SMR_PARENT_WATCH"  # for tests only: "thread" watches the parent without prctl
PR_SET_PDEATHSIG = 1

_task = None  # in a worker process: (function, context), set once by the pool's initializer


def in_workers(function, args: list, context=None, *, parallel_from: int = PARALLEL_FROM,
               processes: int | None = None, chunksize: int | None = None, each=None) -> list:
    """`[function(context, arg) for arg in args]`, in worker processes when there is enough work.

    With fewer than `parallel_from` args, or one core, it runs here. Otherwise `processes`
    workers (default: one per core) each receive `function` and `context` once (pickled,
    unless forked), then take the args `chunksize` at a time (by default a quarter of each
    worker's share, at most 16). `function` must be a module's top-level function. `each()`,
    if given, is called as each result comes in (a progress bar).
    """
    processes = min(processes or cpu_count(), len(args))
    if len(args) < max(2, parallel_from) or processes < 2:
        return [_counted(function(context, arg), each) for arg in args]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    chunksize = chunksize or max(1, min(16, len(args) // (4 * processes)))
    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context(start_method()),
                             initializer=_start_worker, initargs=(function, context)) as pool:
        return [_counted(result, each) for result in pool.map(_run, args, chunksize=chunksize)]


def _counted(result, each):
    if each is not None:
        each()
    return result


def start_method() -> str:
    """How worker processes start: the platform's default ("fork" on Linux up to Python
    3.13, "spawn" on macOS and Windows), except that a process running other threads (`smr
    serve` watches files in one) never forks: a child forked from it can inherit a lock
    that another thread held, and hang. Then "forkserver" where there is one, else "spawn".
    """
    import multiprocessing
    import threading

    forced = os.environ.get(START_METHOD_VARIABLE)
    if forced:
        return forced
    method = multiprocessing.get_start_method()
    if method == "fork" and threading.active_count() > 1:
        return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    return method


def _start_worker(function, context) -> None:
    global _task
    die_with_parent()
    _task = (function, context)


def die_with_parent() -> None:
    """End this worker when the smr process that started it ends (see the module's docstring);
    for the pools of others too (publish keeps one up for a whole upload)."""
    import multiprocessing

    parent = multiprocessing.parent_process()   # its sentinel is ready once that process has ended
    if parent is None:
        return
    if os.environ.get(PARENT_WATCH_VARIABLE) != "thread":
        _parent_death_signal(signal.SIGTERM)
    if not parent.is_alive():   # it ended before anyone watched it
        os._exit(1)
    threading.Thread(target=_end_with, args=(parent,), name="smr-parent-watch", daemon=True).start()


def _parent_death_signal(signum: int) -> bool:
    """Ask Linux to send `signum` to this process when its parent ends; False where it cannot."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _end_with(parent) -> None:
    """Wait for `parent` to end (its sentinel: a pipe whose other end smr holds, or its
    process handle on Windows), then end this worker at once, whatever it is busy with."""
    parent.join()
    os._exit(1)


def _run(arg):
    function, context = _task
    return function(context, arg)


def cpu_count() -> int:
    """The cores this process may use (fewer than the machine's under a CPU limit)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1
