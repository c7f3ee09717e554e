"""`antenne serve`: one aiohttp application for every configured chat platform.

Composition root: builds the core (question service, digest desk, conversation
door, store) and hands it to each platform object (adapters/platform.py), which
adds its own routes and starts and stops its own parts. The server itself knows
no platform by name.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import signal
import socket
import time
from collections.abc import Callable
from typing import NoReturn

from aiohttp import web
from antenne.adapters.lifecycle import Lifecycle
from antenne.adapters.platform import Core, Platform
from antenne.adapters.platforms import load_platforms
from antenne.adapters.workers import WorkerPool, watch
from antenne.bot.config import Settings
from antenne.bot.content.cached import load_knowledge_base
from antenne.bot.content.issues import ContentError
from antenne.bot.conversation import Conversation
from antenne.bot.digest.desk import DigestDesk, default_slot
from antenne.bot.digest.scheduler import DigestScheduler
from antenne.bot.errors import AntenneError, ExitCode, UsageError
from antenne.bot.logs import setup_logging
from antenne.bot.service import Antenne
from antenne.bot.store.recorder import Recorder
from antenne.bot.store.store import Store

log = logging.getLogger("antenne.server")

ANTENNE_KEY = web.AppKey("antenne", Antenne)
STORE_KEY = web.AppKey("store", Store)
SCHEDULER_KEY = web.AppKey("scheduler", DigestScheduler)
LIFECYCLE_KEY = web.AppKey("lifecycle", Lifecycle)
MAX_REQUEST_BYTES = 1024**2
# After the grace period: requests still in flight, then closing the store.
HANDLER_TIMEOUT = 3.0


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    antenne = request.app[ANTENNE_KEY]
    database = await request.app[STORE_KEY].ping()
    ready = bool(antenne.kb.cases) and database
    body = {
        "status": "ready" if ready else "not_ready",
        "items": len(antenne.kb.cases) + len(antenne.kb.tips),
        "database": "ok" if database else "unreachable",
    }
    return web.json_response(body, status=200 if ready else 503)


def build_app(
    settings: Settings,
    antenne: Antenne,
    *,
    store: Store | None = None,
    recorder: Recorder | None = None,
    clock: Callable[[], float] = time.time,
    platforms: list[Platform] | None = None,
) -> web.Application:
    """The server, with the platforms configured in `settings` unless `platforms` is given (tests).

    Without a store the server opens one from the settings; either way it is
    migrated on start-up and its connections closed on shutdown.
    """
    platforms = load_platforms(settings) if platforms is None else platforms
    app = web.Application(client_max_size=MAX_REQUEST_BYTES)
    store = store or Store.from_settings(settings)
    desk = DigestDesk(store, default=default_slot(settings.digest_timezone), clock=store.db.clock)
    core = Core(Conversation(antenne, desk), store, clock)
    for platform in platforms:
        platform.mount(app, core)
    lifecycle = Lifecycle(settings, store, recorder, platforms)
    app[ANTENNE_KEY], app[STORE_KEY], app[LIFECYCLE_KEY] = antenne, store, lifecycle
    app[SCHEDULER_KEY] = DigestScheduler.from_settings(settings, antenne.kb, store, lifecycle.senders)
    lifecycle.attach(app, app[SCHEDULER_KEY])
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    return app


def bind(settings: Settings, *, shared: bool = False) -> socket.socket:
    """The listening socket, before anything else starts: a taken port is reported at once.

    `shared` (several workers): each process binds its own socket to the port with
    SO_REUSEPORT, and the kernel spreads new connections evenly over them. On one
    inherited socket, the process that wakes first accepts every waiting connection,
    and one worker got two thirds of a burst while the other idled.
    """
    try:
        sock = socket.create_server((settings.host, settings.port), reuse_port=shared)
    except OSError as exc:
        log.error("server_failed", extra={"error": exc.strerror or type(exc).__name__, "port": settings.port})
        raise AntenneError(
            f"Kan niet luisteren op {settings.host}:{settings.port}: {exc.strerror or exc}. "
            "Is de poort al in gebruik? Kies een andere met ANTENNE_PORT."
        ) from None
    sock.setblocking(False)
    return sock


async def run(settings: Settings, app: web.Application, sock: socket.socket, pool: WorkerPool | None = None) -> bool:
    """Serve until SIGTERM or SIGINT (passed on to the workers), then stop within the grace period.

    Returns False when a worker stopped on its own, which stops the whole server.
    """
    pool = pool or WorkerPool()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def on_signal(signum: int) -> None:
        stop.set()
        pool.signal(signum)

    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, on_signal, signum)
    runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=HANDLER_TIMEOUT)
    watcher: asyncio.Task[bool] | None = None
    try:
        await runner.setup()  # the start-up hooks: store, platforms, digest loop
        # Start-up made more long-lived objects (the database driver and migrations, the
        # platforms' clients): out of the collector's full scans too, which would otherwise
        # walk them all in the middle of a burst.
        gc.freeze()
        await web.SockSite(runner, sock).start()
        if not pool.is_worker:
            app[LIFECYCLE_KEY].announce()
        watcher = asyncio.create_task(watch(pool, stop)) if pool.pids else None
        await stop.wait()
        log.info("server_stopping")
    finally:
        await runner.cleanup()
    return watcher is None or not await watcher


def load_antenne(settings: Settings, recorder: Recorder) -> Antenne:
    try:
        kb = load_knowledge_base(settings.content_dir)
    except ContentError as exc:
        raise UsageError(str(exc)) from None
    return Antenne(
        kb,
        max_question_chars=settings.max_question_chars,
        on_feedback=recorder.feedback,
        on_unanswered=recorder.unanswered if settings.log_unanswered else None,
    )


def serve(settings: Settings) -> None:
    """Run the server until stopped. Start-up problems are raised (antenne.bot.errors), never printed."""
    setup_logging(settings.log_level)
    store = Store.from_settings(settings)
    recorder = Recorder(store)
    antenne = load_antenne(settings, recorder)
    app = build_app(settings, antenne, store=store, recorder=recorder)
    # The knowledge base and index live as long as the process: keep them out of the
    # cyclic garbage collector's scans, which otherwise pause requests.
    gc.collect()
    gc.freeze()
    sock = bind(settings, shared=settings.workers > 1)
    pool = WorkerPool()
    try:
        pool.fork(settings.workers - 1)
        if pool.is_worker:
            sock.close()
            serve_as_worker(app, settings, pool)
        served = asyncio.run(run(settings, app, sock, pool))
    finally:
        sock.close()
        if not pool.is_worker:
            pool.signal(signal.SIGTERM)
            pool.wait(settings.shutdown_grace + 2 * HANDLER_TIMEOUT)
    if not served:
        raise AntenneError("Een werkproces van de server stopte onverwacht; de server is gestopt (zie de log).")
    log.info("server_stopped")


def serve_as_worker(app: web.Application, settings: Settings, pool: WorkerPool) -> NoReturn:
    """A forked worker serves like the first process on its own socket, leaves the digest to it, and exits."""
    app[LIFECYCLE_KEY].runs_digest = False
    code = ExitCode.OK
    try:
        asyncio.run(run(settings, app, bind(settings, shared=True), pool))
    except AntenneError as exc:  # already logged where it happened (e.g. store_unavailable)
        code = exc.exit_code
    except BaseException:
        log.exception("server_worker_failed")
        code = ExitCode.FAILED
    finally:
        logging.shutdown()
        os._exit(code)
