"""Post answers with chat.postMessage without one channel's rate limit holding up another.

Slack limits posting per workspace and channel and answers 429 with Retry-After.
Each answer is posted by its own task; a 429 pauses only its (workspace, channel)
until Slack said to come back, while answers to other channels go on. The answer
workers never wait for Slack: they hand the post over and take the next event.

Posts go through slack_sdk's client, whose own 429 handler is left out: it would
sleep inside the call, holding a posting slot while other channels wait. They
use the client's `api_call` with the finished JSON body: `chat_postMessage` only
adds a pass over every block (converting slack_sdk's block classes, which we do
not use) and drops None values, which the body never has.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from antenne.adapters.slack.blocks import fallback_text, render_blocks
from antenne.adapters.slack.digest import api_error
from antenne.bot.answers.model import Answer
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger("antenne.slack")

# Errors that mean "this channel cannot be posted to": expected, not a bug.
CHANNEL_ERRORS = {"channel_not_found", "not_in_channel", "is_archived"}
MAX_RETRY_AFTER = 60.0
DEFAULT_RETRY_AFTER = 1.0


@dataclass(frozen=True)
class Post:
    workspace: str
    channel: str
    answer: Answer
    thread_ts: str | None = None


class RateLimited(Exception):
    def __init__(self, retry_after: float) -> None:
        self.retry_after = retry_after


class PostFailed(Exception):
    def __init__(self, error: str) -> None:
        self.error = error


def retry_after(header: str | None) -> float:
    """Seconds Slack asked us to wait, within reason."""
    try:
        return min(max(float(header or DEFAULT_RETRY_AFTER), 0.0), MAX_RETRY_AFTER)
    except ValueError:
        return DEFAULT_RETRY_AFTER


class Outbox:
    def __init__(
        self,
        client: AsyncWebClient,
        *,
        concurrency: int = 32,
        attempts: int = 4,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._slots = asyncio.Semaphore(concurrency)
        self._attempts = attempts
        self._monotonic = monotonic
        self._paused_until: dict[tuple[str, str], float] = {}
        self._tasks: set[asyncio.Task[bool]] = set()

    def send(self, post: Post) -> None:
        task = asyncio.create_task(self._deliver(post))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @property
    def pending(self) -> int:
        return len(self._tasks)

    async def drain(self, timeout: float) -> int:
        """Wait up to `timeout` seconds for posts in flight; returns how many did not make it."""
        if self._tasks:
            _, late = await asyncio.wait(set(self._tasks), timeout=max(timeout, 0))
            for task in late:
                task.cancel()
            if late:
                log.error("slack_answers_not_posted", extra={"left": len(late)})
            return len(late)
        return 0

    async def _deliver(self, post: Post) -> bool:
        key = (post.workspace, post.channel)
        for _ in range(self._attempts):
            wait = self._paused_until.get(key, 0.0) - self._monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                async with self._slots:
                    await self._call(post)
            except RateLimited as limited:
                until = self._monotonic() + limited.retry_after
                self._paused_until[key] = max(self._paused_until.get(key, 0.0), until)
                log.info("slack_rate_limited", extra={"retry_after": limited.retry_after})
                continue
            except PostFailed as failed:
                level = logging.WARNING if failed.error in CHANNEL_ERRORS else logging.ERROR
                log.log(
                    level, "slack_post_failed", extra={"error": failed.error, "answer_kind": post.answer.kind.value}
                )
                return False
            except Exception as exc:  # network trouble: logged, the app keeps serving
                log.error("slack_post_failed", extra={"error": type(exc).__name__})
                return False
            log.info(
                "slack_answer_posted", extra={"answer_kind": post.answer.kind.value, "item_id": post.answer.item_id}
            )
            return True
        log.error("slack_post_failed", extra={"error": "ratelimited", "answer_kind": post.answer.kind.value})
        return False

    async def _call(self, post: Post) -> None:
        try:
            await self._client.api_call("chat.postMessage", json=message(post))
        except SlackApiError as exc:
            error, status = api_error(exc)
            if status == 429:
                headers = getattr(exc.response, "headers", None) or {}
                raise RateLimited(retry_after(_header(headers, "retry-after"))) from None
            raise PostFailed(error or f"http_{status}") from None


def message(post: Post) -> dict[str, object]:
    """The chat.postMessage body, as chat_postMessage would send it."""
    body: dict[str, object] = {"channel": post.channel}
    if post.thread_ts is not None:
        body["thread_ts"] = post.thread_ts
    body["blocks"] = render_blocks(post.answer)
    body["text"] = fallback_text(post.answer)
    return body


def _header(headers: dict[str, object], name: str) -> str | None:
    """slack_sdk keeps the server's spelling of header names, and sometimes a list of values."""
    for key, value in headers.items():
        if key.lower() == name:
            return str(value[0] if isinstance(value, list) else value)
    return None
