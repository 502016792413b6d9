"""Process settings for long runs over large exports; the command line turns them on, a library user may.

A command keeps hundreds of thousands of long-lived objects (modules, the tokenizer's tables)
while millions of short-lived ones come and go. With the default thresholds the cyclic
garbage collector walks the long-lived ones again and again; Arrow's default allocator keeps
the memory each chunk's tables freed. Neither changes any output.
"""

from __future__ import annotations

import gc

COLLECTOR_THRESHOLDS = (50_000, 20, 100)  # gc.set_threshold's: collect the young generation less often


def tune_process() -> None:
    """Collect garbage less often, and have Arrow give freed memory back to the system at once."""
    gc.set_threshold(*COLLECTOR_THRESHOLDS)
    _returning_memory_pool()


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
