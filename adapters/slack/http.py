"""The Slack HTTP endpoint: verify the signature, check the shape, ack, then queue for bolt.

We verify before bolt does because slack-bolt answers 500 to a non-numeric
timestamp or a non-ASCII signature; a forged or broken request must get a 401
and never reach a handler. A correctly signed body of a shape Slack never sends
gets a 400. Slack's certificate probe (a form with ssl_check=1 and nothing to
run) is the only request answered without a signature.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qs

from aiohttp import web
from antenne.adapters.slack.dispatch import AckFirstDispatcher, Work, event_key
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import Clock, SignatureVerifier

log = logging.getLogger("antenne.slack")

TIMESTAMP = re.compile(r"^\d{1,12}$")
SIGNATURE = re.compile(r"^v0=[0-9a-f]{64}$")
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


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


def rejected(status: int, reason: str) -> web.Response:
    """The same short body for every rejection: the caller learns nothing about how far we got."""
    log.warning("slack_request_rejected", extra={"status": status, "reason": reason})
    return web.json_response({"error": "invalid_request"}, status=status)


def _form(body: bytes) -> dict[str, str]:
    try:
        return {k: v[0] for k, v in parse_qs(body.decode("utf-8"), strict_parsing=False).items()}
    except (UnicodeDecodeError, ValueError):
        return {}


def is_ssl_check(content_type: str, body: bytes) -> bool:
    if content_type != FORM:
        return False
    form = _form(body)
    return form.get("ssl_check") == "1" and "command" not in form and "payload" not in form


def _json_object(text: str) -> dict[str, object] | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) and isinstance(value.get("type"), str) else None


def parse(content_type: str, body: bytes) -> dict[str, object] | None:
    """The request as Slack sends it (an Events API object, a slash command or an interaction), else None."""
    if content_type == JSON:
        return _json_object(body.decode("utf-8"))
    if content_type == FORM:
        form = _form(body)
        if "payload" in form:
            return _json_object(form["payload"])
        if form.get("command"):
            return dict(form)
    return None


def slack_events_handler(
    verifier: RequestVerifier, dispatcher: AckFirstDispatcher
) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def handle(request: web.Request) -> web.Response:
        body = await request.read()
        if is_ssl_check(request.content_type, body):
            return web.Response(status=200)  # Slack's certificate probe: nothing to run
        headers = request.headers
        if not verifier.verify(body, headers.get("X-Slack-Request-Timestamp"), headers.get("X-Slack-Signature")):
            return rejected(401, "signature")
        parsed = parse(request.content_type, body)
        if parsed is None:
            return rejected(400, "shape")
        if parsed.get("type") == "url_verification":
            return web.json_response({"challenge": str(parsed.get("challenge", ""))})
        # No query string (Slack sends none) is given as None: bolt would parse an empty one.
        query = request.query_string or None
        bolt_request = AsyncBoltRequest(body=body.decode("utf-8"), query=query, headers=dict(headers))
        if not dispatcher.submit(Work(bolt_request, event_key(parsed))):
            log.error("slack_queue_full")
            return web.Response(status=503, headers={"Retry-After": "5"})
        # A retry is acknowledged explicitly; the dispatcher's dedupe runs it at most once.
        retried = "X-Slack-Retry-Num" in headers
        return web.Response(status=200, headers={"X-Slack-No-Retry": "1"} if retried else None)

    return handle
