"""Bot Framework signing keys and app tokens, fetched without blocking the event loop.

botbuilder refreshes the signing keys with a synchronous `requests.get` without a
timeout, on the event loop, for any request that carries a token with an unknown
key id; and every reply asks Azure AD for a new app token, synchronously. Here
both are fetched with aiohttp, with timeouts and through the environment's proxy
settings; keys are fetched by one request at a time with a pause after a failure,
and app tokens are kept until shortly before they expire.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from datetime import datetime, timedelta
from typing import Any

import aiohttp
from botframework.connector.auth import (
    AuthenticationConstants,
    GovernmentConstants,
    MicrosoftAppCredentials,
    PasswordServiceClientCredentialFactory,
)
from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor, _OpenIdConfig, _OpenIdMetadata
from jwt.algorithms import RSAAlgorithm

log = logging.getLogger("antenne.teams")

FETCH_TIMEOUT = aiohttp.ClientTimeout(total=10, connect=5)
RETRY_AFTER_FAILURE = timedelta(seconds=30)
TOKEN_MARGIN = 300.0  # renew an app token this many seconds before it expires
METADATA_URLS = (
    AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL,
    AuthenticationConstants.TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL,
    GovernmentConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL,
    GovernmentConstants.TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL,
)


async def fetch_json(method: str, url: str, **kwargs: Any) -> Any:
    async with (
        aiohttp.ClientSession(timeout=FETCH_TIMEOUT, trust_env=True) as session,
        session.request(method, url, **kwargs) as response,
    ):
        response.raise_for_status()
        return await response.json(content_type=None)


class AsyncOpenIdMetadata(_OpenIdMetadata):
    """botbuilder's key cache with an asynchronous, bounded, single-flight refresh."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self._lock = asyncio.Lock()
        self._failed_at = datetime.min

    @classmethod
    def adopt(cls, existing: _OpenIdMetadata | None, url: str) -> AsyncOpenIdMetadata:
        metadata = cls(url)
        if existing is not None:  # keep keys already fetched (or placed there by a test)
            metadata.keys, metadata.last_updated = existing.keys, existing.last_updated
        return metadata

    async def _refresh(self) -> None:
        started = datetime.now()
        async with self._lock:
            if self.last_updated >= started or datetime.now() - self._failed_at < RETRY_AFTER_FAILURE:
                return  # another request just refreshed, or failed: do not hammer the endpoint
            try:
                document = await fetch_json("GET", self.url)
                keys = (await fetch_json("GET", document["jwks_uri"]))["keys"]
            except Exception as exc:  # unreachable, slow, or garbage: tokens signed with new keys fail
                self._failed_at = datetime.now()
                log.error("teams_signing_keys_unavailable", extra={"error": type(exc).__name__})
                return
            self.keys, self.last_updated = keys, datetime.now()

    def _find(self, key_id: str) -> _OpenIdConfig | None:
        key = next((k for k in self.keys or [] if k.get("kid") == key_id), None)
        if key is None:
            return None
        return _OpenIdConfig(RSAAlgorithm.from_jwk(json.dumps(key)), key.get("endorsements", []))


def install_key_cache() -> None:
    """Put the asynchronous key cache where botbuilder's token validation looks for it."""
    cache = JwtTokenExtractor.metadataCache
    for url in METADATA_URLS:
        if not isinstance(cache.get(url), AsyncOpenIdMetadata):
            cache[url] = AsyncOpenIdMetadata.adopt(cache.get(url), url)


class CachedTokenCredentials(MicrosoftAppCredentials):
    """App credentials whose token was fetched asynchronously beforehand; never fetches on the loop."""

    def __init__(self, app_id: str, password: str, oauth_endpoint: str, oauth_scope: str) -> None:
        super().__init__(app_id, password, None, oauth_scope)
        self.oauth_endpoint = oauth_endpoint
        self._token = ""
        self._expires = 0.0
        self._lock = asyncio.Lock()

    @property
    def scope(self) -> str:
        return self.oauth_scope if self.oauth_scope.endswith("/.default") else f"{self.oauth_scope}/.default"

    async def ensure_token(self) -> None:
        async with self._lock:
            if time.monotonic() < self._expires - TOKEN_MARGIN:
                return
            data = {
                "grant_type": "client_credentials",
                "client_id": self.microsoft_app_id,
                "client_secret": self.microsoft_app_password,
                "scope": self.scope,
            }
            body = await fetch_json("POST", f"{self.oauth_endpoint.rstrip('/')}/oauth2/v2.0/token", data=data)
            self._token = str(body["access_token"])
            self._expires = time.monotonic() + float(body.get("expires_in", 3600))
            log.info("teams_app_token_renewed")

    def get_access_token(self, force_refresh: bool = False) -> str:
        if not self._token:
            raise PermissionError("no app token yet")
        return self._token


class CachingCredentialFactory(PasswordServiceClientCredentialFactory):
    """One credentials object per login endpoint and scope, its token renewed before it expires."""

    def __init__(self, app_id: str, password: str, tenant_id: str | None = None, *, login_url: str = "") -> None:
        """`login_url` replaces the Azure AD host, keeping the path (tests: a loopback login fake)."""
        super().__init__(app_id, password, tenant_id)
        self._login_url = login_url.rstrip("/")
        self._credentials: dict[tuple[str, str], CachedTokenCredentials] = {}

    async def create_credentials(
        self, app_id: str, oauth_scope: str, login_endpoint: str, validate_authority: bool
    ) -> MicrosoftAppCredentials:
        template = await super().create_credentials(app_id, oauth_scope, login_endpoint, validate_authority)
        if not template.microsoft_app_id:  # authentication disabled (development mode)
            return template
        endpoint = template.oauth_endpoint
        if self._login_url:
            endpoint = self._login_url + "/" + endpoint.split("://", 1)[-1].split("/", 1)[-1]
        key = (endpoint, template.oauth_scope)
        if key not in self._credentials:
            self._credentials[key] = CachedTokenCredentials(app_id, self.password, *key)
        credentials = self._credentials[key]
        await credentials.ensure_token()
        return credentials
