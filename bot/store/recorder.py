"""Write feedback and unanswered questions in the background.

The core reports them through plain callbacks while it composes an answer; the
reply should not wait for a database write, and a failing write must not cost
the user their answer. A bounded queue, drained on shutdown.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from antenne.bot.feedback import Feedback
from antenne.bot.store.store import Store

log = logging.getLogger("antenne.store")

MAX_PENDING = 10_000


class Recorder:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._queue: asyncio.Queue[tuple[str, Callable[[], Awaitable[None]]]] = asyncio.Queue(MAX_PENDING)
        self._task: asyncio.Task[None] | None = None

    def feedback(self, feedback: Feedback) -> None:
        self._submit("feedback", lambda: self._store.feedback.record(feedback.item_id, feedback.vote))

    def unanswered(self, question: str) -> None:
        """Wired as the core's sink only when ANTENNE_LOG_UNANSWERED is on."""
        self._submit("unanswered", lambda: self._store.unanswered.record(question))

    def _submit(self, kind: str, write: Callable[[], Awaitable[None]]) -> None:
        try:
            self._queue.put_nowait((kind, write))
        except asyncio.QueueFull:
            log.error("record_dropped", extra={"kind": kind, "reason": "queue_full"})

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def flush(self) -> None:
        await self._queue.join()

    async def stop(self, timeout: float = 10.0) -> None:
        try:
            await asyncio.wait_for(self._queue.join(), timeout)
        except TimeoutError:
            log.error("records_not_written", extra={"left": self._queue.qsize()})
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> None:
        while True:
            kind, write = await self._queue.get()
            try:
                await write()
            except Exception as exc:  # a database hiccup loses one record, never the server
                log.error("record_failed", extra={"kind": kind, "error": type(exc).__name__})
            finally:
                self._queue.task_done()
