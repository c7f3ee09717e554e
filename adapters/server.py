"""`antenne serve`: one aiohttp application for every platform endpoint.

Composition root: the only place that knows which adapters exist. The core
stays platform-neutral; each adapter mounts its routes here.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web

from bot.cli import antenne_for
from bot.config import Settings
from bot.dedupe import Deduplicator, InMemoryDeduplicator
from bot.logs import setup_logging
from bot.references import InMemoryReferenceStore, ReferenceStore
from bot.service import Antenne

log = logging.getLogger("antenne.server")

ANTENNE_KEY = web.AppKey("antenne", Antenne)
SHUTDOWN_TIMEOUT = 10.0
MAX_REQUEST_BYTES = 1024**2


@dataclass
class Platforms:
    """What the server runs, for /readyz and the start-up log."""

    slack: str = "uit"
    teams: str = "uit"
    socket_mode_handler: object | None = None
    checks: list[Callable[[], bool]] = field(default_factory=list)


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def readyz_handler(platforms: Platforms) -> Callable[[web.Request], object]:
    async def readyz(request: web.Request) -> web.Response:
        antenne = request.app[ANTENNE_KEY]
        ready = bool(antenne.kb.cases) and all(check() for check in platforms.checks)
        body = {"status": "ready" if ready else "not_ready", "items": len(antenne.kb.cases) + len(antenne.kb.tips)}
        return web.json_response(body, status=200 if ready else 503)

    return readyz


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
    dedupe: Deduplicator,
    clock: Callable[[], float],
) -> None:
    from adapters.slack.app import build_slack_app
    from adapters.slack.http import AckFirstDispatcher, RequestVerifier, slack_events_handler

    client = slack_client(settings)
    bolt_app = build_slack_app(antenne, client, dedupe)

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
    references: ReferenceStore,
    credentials_factory: object | None,
) -> None:
    from botbuilder.integration.aiohttp import CloudAdapter

    from adapters.teams.bot import AntenneTeamsBot
    from adapters.teams.http import build_authentication, teams_messages_handler

    authentication = build_authentication(settings, credentials_factory)  # type: ignore[arg-type]
    adapter = CloudAdapter(authentication)
    bot = AntenneTeamsBot(antenne, references)
    app.router.add_post("/api/messages", teams_messages_handler(adapter, authentication, bot))
    platforms.teams = (
        "productie (/api/messages)" if settings.teams_mode == "PRODUCTION" else "ontwikkeling, ZONDER authenticatie"
    )


def build_app(
    settings: Settings,
    antenne: Antenne,
    *,
    dedupe: Deduplicator | None = None,
    references: ReferenceStore | None = None,
    clock: Callable[[], float] = time.time,
    teams_credentials: object | None = None,
) -> web.Application:
    """The server. `teams_credentials` replaces botbuilder's outbound token source (tests only)."""
    app = web.Application(client_max_size=MAX_REQUEST_BYTES)
    app[ANTENNE_KEY] = antenne
    platforms = Platforms()
    dedupe = dedupe or InMemoryDeduplicator()
    if settings.slack_enabled:
        mount_slack(app, settings, antenne, platforms, dedupe, clock)
    if settings.teams_enabled:
        mount_teams(app, settings, antenne, platforms, references or InMemoryReferenceStore(), teams_credentials)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz_handler(platforms))

    async def announce(_: web.Application) -> None:
        if not settings.slack_enabled:
            log.info("slack_disabled", extra={"reason": "SLACK_BOT_TOKEN is not set"})
        if not settings.teams_enabled:
            log.info("teams_disabled", extra={"reason": "MICROSOFT_APP_ID is not set"})
        elif settings.teams_mode == "DEVELOPMENT":
            log.warning("teams_development_mode", extra={"reason": "requests are NOT authenticated"})
        extra = {"host": settings.host, "port": settings.port, "slack": platforms.slack, "teams": platforms.teams}
        log.info("server_started", extra=extra)

    app.on_startup.append(announce)
    return app


def serve(settings: Settings) -> int:
    setup_logging(settings.log_level)
    antenne = antenne_for(settings)
    # The knowledge base and index live as long as the process: keep them out of the
    # cyclic garbage collector's scans, which otherwise pause requests.
    gc.collect()
    gc.freeze()
    app = build_app(settings, antenne)
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
        log.error("server_failed", extra={"error": exc.strerror, "port": settings.port})
        return 1
    log.info("server_stopped")
    return 0
