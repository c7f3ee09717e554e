"""A vote on an answer: the item it was about and which way, deliberately nothing about who."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Feedback:
    item_id: str
    vote: int  # +1 or -1; deliberately no user identity


FeedbackSink = Callable[[Feedback], None]
