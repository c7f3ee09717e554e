"""Slack as one platform object: settings, the endpoint or the socket, the outbox and the digest sender."""

from __future__ import annotations

import logging
import time

import aiohttp
from aiohttp import web
from antenne.adapters.platform import Core
from antenne.adapters.slack.digest import POST_TIMEOUT, SlackDigestSender
from antenne.adapters.slack.dispatch import AckFirstDispatcher
from antenne.adapters.slack.http import RequestVerifier, slack_events_handler
from antenne.adapters.slack.listeners import PLATFORM, build_slack_app
from antenne.adapters.slack.outbox import Outbox
from antenne.adapters.slack.settings import SlackSettings
from antenne.adapters.slack.socket_mode import SocketModeLink
from antenne.bot.config import EnvReader
from antenne.bot.digest.delivery import DigestSender
from antenne.bot.logs import quiet_libraries
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger("antenne.slack")

# slack_sdk and bolt log whole request and response bodies at DEBUG.
quiet_libraries("slack_sdk", "slack_bolt")


def sdk_logger() -> logging.Logger:
    """The Web API client's logger, pinned at WARNING on the logger itself.

    slack_sdk decides whether to build its debug lines (the whole request, blocks
    and all, and the whole response) from the client logger's *own* level, not the
    effective one; its default logger has none (NOTSET, below DEBUG), so every call
    formatted two large strings only for logging to drop them, about a tenth of an
    answer's CPU. WARNING is where quiet_libraries keeps slack_sdk anyway.
    """
    logger = logging.getLogger("slack_sdk.web.antenne")
    logger.setLevel(logging.WARNING)
    return logger


class SlackPlatform:
    name = PLATFORM
    off_reason = "SLACK_BOT_TOKEN is not set"

    def __init__(self, settings: SlackSettings) -> None:
        self.settings = settings
        # Answers handle 429 themselves, per channel (adapters/slack/outbox.py); the
        # digest sender makes its own client that waits out a 429 (adapters/slack/digest.py).
        self.client = self._client(AsyncConnectionErrorRetryHandler())
        self.outbox = Outbox(self.client)
        self._session: aiohttp.ClientSession | None = None
        self._dispatcher: AckFirstDispatcher | None = None
        self._link: SocketModeLink | None = None

    @classmethod
    def configure(cls, env: EnvReader) -> SlackPlatform | None:
        settings = SlackSettings.read(env)
        return cls(settings) if settings is not None else None

    def _client(self, *retry_handlers: object) -> AsyncWebClient:
        return AsyncWebClient(
            token=self.settings.bot_token,
            base_url=self.settings.api_url,
            retry_handlers=list(retry_handlers),
            logger=sdk_logger(),
        )

    @property
    def mode(self) -> str:
        return "socket mode" if self.settings.socket_mode else "http (/slack/events)"

    def mount(self, app: web.Application, core: Core) -> None:
        bolt_app = build_slack_app(core.conversation, self.client, self.outbox)
        self._dispatcher = AckFirstDispatcher(bolt_app, core.store.dedupe)
        if self.settings.socket_mode:
            self._link = SocketModeLink(self.settings.app_token, self.client, self._dispatcher)
            return
        verifier = RequestVerifier(self.settings.signing_secret, core.clock)
        app.router.add_post("/slack/events", slack_events_handler(verifier, self._dispatcher))

    async def open(self) -> DigestSender:
        # slack_sdk opens a new connection (and TLS handshake) per call unless given a session.
        # With a session, slack_sdk leaves the timeout to it: keep Slack's own 30 s, not aiohttp's 300 s.
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=POST_TIMEOUT))
        self.client.session = self._session
        return SlackDigestSender(self.client, min_interval=self.settings.digest_interval)

    async def start(self) -> None:
        if self._dispatcher is not None:
            await self._dispatcher.start()
        if self._link is not None:
            await self._link.connect()

    async def stop(self, grace: float) -> None:
        deadline = time.monotonic() + grace
        if self._link is not None:
            await self._link.close()
        if self._dispatcher is not None:
            await self._dispatcher.stop(deadline - time.monotonic())
        await self.outbox.drain(deadline - time.monotonic())

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    def announce(self) -> None:
        """Nothing beyond the mode in server_started."""
