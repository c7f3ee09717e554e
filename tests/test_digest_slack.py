"""The digest in Slack: /tip digest commands, posting against the loopback Slack, buttons into the store."""

from __future__ import annotations

import time

import pytest
from antenne.adapters.server import LIFECYCLE_KEY, SCHEDULER_KEY, build_app
from antenne.bot.config import load_settings
from antenne.bot.service import Antenne
from antenne.bot.slots import Slot
from antenne.bot.store.recorder import Recorder
from antenne.bot.store.subscriptions import InactiveReason, Place

from tests.fakes.slack_api import TEAM_ID, FakeSlack, start_app
from tests.test_slack import SECRET, Clock, SlackServer, all_text, buttons, mention

MONDAY_SLOT = "2026-11-23T08:00:00+00:00"


@pytest.fixture
async def slack(kb, sqlite_store):
    fake = await FakeSlack().start()
    settings = load_settings(
        {
            "SLACK_BOT_TOKEN": "xoxb-test-token",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": fake.base_url,
            "ANTENNE_DIGEST": "uit",  # the tests run the scheduler themselves
            "ANTENNE_SLACK_DIGEST_INTERVAL_MS": "0",
        }
    )
    recorder = Recorder(sqlite_store)
    antenne = Antenne(kb, on_feedback=recorder.feedback, on_unanswered=recorder.unanswered)
    app = build_app(settings, antenne, store=sqlite_store, recorder=recorder, clock=Clock())
    runner, port = await start_app(app)
    server = SlackServer(f"http://127.0.0.1:{port}", fake, Clock(), [])
    server.store, server.scheduler, server.recorder = sqlite_store, app[SCHEDULER_KEY], recorder
    yield server
    await server.session.close()
    await runner.cleanup()
    await fake.close()


def slack_place(channel: str, team: str = TEAM_ID) -> Place:
    return Place("slack", team, channel, {"team": team, "channel": channel})


async def command(slack: SlackServer, text: str, channel: str = "C0KANAAL") -> str:
    before = len(slack.fake.responses)
    assert (await slack.command(text, channel=channel)).status == 200
    [*_, reply] = await slack.fake.wait_for("response_url", before + 1)
    assert reply.data["response_type"] == "ephemeral"
    return all_text(reply.data["blocks"])


async def test_subscribe_change_status_and_unsubscribe_with_tip_digest(slack):
    text = await command(slack, "digest aan")
    assert "Digest staat aan" in text and "elke maandag om 09:00 (Europe/Amsterdam)" in text
    assert "maandag 23 november 2026 om 09:00" in text  # the store clock: Monday 23 Nov, 08:00 in Amsterdam
    subscription = await slack.store.subscriptions.get(slack_place("C0KANAAL"))
    assert subscription.active and subscription.slot == Slot(0, 9, 0)
    text = await command(slack, "digest aan vr 16:30")
    assert "elke vrijdag om 16:30" in text
    text = await command(slack, "digest status")
    assert "staat aan" in text and "vrijdag 27 november 2026 om 16:30" in text
    text = await command(slack, "digest uit")
    assert "Digest staat uit" in text
    assert not (await slack.store.subscriptions.get(slack_place("C0KANAAL"))).active
    assert "staat uit" in await command(slack, "digest status")
    assert "begrijp ik niet" in await command(slack, "digest aan morgenochtend")
    assert "/tip digest aan" in await command(slack, "digest wat")  # unknown: the digest help
    assert len(await slack.store.subscriptions.all()) == 1


async def test_digest_is_posted_once_as_block_kit_and_failures_are_handled_per_channel(slack):
    for channel in ("C0GOED", "C0WEG", "C0ARCHIEF", "C0NIETLID", "C0DRUK"):
        await command(slack, "digest aan", channel=channel)
    slack.fake.fail_channel("C0WEG", "channel_not_found")
    slack.fake.fail_channel("C0ARCHIEF", "is_archived")
    slack.fake.fail_channel("C0NIETLID", "not_in_channel")
    slack.fake.rate_limit("chat.postMessage", retry_after=1)  # the first post is throttled once
    slack.store.db.clock.set(MONDAY_SLOT)
    started = time.monotonic()
    summary = await slack.scheduler.run_due()
    assert time.monotonic() - started >= 1.0  # Retry-After was honoured
    assert summary.sent == 2 and summary.failed == {"channel_not_found": 1, "is_archived": 1, "not_in_channel": 1}
    posted = [c for c in slack.fake.of("chat.postMessage") if c.data.get("blocks")]
    delivered = {c.data["channel"] for c in posted} - {"C0WEG", "C0ARCHIEF", "C0NIETLID"}
    assert delivered == {"C0GOED", "C0DRUK"}
    blocks = next(c for c in posted if c.data["channel"] == "C0GOED").data["blocks"]
    text = all_text(blocks)
    assert "Casus van de week" in text and "Tip van de week" in text and "Bespreek met elkaar" in text
    assert "Digest uit" in {b["text"]["text"] for b in buttons(blocks)}
    states = {s.place.channel: s.inactive_reason for s in await slack.store.subscriptions.all()}
    assert states == {
        "C0GOED": None,
        "C0WEG": InactiveReason.CHANNEL_NOT_FOUND,
        "C0ARCHIEF": InactiveReason.ARCHIVED,
        "C0NIETLID": InactiveReason.NOT_IN_CHANNEL,
        "C0DRUK": None,
    }
    assert "Nodig me uit" in await command(slack, "digest status", channel="C0NIETLID")
    calls = len(slack.fake.of("chat.postMessage"))
    slack.store.db.clock.set("2026-11-23T09:00:00+00:00")
    assert (await slack.scheduler.run_due()).sent == 0 and len(slack.fake.of("chat.postMessage")) == calls


async def test_invalid_auth_pauses_that_workspace_only(slack):
    for channel in ("C01", "C02"):
        await slack.store.subscriptions.subscribe(slack_place(channel), Slot(0, 9, 0))
    await slack.store.subscriptions.subscribe(slack_place("C03", team="T0ANDERS"), Slot(0, 9, 0))
    slack.fake.fail_channel("C01", "invalid_auth")
    slack.store.db.clock.set(MONDAY_SLOT)
    summary = await slack.scheduler.run_due()
    assert summary.sent == 1 and summary.deferred == {"invalid_auth": 1, "workspace_paused": 1}
    assert [c.data["channel"] for c in slack.fake.of("chat.postMessage")] == ["C01", "C03"]
    assert all(s.active for s in await slack.store.subscriptions.all())  # paused, not stopped


async def test_digest_uit_button_stops_the_digest(slack):
    await command(slack, "digest aan")
    slack.store.db.clock.set(MONDAY_SLOT)
    await slack.scheduler.run_due()
    [post] = slack.fake.of("chat.postMessage")
    off = next(b for b in buttons(post.data["blocks"]) if b["text"]["text"] == "Digest uit")
    assert (await slack.click(off, hook="uit")).status == 200
    [*_, reply] = await slack.fake.wait_for("response_url", 2)
    assert "Digest staat uit" in all_text(reply.data["blocks"]) and reply.data["response_type"] == "ephemeral"
    subscription = await slack.store.subscriptions.get(slack_place("C0KANAAL"))
    assert not subscription.active and subscription.inactive_reason is InactiveReason.UNSUBSCRIBED
    slack.store.db.clock.set("2026-11-30T08:00:00+00:00")
    assert (await slack.scheduler.run_due()).sent == 0


async def test_feedback_buttons_land_in_the_store_without_identity(slack):
    await slack.event(mention("raadslid belt me over een budget, wat nu?"))
    [call] = await slack.fake.wait_for("chat.postMessage")
    up = next(b for b in buttons(call.data["blocks"]) if b["text"]["text"] == "👍")
    await slack.click(up, ephemeral=True)
    await slack.fake.wait_for("response_url")
    await slack.recorder.flush()
    [votes] = await slack.store.feedback.votes()
    assert votes.up == 1 and votes.down == 0 and votes.item_id in up["value"]


async def test_unanswered_questions_are_kept_redacted_when_enabled(slack):
    await slack.event(mention("wat is het weer morgen in Utrecht? mail me op p.jansen@gemeente.nl"))
    await slack.fake.wait_for("chat.postMessage")
    await slack.recorder.flush()
    [question] = await slack.store.unanswered.frequent()
    assert "p.jansen" not in question.question and "[e-mail]" in question.question


async def test_retried_events_are_answered_once_across_replicas(kb, sqlite_store):
    """Two servers on one database: Slack's retry reaching the other replica is still deduplicated."""
    fake = await FakeSlack().start()
    env = {"SLACK_BOT_TOKEN": "xoxb-t", "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.base_url}
    settings = load_settings({**env, "ANTENNE_DIGEST": "uit"})
    runners, servers = [], []
    for _ in range(2):
        runner, port = await start_app(build_app(settings, Antenne(kb), store=sqlite_store))
        runners.append(runner)
        servers.append(SlackServer(f"http://127.0.0.1:{port}", fake, Clock(), []))
    try:
        event = mention("raadslid belt over budget")
        await servers[0].event(event, event_id="EvEENMAAL")
        await servers[1].event(event, event_id="EvEENMAAL", retry=1)
        await fake.wait_for("chat.postMessage")
        for server in servers:  # let both workers finish
            async with server.session.get(f"{server.url}/readyz") as response:
                assert response.status == 200
        assert len(fake.of("chat.postMessage")) == 1
    finally:
        for server in servers:
            await server.session.close()
        for runner in runners:
            await runner.cleanup()
        await fake.close()


async def test_digest_commands_also_work_by_mention(slack):
    await slack.event(mention("digest aan do 10:00"))
    [call] = await slack.fake.wait_for("chat.postMessage")
    assert "elke donderdag om 10:00" in all_text(call.data["blocks"])
    assert (await slack.store.subscriptions.get(slack_place("C0KANAAL"))).slot == Slot(3, 10, 0)


async def test_the_running_server_posts_due_digests_by_itself(kb, sqlite_store):
    fake = await FakeSlack().start()
    await sqlite_store.subscriptions.subscribe(slack_place("C0ZELF"), Slot(0, 9, 0))
    sqlite_store.db.clock.set("2026-11-23T10:00:00+00:00")  # the server starts two hours after the slot
    settings = load_settings(
        {
            "SLACK_BOT_TOKEN": "xoxb-test-token",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": fake.base_url,
            "ANTENNE_DIGEST_CHECK_SECONDS": "5",
        }
    )
    runner, _ = await start_app(build_app(settings, Antenne(kb), store=sqlite_store))
    try:
        [post] = await fake.wait_for("chat.postMessage")
        assert post.data["channel"] == "C0ZELF" and "Casus van de week" in all_text(post.data["blocks"])
    finally:
        await runner.cleanup()
        await fake.close()
    assert (await sqlite_store.ledger.entry(1, "2026-W48")).status.value == "sent"



async def test_a_forked_worker_leaves_due_digests_to_the_first_process(kb, sqlite_store):
    """ANTENNE_WORKERS: only the first process runs the digest loop (adapters/workers.py)."""
    fake = await FakeSlack().start()
    await sqlite_store.subscriptions.subscribe(slack_place("C0ZELF"), Slot(0, 9, 0))
    sqlite_store.db.clock.set("2026-11-23T10:00:00+00:00")
    env = {"SLACK_BOT_TOKEN": "xoxb-t", "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.base_url}
    settings = load_settings({**env, "ANTENNE_DIGEST_CHECK_SECONDS": "5"})
    app = build_app(settings, Antenne(kb), store=sqlite_store)
    app[LIFECYCLE_KEY].runs_digest = False  # what serve_as_worker does
    runner, _ = await start_app(app)
    try:
        with pytest.raises(TimeoutError):
            await fake.wait_for("chat.postMessage", timeout=1.5)
    finally:
        await runner.cleanup()
        await fake.close()
    assert await sqlite_store.ledger.entry(1, "2026-W48") is None


async def test_a_broken_database_gets_a_polite_reply_and_the_bot_keeps_answering(slack, tmp_path):
    await slack.store.db.engine.dispose()
    for file in (tmp_path / "data").glob("antenne.sqlite3*"):
        file.unlink()  # the next connection finds an empty database without tables
    assert "Digest even niet bereikbaar" in await command(slack, "digest aan")
    await slack.event(mention("raadslid belt me over een budget, wat nu?"))
    [call] = await slack.fake.wait_for("chat.postMessage")
    assert "duurzaamheidsbudget" in all_text(call.data["blocks"])


class SlowOrBrokenSlack:
    """A loopback Slack whose chat.postMessage is slow or fails with an HTML page, as a proxy would."""

    def __init__(self, mode: str, delay: float = 0.0) -> None:
        from aiohttp import web

        self.mode, self.delay, self.posts = mode, delay, 0
        self.app = web.Application()
        self.app.router.add_post("/api/chat.postMessage", self._post)

    async def _post(self, request):
        import asyncio

        from aiohttp import web

        self.posts += 1
        await request.read()
        if self.mode == "html500":
            return web.Response(status=500, text="<html><body>Internal Server Error</body></html>",
                                content_type="text/html")  # fmt: skip
        await asyncio.sleep(self.delay)  # Slack got it, and answers too late
        return web.json_response({"ok": True, "ts": "1.000100"})

    async def start(self) -> str:
        self.runner, port = await start_app(self.app)
        return f"http://127.0.0.1:{port}/api/"


def slack_client_for(base_url: str):
    import aiohttp
    from slack_sdk.web.async_client import AsyncWebClient

    client = AsyncWebClient(token="xoxb-t", base_url=base_url)
    client.session = aiohttp.ClientSession()  # as the server does: its default timeout is 300 s
    return client


async def test_a_post_that_times_out_is_unknown_and_never_posted_twice(kb, sqlite_store):
    from antenne.adapters.slack.digest import SlackDigestSender
    from antenne.bot.digest.scheduler import DigestScheduler

    slow = SlowOrBrokenSlack("slow", delay=3.0)
    client = slack_client_for(await slow.start())
    sender = SlackDigestSender(client, min_interval=0, timeout=1)
    scheduler = DigestScheduler(kb, sqlite_store, {"slack": sender}, clock=sqlite_store.db.clock)
    await sqlite_store.subscriptions.subscribe(slack_place("C0TRAAG"), Slot(0, 9, 0))
    sqlite_store.db.clock.set(MONDAY_SLOT)
    try:
        started = time.monotonic()
        summary = await scheduler.run_due()
        assert time.monotonic() - started < 2.5  # the sender's timeout, not the session's 300 s
        [(reason, count)] = summary.unknown.items()
        assert reason.startswith("timeout:") and count == 1 and summary.sent == 0
        entry = await sqlite_store.ledger.entry(1, "2026-W48")
        assert entry.status.value == "unknown"
        for hours in (1, 5, 11):  # within the grace period: retries would post again; there are none
            sqlite_store.db.clock.set(MONDAY_SLOT)
            sqlite_store.db.clock.advance(hours=hours)
            await scheduler.run_due()
        await scheduler.run_due(now_for_everyone=True)
        assert slow.posts == 1
    finally:
        await client.session.close()
        await slow.runner.cleanup()


def test_the_sender_never_waits_longer_than_slack_sdks_30_seconds():
    from antenne.adapters.slack.digest import POST_TIMEOUT, SlackDigestSender
    from slack_sdk.web.async_client import AsyncWebClient

    sender = SlackDigestSender(AsyncWebClient(token="xoxb-t", timeout=300), timeout=600)
    assert POST_TIMEOUT == 30 and sender._client.timeout == 30 and sender._client.session is None


async def test_an_html_500_is_recorded_as_a_readable_reason(kb, sqlite_store):
    from antenne.adapters.slack.digest import SlackDigestSender
    from antenne.bot.digest.scheduler import DigestScheduler

    broken = SlowOrBrokenSlack("html500")
    client = slack_client_for(await broken.start())
    scheduler = DigestScheduler(
        kb, sqlite_store, {"slack": SlackDigestSender(client, min_interval=0)}, clock=sqlite_store.db.clock
    )
    await sqlite_store.subscriptions.subscribe(slack_place("C0STUK"), Slot(0, 9, 0))
    sqlite_store.db.clock.set(MONDAY_SLOT)
    try:
        summary = await scheduler.run_due()
    finally:
        await client.session.close()
        await broken.runner.cleanup()
    assert summary.deferred == {"http_500": 1} and not summary.unknown
    entry = await sqlite_store.ledger.entry(1, "2026-W48")
    assert entry.status.value == "deferred" and entry.reason == "http_500"
