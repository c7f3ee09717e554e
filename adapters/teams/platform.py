"""Teams as one platform object: settings, /api/messages, the Bot Framework adapter and the digest sender."""

from __future__ import annotations

import logging

from aiohttp import web
from antenne.adapters.platform import Core
from antenne.adapters.teams.auth import CachingCredentialFactory, install_key_cache
from antenne.adapters.teams.bot import PLATFORM, AntenneTeamsBot
from antenne.adapters.teams.digest import TeamsDigestSender
from antenne.adapters.teams.http import build_authentication, teams_messages_handler
from antenne.adapters.teams.settings import TeamsSettings
from antenne.bot.config import EnvReader
from antenne.bot.digest.delivery import DigestSender
from antenne.bot.logs import quiet_libraries
from botbuilder.integration.aiohttp import CloudAdapter
from botframework.connector.auth import ServiceClientCredentialsFactory

log = logging.getLogger("antenne.teams")

# botbuilder and msal log whole activities and token responses at DEBUG.
quiet_libraries("botbuilder", "botframework", "msal")


class TeamsPlatform:
    name = PLATFORM
    off_reason = "MICROSOFT_APP_ID is not set"

    def __init__(self, settings: TeamsSettings, credentials: ServiceClientCredentialsFactory | None = None) -> None:
        """`credentials` replaces the outbound token source (tests: Azure AD is not reachable here)."""
        self.settings = settings
        if credentials is None and settings.app_id:
            tenant = settings.tenant_id if settings.app_type == "SINGLETENANT" else None
            credentials = CachingCredentialFactory(settings.app_id, settings.app_password, tenant)
        self.authentication = build_authentication(settings, credentials)
        self.adapter = CloudAdapter(self.authentication)

    @classmethod
    def configure(cls, env: EnvReader) -> TeamsPlatform | None:
        settings = TeamsSettings.read(env)
        return cls(settings) if settings is not None else None

    @property
    def mode(self) -> str:
        production = self.settings.mode == "PRODUCTION"
        return "productie (/api/messages)" if production else "ontwikkeling, ZONDER authenticatie"

    def mount(self, app: web.Application, core: Core) -> None:
        install_key_cache()
        bot = AntenneTeamsBot(core.conversation, core.store.references)
        app.router.add_post("/api/messages", teams_messages_handler(self.adapter, self.authentication, bot))

    async def open(self) -> DigestSender:
        return TeamsDigestSender(self.adapter, self.settings.app_id)

    async def start(self) -> None:
        """Activities arrive over HTTP; nothing to start."""

    async def stop(self, grace: float) -> None:
        """Replies are sent inside the request; aiohttp waits for those."""

    async def close(self) -> None:
        """botbuilder opens and closes its connections per call."""

    def announce(self) -> None:
        if self.settings.mode == "DEVELOPMENT":
            log.warning("teams_development_mode", extra={"reason": "requests are NOT authenticated"})
