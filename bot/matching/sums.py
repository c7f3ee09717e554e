"""Sums per key: the inner loops of a match, kept as tight as Python allows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

K = TypeVar("K")


def add_into(totals: dict[K, float], values: Mapping[K, float]) -> None:
    """`totals[key] += value` for every pair of `values`, a missing total counting as 0.0.

    A plain loop with a bound `get` beats a defaultdict, and on Python 3.11 also a
    map/zip pipeline into dict.update, for the tens to hundreds of pairs a word has.
    """
    get = totals.get
    for key, value in values.items():
        totals[key] = get(key, 0.0) + value
