"""Render the core's Answer as an Adaptive Card (schema 1.5, what Teams supports)."""

from __future__ import annotations

from typing import Any

from antenne.bot.answers.model import EDITORIAL_LABEL, Answer, TipView

CARD_VERSION = "1.5"
DATA_KEY = "antenne"  # Action.Submit data: {"antenne": <core payload>}
MAX_TOP_LEVEL_ACTIONS = 6  # Teams shows no more; the rest go into an ActionSet in the body
MAX_TEXT = 8000


def _text(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text[:MAX_TEXT], "wrap": True, **style}


def _tip_label(tip: TipView) -> str:
    return f"{tip.theme_title}; {EDITORIAL_LABEL}" if tip.editorial else tip.theme_title


def render_card(answer: Answer) -> dict[str, Any]:
    body: list[dict[str, Any]] = [_text(answer.title, size="Large", weight="Bolder")]
    if answer.intro:
        body.append(_text(answer.intro))
    for section in answer.sections:
        body.append(_text(section.heading, weight="Bolder", spacing="Medium"))
        if section.text:
            body.append(_text(section.text))
        if section.bullets:
            body.append(_text("\n".join(f"- {b}" for b in section.bullets)))
    for tip in answer.tips:
        body.append(
            {
                "type": "Container",
                "style": "emphasis",
                "spacing": "Medium",
                "items": [
                    _text(f"💡 Tip voor de {tip.audience} ({_tip_label(tip)})", weight="Bolder"),
                    _text(tip.text),
                ],
            }
        )
    if answer.suggestions and not answer.offers_options:
        body.append(_text("\n".join(f"- {s}" for s in answer.suggestions), isSubtle=True))
    if answer.source:
        body.append(_text(f"Bron: {answer.source}", size="Small", isSubtle=True, spacing="Medium"))
    actions = [
        {"type": "Action.Submit", "title": action.label, "data": {DATA_KEY: action.value}} for action in answer.actions
    ]
    if len(actions) > MAX_TOP_LEVEL_ACTIONS:
        body.append({"type": "ActionSet", "actions": actions[MAX_TOP_LEVEL_ACTIONS:]})
        actions = actions[:MAX_TOP_LEVEL_ACTIONS]
    return {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": CARD_VERSION,
        "body": body,
        "actions": actions,
    }
