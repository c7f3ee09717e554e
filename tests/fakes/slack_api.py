"""A loopback fake of the Slack Web API, response_url hooks and the Socket Mode websocket.

The real slack_sdk clients talk to it over HTTP; it records every call and can be
scripted to answer 429 (with Retry-After) or an API error for a method.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from aiohttp import WSMsgType, web

BOT_USER_ID = "UANTENNE"
BOT_ID = "BANTENNE"
TEAM_ID = "T0GEMEENTE"


@dataclass
class Call:
    method: str
    data: dict[str, Any]
    headers: dict[str, str]


def mention(
    text: str, ts: str = "1700000000.000100", channel: str = "C0KANAAL", user: str = "U0AMBTENAAR", **extra: Any
) -> dict[str, Any]:
    """An app_mention event as Slack sends it: the bot's mention, then the question."""
    return {
        "type": "app_mention",
        "user": user,
        "text": f"<@{BOT_USER_ID}> {text}",
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
        **extra,
    }


def event_callback(event: dict[str, Any], event_id: str, event_time: int, **extra: Any) -> dict[str, Any]:
    """The Events API envelope around one event."""
    return {
        "token": "x",
        "team_id": TEAM_ID,
        "api_app_id": "A1",
        "type": "event_callback",
        "event_id": event_id,
        "event_time": event_time,
        "event": event,
        **extra,
    }


def sign(secret: str, timestamp: str, body: str) -> str:
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return f"v0={digest}"


async def start_app(app: web.Application) -> tuple[web.AppRunner, int]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]


class FakeSlack:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.responses: list[Call] = []
        self._scripts: dict[str, deque[tuple[int, dict[str, Any], dict[str, str]]]] = defaultdict(deque)
        self._channel_errors: dict[str, str] = {}
        self._channel_limits: dict[str, deque[int]] = defaultdict(deque)
        self.delays: dict[str, float] = {}  # method -> seconds to wait before answering
        self.ack_times: dict[str, float] = {}  # envelope id -> loop time its ack arrived
        self._sockets: list[web.WebSocketResponse] = []  # Socket Mode links, in the order they opened
        self.socket_acks: list[dict[str, Any]] = []
        self._socket_ready = asyncio.Event()
        self.port = 0
        self.app = web.Application()
        self.app.router.add_route("*", "/api/{method}", self._api)
        self.app.router.add_post("/response/{hook}", self._response_url)
        self.app.router.add_get("/link", self._link)
        self._runner: web.AppRunner | None = None

    async def start(self) -> FakeSlack:
        self._runner, self.port = await start_app(self.app)
        return self

    async def close(self) -> None:
        for socket in self._sockets:
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, hook: str = "hook") -> str:
        return f"http://127.0.0.1:{self.port}/response/{hook}"

    def script(self, method: str, status: int = 200, body: dict[str, Any] | None = None, **headers: str) -> None:
        """Queue one answer for `method`; unscripted calls answer ok."""
        self._scripts[method].append((status, body or {"ok": True}, headers))

    def fail(self, method: str, error: str) -> None:
        self.script(method, 200, {"ok": False, "error": error})

    def rate_limit(self, method: str, retry_after: int = 1) -> None:
        self.script(method, 429, {"ok": False, "error": "ratelimited"}, **{"Retry-After": str(retry_after)})

    def fail_channel(self, channel: str, error: str) -> None:
        """Every chat.postMessage to `channel` fails with `error`, as Slack does for a gone channel."""
        self._channel_errors[channel] = error

    def rate_limit_channel(self, channel: str, retry_after: int, times: int = 1) -> None:
        """The next `times` chat.postMessage calls to `channel` answer 429 with this Retry-After."""
        self._channel_limits[channel].extend([retry_after] * times)

    def of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        async def enough() -> list[Call]:
            while len(found := self.of(method) if method != "response_url" else self.responses) < count:
                await asyncio.sleep(0.01)
            return found

        return await asyncio.wait_for(enough(), timeout)

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        raw = await request.read()
        if request.content_type == "application/json" and raw:
            data = json.loads(raw)
        else:
            data = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        self.calls.append(Call(method, data, dict(request.headers)))
        if self.delays.get(method):
            await asyncio.sleep(self.delays[method])
        limits = self._channel_limits.get(str(data.get("channel"))) if method == "chat.postMessage" else None
        if limits:
            retry_after = str(limits.popleft())
            return web.json_response(
                {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": retry_after}
            )
        if self._scripts[method]:
            status, body, headers = self._scripts[method].popleft()
            return web.json_response(body, status=status, headers=headers)
        if method == "chat.postMessage" and data.get("channel") in self._channel_errors:
            return web.json_response({"ok": False, "error": self._channel_errors[data["channel"]]})
        if method == "auth.test":
            return web.json_response(
                {"ok": True, "user_id": BOT_USER_ID, "bot_id": BOT_ID, "team_id": TEAM_ID, "team": "Gemeente"}
            )
        if method == "apps.connections.open":
            return web.json_response({"ok": True, "url": f"ws://127.0.0.1:{self.port}/link"})
        if method == "chat.postMessage":
            return web.json_response({"ok": True, "channel": data.get("channel"), "ts": f"{len(self.calls)}.000100"})
        return web.json_response({"ok": True})

    async def _response_url(self, request: web.Request) -> web.Response:
        self.responses.append(Call(request.match_info["hook"], await request.json(), dict(request.headers)))
        return web.Response(text="ok")

    async def _link(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._sockets.append(socket)
        hello = {"type": "hello", "num_connections": len(self._sockets), "debug_info": {"host": "fake"}}
        await socket.send_json(hello)
        self._socket_ready.set()
        async for message in socket:
            if message.type == WSMsgType.TEXT:
                ack = json.loads(message.data)
                self.socket_acks.append(ack)
                self.ack_times.setdefault(str(ack.get("envelope_id")), asyncio.get_running_loop().time())
        return socket

    async def wait_for_links(self, count: int, timeout: float = 15) -> None:
        """Until `count` Socket Mode links are open (an app may open several; Slack spreads events over them)."""

        async def opened() -> None:
            while len(self._sockets) < count:
                await asyncio.sleep(0.02)

        await asyncio.wait_for(opened(), timeout)

    async def push_event(
        self, envelope_id: str, payload: dict[str, Any], kind: str = "events_api", timeout: float = 5, link: int = -1
    ) -> float:
        """Deliver an envelope over a Socket Mode websocket (the newest unless `link` says which),
        as Slack does; returns the loop time it was sent."""
        await asyncio.wait_for(self._socket_ready.wait(), timeout)
        sent = asyncio.get_running_loop().time()
        await self._sockets[link].send_json(
            {"envelope_id": envelope_id, "type": kind, "payload": payload, "accepts_response_payload": False}
        )
        return sent

    async def wait_for_ack(self, envelope_id: str, timeout: float = 10) -> float:
        """The loop time the ack for `envelope_id` arrived."""

        async def acked() -> float:
            while envelope_id not in self.ack_times:
                await asyncio.sleep(0.01)
            return self.ack_times[envelope_id]

        return await asyncio.wait_for(acked(), timeout)
