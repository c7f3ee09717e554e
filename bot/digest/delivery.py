"""What a platform sender reports back to the scheduler after posting a digest.

Senders live in the adapters (Slack, Teams); the scheduler only needs to know
whether to mark the week sent, try again later, or stop the subscription; and,
when a post timed out after it may have arrived, that nobody knows: such a week
is recorded as unknown and never posted again, because a double post is worse
than a missed one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from antenne.bot.answers.model import Answer
from antenne.bot.store.subscriptions import InactiveReason, Subscription


class DeliveryStatus(StrEnum):
    SENT = "sent"
    DEFERRED = "deferred"  # transient: rate limit, server error, paused workspace
    FAILED = "failed"  # permanent for this week
    UNKNOWN = "unknown"  # timed out after the platform may have accepted it: never posted again this week


@dataclass(frozen=True)
class Delivery:
    status: DeliveryStatus
    reason: str = ""  # a platform error code such as 'channel_not_found' or 'http_503'
    deactivate: InactiveReason | None = None  # stop the subscription for good
    pause_workspace: bool = False  # the credentials of this workspace no longer work: skip its other channels

    @classmethod
    def sent(cls) -> Delivery:
        return cls(DeliveryStatus.SENT)


class DigestSender(Protocol):
    async def send(self, subscription: Subscription, answer: Answer) -> Delivery: ...
