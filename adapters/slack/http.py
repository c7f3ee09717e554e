"""The Slack HTTP endpoint: verify the signature, then hand the request to bolt.

We verify before bolt does because slack-bolt 1.30 answers 500 to a
non-numeric timestamp or a non-ASCII signature; a forged or broken request
must get a 401 and never reach a handler.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import Clock, SignatureVerifier

log = logging.getLogger("antenne.slack")

TIMESTAMP = re.compile(r"^\d{1,12}$")
SIGNATURE = re.compile(r"^v0=[0-9a-f]{64}$")
SSL_CHECK = re.compile(r"(^|&)ssl_check=1(&|$)")


class _Clock(Clock):
    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now

    def now(self) -> float:
        return self._now()


class RequestVerifier:
    def __init__(self, signing_secret: str, clock: Callable[[], float] = time.time) -> None:
        self._verifier = SignatureVerifier(signing_secret, clock=_Clock(clock))

    def verify(self, body: bytes, timestamp: str | None, signature: str | None) -> bool:
        """Well-formed, at most 5 minutes old, and signed with our secret."""
        if not timestamp or not signature or not TIMESTAMP.match(timestamp) or not SIGNATURE.match(signature):
            return False
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return self._verifier.is_valid(body=text, timestamp=timestamp, signature=signature)


def unauthorized(reason: str) -> web.Response:
    log.warning("slack_request_rejected", extra={"reason": reason})
    return web.json_response({"error": "invalid_request"}, status=401)


class AckFirstDispatcher:
    """Answer Slack's HTTP request at once and run bolt on it afterwards.

    Slack wants its 200 within 3 seconds, and under a burst the answering work
    (matching, rendering, posting) would otherwise sit between a request and its
    ack in the same event loop. Verified requests wait in a bounded queue for a
    few workers; a full queue answers 503, so Slack retries later instead of us
    dropping an event. On shutdown the queue is drained: nothing accepted is lost.
    """

    def __init__(self, app: AsyncApp, workers: int = 2, max_queued: int = 10_000) -> None:
        self._app = app
        self._queue: asyncio.Queue[tuple[str, str, dict[str, str]]] = asyncio.Queue(max_queued)
        self._workers = workers
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        self._tasks = [asyncio.create_task(self._work()) for _ in range(self._workers)]

    async def stop(self, timeout: float = 10.0) -> None:
        try:
            await asyncio.wait_for(self._queue.join(), timeout)
        except TimeoutError:
            log.error("slack_queue_not_drained", extra={"left": self._queue.qsize()})
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def submit(self, body: str, query: str, headers: dict[str, str]) -> bool:
        try:
            self._queue.put_nowait((body, query, headers))
        except asyncio.QueueFull:
            return False
        return True

    async def _work(self) -> None:
        while True:
            body, query, headers = await self._queue.get()
            try:
                await self._app.async_dispatch(AsyncBoltRequest(body=body, query=query, headers=headers))
            except Exception as exc:  # one bad event must not stop the worker
                log.error("slack_dispatch_failed", extra={"error": type(exc).__name__})
            finally:
                self._queue.task_done()


def needs_response_body(body: bytes) -> bool:
    """Only Slack's url_verification handshake needs more than an empty 200."""
    return b"url_verification" in body[:300] and b'"challenge"' in body


def slack_events_handler(
    app: AsyncApp, verifier: RequestVerifier, dispatcher: AckFirstDispatcher
) -> Callable[[web.Request], object]:
    async def handle(request: web.Request) -> web.Response:
        body = await request.read()
        if SSL_CHECK.search(body.decode("utf-8", "replace")[:200]):
            return web.Response(status=200)  # Slack's certificate probe: nothing to run
        if not verifier.verify(
            body, request.headers.get("X-Slack-Request-Timestamp"), request.headers.get("X-Slack-Signature")
        ):
            return unauthorized("signature")
        text, headers = body.decode("utf-8"), dict(request.headers)
        if needs_response_body(body):
            handshake = AsyncBoltRequest(body=text, query=request.query_string, headers=headers)
            return await to_aiohttp_response(await app.async_dispatch(handshake))
        if not dispatcher.submit(text, request.query_string, headers):
            log.error("slack_queue_full")
            return web.Response(status=503, headers={"Retry-After": "5"})
        # A retry is acknowledged explicitly; the dedupe middleware runs it at most once.
        retried = "X-Slack-Retry-Num" in request.headers
        return web.Response(status=200, headers={"X-Slack-No-Retry": "1"} if retried else None)

    return handle
