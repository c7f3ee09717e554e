"""Post the weekly digest to Slack channels with chat.postMessage.

Slack allows about one message per second per channel and rate-limits bursts
with 429 and Retry-After; the shared client's retry handler waits as told, and
we pace the batch on top. Slack's error codes decide what happens to the
subscription.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

import aiohttp
from antenne.adapters.slack.blocks import fallback_text, render_blocks
from antenne.bot.answers.model import Answer
from antenne.bot.digest.delivery import Delivery, DeliveryStatus
from antenne.bot.store.subscriptions import InactiveReason, Subscription
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger("antenne.slack")

DEACTIVATE = {
    "channel_not_found": InactiveReason.CHANNEL_NOT_FOUND,
    "is_archived": InactiveReason.ARCHIVED,
    "not_in_channel": InactiveReason.NOT_IN_CHANNEL,
}
# The token no longer works for this workspace: posting to its other channels is pointless.
AUTH_ERRORS = {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired", "no_permission"}
TRANSIENT_ERRORS = {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}


def classify(error: str, status: int) -> Delivery:
    if error in DEACTIVATE:
        return Delivery(DeliveryStatus.FAILED, error, deactivate=DEACTIVATE[error])
    if error in AUTH_ERRORS:
        return Delivery(DeliveryStatus.DEFERRED, error, pause_workspace=True)
    if error in TRANSIENT_ERRORS or status == 429 or status >= 500:
        return Delivery(DeliveryStatus.DEFERRED, error or f"http_{status}")
    return Delivery(DeliveryStatus.FAILED, error or f"http_{status}")


class SlackDigestSender:
    def __init__(
        self,
        client: AsyncWebClient,
        *,
        min_interval: float = 1.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._min_interval = min_interval
        self._sleep = sleep
        self._monotonic = monotonic
        self._last_post = -float("inf")

    async def _pace(self) -> None:
        wait = self._last_post + self._min_interval - self._monotonic()
        if wait > 0:
            await self._sleep(wait)
        self._last_post = self._monotonic()

    async def send(self, subscription: Subscription, answer: Answer) -> Delivery:
        await self._pace()
        try:
            await self._client.chat_postMessage(
                channel=subscription.place.channel,
                blocks=render_blocks(answer),
                text=fallback_text(answer),
                unfurl_links=False,
            )
        except SlackApiError as exc:
            response = exc.response
            error = str(response.get("error", "")) if response is not None else ""
            return classify(error, response.status_code if response is not None else 0)
        except (aiohttp.ClientError, TimeoutError) as exc:
            return Delivery(DeliveryStatus.DEFERRED, f"network:{type(exc).__name__}")
        return Delivery.sent()
