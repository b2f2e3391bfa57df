"""Spread independent work (validating, rendering, feeds) over the cores with forked processes."""

from __future__ import annotations

import os

PARALLEL_FROM = 64  # items before worker processes pay for themselves

shared = None  # what the worker function needs: set before forking, inherited by the workers


def in_workers(function, args: list, parallel_from: int, context=None, chunksize: int | None = None) -> list:
    """`map(function, args)`, in one forked process per core when there is enough work.

    Tasks go out `chunksize` at a time (by default a quarter of each core's share, at most
    16). Fork hands the workers `context` (as `workers.shared`) and every cache for free. A
    process with other threads (`smr serve`'s watcher) works serially: forking it is unsafe.
    """
    import threading

    global shared
    shared = context
    try:
        cores = cpu_count()
        if len(args) < parallel_from or cores < 2 or threading.active_count() > 1:
            return [function(arg) for arg in args]
        import multiprocessing

        with multiprocessing.get_context("fork").Pool(cores) as pool:
            return pool.map(function, args, chunksize=chunksize or max(1, min(16, len(args) // (4 * cores))))
    finally:
        shared = None


def cpu_count() -> int:
    """The cores this process may use (fewer than the machine's under a CPU limit)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1
