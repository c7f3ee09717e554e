"""Where the bot may post later: conversation references saved when it was added.

The weekly digest needs to start a conversation nobody just wrote in. Platforms
describe such a place differently, so the core stores their reference as an
opaque JSON object next to the few fields it needs to find and group it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class ConversationReference:
    platform: str  # "teams" or "slack"
    workspace: str  # Teams tenant id or Slack team id
    conversation: str
    reference: dict[str, Any]  # platform data needed to post there


class ReferenceStore(Protocol):
    async def save(self, reference: ConversationReference) -> None: ...

    async def get(self, platform: str, conversation: str) -> ConversationReference | None: ...


class InMemoryReferenceStore:
    def __init__(self) -> None:
        self._items: dict[tuple[str, str], ConversationReference] = {}

    async def save(self, reference: ConversationReference) -> None:
        self._items[(reference.platform, reference.conversation)] = reference

    async def get(self, platform: str, conversation: str) -> ConversationReference | None:
        return self._items.get((platform, conversation))
