"""Turn raw chat text into comparable tokens: stop words and a hint for English.

The plain-text helpers (clean_question, fold, normalise, ...) are in bot/text.py.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

# The plain-text helpers live below both content and matching (no import loop);
# matching code keeps importing them from here.
from antenne.bot.text import MAX_QUESTION_CHARS, clean_question, fold, normalise, strip_markup, tokens


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    raw = resources.files("antenne.bot.matching").joinpath("stopwords_nl.txt").read_text(encoding="utf-8")
    return frozenset(fold(word) for line in raw.splitlines() if (word := line.split("#", 1)[0].strip()))


_ENGLISH_MARKERS = frozenset(
    [
        "the",
        "what",
        "how",
        "should",
        "would",
        "could",
        "is",
        "are",
        "am",
        "do",
        "does",
        "my",
        "your",
        "you",
        "i",
        "we",
        "they",
        "it",
        "this",
        "that",
        "with",
        "for",
        "about",
        "when",
        "where",
        "which",
        "who",
        "can",
        "to",
        "of",
        "and",
        "please",
        "help",
    ]
)


def looks_english(text: str) -> bool:
    """A cheap hint so an English question gets a reply that says we speak Dutch."""
    words = tokens(text)
    if len(words) < 3:
        return False
    english = sum(1 for w in words if w in _ENGLISH_MARKERS)
    dutch = sum(1 for w in words if w in stopwords())
    return english >= 2 and english > dutch


__all__ = [
    "MAX_QUESTION_CHARS",
    "clean_question",
    "fold",
    "looks_english",
    "normalise",
    "stopwords",
    "strip_markup",
    "tokens",
]
