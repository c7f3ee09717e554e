"""Plain text from what people type: shared by content checks and matching.

Chat messages carry URLs, HTML, emoji and diacritics; none of that helps matching.
Each platform's own markup (mentions, channel links) is taken out by its adapter
before the text reaches the core. Content loading needs the same normalisation to
spot duplicates, so it lives here, below both bot/content and bot/matching.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

MAX_QUESTION_CHARS = 1000

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_HTML_TAG = re.compile(r"</?[a-z][^>]*>", re.IGNORECASE)
_AMPERSAND_ABBREVIATION = re.compile(r"\b(\w)\s*&\s*(\w)\b")
_APOSTROPHE = re.compile(r"[’'`´]")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_LONG_DIGITS = re.compile(r"\b\d{5,}\b")
_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


def strip_markup(text: str) -> str:
    """Remove links and HTML so only what the person typed remains."""
    text = _URL.sub(" ", text)
    text = _HTML_TAG.sub(" ", text)
    return text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&nbsp;", " ")


def clean_question(text: str, max_chars: int = MAX_QUESTION_CHARS) -> str:
    """What we keep of a user's message: markup gone, control characters gone, length capped."""
    text = strip_markup(_ANSI_ESCAPE.sub(" ", text[: max_chars * 4]))
    if not text.isprintable():  # the per-character pass only when there is something to replace
        text = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(text.split())[:max_chars]


def fold(text: str) -> str:
    """Lower case without diacritics: 'geïnformeerd' and 'geinformeerd' must meet."""
    text = text.casefold()
    if text.isascii():
        return text
    # Letters with diacritics decompose into ASCII plus marks; anything else
    # non-ASCII (emoji, other scripts) cannot match Dutch content anyway.
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def normalise(text: str) -> str:
    text = fold_words(strip_markup(text))
    text = _APOSTROPHE.sub("", text)  # collega's -> collegas, m'n -> mn
    text = _LONG_DIGITS.sub(" ", text)
    return " ".join(_NON_WORD.sub(" ", text).split())


def tokens(text: str) -> list[str]:
    return normalise(text).split()


_APOSTROPHES = str.maketrans("", "", "’'`´")
_WORD = re.compile(r"[a-z0-9]+")


def plain_tokens(text: str) -> list[str]:
    """tokens() for text without chat markup (content, or a question clean_question has seen).

    The same words as tokens() gives, apart from long numbers, at a fraction of the
    cost: building the index tokenises every text of every item.
    """
    return _WORD.findall(fold_words(text).translate(_APOSTROPHES))


def fold_words(text: str) -> str:
    """fold(), and abbreviations such as B&W or P & C joined: they are one word to people."""
    text = fold(text)
    return _AMPERSAND_ABBREVIATION.sub(r"\1\2", text) if "&" in text else text


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Dutch stop words; the list ships with the matcher (bot/matching/stopwords_nl.txt)."""
    raw = (Path(__file__).parent / "matching" / "stopwords_nl.txt").read_text(encoding="utf-8")  # package data
    return frozenset(fold(word) for line in raw.splitlines() if (word := line.split("#", 1)[0].strip()))
