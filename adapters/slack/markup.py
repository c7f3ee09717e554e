"""Slack's message markup, taken out before the text goes to the core."""

from __future__ import annotations

import re

# <@U123>, <@U123|name>, <#C123|kanaal>, <!here>, <!subteam^S1|@team>
ENTITY = re.compile(r"<[@#!][^>]*>")
# A link with a label, <https://x|label>, keeps the label; a bare <https://x> goes.
LINK = re.compile(r"<(?:https?|mailto):[^>|]*(?:\|([^>]*))?>", re.IGNORECASE)


def plain_text(text: str) -> str:
    """What the person typed, without mentions, channel links or link targets."""
    text = LINK.sub(lambda m: f" {m.group(1) or ''} ", text)
    text = ENTITY.sub(" ", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
