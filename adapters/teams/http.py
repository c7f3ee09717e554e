"""POST /api/messages: check the request, authenticate it, then run the bot.

botbuilder's CloudAdapter answers 500 to a garbage token or an unknown signing
key; we authenticate first and answer 401 to every failure, with the same short
body whatever went wrong, so the bot never runs for an unauthenticated request,
a caller learns nothing about how far validation got, and the server keeps serving.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from antenne.adapters.teams.settings import TeamsSettings
from botbuilder.core import Bot
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity
from botframework.connector.auth import ServiceClientCredentialsFactory

log = logging.getLogger("antenne.teams")


class _BotConfiguration:
    """The attribute names botbuilder's configuration classes read."""

    def __init__(self, settings: TeamsSettings) -> None:
        self.APP_ID = settings.app_id
        self.APP_PASSWORD = settings.app_password
        self.APP_TYPE = "SingleTenant" if settings.app_type == "SINGLETENANT" else "MultiTenant"
        self.APP_TENANTID = settings.tenant_id


def build_authentication(
    settings: TeamsSettings, credentials_factory: ServiceClientCredentialsFactory | None = None
) -> ConfigurationBotFrameworkAuthentication:
    return ConfigurationBotFrameworkAuthentication(_BotConfiguration(settings), credentials_factory=credentials_factory)


def _problem(status: int, reason: str, detail: str = "") -> web.Response:
    """`reason` is one of a few fixed words; `detail` (an exception class) only goes to the log."""
    log.warning("teams_request_rejected", extra={"status": status, "reason": reason, "error": detail or None})
    return web.json_response({"error": reason}, status=status)


def teams_messages_handler(
    adapter: CloudAdapter, authentication: ConfigurationBotFrameworkAuthentication, bot: Bot
) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def on_turn_error(context: Any, error: Exception) -> None:
        log.error("teams_turn_failed", extra={"error": type(error).__name__})

    adapter.on_turn_error = on_turn_error

    async def handle(request: web.Request) -> web.Response:
        if request.content_type != "application/json":
            return _problem(415, "content_type")
        try:
            body = json.loads(await request.read())
        except (ValueError, UnicodeDecodeError):
            return _problem(400, "invalid_json")
        if not isinstance(body, dict) or not isinstance(body.get("type"), str) or not body["type"]:
            return _problem(400, "no_activity_type")
        try:
            activity = Activity().deserialize(body)
        except Exception:  # msrest raises several types for a malformed activity
            return _problem(400, "malformed_activity")
        try:
            authenticated = await authentication.authenticate_request(
                activity, request.headers.get("Authorization", "")
            )
        except Exception as exc:  # forged, expired, wrong audience/issuer/serviceUrl, garbage: all 401
            return _problem(401, "unauthorized", type(exc).__name__)
        invoke_response = await adapter.process_activity(authenticated, activity, bot.on_turn)
        if invoke_response:
            return web.json_response(invoke_response.body, status=invoke_response.status)
        return web.Response(status=201)

    return handle
