"""Turn raw chat text into comparable tokens.

Chat messages carry platform markup (Slack `<@U123>`, Teams `<at>…</at>`), URLs,
emoji and diacritics; none of that helps matching and some of it (mentions) would
actively mislead it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources

MAX_QUESTION_CHARS = 1000

_TEAMS_MENTION = re.compile(r"<at>.*?</at>", re.IGNORECASE | re.DOTALL)
# Slack: <@U123>, <@U123|name>, <#C123|kanaal>, <!here>, <!subteam^S1|@team>
_SLACK_ENTITY = re.compile(r"<[@#!][^>]*>")
# Slack link with label: <https://x|label> keeps the label, bare <https://x> goes.
_SLACK_LINK = re.compile(r"<(?:https?|mailto):[^>|]*(?:\|([^>]*))?>", re.IGNORECASE)
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_HTML_TAG = re.compile(r"</?[a-z][^>]*>", re.IGNORECASE)
_AMPERSAND_ABBREVIATION = re.compile(r"\b(\w)\s*&\s*(\w)\b")
_APOSTROPHE = re.compile(r"[’'`´]")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_LONG_DIGITS = re.compile(r"\b\d{5,}\b")
_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


def strip_markup(text: str) -> str:
    """Remove mentions, links and HTML so only what the person typed remains."""
    text = _TEAMS_MENTION.sub(" ", text)
    text = _SLACK_LINK.sub(lambda m: f" {m.group(1) or ''} ", text)
    text = _SLACK_ENTITY.sub(" ", text)
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
    text = fold(strip_markup(text))
    text = _AMPERSAND_ABBREVIATION.sub(r"\1\2", text)  # B&W -> bw
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
    text = fold(text)
    if "&" in text:
        text = _AMPERSAND_ABBREVIATION.sub(r"\1\2", text)
    return _WORD.findall(text.translate(_APOSTROPHES))


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
