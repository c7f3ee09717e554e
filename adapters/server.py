"""`antenne serve`: one aiohttp application for every platform endpoint.

Composition root: the only place that knows which adapters exist. The core
stays platform-neutral; each adapter mounts its routes here.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web
from antenne.bot.config import Settings
from antenne.bot.content.loader import load_knowledge_base
from antenne.bot.digest.delivery import DigestSender
from antenne.bot.digest.desk import DigestDesk, default_slot
from antenne.bot.digest.scheduler import DigestScheduler
from antenne.bot.errors import StoreUnavailable
from antenne.bot.logs import setup_logging
from antenne.bot.service import Antenne
from antenne.bot.store.database import safe_url
from antenne.bot.store.recorder import Recorder
from antenne.bot.store.store import Store

log = logging.getLogger("antenne.server")

ANTENNE_KEY = web.AppKey("antenne", Antenne)
STORE_KEY = web.AppKey("store", Store)
SCHEDULER_KEY = web.AppKey("scheduler", DigestScheduler)
SHUTDOWN_TIMEOUT = 10.0
MAX_REQUEST_BYTES = 1024**2


@dataclass
class Platforms:
    """What the server runs, for /readyz, the start-up log and the digest."""

    slack: str = "uit"
    teams: str = "uit"
    socket_mode_handler: object | None = None
    senders: dict[str, DigestSender] = field(default_factory=dict)


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


def slack_client(settings: Settings):  # noqa: ANN201 - slack_sdk is imported only when Slack is on
    from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
    from slack_sdk.web.async_client import AsyncWebClient

    return AsyncWebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=3)],
    )


def mount_slack(
    app: web.Application,
    settings: Settings,
    antenne: Antenne,
    platforms: Platforms,
    store: Store,
    desk: DigestDesk,
    clock: Callable[[], float],
) -> None:
    from antenne.adapters.slack.app import build_slack_app
    from antenne.adapters.slack.digest import SlackDigestSender
    from antenne.adapters.slack.http import AckFirstDispatcher, RequestVerifier, slack_events_handler

    client = slack_client(settings)
    bolt_app = build_slack_app(antenne, client, store.dedupe, desk)
    platforms.senders["slack"] = SlackDigestSender(client, min_interval=settings.slack_digest_interval)

    async def open_session(_: web.Application) -> None:
        # slack_sdk opens a new connection (and TLS handshake) per call unless given a session.
        import aiohttp

        client.session = aiohttp.ClientSession()

    async def close_session(_: web.Application) -> None:
        await client.session.close()

    app.on_startup.append(open_session)
    app.on_cleanup.append(close_session)
    if settings.slack_socket_mode:
        from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

        handler = AsyncSocketModeHandler(bolt_app, settings.slack_app_token)
        platforms.slack = "socket mode"
        platforms.socket_mode_handler = handler

        async def connect(_: web.Application) -> None:
            await handler.connect_async()

        async def disconnect(_: web.Application) -> None:
            await handler.close_async()

        app.on_startup.append(connect)
        app.on_cleanup.append(disconnect)
    else:
        verifier = RequestVerifier(settings.slack_signing_secret, clock)
        dispatcher = AckFirstDispatcher(bolt_app)

        async def start_workers(_: web.Application) -> None:
            await dispatcher.start()

        async def drain(_: web.Application) -> None:
            await dispatcher.stop(SHUTDOWN_TIMEOUT)

        app.on_startup.append(start_workers)
        app.on_shutdown.append(drain)
        app.router.add_post("/slack/events", slack_events_handler(bolt_app, verifier, dispatcher))
        platforms.slack = "http (/slack/events)"


def mount_teams(
    app: web.Application,
    settings: Settings,
    antenne: Antenne,
    platforms: Platforms,
    store: Store,
    desk: DigestDesk,
    credentials_factory: object | None,
) -> None:
    from antenne.adapters.teams.bot import AntenneTeamsBot
    from antenne.adapters.teams.digest import TeamsDigestSender
    from antenne.adapters.teams.http import build_authentication, teams_messages_handler
    from botbuilder.integration.aiohttp import CloudAdapter

    authentication = build_authentication(settings, credentials_factory)  # type: ignore[arg-type]
    adapter = CloudAdapter(authentication)
    bot = AntenneTeamsBot(antenne, store.references, desk)
    platforms.senders["teams"] = TeamsDigestSender(adapter, settings.teams_app_id)
    app.router.add_post("/api/messages", teams_messages_handler(adapter, authentication, bot))
    platforms.teams = (
        "productie (/api/messages)" if settings.teams_mode == "PRODUCTION" else "ontwikkeling, ZONDER authenticatie"
    )


def build_app(
    settings: Settings,
    antenne: Antenne,
    *,
    store: Store | None = None,
    recorder: Recorder | None = None,
    clock: Callable[[], float] = time.time,
    teams_credentials: object | None = None,
) -> web.Application:
    """The server.

    Without a store the server opens one from the settings; either way it is
    migrated on start-up and its connections closed on shutdown.
    `teams_credentials` replaces botbuilder's outbound token source (tests only).
    """
    app = web.Application(client_max_size=MAX_REQUEST_BYTES)
    app[ANTENNE_KEY] = antenne
    store = store or Store.from_settings(settings)
    app[STORE_KEY] = store
    desk = DigestDesk(store, default=default_slot(settings.digest_timezone), clock=store.db.clock)
    platforms = Platforms()
    if settings.slack_enabled:
        mount_slack(app, settings, antenne, platforms, store, desk, clock)
    if settings.teams_enabled:
        mount_teams(app, settings, antenne, platforms, store, desk, teams_credentials)
    scheduler = DigestScheduler.from_settings(settings, antenne.kb, store, platforms.senders)
    app[SCHEDULER_KEY] = scheduler
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)

    # Order matters: the store opens before anything else starts and closes after
    # everything else (Slack's queue, Socket Mode, the digest loop) has stopped.
    stop_digest = asyncio.Event()
    digest_loop: list[asyncio.Task[None]] = []

    async def start_store(_: web.Application) -> None:
        try:
            await store.start()
        except Exception as exc:  # unreachable, wrong password, no permission: say so and stop
            log.error("store_unavailable", extra={"error": type(exc).__name__, "database": safe_url(store.db.url)})
            raise StoreUnavailable from exc
        if recorder is not None:
            recorder.start()

    async def start_digest(_: web.Application) -> None:
        if settings.digest_enabled:
            digest_loop.append(asyncio.create_task(scheduler.run_forever(stop_digest, settings.digest_check_seconds)))
        announce(settings, platforms)

    async def stop_digest_loop(_: web.Application) -> None:
        stop_digest.set()
        for task in digest_loop:  # a run in progress finishes its current post
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(task, SHUTDOWN_TIMEOUT)

    async def close_store(_: web.Application) -> None:
        if recorder is not None:
            await recorder.stop(SHUTDOWN_TIMEOUT)
        await store.close()

    app.on_startup.insert(0, start_store)
    app.on_startup.append(start_digest)
    app.on_shutdown.insert(0, stop_digest_loop)
    app.on_cleanup.append(close_store)
    return app


def announce(settings: Settings, platforms: Platforms) -> None:
    if not settings.slack_enabled:
        log.info("slack_disabled", extra={"reason": "SLACK_BOT_TOKEN is not set"})
    if not settings.teams_enabled:
        log.info("teams_disabled", extra={"reason": "MICROSOFT_APP_ID is not set"})
    elif settings.teams_mode == "DEVELOPMENT":
        log.warning("teams_development_mode", extra={"reason": "requests are NOT authenticated"})
    extra = {
        "host": settings.host,
        "port": settings.port,
        "slack": platforms.slack,
        "teams": platforms.teams,
        "digest": "on" if settings.digest_enabled else "off",
        "unanswered_log": "on" if settings.log_unanswered else "off",
    }
    log.info("server_started", extra=extra)


def serve(settings: Settings) -> int:
    setup_logging(settings.log_level)
    store = Store.from_settings(settings)
    recorder = Recorder(store)
    antenne = Antenne(
        load_knowledge_base(settings.content_dir),
        max_question_chars=settings.max_question_chars,
        on_feedback=recorder.feedback,
        on_unanswered=recorder.unanswered if settings.log_unanswered else None,
    )
    # The knowledge base and index live as long as the process: keep them out of the
    # cyclic garbage collector's scans, which otherwise pause requests.
    gc.collect()
    gc.freeze()
    app = build_app(settings, antenne, store=store, recorder=recorder)
    try:
        web.run_app(
            app,
            host=settings.host,
            port=settings.port,
            print=None,
            access_log=None,
            shutdown_timeout=SHUTDOWN_TIMEOUT,
            handle_signals=True,
        )
    except OSError as exc:
        log.error("server_failed", extra={"error": exc.strerror or type(exc).__name__, "port": settings.port})
        return 1
    except StoreUnavailable:
        return 1
    log.info("server_stopped")
    return 0
