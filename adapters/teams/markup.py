"""Teams' message markup, taken out before the text goes to the core."""

from __future__ import annotations

import re

MENTION = re.compile(r"<at>.*?</at>", re.IGNORECASE | re.DOTALL)


def plain_text(text: str) -> str:
    """What the person typed, without mentions of anyone (the bot's own is removed before)."""
    return MENTION.sub(" ", text)
