"""Start and stop the server's parts in order, with one grace period for the stop.

Start: the store (migrated), the recorder, each platform's outbound side and then
its inbound side, the digest loop. Stop: the digest loop stops claiming, each
platform stops receiving and finishes what it accepted, all within
ANTENNE_SHUTDOWN_GRACE_SECONDS; then the platforms' connections, the recorder and
the store close.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from aiohttp import web
from antenne.adapters.platform import Platform
from antenne.bot.config import Settings
from antenne.bot.digest.delivery import DigestSender
from antenne.bot.digest.scheduler import DigestScheduler
from antenne.bot.store.database import safe_url, unreachable
from antenne.bot.store.recorder import Recorder
from antenne.bot.store.store import Store

log = logging.getLogger("antenne.server")

RECORDER_TIMEOUT = 2.0


class Lifecycle:
    def __init__(self, settings: Settings, store: Store, recorder: Recorder | None, platforms: list[Platform]) -> None:
        self._settings = settings
        self._store = store
        self._recorder = recorder
        self.platforms = platforms
        self.senders: dict[str, DigestSender] = {}
        self._stop_digest = asyncio.Event()
        self._digest_loop: asyncio.Task[None] | None = None
        self.runs_digest = True  # False in the server's forked workers (adapters/workers.py)

    def attach(self, app: web.Application, scheduler: DigestScheduler) -> None:
        self._scheduler = scheduler
        app.on_startup.append(self.start)
        app.on_shutdown.append(self.stop)
        app.on_cleanup.append(self.close)

    async def start(self, _: web.Application) -> None:
        await self._start_store()
        for platform in self.platforms:
            self.senders[platform.name] = await platform.open()
        for platform in self.platforms:
            await platform.start()
        if self._settings.digest_enabled and self.runs_digest:
            self._digest_loop = asyncio.create_task(
                self._scheduler.run_forever(self._stop_digest, self._settings.digest_check_seconds)
            )

    async def _start_store(self) -> None:
        try:
            await self._store.start()
        except Exception as exc:  # unreachable, wrong password, no permission: say so and stop
            problem = unreachable(self._store.db.url, exc)
            log.error("store_unavailable", extra={"error": str(problem), "database": safe_url(self._store.db.url)})
            raise problem from None
        if self._recorder is not None:
            self._recorder.start()

    async def stop(self, _: web.Application) -> None:
        deadline = time.monotonic() + self._settings.shutdown_grace
        self._stop_digest.set()
        if self._digest_loop is not None:  # a run in progress finishes its current post
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._digest_loop, max(deadline - time.monotonic(), 0))
        await asyncio.gather(*(p.stop(deadline - time.monotonic()) for p in self.platforms))

    async def close(self, _: web.Application) -> None:
        for platform in self.platforms:
            await platform.close()
        if self._recorder is not None:
            await self._recorder.stop(RECORDER_TIMEOUT)
        await self._store.close()

    def announce(self) -> None:
        """Log that the server runs; called once the port is bound."""
        for platform in self.platforms:
            platform.announce()
        extra = {
            "host": self._settings.host,
            "port": self._settings.port,
            "platforms": {p.name: p.mode for p in self.platforms} or "geen",
            "digest": "on" if self._settings.digest_enabled else "off",
            "unanswered_log": "on" if self._settings.log_unanswered else "off",
            "workers": self._settings.workers,
        }
        log.info("server_started", extra=extra)
