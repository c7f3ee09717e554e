"""Turn raw chat text into comparable tokens: stop words and a hint for English.

The plain-text helpers (clean_question, fold, normalise, ...) are in bot/text.py.
"""

from __future__ import annotations

import re

# The plain-text helpers live below both content and matching (no import loop);
# matching code keeps importing them from here.
from antenne.bot.text import (
    _AMPERSAND_ABBREVIATION,  # the same rule as normalise's
    MAX_QUESTION_CHARS,
    clean_question,
    fold,
    normalise,
    stopwords,
    strip_markup,
    tokens,
)

_APOSTROPHES = str.maketrans("", "", "’'`´")
_WORD = re.compile(r"[a-z0-9]+")


def plain_tokens(text: str) -> list[str]:
    """tokens() for text without chat markup (content, or a question clean_question has seen).

    The same words as tokens() gives, apart from long numbers, at a fraction of the
    cost: building the index tokenises every text of every item.
    """
    text = fold(text)
    if "&" in text:
        text = _AMPERSAND_ABBREVIATION.sub(r"\1\2", text)
    return _WORD.findall(text.translate(_APOSTROPHES))


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
    "plain_tokens",
    "stopwords",
    "strip_markup",
    "tokens",
]
