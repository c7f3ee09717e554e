"""Pausing Python's cyclic garbage collector around work that only builds what lives on.

Loading the content and the matcher allocates hundreds of thousands of objects that
all stay alive; the collector would walk them again and again, finding nothing to free.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside; the collector's earlier state comes back after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
