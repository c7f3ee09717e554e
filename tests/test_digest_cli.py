"""`antenne digest list|preview|run-now` and `antenne report`, as an operator runs them."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime

import pytest
from antenne.bot.slots import Slot
from antenne.bot.store.database import sqlalchemy_url
from antenne.bot.store.ledger import LedgerStatus
from antenne.bot.store.store import Store
from antenne.bot.store.subscriptions import InactiveReason, Place

from tests.fakes.slack_api import TEAM_ID, FakeSlack


def antenne(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
    import subprocess

    result = subprocess.run(
        [sys.executable, "-m", "antenne", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    return result.returncode, result.stdout, result.stderr


async def seeded(data_dir) -> None:
    store = Store(sqlalchemy_url("", data_dir))
    await store.start()
    await store.subscriptions.subscribe(Place("slack", TEAM_ID, "C0KANAAL", {"channel": "C0KANAAL"}), Slot(0, 9, 0))
    gone = await store.subscriptions.subscribe(Place("slack", TEAM_ID, "C0OUD", {"channel": "C0OUD"}), Slot(4, 16, 0))
    await store.subscriptions.deactivate(gone.id, InactiveReason.NOT_IN_CHANNEL)
    for item, vote in [("provincie-jeugdzorg", -1), ("provincie-jeugdzorg", -1), ("provincie-jeugdzorg", 1)]:
        await store.feedback.record(item, vote)
    for question in ["wanneer is de kerstborrel", "Wanneer is de kerstborrel", "bel me op 0612345678 over parkeren"]:
        await store.unanswered.record(question)
    await store.close()


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    return {"ANTENNE_DATA_DIR": str(tmp_path / "data")}


def test_digest_list_shows_each_subscription_with_its_state(env, tmp_path):
    code, out, _ = antenne("digest", "list", env=env)
    assert code == 0 and "Nog geen abonnementen" in out
    asyncio.run(seeded(tmp_path / "data"))
    code, out, _ = antenne("digest", "list", env=env)
    assert code == 0
    header, _, active, inactive = out.strip().splitlines()
    assert header.split()[:4] == ["id", "platform", "werkruimte", "kanaal"]
    assert "C0KANAAL" in active and "maandag om 09:00" in active and "actief" in active
    assert "C0OUD" in inactive and "nodig de bot uit" in inactive


def test_digest_preview_shows_the_next_digest(env, tmp_path):
    asyncio.run(seeded(tmp_path / "data"))
    code, out, _ = antenne("digest", "preview", "--channel", "C0KANAAL", env=env)
    assert code == 0
    assert "Casus van de week" in out and "Tip van de week" in out and "Bespreek met elkaar" in out
    code, out, _ = antenne("digest", "preview", "--channel", "C0ONBEKEND", env=env)
    assert "Geen abonnement" in out


def test_report_shows_what_the_store_holds(env, tmp_path):
    code, out, _ = antenne("report", env=env)
    assert code == 0 and "Geen onbeantwoorde vragen bewaard" in out and "ANTENNE_LOG_UNANSWERED staat uit" in out
    asyncio.run(seeded(tmp_path / "data"))
    # The server kept questions; this shell has the switch off: the report shows them, and says so.
    code, out, _ = antenne("report", env=env)
    assert code == 0 and "provincie-jeugdzorg" in out and "kerstborrel" in out
    assert "niet bewaard" not in out and "bewaarde een server met die instelling aan" in out
    code, out, _ = antenne("report", env={**env, "ANTENNE_LOG_UNANSWERED": "aan"})
    assert "ANTENNE_LOG_UNANSWERED" not in out
    lines = out.splitlines()
    row = next(line for line in lines if "provincie-jeugdzorg" in line)
    assert row.split()[:2] == ["1", "2"]
    first_question = lines[lines.index(next(line for line in lines if line.startswith("aantal"))) + 2]
    assert first_question.split()[0] == "2" and "kerstborrel" in first_question
    assert "0612345678" not in out and "[telefoon]" in out


def test_bad_database_url_is_a_readable_configuration_error(env):
    code, _, err = antenne("digest", "list", env={**env, "DATABASE_URL": "mysql://db/antenne"})
    assert code == 2 and "DATABASE_URL" in err and "Traceback" not in err


@pytest.mark.parametrize("command", [("report",), ("digest", "list"), ("digest", "preview"), ("digest", "run-now")])
def test_unreachable_database_is_one_line_and_exit_3_everywhere(env, command):
    code, _, err = antenne(*command, env={**env, "DATABASE_URL": "postgresql://antenne@127.0.0.1:1/antenne"})
    assert code == 3 and "Traceback" not in err
    [line] = [line for line in err.splitlines() if not line.startswith("{")]  # JSON log lines aside
    assert line.startswith("De database is niet bereikbaar (postgresql+asyncpg://antenne@127.0.0.1:1/antenne)")


async def test_missing_role_or_database_is_one_line_and_exit_3(env):
    from tests.conftest import fresh_postgres_database

    async with fresh_postgres_database() as url:
        plain = url.replace("postgresql+asyncpg://", "postgresql://")
        server, name = plain.rsplit("/", 1)
        for broken in (plain.replace("antenne@", "niemand@", 1), f"{server}/{name}_bestaat_niet"):
            for command in (("digest", "list"), ("digest", "run-now"), ("report",)):
                code, _, err = await asyncio.to_thread(antenne, *command, env={**env, "DATABASE_URL": broken})
                assert code == 3 and "Traceback" not in err and "niet bereikbaar" in err, (command, err)


def test_a_closed_pipe_is_not_a_database_problem(env, tmp_path):
    import subprocess

    asyncio.run(seeded(tmp_path / "data"))
    process = subprocess.Popen(
        [sys.executable, "-m", "antenne", "digest", "preview"],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdout.close()  # `| head -0`: nobody reads
    code = process.wait(timeout=60)
    err = process.stderr.read().decode()
    assert code == 141 and "database" not in err and "Traceback" not in err


async def sent_this_week(data_dir) -> Slot:
    """A Sunday-evening channel got this week's digest early (run-now): its next one is next week's."""
    store = Store(sqlalchemy_url("", data_dir))
    await store.start()
    now = datetime.now(UTC)
    slot = Slot(6, 23, 59)
    sunday = await store.subscriptions.subscribe(Place("slack", TEAM_ID, "C0ZONDAG", {"channel": "C0ZONDAG"}), slot)
    entry = await store.ledger.claim(sunday.id, slot.iso_week(now), now, ("a", "b"))
    await store.ledger.finish(entry.id, LedgerStatus.SENT)
    gone = next(s for s in await store.subscriptions.all() if s.place.channel == "C0OUD")
    entry = await store.ledger.claim(gone.id, "2026-W40", now, ("a", "b"))
    await store.ledger.finish(entry.id, LedgerStatus.DEFERRED, "http_500")
    await store.close()
    return slot


def test_digest_list_names_the_next_week_without_a_digest_and_states_in_dutch(env, tmp_path):
    from antenne.bot.digest.compose import when

    asyncio.run(seeded(tmp_path / "data"))
    slot = asyncio.run(sent_this_week(tmp_path / "data"))
    code, out, _ = antenne("digest", "list", env=env)
    assert code == 0
    now = datetime.now(UTC)
    this_sunday = slot.next_after(now)
    assert slot.iso_week(this_sunday) == slot.iso_week(now)  # not yet passed, but already sent
    row = next(line for line in out.splitlines() if "C0ZONDAG" in line)
    assert when(slot.next_after(this_sunday), slot) in row and when(this_sunday, slot) not in row
    assert f"{slot.iso_week(now)} geplaatst" in row
    inactive = next(line for line in out.splitlines() if "C0OUD" in line)
    assert "2026-W40 uitgesteld (http_500)" in inactive
    assert not any(word in out for word in ("deferred", "claimed", " sent", "failed"))


def with_slack(env: dict[str, str], fake: FakeSlack) -> dict[str, str]:
    """The environment of a Slack workspace whose Web API is the loopback fake."""
    return {
        **env,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_APP_TOKEN": "xapp-test",
        "SLACK_API_URL": fake.base_url,
        "ANTENNE_SLACK_DIGEST_INTERVAL_MS": "0",
    }


async def test_run_now_posts_once_per_week_through_slack(env, tmp_path):
    await seeded(tmp_path / "data")
    fake = await FakeSlack().start()
    slack_env = with_slack(env, fake)
    try:
        code, out, _ = await asyncio.to_thread(antenne, "digest", "run-now", env=slack_env)
        assert code == 0 and "Verstuurd: 1" in out
        [post] = fake.of("chat.postMessage")
        assert post.data["channel"] == "C0KANAAL" and "Casus van de week" in str(post.data["blocks"])
        code, out, _ = await asyncio.to_thread(antenne, "digest", "run-now", env=slack_env)
        assert code == 0 and "Verstuurd: 0" in out and len(fake.of("chat.postMessage")) == 1
        store = Store(sqlalchemy_url("", tmp_path / "data"))
        week = Slot(0, 9, 0).iso_week(datetime.now(UTC))
        assert (await store.ledger.entry(1, week)).status.value == "sent"
        await store.close()
    finally:
        await fake.close()


async def test_run_now_names_the_channels_it_left_claimed_or_unknown(env, tmp_path):
    await seeded(tmp_path / "data")
    store = Store(sqlalchemy_url("", tmp_path / "data"))
    await store.start()
    now = datetime.now(UTC)
    killed = await store.subscriptions.subscribe(Place("slack", TEAM_ID, "C0GEKLAIMD", {}), Slot(0, 9, 0))
    await store.ledger.claim(killed.id, killed.slot.iso_week(now), now, ("a", "b"))  # a run killed mid-post
    timed_out = await store.subscriptions.subscribe(Place("slack", TEAM_ID, "C0TRAAG", {}), Slot(0, 9, 0))
    entry = await store.ledger.claim(timed_out.id, timed_out.slot.iso_week(now), now, ("a", "b"))
    await store.ledger.finish(entry.id, LedgerStatus.UNKNOWN, "timeout:TimeoutError")
    await store.close()
    fake = await FakeSlack().start()
    slack_env = with_slack(env, fake)
    try:
        code, out, err = await asyncio.to_thread(antenne, "digest", "run-now", env=slack_env)
    finally:
        await fake.close()
    assert code == 1 and "Verstuurd: 1" in out, err
    assert [post.data["channel"] for post in fake.of("chat.postMessage")] == ["C0KANAAL"]
    assert "Blijft geclaimd (een eerdere run stopte halverwege" in out and f"slack {TEAM_ID}/C0GEKLAIMD" in out
    assert "Onbekend of geplaatst" in out and f"slack {TEAM_ID}/C0TRAAG" in out
    assert "C0KANAAL" not in out.split("Verstuurd")[1]
