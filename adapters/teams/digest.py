"""Post the weekly digest into Teams conversations through their stored references.

Proactive messages go through CloudAdapter.continue_conversation. The Bot
Connector answers 403 (or 404) when the bot was removed from the team or chat:
the subscription stops. 429 and 5xx are retried here with capped exponential
backoff (Retry-After honoured); if they persist the scheduler tries again later.
A post that timed out, or whose connection broke, may have arrived: it is not
retried but reported as unknown, so a conversation never gets a digest twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import aiohttp
from antenne.adapters.teams.bot import answer_activity, error_status
from antenne.bot.answers.model import Answer
from antenne.bot.digest.delivery import Delivery, DeliveryStatus
from antenne.bot.store.subscriptions import InactiveReason, Subscription
from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import ConversationReference

log = logging.getLogger("antenne.teams")

GONE = {403, 404}
MAX_RETRY_AFTER = 60.0
POST_TIMEOUT = 30.0  # seconds for one attempt, token included


def may_have_arrived(exc: Exception) -> bool:
    """A timeout or a connection that broke after the request left: the Bot Connector may have posted."""
    inner = getattr(exc, "inner_exception", None)
    for error in (exc, inner):
        if isinstance(error, aiohttp.ClientConnectorError):
            return False
        if isinstance(error, TimeoutError | aiohttp.ServerDisconnectedError | aiohttp.ClientPayloadError):
            return True
    return False


def retry_after(exc: Exception) -> float | None:
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None) or {}
    try:
        return min(float(headers.get("Retry-After", "")), MAX_RETRY_AFTER)
    except ValueError:
        return None


class TeamsDigestSender:
    def __init__(
        self,
        adapter: CloudAdapter,
        app_id: str,
        *,
        attempts: int = 4,
        backoff: float = 1.0,
        backoff_cap: float = 30.0,
        timeout: float = POST_TIMEOUT,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._timeout = min(timeout, POST_TIMEOUT)
        self._adapter = adapter
        self._app_id = app_id
        self._attempts = attempts
        self._backoff = backoff
        self._backoff_cap = backoff_cap
        self._sleep = sleep

    async def _post_once(self, reference: ConversationReference, answer: Answer) -> Exception | None:
        failure: list[Exception] = []

        async def post(turn_context: TurnContext) -> None:
            # Caught here, not by the adapter's on_turn_error, which would hide it from us.
            try:
                await turn_context.send_activity(answer_activity(answer))
            except Exception as exc:
                failure.append(exc)

        try:
            async with asyncio.timeout(self._timeout):
                await self._adapter.continue_conversation(reference, post, self._app_id)
        except Exception as exc:  # token acquisition or connector set-up failed, or the timeout
            return exc
        return failure[0] if failure else None

    async def send(self, subscription: Subscription, answer: Answer) -> Delivery:
        reference = ConversationReference().deserialize(dict(subscription.place.reference))
        status: int | None = None
        for attempt in range(self._attempts):
            failure = await self._post_once(reference, answer)
            if failure is None:
                return Delivery.sent()
            if may_have_arrived(failure):
                log.warning("teams_digest_outcome_unknown", extra={"error": type(failure).__name__})
                return Delivery(DeliveryStatus.UNKNOWN, f"timeout:{type(failure).__name__}"[:64])
            status = error_status(failure)
            if status in GONE:
                return Delivery(DeliveryStatus.FAILED, f"http_{status}", deactivate=InactiveReason.REMOVED)
            transient = status is None or status == 429 or status >= 500
            if not transient:
                return Delivery(DeliveryStatus.FAILED, f"http_{status}")
            if attempt + 1 < self._attempts:
                delay = retry_after(failure)
                if delay is None:
                    delay = min(self._backoff * 2**attempt, self._backoff_cap)
                log.info("teams_digest_retry", extra={"status": status, "delay": delay})
                await self._sleep(delay)
        return Delivery(DeliveryStatus.DEFERRED, f"http_{status}" if status else "network")

