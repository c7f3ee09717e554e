"""Button payloads: what a button means, packed into the string platforms carry back.

Platforms limit a button's value (to 2,000 characters, the strictest one we serve)
or take free-form data; we keep payloads small and self-contained so no server-side session
(and no stored user data) is needed to handle a click.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from antenne.bot.answers.model import ActionKind

MAX_PAYLOAD_QUESTION = 300
MAX_VALUE_LENGTH = 1900
# Made once: json.dumps with options builds a new encoder per call, and every answer encodes several buttons.
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class ActionPayload:
    kind: ActionKind
    item_id: str = ""
    question: str = ""
    exclude: tuple[str, ...] = ()


class BadPayload(ValueError):
    """A button value we did not make: forged, truncated or from an old version."""


def encode(payload: ActionPayload) -> str:
    data: dict[str, object] = {"a": payload.kind.value}
    if payload.item_id:
        data["id"] = payload.item_id
    if payload.question:
        data["q"] = payload.question[:MAX_PAYLOAD_QUESTION]
    if payload.exclude:
        data["x"] = list(payload.exclude[-20:])
    return _COMPACT.encode(data)[:MAX_VALUE_LENGTH]


def decode(value: str) -> ActionPayload:
    try:
        data = json.loads(value)
        kind = ActionKind(data["a"])
        exclude = data.get("x", [])
        if not isinstance(exclude, list) or not all(isinstance(x, str) for x in exclude):
            raise TypeError("exclude")
        item_id = data.get("id", "")
        question = data.get("q", "")
        if not isinstance(item_id, str) or not isinstance(question, str):
            raise TypeError("fields")
    except (ValueError, KeyError, TypeError) as exc:
        raise BadPayload(str(exc)) from exc
    return ActionPayload(kind, item_id, question[:MAX_PAYLOAD_QUESTION], tuple(exclude))
