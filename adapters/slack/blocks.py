"""Render the core's Answer as Slack Block Kit.

Slack rejects a whole message when one limit is exceeded (150 characters in a
header, 3,000 in a text, 75 in a button label, 2,000 in a button value, 50
blocks), so every string is clipped here rather than trusted.
"""

from __future__ import annotations

from typing import Any

from antenne.bot.answers.model import EDITORIAL_LABEL, Action, ActionKind, Answer

HEADER_MAX = 150
TEXT_MAX = 3000
LABEL_MAX = 75
VALUE_MAX = 2000
BLOCKS_MAX = 50
BUTTONS_PER_BLOCK = 5

ACTION_PREFIX = "antenne_"
SHARE_ACTION_ID = "antenne_share"

# Buttons styled for the main path; feedback and "none of these" stay neutral.
PRIMARY = {ActionKind.MORE, ActionKind.CHOOSE}


def escape(text: str) -> str:
    """Slack mrkdwn treats &, < and > as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _text(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, TEXT_MAX)}}


def _button(action: Action, index: int) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "action_id": f"{ACTION_PREFIX}{action.kind.value}_{index}",
        "text": {"type": "plain_text", "text": clip(action.label, LABEL_MAX), "emoji": True},
        "value": action.value[:VALUE_MAX],
    }
    if action.kind in PRIMARY and index == 0:
        button["style"] = "primary"
    return button


def share_button(value: str) -> dict[str, Any]:
    return {
        "type": "button",
        "action_id": SHARE_ACTION_ID,
        "text": {"type": "plain_text", "text": "Deel in kanaal", "emoji": True},
        "value": value[:VALUE_MAX],
    }


def render_blocks(answer: Answer, *, share_value: str | None = None) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": clip(answer.title, HEADER_MAX), "emoji": True}}
    ]
    if answer.intro:
        blocks.append(_text(escape(answer.intro)))
    for section in answer.sections:
        lines = [f"*{escape(section.heading)}*"]
        if section.text:
            lines.append(escape(section.text))
        lines += [f"• {escape(b)}" for b in section.bullets]
        blocks.append(_text("\n".join(lines)))
    if answer.tips:
        blocks.append({"type": "divider"})
        for tip in answer.tips:
            label = f"{escape(tip.theme_title)}; {EDITORIAL_LABEL}" if tip.editorial else escape(tip.theme_title)
            blocks.append(_text(f":bulb: *Tip voor de {tip.audience}* ({label})\n{escape(tip.text)}"))
    if answer.suggestions and not answer.offers_options:
        blocks.append(_text("\n".join(f"• _{escape(s)}_" for s in answer.suggestions)))
    if answer.source:
        blocks.append(
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": clip(f"Bron: {escape(answer.source)}", TEXT_MAX)}],
            }
        )
    buttons = [_button(action, n) for n, action in enumerate(answer.actions)]
    if share_value is not None:
        buttons.append(share_button(share_value))
    for start in range(0, len(buttons), BUTTONS_PER_BLOCK):
        blocks.append({"type": "actions", "elements": buttons[start : start + BUTTONS_PER_BLOCK]})
    return blocks[:BLOCKS_MAX]


def fallback_text(answer: Answer) -> str:
    """The notification and screen-reader text Slack asks for next to blocks."""
    return clip(answer.fallback_text, TEXT_MAX)
