"""The shipped `antenne serve`, started as a subprocess, as an operator and the platforms meet it.

Slack's side is the loopback fake in tests/fakes/slack_api.py (Web API and the
Socket Mode websocket), Teams' side a forged token against a hanging network.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.fakes.slack_api import FakeSlack, event_callback, mention, sign

ANTENNE = str(Path(sys.executable).with_name("antenne"))  # the installed console script
SECRET = "entrypoint-signing-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def base_env(tmp_path: Path, port: int, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MICROSOFT_", "ANTENNE_"))}
    env.pop("DATABASE_URL", None)
    return {**env, "ANTENNE_PORT": str(port), "ANTENNE_DATA_DIR": str(tmp_path), "ANTENNE_DIGEST": "uit", **extra}


async def wait_healthy(port: int, process: subprocess.Popen[str], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as session:
        while True:
            assert process.poll() is None, f"antenne serve exited: {process.stderr.read() if process.stderr else ''}"
            try:
                async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            assert time.monotonic() < deadline, "antenne serve did not come up"
            await asyncio.sleep(0.1)


async def stop(process: subprocess.Popen[str], timeout: float = 15) -> tuple[int, str]:
    """SIGTERM, then wait without blocking this loop: the fakes in it must keep answering."""
    process.send_signal(signal.SIGTERM)
    try:
        code = await asyncio.wait_for(asyncio.to_thread(process.wait), timeout)
    finally:
        if process.poll() is None:
            process.kill()
    return code, process.stderr.read() if process.stderr else ""


async def serve(env: dict[str, str]) -> subprocess.Popen[str]:
    process = subprocess.Popen([ANTENNE, "serve"], env=env, stderr=subprocess.PIPE, text=True)
    await wait_healthy(int(env["ANTENNE_PORT"]), process)
    return process


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = await FakeSlack().start()
    yield fake
    await fake.close()


def teams_message(text: str, service_url: str, activity_id: str) -> dict[str, Any]:
    """A Teams message activity as the Bot Connector posts it."""
    return {
        "type": "message",
        "id": activity_id,
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": {"id": "29:gebruiker"},
        "conversation": {"id": "a:gesprek"},
        "recipient": {"id": "28:antenne"},
        "text": text,
    }


def mention_payload(event_id: str, text: str, ts: str, channel: str = "C0KANAAL") -> dict[str, Any]:
    return event_callback(mention(text, ts, channel), event_id, int(time.time()))


async def test_socket_mode_from_the_shipped_command_acks_at_once_and_answers(fake_slack, tmp_path):
    fake_slack.delays["chat.postMessage"] = 3.5  # a slow Web API must not hold up the ack
    port = free_port()
    env = base_env(
        tmp_path, port, SLACK_BOT_TOKEN="xoxb-socket", SLACK_APP_TOKEN="xapp-socket", SLACK_API_URL=fake_slack.base_url
    )
    process = await serve(env)
    try:
        sent = await fake_slack.push_event(
            "env-serve-1", mention_payload("EvSERVE1", "raadslid belt over budget", "21.1"), timeout=15
        )
        assert await fake_slack.wait_for_ack("env-serve-1") - sent < 3.0
        [call] = await fake_slack.wait_for("chat.postMessage", timeout=10)
        assert call.data["thread_ts"] == "21.1" and call.headers["Authorization"] == "Bearer xoxb-socket"
        assert fake_slack.of("apps.connections.open")[0].headers["Authorization"] == "Bearer xapp-socket"
    finally:
        code, log = await stop(process)
    assert code == 0, log
    assert '"event": "server_started"' in log and "Traceback" not in log


async def test_http_mode_from_the_shipped_command_answers_a_signed_mention(fake_slack, tmp_path):
    port = free_port()
    env = base_env(
        tmp_path, port, SLACK_BOT_TOKEN="xoxb-http", SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=fake_slack.base_url
    )
    process = await serve(env)
    try:
        body = json.dumps(mention_payload("EvHTTP1", "de klik met mijn wethouder ontbreekt", "22.2"))
        ts = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": sign(SECRET, ts, body),
        }
        async with aiohttp.ClientSession() as session:
            async with session.post(f"http://127.0.0.1:{port}/slack/events", data=body, headers=headers) as response:
                assert response.status == 200
        [call] = await fake_slack.wait_for("chat.postMessage", timeout=10)
        assert call.data["channel"] == "C0KANAAL" and call.data["thread_ts"] == "22.2"
        assert "klik" in json.dumps(call.data["blocks"]).lower()
    finally:
        code, log = await stop(process)
    assert code == 0, log
    started = [json.loads(line) for line in log.splitlines() if '"server_started"' in line]
    assert started and started[0]["platforms"] == {"slack": "http (/slack/events)"}


async def hanging_proxy() -> tuple[asyncio.Server, int]:
    """A proxy that accepts connections and never answers: egress that hangs."""

    async def swallow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await reader.read()  # until the client gives up
        finally:
            writer.close()

    server = await asyncio.start_server(swallow, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


def forged_token() -> str:
    """Right issuer, a key id nobody published, signed by a key of our own."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())
    claims = {"iss": "https://api.botframework.com", "aud": "x", "nbf": now - 60, "exp": now + 600}
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "forged-key"})


async def test_a_forged_teams_token_with_hanging_key_endpoint_blocks_nothing(tmp_path):
    proxy, proxy_port = await hanging_proxy()
    port = free_port()
    proxy_url = f"http://127.0.0.1:{proxy_port}"
    env = base_env(
        tmp_path,
        port,
        MICROSOFT_APP_ID="6f1c8a52-3b0e-4d7a-9c1e-2a4b5c6d7e8f",
        MICROSOFT_APP_PASSWORD="geheim-wachtwoord",
        HTTPS_PROXY=proxy_url,
        HTTP_PROXY=proxy_url,
        https_proxy=proxy_url,
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
    )
    process = await serve(env)
    activity = teams_message("hallo", "https://smba.trafficmanager.net/emea/", "1")
    try:
        async with aiohttp.ClientSession() as session:
            forged = asyncio.create_task(
                session.post(
                    f"http://127.0.0.1:{port}/api/messages",
                    json=activity,
                    headers={"Authorization": f"Bearer {forged_token()}"},
                )
            )
            await asyncio.sleep(0.5)  # the key refresh is under way and hanging
            for _ in range(5):
                started = time.monotonic()
                async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                    assert response.status == 200
                assert time.monotonic() - started < 0.5
                await asyncio.sleep(0.1)
            began = time.monotonic()
            code, log = await stop(process, timeout=12)
            assert time.monotonic() - began < 12
            forged.cancel()
    finally:
        if process.poll() is None:
            process.kill()
        proxy.close()
    assert code == 0, log
    assert "geheim-wachtwoord" not in log


async def test_teams_from_the_shipped_command_answers_a_message_through_the_connector(tmp_path):
    """Development mode: no token to validate, so the shipped server can be driven end to end here."""
    from tests.fakes.bot_connector import FakeConnector

    connector = await FakeConnector().start()
    port = free_port()
    process = await serve(base_env(tmp_path, port, ANTENNE_TEAMS_MODE="development"))
    activity = teams_message("raadslid belt me over een budget, wat nu?", connector.service_url, "act-1")
    try:
        async with (
            aiohttp.ClientSession() as session,
            session.post(f"http://127.0.0.1:{port}/api/messages", json=activity) as response,
        ):
            assert response.status in (200, 201)
        deadline = time.monotonic() + 10
        while not connector.replies and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        code, log = await stop(process)
    finally:
        if process.poll() is None:
            process.kill()
        await connector.close()
    assert code == 0, log
    [reply] = connector.replies
    assert "a:gesprek" in reply.path
    card = json.dumps(reply.body["attachments"][0]["content"], ensure_ascii=False)
    assert "duurzaamheidsbudget" in card
    assert "raadslid belt me" not in log  # no message text in the logs
