"""Process settings for long runs over large exports; the command line turns them on, a library user may.

A command keeps hundreds of thousands of long-lived objects (modules, the tokenizer's tables)
while millions of short-lived ones come and go. With the default thresholds the cyclic
garbage collector walks the long-lived ones again and again; Arrow's default allocator keeps
the memory each chunk's tables freed. Neither changes any output.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator

COLLECTOR_THRESHOLDS = (50_000, 20, 100)  # gc.set_threshold's: collect the young generation less often


def tune_process() -> None:
    """Collect garbage less often, and have Arrow give freed memory back to the system at once: for the
    whole process (the command line's choice)."""
    gc.set_threshold(*COLLECTOR_THRESHOLDS)
    _returning_memory_pool()


@contextmanager
def tuned() -> Iterator[None]:
    """For a library caller: within the block, collect garbage less often and never walk the objects alive
    when it starts (modules, the tokenizer's tables); the collector is as it was afterwards.

        with tuned():
            build(...)
    """
    old = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*COLLECTOR_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*old)
        gc.unfreeze()


def _returning_memory_pool() -> None:
    """jemalloc with no decay returns freed memory at once, where pyarrow has it (not on Windows); else the
    C library's allocator. Arrow's default (mimalloc) keeps what it freed."""
    import pyarrow as pa

    try:
        pool = pa.jemalloc_memory_pool()
        pa.jemalloc_set_decay_ms(0)
    except NotImplementedError:
        pool = pa.system_memory_pool()
    pa.set_memory_pool(pool)
