"""The digest in Teams: typed commands, proactive posts through the loopback Bot Connector, failures."""

from __future__ import annotations

import pytest
from antenne.adapters.server import SCHEDULER_KEY, build_app
from antenne.adapters.teams.digest import TeamsDigestSender
from antenne.adapters.teams.http import build_authentication
from antenne.bot.config import load_settings
from antenne.bot.digest.delivery import DeliveryStatus
from antenne.bot.digest.rotation import next_items
from antenne.bot.digest.scheduler import DigestScheduler
from antenne.bot.digest.slots import Slot
from antenne.bot.service import Antenne
from antenne.bot.store.recorder import Recorder
from antenne.bot.store.subscriptions import InactiveReason, Place
from botbuilder.integration.aiohttp import CloudAdapter

from tests.fakes.bot_connector import (
    APP_ID,
    APP_PASSWORD,
    OUTBOUND_TOKEN,
    FakeConnector,
    StaticCredentialFactory,
)
from tests.fakes.slack_api import start_app
from tests.test_teams import TeamsServer, card_text, signing_key, submit_actions  # noqa: F401 - fixture

MONDAY_SLOT = "2026-11-23T08:00:00+00:00"
SETTINGS = {"MICROSOFT_APP_ID": APP_ID, "MICROSOFT_APP_PASSWORD": APP_PASSWORD, "ANTENNE_DIGEST": "uit"}


@pytest.fixture
async def teams(kb, signing_key, sqlite_store):  # noqa: F811 - the fixture imported above
    signing_key.install()
    connector = await FakeConnector().start()
    recorder = Recorder(sqlite_store)
    app = build_app(
        load_settings(SETTINGS),
        Antenne(kb, on_feedback=recorder.feedback),
        store=sqlite_store,
        recorder=recorder,
        teams_credentials=StaticCredentialFactory(),
    )
    runner, port = await start_app(app)
    server = TeamsServer(f"http://127.0.0.1:{port}", connector, signing_key, [], sqlite_store.references)
    server.store, server.scheduler, server.recorder = sqlite_store, app[SCHEDULER_KEY], recorder
    yield server
    await server.session.close()
    await runner.cleanup()
    await connector.close()


async def say(teams: TeamsServer, text: str, conversation: str = "19:team@thread.tacv2;messageid=1700") -> str:
    before = len(teams.cards())
    assert await teams.post(teams.activity(text, conversation_type="channel", conversation_id=conversation)) in (
        200,
        201,
    )
    cards = teams.cards()
    assert len(cards) == before + 1
    return card_text(cards[-1])


def channel(conversation: str) -> Place:
    return Place("teams", "tenant-1", conversation, {})


async def test_digest_commands_in_a_channel_thread_subscribe_the_channel(teams):
    text = await say(teams, "digest aan")
    assert "Digest staat aan" in text and "'digest uit'" in text
    subscription = await teams.store.subscriptions.get(channel("19:team@thread.tacv2"))
    assert subscription.active and subscription.place.reference["serviceUrl"] == teams.connector.service_url
    assert subscription.place.reference["conversation"]["id"] == "19:team@thread.tacv2"  # top level, not the thread
    assert "user" not in subscription.place.reference and "Ambtenaar" not in str(subscription.place.reference)
    assert "elke woensdag om 14:00" in await say(teams, "digest aan wo 14:00")
    assert "staat aan" in await say(teams, "<at>Antenne</at> digest status")
    assert "Digest staat uit" in await say(teams, "digest uit")
    assert not (await teams.store.subscriptions.get(channel("19:team@thread.tacv2"))).active


async def test_digest_is_posted_proactively_as_an_adaptive_card_with_partial_failures(teams):
    for name in ("goed", "verwijderd", "hapert", "druk"):
        await say(teams, "digest aan", conversation=f"19:{name}@thread.tacv2")
    teams.connector.replies.clear()
    teams.connector.fail_conversation("19:verwijderd@thread.tacv2", 403)
    teams.connector.fail_conversation("19:hapert@thread.tacv2", 502)  # once: the retry succeeds
    teams.connector.fail_conversation("19:druk@thread.tacv2", 429, 429, 429, 429)  # throttled throughout
    teams.store.db.clock.set(MONDAY_SLOT)
    summary = await teams.scheduler.run_due()
    assert summary.sent == 2 and summary.failed == {"http_403": 1} and summary.deferred == {"http_429": 1}
    [card] = [a["content"] for a in teams.connector.posts_to("19:goed@thread.tacv2")[0].body["attachments"]]
    text = card_text(card)
    assert "Casus van de week" in text and "Tip van de week" in text and "Bespreek met elkaar" in text
    assert "Digest uit" in submit_actions(card)
    post = teams.connector.posts_to("19:goed@thread.tacv2")[0]
    assert post.headers["Authorization"] == f"Bearer {OUTBOUND_TOKEN}"
    assert len(teams.connector.posts_to("19:hapert@thread.tacv2")) == 2
    assert len(teams.connector.posts_to("19:druk@thread.tacv2")) == 4
    states = {s.place.channel: s.inactive_reason for s in await teams.store.subscriptions.all()}
    assert states["19:verwijderd@thread.tacv2"] is InactiveReason.REMOVED
    assert states["19:goed@thread.tacv2"] is None and states["19:druk@thread.tacv2"] is None
    teams.store.db.clock.set("2026-11-23T08:30:00+00:00")  # after the retry delay: only the throttled one again
    summary = await teams.scheduler.run_due()
    assert summary.sent == 1 and len(teams.connector.posts_to("19:druk@thread.tacv2")) == 5
    assert len(teams.connector.posts_to("19:goed@thread.tacv2")) == 1


async def test_digest_uit_and_feedback_buttons(teams):
    await say(teams, "digest aan", conversation="19:team@thread.tacv2")
    teams.store.db.clock.set(MONDAY_SLOT)
    await teams.scheduler.run_due()
    digest = teams.cards()[-1]
    actions = submit_actions(digest)
    for label in ("👍", "Digest uit"):
        activity = teams.activity(conversation_type="channel", conversation_id="19:team@thread.tacv2")
        activity["value"] = actions[label]
        assert await teams.post(activity) in (200, 201)
    assert "Digest staat uit" in card_text(teams.cards()[-1])
    assert not (await teams.store.subscriptions.get(channel("19:team@thread.tacv2"))).active
    await teams.recorder.flush()
    [votes] = await teams.store.feedback.votes()
    assert votes.up == 1 and votes.item_id in actions["👍"]["antenne"]


async def test_unverified_requests_cannot_subscribe(kb, sqlite_store):
    connector = await FakeConnector().start()
    settings = load_settings({"ANTENNE_TEAMS_MODE": "development"})
    runner, port = await start_app(build_app(settings, Antenne(kb), store=sqlite_store))
    server = TeamsServer(f"http://127.0.0.1:{port}", connector, None, [], sqlite_store.references)
    try:
        activity = server.activity("digest aan", conversation_type="channel", conversation_id="19:dev")
        assert await server.post(activity, token=None) in (200, 201)
        assert "alleen instellen vanuit Teams zelf" in card_text(server.cards()[-1])
        assert await sqlite_store.subscriptions.all() == []
    finally:
        await server.session.close()
        await runner.cleanup()
        await connector.close()


async def test_sender_backs_off_exponentially_with_a_cap(kb, sqlite_store):
    connector = await FakeConnector().start()
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    try:
        adapter = CloudAdapter(build_authentication(load_settings(SETTINGS), StaticCredentialFactory()))
        sender = TeamsDigestSender(adapter, APP_ID, attempts=5, backoff=1.0, backoff_cap=3.0, sleep=sleep)
        reference = {
            "serviceUrl": connector.service_url,
            "channelId": "msteams",
            "conversation": {"id": "19:storing"},
            "bot": {"id": f"28:{APP_ID}"},
        }
        place = Place("teams", "tenant-1", "19:storing", reference)
        subscription = await sqlite_store.subscriptions.subscribe(place, Slot(0, 9, 0))
        items = next_items(kb, "teams", [])
        entry = await sqlite_store.ledger.claim(subscription.id, "2026-W48", sqlite_store.db.clock(), items)
        answer = DigestScheduler(kb, sqlite_store, {}).compose(entry)
        connector.fail_conversation("19:storing", 500, 503, 500, 503, 500)
        delivery = await sender.send(subscription, answer)
        assert delivery.status is DeliveryStatus.DEFERRED and delivery.reason == "http_500"
        assert slept == [1.0, 2.0, 3.0, 3.0] and len(connector.replies) == 5
        connector.fail_conversation("19:storing", 500)
        assert (await sender.send(subscription, answer)).status is DeliveryStatus.SENT
    finally:
        await connector.close()


class SlowConnector(FakeConnector):
    """Takes the post, then answers too late."""

    async def _activity(self, request):
        import asyncio

        response = await super()._activity(request)
        await asyncio.sleep(3)
        return response


async def test_a_post_that_times_out_is_unknown_and_not_retried(kb, sqlite_store):
    connector = await SlowConnector().start()
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    try:
        adapter = CloudAdapter(build_authentication(load_settings(SETTINGS), StaticCredentialFactory()))
        sender = TeamsDigestSender(adapter, APP_ID, attempts=4, timeout=0.5, sleep=sleep)
        reference = {
            "serviceUrl": connector.service_url,
            "channelId": "msteams",
            "conversation": {"id": "19:traag"},
            "bot": {"id": f"28:{APP_ID}"},
        }
        subscription = await sqlite_store.subscriptions.subscribe(
            Place("teams", "tenant-1", "19:traag", reference), Slot(0, 9, 0)
        )
        scheduler = DigestScheduler(kb, sqlite_store, {"teams": sender}, clock=sqlite_store.db.clock)
        sqlite_store.db.clock.set(MONDAY_SLOT)
        summary = await scheduler.run_due()
        [(reason, count)] = summary.unknown.items()
        assert reason.startswith("timeout:") and count == 1 and summary.sent == 0 and slept == []
        assert (await sqlite_store.ledger.entry(subscription.id, "2026-W48")).status.value == "unknown"
        sqlite_store.db.clock.advance(hours=2)
        await scheduler.run_due()
        await scheduler.run_due(now_for_everyone=True)
        assert len(connector.posts_to("19:traag")) == 1  # it arrived once, and was never sent again
    finally:
        await connector.close()
