"""Slack as Slack sees it: signed HTTP to the real server, real slack_sdk calls to a loopback fake."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from antenne.adapters.server import build_app
from antenne.adapters.slack.http import RequestVerifier
from antenne.bot.config import load_settings
from antenne.bot.service import Antenne, Feedback

from tests.fakes.slack_api import BOT_ID, BOT_USER_ID, TEAM_ID, FakeSlack, event_callback, mention, sign, start_app

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


class SlackServer:
    def __init__(self, url: str, fake: FakeSlack, clock: Clock, feedback: list[Feedback]) -> None:
        self.url = url
        self.fake = fake
        self.clock = clock
        self.feedback = feedback
        self.session = aiohttp.ClientSession()
        self._event = 0

    async def post(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: str | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> aiohttp.ClientResponse:
        ts = timestamp if timestamp is not None else str(int(self.clock()))
        all_headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature if signature is not None else sign(SECRET, ts, body),
            **(headers or {}),
        }
        async with self.session.post(f"{self.url}/slack/events", data=body.encode(), headers=all_headers) as response:
            await response.read()
            return response

    async def event(self, event: dict[str, Any], *, event_id: str | None = None, retry: int | None = None):
        self._event += 1
        body = json.dumps(
            event_callback(
                event,
                event_id or f"Ev{self._event:06d}",
                int(self.clock()),
                authorizations=[{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
            )
        )
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else None
        return await self.post(body, "application/json", headers=headers)

    async def command(self, text: str, hook: str = "cmd", channel: str = "C0KANAAL"):
        body = urlencode(
            {
                "token": "x",
                "team_id": TEAM_ID,
                "channel_id": channel,
                "user_id": "U0AMBTENAAR",
                "command": "/tip",
                "text": text,
                "response_url": self.fake.response_url(hook),
                "trigger_id": "1.2.3",
            }
        )
        return await self.post(body, "application/x-www-form-urlencoded")

    async def click(
        self,
        button: dict[str, Any],
        *,
        channel: str = "C0KANAAL",
        ephemeral: bool = False,
        message_ts: str = "111.222",
        thread_ts: str | None = None,
        hook: str = "click",
    ):
        message = {"ts": message_ts, **({"thread_ts": thread_ts} if thread_ts else {})}
        payload = {
            "type": "block_actions",
            "team": {"id": TEAM_ID},
            "user": {"id": "U0AMBTENAAR"},
            "api_app_id": "A1",
            "token": "x",
            "trigger_id": "1.2.3",
            "response_url": self.fake.response_url(hook),
            "container": {
                "type": "message",
                "message_ts": message_ts,
                "channel_id": channel,
                "is_ephemeral": ephemeral,
            },
            "channel": {"id": channel},
            "message": None if ephemeral else message,
            "actions": [
                {
                    "type": "button",
                    "action_id": button["action_id"],
                    "block_id": "b",
                    "value": button["value"],
                    "action_ts": "1",
                }
            ],
        }
        return await self.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")


@pytest.fixture
async def slack(kb, sqlite_store):
    fake = await FakeSlack().start()
    clock = Clock()
    feedback: list[Feedback] = []
    settings = load_settings(
        {
            "SLACK_BOT_TOKEN": "xoxb-test-token",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": fake.base_url,
            "ANTENNE_DIGEST": "uit",
        }
    )
    antenne = Antenne(kb, on_feedback=feedback.append)
    runner, port = await start_app(build_app(settings, antenne, store=sqlite_store, clock=clock))
    server = SlackServer(f"http://127.0.0.1:{port}", fake, clock, feedback)
    yield server
    await server.session.close()
    await runner.cleanup()
    await fake.close()


def buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


def all_text(blocks: list[dict[str, Any]]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


async def test_mention_gets_a_threaded_block_kit_answer(slack):
    response = await slack.event(mention("raadslid belt me over een budget, wat nu?"))
    assert response.status == 200
    [call] = await slack.fake.wait_for("chat.postMessage")
    assert call.data["channel"] == "C0KANAAL" and call.data["thread_ts"] == "1700000000.000100"
    blocks = call.data["blocks"]
    assert blocks[0]["type"] == "header" and "duurzaamheidsbudget" in blocks[0]["text"]["text"]
    assert any(b["type"] == "context" and "Bron:" in b["elements"][0]["text"] for b in blocks)
    labels = {b["text"]["text"] for b in buttons(blocks)}
    assert {"Meer over deze casus", "Andere tip", "Waarom dit antwoord?", "👍", "👎"} <= labels
    assert call.data["text"] and call.headers["Authorization"] == "Bearer xoxb-test-token"


async def test_direct_message_is_answered_in_the_conversation(slack):
    await slack.event(
        {
            "type": "message",
            "channel_type": "im",
            "channel": "D0DM",
            "user": "U0AMBTENAAR",
            "text": "de klik met mijn wethouder ontbreekt",
            "ts": "5.5",
        }
    )
    [call] = await slack.fake.wait_for("chat.postMessage")
    assert call.data["channel"] == "D0DM" and "thread_ts" not in call.data
    assert "klik" in all_text(call.data["blocks"]).lower()


async def test_own_and_other_bots_messages_and_edits_are_ignored(slack):
    await slack.event(
        {
            "type": "message",
            "channel_type": "im",
            "channel": "D0DM",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "text": "eigen bericht",
            "ts": "6.1",
        }
    )
    await slack.event(
        {
            "type": "message",
            "channel_type": "im",
            "channel": "D0DM",
            "bot_id": "BANDER",
            "subtype": "bot_message",
            "text": "andere bot",
            "ts": "6.2",
        }
    )
    await slack.event(
        {
            "type": "message",
            "channel_type": "im",
            "channel": "D0DM",
            "subtype": "message_changed",
            "message": {"text": "bewerkt"},
            "ts": "6.3",
        }
    )
    await slack.event(mention("een bot noemt mij", bot_id="BANDER"))
    await asyncio.sleep(0.3)
    assert slack.fake.of("chat.postMessage") == []


async def test_off_topic_mention_gets_the_honest_reply(slack):
    await slack.event(mention("wat voor weer wordt het morgen in Utrecht"))
    [call] = await slack.fake.wait_for("chat.postMessage")
    assert "Daar kan ik je niet mee helpen" in all_text(call.data["blocks"])


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("", "Tip"),
        ("tegenspraak", "Tip"),
        ("help", "Wat Antenne voor je kan doen"),
        ("wat doe ik als een raadslid me rechtstreeks om cijfers vraagt?", "duurzaamheidsbudget"),
    ],
)
async def test_tip_command_forms_answer_ephemerally(slack, text, expect):
    response = await slack.command(text)
    assert response.status == 200
    [reply] = await slack.fake.wait_for("response_url")
    assert reply.data["response_type"] == "ephemeral"
    assert expect in all_text(reply.data["blocks"])


async def test_share_in_channel_button(slack):
    await slack.command("tegenspraak")
    [reply] = await slack.fake.wait_for("response_url")
    share = next(b for b in buttons(reply.data["blocks"]) if b["text"]["text"] == "Deel in kanaal")
    await slack.click(share, ephemeral=True, hook="share")
    replies = await slack.fake.wait_for("response_url", 2)
    assert replies[1].data["response_type"] == "in_channel" and replies[1].data["delete_original"] is True
    assert "Deel in kanaal" not in all_text(replies[1].data["blocks"])


async def test_every_button_has_a_working_handler(slack):
    await slack.event(mention("de ict van de gemeente ligt eruit", ts="9.1"))
    [answer] = await slack.fake.wait_for("chat.postMessage")
    found = {b["text"]["text"]: b for b in buttons(answer.data["blocks"])}

    await slack.click(found["Meer over deze casus"], thread_ts="9.1")
    posted = await slack.fake.wait_for("chat.postMessage", 2)
    assert posted[1].data["thread_ts"] == "9.1" and "Wat er gebeurde" in all_text(posted[1].data["blocks"])

    await slack.click(found["Andere tip"], thread_ts="9.1")
    posted = await slack.fake.wait_for("chat.postMessage", 3)
    assert "Tip" in all_text(posted[2].data["blocks"])

    await slack.click(found["Waarom dit antwoord?"], thread_ts="9.1")
    [why] = await slack.fake.wait_for("response_url")
    assert why.data["response_type"] == "ephemeral" and "Woorden die overeenkwamen" in all_text(why.data["blocks"])

    await slack.click(found["👍"], thread_ts="9.1")
    await slack.click(found["👎"], thread_ts="9.1")
    replies = await slack.fake.wait_for("response_url", 3)
    assert "Bedankt voor je feedback" in all_text(replies[2].data["blocks"])
    assert slack.feedback == [
        Feedback("ict-storing-raad-ruikt-onraad", 1),
        Feedback("ict-storing-raad-ruikt-onraad", -1),
    ]


async def test_did_you_mean_buttons(slack, kb):
    from antenne.bot.answers.actions import ActionPayload, encode
    from antenne.bot.answers.model import ActionKind

    choose = {
        "action_id": "antenne_kies_0",
        "value": encode(ActionPayload(ActionKind.CHOOSE, "dijkgraaf-stapt-terug", "x")),
    }
    none = {
        "action_id": "antenne_geen_van_deze_3",
        "value": encode(ActionPayload(ActionKind.NONE_OF_THESE, question="x")),
    }
    await slack.click(choose, thread_ts="3.3")
    [posted] = await slack.fake.wait_for("chat.postMessage")
    assert "dijkgraaf" in all_text(posted.data["blocks"]).lower()
    await slack.click(none, thread_ts="3.3")
    posted = await slack.fake.wait_for("chat.postMessage", 2)
    assert "Jammer" in all_text(posted[1].data["blocks"])


async def test_forged_button_value_gets_a_polite_reply(slack):
    await slack.click({"action_id": "antenne_meer_0", "value": "{kapot"}, ephemeral=True)
    [reply] = await slack.fake.wait_for("response_url")
    assert "Onbekende knop" in all_text(reply.data["blocks"])


async def test_retries_are_answered_once(slack):
    event = mention("twee wethouders geven tegenstrijdige opdrachten", ts="7.7")
    first = await slack.event(event, event_id="EvRETRY")
    second = await slack.event(event, event_id="EvRETRY", retry=1)
    third = await slack.event(event, event_id="EvRETRY", retry=2)
    assert [first.status, second.status, third.status] == [200, 200, 200]
    assert second.headers.get("X-Slack-No-Retry") == "1"
    await slack.fake.wait_for("chat.postMessage")
    await asyncio.sleep(0.3)
    assert len(slack.fake.of("chat.postMessage")) == 1


async def test_retry_whose_first_delivery_never_arrived_is_processed_once(slack):
    event = mention("twee wethouders geven tegenstrijdige opdrachten", ts="8.8")
    await slack.event(event, event_id="EvLOST", retry=1)
    await slack.event(event, event_id="EvLOST", retry=2)
    await slack.fake.wait_for("chat.postMessage")
    await asyncio.sleep(0.3)
    assert len(slack.fake.of("chat.postMessage")) == 1


@pytest.mark.parametrize(
    ("timestamp", "signature", "why"),
    [
        (None, "v0=" + "0" * 64, "forged"),
        ("stale", None, "older than five minutes"),
        ("abc", "v0=" + "a" * 64, "non-numeric timestamp"),
        (None, "v0=é" + "a" * 63, "non-ASCII signature"),
        (None, "", "missing signature"),
        ("", "v0=" + "a" * 64, "missing timestamp"),
        ("99999999999999999999", "v0=" + "a" * 64, "absurd timestamp"),
    ],
)
async def test_forged_stale_and_malformed_requests_get_401(slack, timestamp, signature, why):
    body = json.dumps(
        {"type": "event_callback", "team_id": TEAM_ID, "event_id": "EvX", "event": mention("raadslid belt over budget")}
    )
    if timestamp == "stale":
        stale = str(int(slack.clock()) - 301)
        response = await slack.post(body, "application/json", timestamp=stale, signature=sign(SECRET, stale, body))
    else:
        headers_signature = signature if signature is not None else None
        raw_headers = {
            "Content-Type": "application/json",
            "X-Slack-Request-Timestamp": timestamp or "",
            "X-Slack-Signature": headers_signature or "",
        }
        if timestamp is None:
            raw_headers["X-Slack-Request-Timestamp"] = str(int(slack.clock()))
        async with slack.session.post(
            f"{slack.url}/slack/events",
            data=body.encode("utf-8"),
            headers={k: v.encode("utf-8").decode("latin-1") for k, v in raw_headers.items()},
        ) as r:
            response = r
    assert response.status == 401, why
    await asyncio.sleep(0.2)
    assert slack.fake.calls == [], why


async def test_url_verification_and_ssl_check(slack):
    body = json.dumps(
        {"token": "x", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", "type": "url_verification"}
    )
    ts = str(int(slack.clock()))
    async with slack.session.post(
        f"{slack.url}/slack/events",
        data=body,
        headers={
            "Content-Type": "application/json",
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": sign(SECRET, ts, body),
        },
    ) as response:
        assert response.status == 200
        assert "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" in await response.text()
    async with slack.session.post(
        f"{slack.url}/slack/events",
        data="ssl_check=1&token=x",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    ) as response:
        assert response.status == 200


def test_slack_documented_signature_example():
    """https://api.slack.com/authentication/verifying-requests-from-slack, clock frozen at its timestamp."""
    body = (
        "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
        "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
        "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
        "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
    )
    expected = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
    verifier = RequestVerifier(SECRET, clock=lambda: 1531420618)
    assert verifier.verify(body.encode(), "1531420618", expected)
    assert not verifier.verify(body.encode() + b"x", "1531420618", expected)
    assert not verifier.verify(body.encode(), "1531420619", expected)
    assert not RequestVerifier(SECRET, clock=lambda: 1531420618 + 301).verify(body.encode(), "1531420618", expected)


async def test_documented_example_passes_the_http_endpoint(slack):
    body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&command=%2Fwebhook-collect&text="
    slack.clock.now = 1531420618
    response = await slack.post(body, "application/x-www-form-urlencoded", timestamp="1531420618")
    assert response.status != 401


async def test_empty_and_huge_mentions_get_a_polite_reply(slack):
    await slack.event(mention("", ts="1.1"))
    await slack.event(mention("raadslid belt over budget " + "bla " * 25_000, ts="1.2"))
    calls = await slack.fake.wait_for("chat.postMessage", 2)
    texts = sorted(all_text(c.data["blocks"]) for c in calls)
    assert any("Wat wil je weten?" in t for t in texts)
    assert all(len(json.dumps(c.data["blocks"])) < 40_000 for c in calls)


async def test_rate_limited_post_is_retried_after_retry_after(slack):
    slack.fake.rate_limit("chat.postMessage", retry_after=1)
    started = time.monotonic()
    await slack.event(mention("raadslid belt over budget", ts="2.2"))
    calls = await slack.fake.wait_for("chat.postMessage", 2, timeout=10)
    assert time.monotonic() - started >= 0.9
    assert calls[0].data == calls[1].data


@pytest.mark.parametrize("error", ["channel_not_found", "not_in_channel", "is_archived"])
async def test_channel_errors_are_logged_and_the_app_keeps_serving(slack, error, caplog):
    slack.fake.fail("chat.postMessage", error)
    with caplog.at_level(logging.WARNING, logger="antenne.slack"):
        await slack.event(mention("raadslid belt over budget", ts="4.1"))
        await slack.fake.wait_for("chat.postMessage")
        await asyncio.sleep(0.1)
    assert any(getattr(r, "error", None) == error for r in caplog.records)
    await slack.event(mention("raadslid belt over budget", ts="4.2"))
    await slack.fake.wait_for("chat.postMessage", 2)
    async with slack.session.get(f"{slack.url}/healthz") as response:
        assert response.status == 200


async def test_logs_hold_no_message_text_or_identity(slack, caplog):
    with caplog.at_level(logging.DEBUG):
        await slack.event(mention("geheimwoord1234 raadslid belt over budget", ts="3.9"))
        await slack.fake.wait_for("chat.postMessage")
        await slack.command("geheimwoord1234")
        await slack.fake.wait_for("response_url")
    for record in caplog.records:
        rendered = record.getMessage() + json.dumps(record.__dict__, default=str)
        assert "geheimwoord1234" not in rendered
        assert "U0AMBTENAAR" not in rendered
        assert "xoxb-test-token" not in rendered and SECRET not in rendered


async def test_health_and_readiness(slack):
    async with slack.session.get(f"{slack.url}/healthz") as response:
        assert response.status == 200 and (await response.json())["status"] == "ok"
    async with slack.session.get(f"{slack.url}/readyz") as response:
        assert response.status == 200 and (await response.json())["status"] == "ready"


async def test_socket_mode_dispatches_through_the_same_handlers(kb, tmp_path):
    fake = await FakeSlack().start()
    settings = load_settings(
        {
            "SLACK_BOT_TOKEN": "xoxb-test-token",
            "SLACK_APP_TOKEN": "xapp-test",
            "SLACK_API_URL": fake.base_url,
            "ANTENNE_DATA_DIR": str(tmp_path),
        }
    )
    runner, _ = await start_app(build_app(settings, Antenne(kb)))
    try:
        payload = {
            "type": "event_callback",
            "team_id": TEAM_ID,
            "event_id": "EvSOCKET",
            "event": mention("raadslid belt over budget", ts="12.34"),
        }
        await fake.push_event("env-1", payload)
        [call] = await fake.wait_for("chat.postMessage")
        assert call.data["thread_ts"] == "12.34"
        assert fake.of("apps.connections.open")[0].headers["Authorization"] == "Bearer xapp-test"
        for _ in range(100):
            if any(a.get("envelope_id") == "env-1" for a in fake.socket_acks):
                break
            await asyncio.sleep(0.02)
        assert any(a.get("envelope_id") == "env-1" for a in fake.socket_acks)
    finally:
        await runner.cleanup()
        await fake.close()


async def test_server_without_slack_credentials(kb, caplog, tmp_path):
    with caplog.at_level(logging.INFO, logger="antenne.server"):
        runner, port = await start_app(build_app(load_settings({"ANTENNE_DATA_DIR": str(tmp_path)}), Antenne(kb)))
    try:
        async with aiohttp.ClientSession() as session:
            async with session.post(f"http://127.0.0.1:{port}/slack/events", data="{}") as response:
                assert response.status == 404
            async with session.get(f"http://127.0.0.1:{port}/readyz") as response:
                assert response.status == 200
        assert any(r.getMessage() == "slack_disabled" for r in caplog.records)
    finally:
        await runner.cleanup()


async def test_dispatcher_drains_on_stop_and_sheds_load_when_full():
    from antenne.adapters.slack.dispatch import AckFirstDispatcher, Work
    from slack_bolt.request.async_request import AsyncBoltRequest

    class SlowBolt:
        def __init__(self) -> None:
            self.done: list[str] = []

        async def async_dispatch(self, request):
            await asyncio.sleep(0.01)
            self.done.append(request.raw_body)

    bolt = SlowBolt()
    dispatcher = AckFirstDispatcher(bolt, workers=1, max_queued=3)
    await dispatcher.start()
    work = [Work(AsyncBoltRequest(body=json.dumps({"n": n}), query="", headers={})) for n in range(4)]
    assert all(dispatcher.submit(w) for w in work[:3])
    assert not dispatcher.submit(work[3])  # full: the endpoint answers 503 and Slack retries
    await dispatcher.stop()
    assert len(bolt.done) == 3


async def test_a_rate_limited_channel_does_not_delay_another_channels_answer(slack):
    slack.fake.rate_limit_channel("C0EEN", retry_after=4)
    slack.fake.rate_limit_channel("C0TWEE", retry_after=4)
    await slack.event(mention("raadslid belt over budget", ts="31.1", channel="C0EEN"))
    await slack.event(mention("raadslid belt over budget", ts="31.2", channel="C0TWEE"))
    await slack.fake.wait_for("chat.postMessage", 2)  # both got their 429
    started = time.monotonic()
    await slack.event(mention("de klik met mijn wethouder ontbreekt", ts="31.3", channel="C0DRIE"))
    calls = await slack.fake.wait_for("chat.postMessage", 3)
    assert calls[2].data["channel"] == "C0DRIE" and time.monotonic() - started < 1.0
    retried = await slack.fake.wait_for("chat.postMessage", 5, timeout=10)
    assert {c.data["channel"] for c in retried[3:]} == {"C0EEN", "C0TWEE"}  # Retry-After honoured, then posted
    assert time.monotonic() - started >= 3.0


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("dit is geen json", "application/json"),
        ('[{"type": "event_callback"}]', "application/json"),
        ('{"event": {"type": "app_mention"}}', "application/json"),
        ("type=event_callback", "text/plain"),
        ("token=x&team_id=T1&text=hallo", "application/x-www-form-urlencoded"),
        ("payload=kapot", "application/x-www-form-urlencoded"),
    ],
)
async def test_signed_bodies_of_a_shape_slack_never_sends_get_400(slack, body, content_type, caplog):
    with caplog.at_level(logging.ERROR):
        response = await slack.post(body, content_type)
    assert response.status == 400
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    await asyncio.sleep(0.1)
    assert slack.fake.calls == []


async def test_ssl_check_text_inside_a_mention_is_still_answered(slack):
    event = mention("x", ts="32.1")
    event["text"] = f"<@{BOT_USER_ID}> &ssl_check=1& raadslid belt over budget"
    body = json.dumps({"event": event, "type": "event_callback", "team_id": TEAM_ID, "event_id": "EvSSL"})
    assert body.index("ssl_check") < 200
    response = await slack.post(body, "application/json")
    assert response.status == 200
    [call] = await slack.fake.wait_for("chat.postMessage")
    assert call.data["thread_ts"] == "32.1"


async def test_a_signed_command_with_an_ssl_check_field_is_still_answered(slack):
    """Only Slack's certificate probe (ssl_check=1 and nothing to run) is skipped, in one place: the endpoint."""
    fields = {"team_id": TEAM_ID, "channel_id": "C0KANAAL", "user_id": "U0AMBTENAAR", "command": "/tip"}
    body = urlencode({**fields, "ssl_check": "1", "text": "help", "response_url": slack.fake.response_url("ssl")})
    response = await slack.post(body, "application/x-www-form-urlencoded")
    assert response.status == 200
    [reply] = await slack.fake.wait_for("response_url")
    assert "Wat Antenne voor je kan doen" in all_text(reply.data["blocks"])


async def test_unsigned_requests_get_the_same_short_401_body(slack):
    async with slack.session.post(
        f"{slack.url}/slack/events", data="{}", headers={"Content-Type": "application/json"}
    ) as response:
        assert response.status == 401 and await response.json() == {"error": "invalid_request"}


async def test_stop_drains_queued_answers_within_the_grace_period(kb, sqlite_store):
    fake = await FakeSlack().start()
    fake.delays["chat.postMessage"] = 1.0
    env = {
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.base_url,
        "ANTENNE_DIGEST": "uit",
        "ANTENNE_SHUTDOWN_GRACE_SECONDS": "8",
    }
    clock = Clock()
    runner, port = await start_app(build_app(load_settings(env), Antenne(kb), store=sqlite_store, clock=clock))
    server = SlackServer(f"http://127.0.0.1:{port}", fake, clock, [])
    try:
        for n in range(30):
            response = await server.event(mention("raadslid belt over budget", ts=f"40.{n}", channel=f"C{n % 3}"))
            assert response.status == 200
        started = time.monotonic()
        await runner.cleanup()  # what SIGTERM does
        assert time.monotonic() - started < 8 + 4
        assert len(fake.of("chat.postMessage")) == 30
    finally:
        await server.session.close()
        await fake.close()


def test_web_api_clients_build_no_debug_lines():
    """slack_sdk builds its debug lines (whole request and response bodies) whenever the client
    logger's own level is DEBUG or unset, even though logging drops them: about a tenth of an answer's CPU."""
    from antenne.adapters.platforms import load_platforms
    from antenne.adapters.slack.digest import own_client

    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-test-token", "SLACK_SIGNING_SECRET": SECRET})
    [platform] = [p for p in load_platforms(settings) if p.name == "slack"]
    for client in (platform.client, own_client(platform.client, 30)):
        assert not client.logger.level <= logging.DEBUG  # the very test slack_sdk makes before formatting
