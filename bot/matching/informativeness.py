"""How much a word says about what a question is about, judged by general Dutch.

Words that every Dutch text uses ("gisteren", "voorbereiding", "eigenlijk") tell
us little about the topic of a question; rare words ("kadernota", "griffie") tell a
lot. The frequencies come from wordfreq's Dutch list (see wordfreq_nl.txt), so this
judgement does not depend on what our own content happens to contain.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

# Zipf 3 (once per million words) or rarer counts fully; 'de' (7.7) hardly at all.
RARE_ZIPF = 3.0
COMMON_ZIPF = 7.0
MIN_INFORMATIVENESS = 0.05
TABLE = Path(__file__).with_name("wordfreq_nl.txt")  # package data, next to this module


class WordFrequencies:
    """The frequency table, parsed once. The matcher keeps its own instance, so a
    matcher read from the start-up cache brings the table along instead of parsing it."""

    def __init__(self, table: dict[str, float]) -> None:
        self.table = table

    @classmethod
    def shipped(cls) -> WordFrequencies:
        table: dict[str, float] = {}
        for line in TABLE.read_text(encoding="utf-8").splitlines():
            if not line or line.startswith("#"):
                continue
            zipf, _, words = line.partition(" ")
            table.update(dict.fromkeys(words.split(), float(zipf)))
        return cls(table)

    def zipf(self, word: str) -> float:
        """Frequency of a folded word on the Zipf scale; words missing from the table count as rare."""
        return self.table.get(word, RARE_ZIPF - 0.5)

    def informativeness(self, word: str) -> float:
        """1.0 for a rare word, falling linearly to nearly 0 for the most common Dutch words."""
        value = (COMMON_ZIPF - self.zipf(word)) / (COMMON_ZIPF - RARE_ZIPF)
        return min(1.0, max(MIN_INFORMATIVENESS, value))


@lru_cache(maxsize=1)
def shipped_frequencies() -> WordFrequencies:
    return WordFrequencies.shipped()


def zipf(word: str) -> float:
    return shipped_frequencies().zipf(word)


def informativeness(word: str) -> float:
    return shipped_frequencies().informativeness(word)
