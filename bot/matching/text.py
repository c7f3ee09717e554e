"""A hint for English questions, so they get a reply that says we speak Dutch.

The plain-text helpers (clean_question, fold, normalise, tokens, ...) are in bot/text.py.
"""

from __future__ import annotations

from antenne.bot.text import stopwords, tokens

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
