"""Typo tolerance: map an unknown word to the closest word the content knows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from functools import lru_cache

MIN_LENGTH = 6


def max_edits(length: int) -> int:
    # Short words have too many neighbours to guess safely.
    if length < MIN_LENGTH:
        return 0
    return 1 if length < 10 else 2


class TypoCorrector:
    def __init__(self, frequencies: Mapping[str, int]) -> None:
        self._frequencies = dict(frequencies)
        buckets: dict[int, list[str]] = defaultdict(list)
        for word in self._frequencies:
            buckets[len(word)].append(word)
        self._buckets = dict(buckets)
        self.correct = lru_cache(maxsize=20_000)(self._correct)

    def __getstate__(self) -> dict[str, object]:
        # The per-instance cache cannot be pickled (the matcher cache stores us); rebuild it empty.
        return {"_frequencies": self._frequencies, "_buckets": self._buckets}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self.correct = lru_cache(maxsize=20_000)(self._correct)

    def _correct(self, word: str) -> str | None:
        edits = max_edits(len(word))
        if edits == 0:
            return None
        candidates = [w for n in range(len(word) - edits, len(word) + edits + 1) for w in self._buckets.get(n, ())]
        if not candidates:
            return None
        from rapidfuzz import process  # imported when first needed: most questions have no typo
        from rapidfuzz.distance import OSA

        # OSA counts a swapped pair of letters (bugdet) as one edit.
        found = process.extract(word, candidates, scorer=OSA.distance, score_cutoff=edits, limit=8)
        if not found:
            return None
        best_distance = min(distance for _, distance, _ in found)
        closest = [w for w, distance, _ in found if distance == best_distance]
        return max(closest, key=lambda w: (self._frequencies[w], w[0] == word[0], w))
