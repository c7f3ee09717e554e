"""Teams as the Bot Framework sees it: real HTTP activities, real JWT validation, a loopback connector."""

from __future__ import annotations

import json
import logging
import struct
import subprocess
import sys
import time
import zipfile
from typing import Any

import aiohttp
import pytest
from antenne.adapters.server import build_app
from antenne.bot.config import ConfigError, load_settings
from antenne.bot.service import Antenne, Feedback
from antenne.bot.store.references import ReferenceStore

from tests.fakes.bot_connector import (
    APP_ID,
    APP_PASSWORD,
    OUTBOUND_TOKEN,
    FakeConnector,
    SigningKey,
    StaticCredentialFactory,
)
from tests.fakes.slack_api import start_app

BOT = {"id": f"28:{APP_ID}", "name": "Antenne"}
CARD = "application/vnd.microsoft.card.adaptive"


@pytest.fixture(scope="module")
def signing_key() -> SigningKey:
    return SigningKey()


class TeamsServer:
    def __init__(
        self,
        url: str,
        connector: FakeConnector,
        key: SigningKey,
        feedback: list[Feedback],
        references: ReferenceStore,
    ) -> None:
        self.url = url
        self.connector = connector
        self.key = key
        self.feedback = feedback
        self.references = references
        self.session = aiohttp.ClientSession()
        self._n = 0

    def activity(
        self,
        text: str | None = None,
        *,
        kind: str = "message",
        conversation_type: str = "personal",
        conversation_id: str = "a:persoonlijk",
        **extra: Any,
    ) -> dict[str, Any]:
        self._n += 1
        return {
            "type": kind,
            "id": f"act-{self._n}",
            "timestamp": "2026-11-22T10:00:00Z",
            "serviceUrl": self.connector.service_url,
            "channelId": "msteams",
            "from": {"id": "29:ambtenaar", "name": "Ambtenaar", "aadObjectId": "aad-1"},
            "conversation": {"id": conversation_id, "conversationType": conversation_type, "tenantId": "tenant-1"},
            "recipient": BOT,
            "text": text,
            "channelData": {"tenant": {"id": "tenant-1"}},
            **extra,
        }

    async def post(
        self,
        activity: Any,
        *,
        token: str | None = "valid",
        content_type: str = "application/json",
        raw: bytes | None = None,
    ) -> int:
        headers = {"Content-Type": content_type}
        if token == "valid":
            headers["Authorization"] = f"Bearer {self.key.token(self.connector.service_url)}"
        elif token is not None:
            headers["Authorization"] = token
        data = raw if raw is not None else json.dumps(activity).encode()
        async with self.session.post(f"{self.url}/api/messages", data=data, headers=headers) as response:
            await response.read()
            return response.status

    def cards(self) -> list[dict[str, Any]]:
        return [
            a["content"]
            for r in self.connector.replies
            for a in r.body.get("attachments") or []
            if a["contentType"] == CARD
        ]


@pytest.fixture
async def teams(kb, signing_key, sqlite_store):
    signing_key.install()
    connector = await FakeConnector().start()
    feedback: list[Feedback] = []
    references = sqlite_store.references
    settings = load_settings(
        {"MICROSOFT_APP_ID": APP_ID, "MICROSOFT_APP_PASSWORD": APP_PASSWORD, "ANTENNE_DIGEST": "uit"}
    )
    app = build_app(
        settings,
        Antenne(kb, on_feedback=feedback.append),
        store=sqlite_store,
        teams_credentials=StaticCredentialFactory(),
    )
    runner, port = await start_app(app)
    server = TeamsServer(f"http://127.0.0.1:{port}", connector, signing_key, feedback, references)
    yield server
    await server.session.close()
    await runner.cleanup()
    await connector.close()


def card_text(card: dict[str, Any]) -> str:
    return json.dumps(card, ensure_ascii=False)


def submit_actions(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    actions = list(card.get("actions", []))
    for element in card["body"]:
        if element["type"] == "ActionSet":
            actions += element["actions"]
    return {a["title"]: a["data"] for a in actions}


async def test_personal_chat_question_gets_an_adaptive_card(teams):
    assert await teams.post(teams.activity("raadslid belt me over een budget, wat nu?")) in (200, 201)
    [reply] = teams.connector.replies
    assert reply.path.endswith("/v3/conversations/a:persoonlijk/activities/act-1")
    assert reply.headers["Authorization"] == f"Bearer {OUTBOUND_TOKEN}"
    [card] = teams.cards()
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
    assert "duurzaamheidsbudget" in card["body"][0]["text"]
    assert {"Meer over deze casus", "Andere tip", "Waarom dit antwoord?", "👍", "👎"} <= set(submit_actions(card))
    assert "Bron:" in card_text(card)


async def test_channel_mention_is_stripped_and_answered_in_the_thread(teams):
    text = "<at>Antenne</at> raadslit belt over bugdet"
    mention = {"type": "mention", "mentioned": BOT, "text": "<at>Antenne</at>"}
    activity = teams.activity(
        text,
        conversation_type="channel",
        conversation_id="19:kanaal@thread.tacv2;messageid=1700000000",
        entities=[mention],
    )
    assert await teams.post(activity) in (200, 201)
    [reply] = teams.connector.replies
    assert "19:kanaal@thread.tacv2;messageid=1700000000" in reply.path
    assert reply.body["replyToId"] == activity["id"]
    [card] = teams.cards()
    assert "duurzaamheidsbudget" in card["body"][0]["text"]


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("tip", "Tip"),
        ("tip tegenspraak", "Tip"),
        ("help", "Wat Antenne voor je kan doen"),
        ("de klik met mijn wethouder ontbreekt", "klik"),
        ("hoe vraag ik een paspoort aan", "niet mee helpen"),
    ],
)
async def test_typed_commands_and_questions(teams, text, expect):
    await teams.post(teams.activity(text))
    [card] = teams.cards()
    assert expect.lower() in card_text(card).lower()


async def test_every_card_action_has_a_working_handler(teams):
    await teams.post(teams.activity("twee wethouders geven tegenstrijdige opdrachten"))
    [first] = teams.cards()
    actions = submit_actions(first)
    for title, data in actions.items():
        assert await teams.post(teams.activity(None, value=data)) in (200, 201), title
    cards = teams.cards()[1:]
    assert len(cards) == len(actions)
    texts = [card_text(c) for c in cards]
    assert any("Woorden die overeenkwamen" in t for t in texts)
    assert sum("Bedankt voor je feedback" in t for t in texts) == 2
    assert {f.vote for f in teams.feedback} == {1, -1}


async def test_did_you_mean_actions(teams):
    from antenne.bot.answers.actions import ActionPayload, encode
    from antenne.bot.answers.model import ActionKind

    choose = {"antenne": encode(ActionPayload(ActionKind.CHOOSE, "dijkgraaf-stapt-terug", "x"))}
    none = {"antenne": encode(ActionPayload(ActionKind.NONE_OF_THESE, question="x"))}
    await teams.post(teams.activity(None, value=choose))
    await teams.post(teams.activity(None, value=none))
    chosen, nothing = teams.cards()
    assert "dijkgraaf" in card_text(chosen).lower() and "Jammer" in card_text(nothing)


async def test_bot_added_sends_welcome_and_stores_the_reference(teams):
    added = teams.activity(
        kind="conversationUpdate",
        conversation_type="channel",
        conversation_id="19:team@thread.tacv2",
        membersAdded=[BOT],
    )
    assert await teams.post(added) in (200, 201)
    [welcome] = teams.connector.replies
    assert "ik ben Antenne" in welcome.body["text"]
    stored = await teams.references.get("teams", "19:team@thread.tacv2")
    assert stored is not None and stored.workspace == "tenant-1"
    assert stored.reference["serviceUrl"] == teams.connector.service_url
    someone = teams.activity(kind="conversationUpdate", conversation_id="19:ander", membersAdded=[{"id": "29:x"}])
    await teams.post(someone)
    assert len(teams.connector.replies) == 1 and await teams.references.get("teams", "19:ander") is None


@pytest.mark.parametrize(
    "case",
    [
        "missing",
        "forged",
        "wrong_audience",
        "wrong_issuer",
        "wrong_service_url",
        "expired",
        "garbage",
        "unknown_key",
        "not_bearer",
    ],
)
async def test_bad_tokens_get_401_and_the_bot_never_runs(teams, case):
    url = teams.connector.service_url
    key = teams.key
    tokens = {
        "missing": None,
        "forged": f"Bearer {key.token(url, key=key.other)}",
        "wrong_audience": f"Bearer {key.token(url, aud='00000000-1111-2222-3333-444444444444')}",
        "wrong_issuer": f"Bearer {key.token(url, iss='https://evil.example.com')}",
        "wrong_service_url": f"Bearer {key.token('https://smba.evil.example.com/')}",
        "expired": f"Bearer {key.token(url, exp=int(time.time()) - 3600, iat=int(time.time()) - 7200)}",
        "garbage": "Bearer dit.is.geen-token",
        "unknown_key": f"Bearer {key.token(url, kid='onbekend')}",
        "not_bearer": f"Basic {key.token(url)}",
    }
    assert await teams.post(teams.activity("raadslid belt over budget"), token=tokens[case]) == 401
    welcome = teams.activity(kind="conversationUpdate", conversation_id="19:aanval", membersAdded=[BOT])
    assert await teams.post(welcome, token=tokens[case]) == 401
    assert teams.connector.replies == []
    assert await teams.references.get("teams", "19:aanval") is None


@pytest.mark.parametrize(
    ("raw", "content_type", "status"),
    [
        (b'{"text": "geen type"}', "application/json", 400),
        (b"{kapot", "application/json", 400),
        (b'["lijst"]', "application/json", 400),
        (b'{"type": "message"}', "text/plain", 415),
        (b"\xff\xfe", "application/json", 400),
    ],
)
async def test_malformed_activities_get_400_or_415_and_the_server_keeps_serving(teams, raw, content_type, status):
    assert await teams.post(None, raw=raw, content_type=content_type) == status
    assert await teams.post(teams.activity("raadslid belt over budget")) in (200, 201)


@pytest.mark.parametrize("status", [403, 429, 500, 503])
async def test_failed_replies_are_logged_without_text_and_do_not_crash(teams, status, caplog):
    teams.connector.fail_next(status)
    with caplog.at_level(logging.INFO):
        assert await teams.post(teams.activity("geheimwoord987 raadslid belt over budget")) in (200, 201)
    failed = [r for r in caplog.records if r.getMessage() == "teams_reply_failed"]
    assert failed and failed[0].status == status
    for record in caplog.records:
        assert "geheimwoord987" not in record.getMessage() + json.dumps(record.__dict__, default=str)
    assert await teams.post(teams.activity("raadslid belt over budget")) in (200, 201)
    assert len(teams.connector.replies) >= 2


async def test_development_mode_runs_without_authentication_but_stores_no_reference(kb, sqlite_store):
    connector = await FakeConnector().start()
    references = sqlite_store.references
    settings = load_settings({"ANTENNE_TEAMS_MODE": "development"})
    runner, port = await start_app(build_app(settings, Antenne(kb), store=sqlite_store))
    server = TeamsServer(f"http://127.0.0.1:{port}", connector, SigningKey(), [], references)
    try:
        assert await server.post(server.activity("help"), token=None) in (200, 201)
        added = server.activity(kind="conversationUpdate", conversation_id="19:dev", membersAdded=[BOT])
        assert await server.post(added, token=None) in (200, 201)
        assert len(connector.replies) == 2 and "Authorization" not in connector.replies[0].headers
        assert await references.get("teams", "19:dev") is None
    finally:
        await server.session.close()
        await runner.cleanup()
        await connector.close()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ANTENNE_TEAMS_MODE": "production"}, "Teams in productie vraagt MICROSOFT_APP_ID en MICROSOFT_APP_PASSWORD"),
        ({"MICROSOFT_APP_ID": APP_ID}, "MICROSOFT_APP_PASSWORD"),
        (
            {"MICROSOFT_APP_ID": APP_ID, "MICROSOFT_APP_PASSWORD": "x", "MICROSOFT_APP_TYPE": "SingleTenant"},
            "MICROSOFT_APP_TENANT_ID",
        ),
        ({"ANTENNE_TEAMS_MODE": "development", "MICROSOFT_APP_ID": APP_ID}, "development is zonder app-id"),
    ],
)
def test_production_mode_refuses_to_start_without_credentials(env, message):
    with pytest.raises(ConfigError) as caught:
        load_settings(env)
    assert message in str(caught.value)


async def test_teams_off_without_credentials(kb, tmp_path):
    runner, port = await start_app(build_app(load_settings({"ANTENNE_DATA_DIR": str(tmp_path)}), Antenne(kb)))
    try:
        async with aiohttp.ClientSession() as session:
            async with session.post(f"http://127.0.0.1:{port}/api/messages", json={"type": "message"}) as response:
                assert response.status == 404
    finally:
        await runner.cleanup()


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_teams_package(tmp_path):
    output = tmp_path / "antenne.zip"
    result = subprocess.run(
        [sys.executable, "-m", "antenne", "teams-package", "--app-id", APP_ID, "--output", str(output),
         "--website-url", "https://www.gemeente.nl"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(output) as archive:
        assert sorted(archive.namelist()) == ["color.png", "en-us.json", "manifest.json", "outline.png"]
        manifest = json.loads(archive.read("manifest.json"))
        assert png_size(archive.read("color.png")) == (192, 192)
        assert png_size(archive.read("outline.png")) == (32, 32)
    assert manifest["id"] == APP_ID and manifest["bots"][0]["botId"] == APP_ID
    scopes = {s for c in manifest["bots"][0]["commandLists"] for s in c["scopes"]}
    assert {"personal", "team"} <= scopes
    for command_list in manifest["bots"][0]["commandLists"]:  # Teams refuses a package beyond these limits
        titles = [c["title"] for c in command_list["commands"]]
        assert {"tip", "help", "digest aan", "digest uit", "digest status"} <= set(titles)
        assert len(titles) <= 10 and all(len(t) <= 32 for t in titles)
        assert all(len(c["description"]) <= 128 for c in command_list["commands"])
    assert manifest["manifestVersion"] == "1.17"


def test_teams_package_refuses_a_bad_app_id(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "antenne",
            "teams-package",
            "--app-id",
            "geen-guid",
            "--output",
            str(tmp_path / "x.zip"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2 and "geen geldige app-id" in result.stderr
