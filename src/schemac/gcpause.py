"""Pausing Python's cyclic garbage collector around bulk work.

Reading a catalog, diffing two of them or linting a large file allocates
hundreds of thousands of small objects that all live until the command
ends. The cyclic collector would walk them again and again (a third of the
time on large inputs) and find nothing to free: none of them form cycles
that outlive the work.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run the block with the cyclic GC off; restore it afterwards (nesting is fine)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
