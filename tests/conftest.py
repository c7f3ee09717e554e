from __future__ import annotations

import os
import random
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from antenne.bot.content.cached import load_knowledge_base
from antenne.bot.content.model import KnowledgeBase
from antenne.bot.content.paths import default_content_dir
from antenne.bot.service import Antenne
from antenne.bot.store.database import sqlalchemy_url
from antenne.bot.store.store import Store

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
PUBLIC_EVAL = SHARED / "eval" / "public.yaml"
INVENTORY = SHARED / "content-inventory.yaml"
DEV_EVAL = REPO / "tests" / "data" / "dev-questions.yaml"


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge_base(default_content_dir())


@pytest.fixture(scope="session")
def antenne(kb: KnowledgeBase) -> Antenne:
    return Antenne(kb, rng=random.Random(7))


# -- the store: SQLite always, PostgreSQL when a test server runs (scripts/test.sh starts one) --------

POSTGRES_URL = os.environ.get("ANTENNE_TEST_POSTGRES_URL", "")
REQUIRE_POSTGRES = os.environ.get("ANTENNE_REQUIRE_POSTGRES") == "1"


class FakeClock:
    """The store's and scheduler's notion of now, moved by the test."""

    def __init__(self, now: datetime | str) -> None:
        self.now = datetime.fromisoformat(now) if isinstance(now, str) else now

    def __call__(self) -> datetime:
        return self.now

    def set(self, now: str) -> None:
        self.now = datetime.fromisoformat(now)

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@asynccontextmanager
async def fresh_postgres_database() -> AsyncIterator[str]:
    """A new, empty database on the test server, dropped afterwards."""
    if not POSTGRES_URL:
        if REQUIRE_POSTGRES:
            pytest.fail("ANTENNE_REQUIRE_POSTGRES=1 but no PostgreSQL server was started (scripts/postgres.sh)")
        pytest.skip("no PostgreSQL test server (run scripts/test.sh to start one)")
    import asyncpg

    name = f"antenne_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(POSTGRES_URL)
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield sqlalchemy_url(POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}", Path())
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield sqlalchemy_url("", tmp_path / "data")
        return
    async with fresh_postgres_database() as url:
        yield url


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock("2026-11-23T07:00:00+00:00")  # Monday 08:00 in Amsterdam


@pytest.fixture
async def store(database_url: str, clock: FakeClock) -> AsyncIterator[Store]:
    store = Store(database_url, clock=clock)
    await store.start()
    yield store
    await store.close()


@pytest.fixture
async def sqlite_store(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Store]:
    """For platform tests: the platform is what they test, not the database."""
    store = Store(sqlalchemy_url("", tmp_path / "data"), clock=clock)
    await store.start()
    yield store
    await store.close()
