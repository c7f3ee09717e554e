"""The store on SQLite and on a real PostgreSQL server: migrations, claims, dedupe, privacy."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from antenne.bot.slots import Slot
from antenne.bot.store.database import DatabaseUrlError, safe_url, sqlalchemy_url
from antenne.bot.store.schema import metadata
from antenne.bot.store.store import Store
from antenne.bot.store.subscriptions import InactiveReason, Place
from sqlalchemy import text

PLACE = Place("slack", "T0GEMEENTE", "C0KANAAL", {"channel": "C0KANAAL", "team": "T0GEMEENTE"})


async def test_migrations_create_exactly_the_schema_the_code_uses(store):
    def diff(connection):
        return compare_metadata(MigrationContext.configure(connection), metadata)

    async with store.db.engine.connect() as connection:
        assert await connection.run_sync(diff) == []
        version = (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalar_one()
    assert version == "0001"
    await store.start()  # a second start (restart, another replica) is a no-op
    assert await store.ping()


async def test_sqlite_file_and_directory_are_created_on_first_start(tmp_path):
    store = Store(sqlalchemy_url("", tmp_path / "nieuw" / "data"))
    await store.start()
    await store.close()
    assert (tmp_path / "nieuw" / "data" / "antenne.sqlite3").is_file()


async def test_replicas_starting_together_migrate_once(database_url):
    stores = [Store(database_url) for _ in range(4)]
    await asyncio.gather(*(s.start() for s in stores))
    assert all([await s.ping() for s in stores])
    for s in stores:
        await s.close()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@db/antenne", "postgresql+asyncpg://u:p@db/antenne"),
        ("postgresql://u@db:5433/antenne", "postgresql+asyncpg://u@db:5433/antenne"),
        ("sqlite:////var/lib/antenne/a.db", "sqlite+aiosqlite:////var/lib/antenne/a.db"),
    ],
)
def test_database_urls_as_people_write_them(given, expected):
    assert sqlalchemy_url(given, Path("data")) == expected


@pytest.mark.parametrize("given", ["mysql://db/antenne", "db.example.nl"])
def test_unsupported_database_urls_are_refused(given):
    with pytest.raises(DatabaseUrlError):
        sqlalchemy_url(given, Path("data"))


def test_logged_urls_hide_the_password():
    assert "geheim" not in safe_url("postgresql+asyncpg://antenne:geheim@db/antenne")


async def test_subscribe_resubscribe_and_deactivate(store, clock):
    first = await store.subscriptions.subscribe(PLACE, Slot(0, 9, 0))
    assert first.active and first.slot == Slot(0, 9, 0) and first.place.reference["team"] == "T0GEMEENTE"
    await store.subscriptions.deactivate(first.id, InactiveReason.NOT_IN_CHANNEL)
    stopped = await store.subscriptions.get(PLACE)
    assert not stopped.active and stopped.inactive_reason is InactiveReason.NOT_IN_CHANNEL
    clock.advance(days=1)
    again = await store.subscriptions.subscribe(PLACE, Slot(4, 16, 30))
    assert again.id == first.id and again.active and again.inactive_reason is None
    assert again.slot == Slot(4, 16, 30) and again.created_at == first.created_at
    assert [s.id for s in await store.subscriptions.all(active_only=True)] == [first.id]


async def test_concurrent_subscribes_to_one_channel_make_one_subscription(store):
    await asyncio.gather(*(store.subscriptions.subscribe(PLACE, Slot(0, 9, 0)) for _ in range(10)))
    assert len(await store.subscriptions.all()) == 1


async def test_exactly_one_of_many_concurrent_claims_wins(database_url, clock):
    stores = [Store(database_url, clock=clock) for _ in range(3)]
    await stores[0].start()
    subscription = await stores[0].subscriptions.subscribe(PLACE, Slot(0, 9, 0))
    claims = [
        s.ledger.claim(subscription.id, "2026-W48", clock(), ("case", "tip")) for s in stores for _ in range(10)
    ]
    winners = [entry for entry in await asyncio.gather(*claims) if entry is not None]
    assert len(winners) == 1 and winners[0].items == ("case", "tip") and winners[0].attempts == 1
    for s in stores:
        await s.close()


async def test_event_dedupe_remembers_keys_for_the_ttl(store, clock):
    assert await store.dedupe.first_delivery("slack:T1", "Ev1")
    assert not await store.dedupe.first_delivery("slack:T1", "Ev1")
    assert await store.dedupe.first_delivery("slack:T2", "Ev1")  # another workspace
    clock.advance(minutes=61)
    assert await store.dedupe.first_delivery("slack:T1", "Ev1")  # expired: a new delivery
    clock.advance(minutes=61)
    assert (await store.purge())["dedupe"] == 2


async def test_feedback_is_counted_per_item_without_identity(store):
    for item, vote in [("casus-a", 1), ("casus-a", 1), ("casus-a", -1), ("tip-b", -1)]:
        await store.feedback.record(item, vote)
    votes = {v.item_id: (v.up, v.down) for v in await store.feedback.votes()}
    assert votes == {"casus-a": (2, 1), "tip-b": (0, 1)}
    async with store.db.engine.connect() as connection:
        columns = (await connection.execute(text("SELECT * FROM feedback"))).keys()
    assert set(columns) == {"id", "item_id", "vote", "created_at"}


async def test_unanswered_questions_are_redacted_grouped_and_expire(database_url, clock):
    store = Store(database_url, clock=clock, unanswered_retention=timedelta(days=7))
    await store.start()
    await store.unanswered.record("Wat is het BSN 123456789 van jan@gemeente.nl? Bel 06-12345678")
    await store.unanswered.record("hoe laat gaat de kantine open")
    clock.advance(days=3)
    await store.unanswered.record("Hoe laat gaat de  kantine open")
    frequent = await store.unanswered.frequent()
    assert frequent[0].count == 2 and frequent[0].question.lower() == "hoe laat gaat de kantine open"
    stored = frequent[1].question
    assert "123456789" not in stored and "jan@" not in stored and "12345678" not in stored
    assert stored == "Wat is het BSN [nummer] van [e-mail]? Bel [telefoon]"
    clock.advance(days=5)  # the first two are now 8 days old
    assert (await store.purge())["unanswered"] == 2
    assert [(q.question, q.count) for q in await store.unanswered.frequent()] == [("Hoe laat gaat de kantine open", 1)]
    await store.close()


async def test_conversation_references_are_saved_and_updated(store):
    await store.references.save(Place("teams", "tenant-1", "19:kanaal", {"serviceUrl": "https://a/"}))
    await store.references.save(Place("teams", "tenant-1", "19:kanaal", {"serviceUrl": "https://b/"}))
    found = await store.references.get("teams", "19:kanaal")
    assert found.reference == {"serviceUrl": "https://b/"} and found.workspace == "tenant-1"
    assert await store.references.get("teams", "19:ander") is None
