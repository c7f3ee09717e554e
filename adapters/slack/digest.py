"""Post the weekly digest to Slack channels with chat.postMessage.

Slack allows about one message per second per channel and rate-limits bursts
with 429 and Retry-After; the retry handler waits as told, and we pace the
batch on top. Slack's error codes decide what happens to the subscription.

Every post has a client timeout of at most 30 seconds. A post that timed out
(or whose connection broke) after the request left may still have reached
Slack: it is recorded as unknown and never posted again that week, because a
channel getting the digest twice is worse than missing it once.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from antenne.adapters.slack.blocks import fallback_text, render_blocks
from antenne.bot.answers.model import Answer
from antenne.bot.digest.delivery import Delivery, DeliveryStatus
from antenne.bot.store.subscriptions import InactiveReason, Subscription
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger("antenne.slack")

POST_TIMEOUT = 30.0  # seconds; slack_sdk's own default, instead of a shared aiohttp session's 300
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


def api_error(exc: SlackApiError) -> tuple[str, int]:
    """Slack's error code and HTTP status, also when the body was not JSON (an HTML 500 page).

    slack_sdk then attaches aiohttp's raw response, which has `status`, not `status_code` or `get`.
    """
    response: Any = exc.response
    if response is None:
        return "", 0
    status = getattr(response, "status_code", None) or getattr(response, "status", 0) or 0
    data = getattr(response, "data", None)
    error = str(data.get("error", "")) if isinstance(data, dict) else ""
    return error[:48], int(status)


def own_client(client: AsyncWebClient, timeout: float) -> AsyncWebClient:
    """A client like `client` but without its shared aiohttp session, retrying only on 429.

    With a session, slack_sdk leaves the timeout to that session (aiohttp's 300 s
    default); without one it opens a session per call with `timeout` as the limit.
    A 429 was refused, so retrying it is safe; a retry after a broken connection
    could post twice, so those handlers are left out.
    """
    return AsyncWebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=max(1, int(timeout)),
        retry_handlers=[h for h in client.retry_handlers if isinstance(h, AsyncRateLimitErrorRetryHandler)],
        logger=client.logger,
    )


class SlackDigestSender:
    def __init__(
        self,
        client: AsyncWebClient,
        *,
        min_interval: float = 1.0,
        timeout: float = POST_TIMEOUT,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = own_client(client, min(timeout, POST_TIMEOUT))
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
            return classify(*api_error(exc))
        except aiohttp.ClientConnectorError as exc:  # never connected: Slack cannot have it
            return Delivery(DeliveryStatus.DEFERRED, f"network:{type(exc).__name__}")
        except (aiohttp.ClientError, TimeoutError) as exc:  # the request left: Slack may have posted it
            log.warning("slack_digest_outcome_unknown", extra={"error": type(exc).__name__})
            return Delivery(DeliveryStatus.UNKNOWN, f"timeout:{type(exc).__name__}"[:64])
        return Delivery.sent()
