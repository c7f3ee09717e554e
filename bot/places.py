"""Where something happened, in words every platform can fill in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Place:
    """A conversation the bot can post to, as the adapter saw it."""

    platform: str  # the adapter's name for itself; the core only stores and compares it
    workspace: str  # the organisation the conversation belongs to (a workspace, a tenant)
    channel: str  # the conversation itself
    reference: Mapping[str, Any]  # what the adapter needs to post there later
