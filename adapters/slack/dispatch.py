"""Run bolt on requests Slack has already been told we received.

Slack wants its acknowledgement within 3 seconds (an HTTP 200, or an envelope
ack in Socket Mode), and under a burst the answering work would otherwise sit
between a request and its ack. Acknowledged requests wait in a bounded queue; a
few workers take them a batch at a time, check the whole batch against the event
dedupe in one statement, and run the batch's first deliveries as tasks, a
bounded number at a time, yielding between them so new requests are acked in
between. A full queue refuses new work (HTTP answers 503, so Slack retries
later) instead of dropping an event. On shutdown the queue is drained within the
grace period.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from antenne.bot.store.dedupe import Deduplicator, EventKey
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

log = logging.getLogger("antenne.slack")

BATCH = 64
RUNNING = 16  # bolt dispatches in flight at once (most wait on response_url calls)


@dataclass(frozen=True)
class Work:
    request: AsyncBoltRequest
    event: EventKey | None = None  # (workspace scope, event id) for Events API deliveries


def event_key(body: object) -> EventKey | None:
    """The dedupe key of an Events API delivery; retries of one event share it."""
    if not isinstance(body, dict) or body.get("type") != "event_callback" or not body.get("event_id"):
        return None
    return f"slack:{body.get('team_id', '')}", str(body["event_id"])


class AckFirstDispatcher:
    def __init__(
        self, app: AsyncApp, dedupe: Deduplicator | None = None, *, workers: int = 2, max_queued: int = 10_000
    ) -> None:
        self._app = app
        self._dedupe = dedupe
        self._queue: asyncio.Queue[Work] = asyncio.Queue(max_queued)
        self._workers = workers
        self._tasks: list[asyncio.Task[None]] = []
        self._running: set[asyncio.Task[None]] = set()
        self._slots = asyncio.Semaphore(RUNNING)

    async def start(self) -> None:
        self._tasks = [asyncio.create_task(self._work()) for _ in range(self._workers)]

    async def stop(self, timeout: float = 10.0) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        try:
            await asyncio.wait_for(self._queue.join(), max(timeout, 0))
            if self._running:
                await asyncio.wait_for(
                    asyncio.gather(*self._running), max(deadline - asyncio.get_running_loop().time(), 0)
                )
        except TimeoutError:
            log.error("slack_queue_not_drained", extra={"left": self._queue.qsize() + len(self._running)})
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def submit(self, work: Work) -> bool:
        try:
            self._queue.put_nowait(work)
        except asyncio.QueueFull:
            return False
        return True

    async def _work(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < BATCH and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                for work in await self._first_deliveries(batch):
                    await self._slots.acquire()
                    task = asyncio.create_task(self._run(work))
                    self._running.add(task)
                    task.add_done_callback(self._running.discard)
                    await asyncio.sleep(0)  # let acks for new requests in between
            finally:
                for _ in batch:
                    self._queue.task_done()

    async def _first_deliveries(self, batch: list[Work]) -> list[Work]:
        keys = {work.event for work in batch if work.event is not None}
        fresh = set(keys)
        if keys and self._dedupe is not None:
            try:
                fresh = await self._dedupe.first_deliveries(keys)
            except Exception as exc:  # the database is away: answering twice beats not answering
                log.error("slack_dedupe_failed", extra={"error": type(exc).__name__})
        chosen: list[Work] = []
        for work in batch:
            if work.event is None:
                chosen.append(work)
            elif work.event in fresh:
                fresh.discard(work.event)  # a retry in the same batch runs once too
                chosen.append(work)
            else:
                log.info("slack_retry_ignored")
        return chosen

    async def _run(self, work: Work) -> None:
        try:
            await self._app.async_dispatch(work.request)
        except Exception as exc:  # one bad event must not stop the worker
            log.error("slack_dispatch_failed", extra={"error": type(exc).__name__})
        finally:
            self._slots.release()
