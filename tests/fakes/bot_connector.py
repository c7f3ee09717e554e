"""A loopback fake of the Bot Framework connector (Teams' serviceUrl) and test tokens.

The real botbuilder connector client sends its replies here. Tokens are signed
with a test RSA key that is placed in botbuilder's OpenID metadata cache, so
validation runs the SDK's real code without reaching Microsoft.
"""

from __future__ import annotations

import json
import time
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import jwt
from aiohttp import web
from botframework.connector.auth import (
    AuthenticationConstants,
    MicrosoftAppCredentials,
    PasswordServiceClientCredentialFactory,
)
from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor, _OpenIdMetadata
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from tests.fakes.slack_api import start_app

APP_ID = "6f1c8a52-3b0e-4d7a-9c1e-2a4b5c6d7e8f"
APP_PASSWORD = "test-app-password"
KEY_ID = "antenne-test-key"
OUTBOUND_TOKEN = "outbound-test-token"


@dataclass
class Reply:
    path: str
    body: dict[str, Any]
    headers: dict[str, str]


class SigningKey:
    """A test key published through botbuilder's own OpenID metadata cache."""

    def __init__(self) -> None:
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.other = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def install(self) -> None:
        jwk = json.loads(RSAAlgorithm.to_jwk(self._key.public_key()))
        jwk.update({"kid": KEY_ID, "endorsements": ["msteams"]})
        url = AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL
        metadata = _OpenIdMetadata(url)
        metadata.keys = [jwk]
        metadata.last_updated = datetime.now()
        JwtTokenExtractor.metadataCache[url] = metadata

    def token(self, service_url: str, **overrides: Any) -> str:
        now = int(time.time())
        claims = {
            "iss": AuthenticationConstants.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER,
            "aud": APP_ID,
            "serviceurl": service_url,
            "nbf": now - 60,
            "iat": now - 60,
            "exp": now + 3600,
        }
        key = overrides.pop("key", self._key)
        kid = overrides.pop("kid", KEY_ID)
        claims.update(overrides)
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


class _StaticTokenCredentials(MicrosoftAppCredentials):
    def get_access_token(self, force_refresh: bool = False) -> str:
        return OUTBOUND_TOKEN


class StaticCredentialFactory(PasswordServiceClientCredentialFactory):
    """Outbound tokens without Azure AD, which cannot be reached from here."""

    def __init__(self) -> None:
        super().__init__(APP_ID, APP_PASSWORD)

    async def create_credentials(self, app_id: str, oauth_scope: str, login_endpoint: str, validate_authority: bool):
        return _StaticTokenCredentials(app_id, APP_PASSWORD, None, oauth_scope)


class FakeConnector:
    def __init__(self) -> None:
        self.replies: list[Reply] = []
        self._failures: deque[int] = deque()
        self._conversation_failures: dict[str, deque[int]] = {}
        self.port = 0
        self.app = web.Application()
        self.app.router.add_post("/v3/conversations/{conversation}/activities/{activity}", self._activity)
        self.app.router.add_post("/v3/conversations/{conversation}/activities", self._activity)
        self._runner: web.AppRunner | None = None

    async def start(self) -> FakeConnector:
        self._runner, self.port = await start_app(self.app)
        return self

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def service_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def fail_next(self, status: int) -> None:
        self._failures.append(status)

    def fail_conversation(self, conversation: str, *statuses: int) -> None:
        """The next posts to `conversation` answer these statuses, in order (429s say Retry-After: 0)."""
        self._conversation_failures.setdefault(conversation, deque()).extend(statuses)

    def posts_to(self, conversation: str) -> list[Reply]:
        return [r for r in self.replies if r.path.startswith(f"/v3/conversations/{conversation}/")]

    async def _activity(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.replies.append(Reply(request.path, body, dict(request.headers)))
        scripted = self._conversation_failures.get(request.match_info["conversation"])
        status = scripted.popleft() if scripted else (self._failures.popleft() if self._failures else 0)
        if status:
            headers = {"Retry-After": "0"} if status == 429 else None
            body = {"error": {"code": "Failure", "message": "scripted"}}
            return web.json_response(body, status=status, headers=headers)
        return web.json_response({"id": f"reply-{len(self.replies)}"})


def teams_platform(environ: dict[str, str]):
    """The Teams platform from these variables, its outbound tokens from StaticCredentialFactory."""
    from antenne.adapters.teams.platform import TeamsPlatform
    from antenne.adapters.teams.settings import TeamsSettings
    from antenne.bot.config import EnvReader

    settings = TeamsSettings.read(EnvReader(environ))
    assert settings is not None
    return TeamsPlatform(settings, StaticCredentialFactory())
