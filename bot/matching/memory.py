"""Bounded memories for work kept per word between questions."""

from __future__ import annotations

from itertools import islice
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


def forget_oldest(kept: dict[K, V], limit: int) -> None:
    """When full, forget the older half; callers move an entry to the end when it is used
    again, so what goes is what was used longest ago. Dicts keep insertion order."""
    if len(kept) >= limit:
        for key in list(islice(kept, max(1, limit // 2))):
            del kept[key]
