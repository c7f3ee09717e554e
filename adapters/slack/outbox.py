"""Post answers with chat.postMessage without one channel's rate limit holding up another.

Slack limits posting per workspace and channel and answers 429 with Retry-After.
Each answer is posted by its own task; a 429 pauses only its (workspace, channel)
until Slack said to come back, while answers to other channels go on. The answer
workers never wait for Slack: they hand the post over and take the next event.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from antenne.adapters.slack.blocks import fallback_text, render_blocks
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


def retry_after(exc: SlackApiError) -> float | None:
    """Seconds Slack asked us to wait, or None when this is not a rate limit."""
    response = exc.response
    if response is None or response.status_code != 429:
        return None
    try:
        return min(max(float(response.headers.get("Retry-After", DEFAULT_RETRY_AFTER)), 0.0), MAX_RETRY_AFTER)
    except (TypeError, ValueError):
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
                    await self._client.chat_postMessage(
                        channel=post.channel,
                        thread_ts=post.thread_ts,
                        blocks=render_blocks(post.answer),
                        text=fallback_text(post.answer),
                    )
            except SlackApiError as exc:
                delay = retry_after(exc)
                if delay is None:
                    return self._failed(exc, post)
                self._paused_until[key] = max(self._paused_until.get(key, 0.0), self._monotonic() + delay)
                log.info("slack_rate_limited", extra={"retry_after": delay})
                continue
            except Exception as exc:  # network trouble: logged, the app keeps serving
                log.error("slack_post_failed", extra={"error": type(exc).__name__})
                return False
            log.info(
                "slack_answer_posted", extra={"answer_kind": post.answer.kind.value, "item_id": post.answer.item_id}
            )
            return True
        log.error("slack_post_failed", extra={"error": "ratelimited", "answer_kind": post.answer.kind.value})
        return False

    @staticmethod
    def _failed(exc: SlackApiError, post: Post) -> bool:
        error = exc.response.get("error", "unknown") if exc.response is not None else "unknown"
        level = logging.WARNING if error in CHANNEL_ERRORS else logging.ERROR
        log.log(level, "slack_post_failed", extra={"error": error, "answer_kind": post.answer.kind.value})
        return False
