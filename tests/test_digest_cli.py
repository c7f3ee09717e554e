"""`antenne digest list|preview|run-now` and `antenne report`, as an operator runs them."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime

import pytest
from antenne.bot.slots import Slot
from antenne.bot.store.database import sqlalchemy_url
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


def test_report_shows_feedback_and_only_kept_questions(env, tmp_path):
    asyncio.run(seeded(tmp_path / "data"))
    code, out, _ = antenne("report", env=env)
    assert code == 0 and "provincie-jeugdzorg" in out and "ANTENNE_LOG_UNANSWERED" in out
    assert "kerstborrel" not in out  # stored earlier, but the operator turned the log off
    code, out, _ = antenne("report", env={**env, "ANTENNE_LOG_UNANSWERED": "aan"})
    lines = out.splitlines()
    row = next(line for line in lines if "provincie-jeugdzorg" in line)
    assert row.split()[:2] == ["1", "2"]
    first_question = lines[lines.index(next(line for line in lines if line.startswith("aantal"))) + 2]
    assert first_question.split()[0] == "2" and "kerstborrel" in first_question
    assert "0612345678" not in out and "[telefoon]" in out


def test_bad_database_url_is_a_readable_configuration_error(env):
    code, _, err = antenne("digest", "list", env={**env, "DATABASE_URL": "mysql://db/antenne"})
    assert code == 2 and "DATABASE_URL" in err and "Traceback" not in err


def test_unreachable_database_is_reported_not_a_traceback(env):
    code, _, err = antenne("report", env={**env, "DATABASE_URL": "postgresql://antenne@127.0.0.1:1/antenne"})
    assert code == 3 and "niet bereikbaar" in err and "Traceback" not in err


async def test_run_now_posts_once_per_week_through_slack(env, tmp_path):
    await seeded(tmp_path / "data")
    fake = await FakeSlack().start()
    slack_env = {
        **env,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_APP_TOKEN": "xapp-test",
        "SLACK_API_URL": fake.base_url,
        "ANTENNE_SLACK_DIGEST_INTERVAL_MS": "0",
    }
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
