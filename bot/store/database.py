"""The database connection: SQLite by default, PostgreSQL for several replicas.

One async SQLAlchemy engine per process; versioned Alembic migrations run on
start, under a PostgreSQL advisory lock so replicas starting together do not race.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import re
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from antenne.bot.errors import StoreUnavailable
from antenne.bot.store.urls import DatabaseUrlError, sqlalchemy_url
from sqlalchemy import Table, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.sql.dml import Insert

__all__ = ["Database", "DatabaseUrlError", "safe_url", "sqlalchemy_url", "utc_now"]

log = logging.getLogger("antenne.store")

MIGRATIONS = Path(__file__).parent / "migrations"
MIGRATION_LOCK = 0x616E74656E6E65  # "antenne": one advisory lock key for every replica
_PROCESS_MIGRATION_LOCK = threading.Lock()

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def safe_url(url: str) -> str:
    """For logs: never the password."""
    return make_url(url).render_as_string(hide_password=True)


def unreachable(url: str, exc: BaseException) -> StoreUnavailable:
    """One readable line for every command: which database (no password) and the driver's own reason."""
    reason = getattr(exc, "orig", None) or exc
    lines = str(reason).strip().splitlines()
    # SQLAlchemy's asyncpg adapter prefixes the driver's class: "<class 'asyncpg…'>: role … does not exist".
    detail = re.sub(r"^<class '[^']+'>:\s*", "", lines[0])[:300] if lines else type(reason).__name__
    password = make_url(url).password
    if password:
        detail = detail.replace(str(password), "***")
    return StoreUnavailable(f"De database is niet bereikbaar ({safe_url(url)}): {detail}")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the HTTP handlers read while the scheduler writes; the busy timeout makes
    # a second process wait for the write lock instead of failing.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


class Database:
    def __init__(self, url: str, *, clock: Clock = utc_now) -> None:
        self.url = url
        self.clock = clock
        parsed = make_url(url)
        self.dialect = parsed.get_backend_name()
        options: dict[str, Any] = {}
        if self.dialect == "postgresql":
            options = {"pool_size": 5, "max_overflow": 5, "pool_pre_ping": True}
        self.engine: AsyncEngine = create_async_engine(url, **options)
        if self.dialect == "sqlite":
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
            self._sqlite_file = parsed.database
        else:
            self._sqlite_file = None

    async def migrate(self) -> None:
        """Bring the schema to the newest version, one migrator at a time.

        Alembic keeps its context in module globals, so migrations in one process
        are serialised by a thread lock; other processes wait on a PostgreSQL
        advisory lock or, for SQLite, an exclusive lock on a file beside the database.
        """
        sqlite_file = Path(self._sqlite_file) if self._sqlite_file and self._sqlite_file != ":memory:" else None
        if sqlite_file is not None:
            sqlite_file.parent.mkdir(parents=True, exist_ok=True)
        await asyncio.to_thread(_PROCESS_MIGRATION_LOCK.acquire)
        try:
            lock_file = sqlite_file.with_name(sqlite_file.name + ".migrate-lock") if sqlite_file else None
            async with _file_lock(lock_file), self.engine.begin() as connection:
                if self.dialect == "postgresql":
                    await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
                await connection.run_sync(_upgrade)
        finally:
            _PROCESS_MIGRATION_LOCK.release()
        log.info("store_ready", extra={"database": safe_url(self.url)})

    async def ping(self) -> bool:
        try:
            async with self.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as exc:  # any driver error means "not ready"
            log.warning("store_unreachable", extra={"error": type(exc).__name__})
            return False
        return True

    def insert_ignoring_conflicts(self, table: Table) -> Insert:
        """INSERT that does nothing when a unique key exists: the basis of every claim."""
        return self._dialect.insert(table).on_conflict_do_nothing()

    def upsert(
        self,
        table: Table,
        values: dict[str, Any],
        *,
        key: tuple[str, ...],
        update: dict[str, Any],
        where: Any = None,
    ) -> Insert:
        """INSERT `values`, or UPDATE the row with the same `key` (only if `where` holds)."""
        statement = self._dialect.insert(table).values(**values)
        return statement.on_conflict_do_update(index_elements=list(key), set_=update, where=where)

    @property
    def _dialect(self) -> Any:
        return postgresql if self.dialect == "postgresql" else sqlite

    async def close(self) -> None:
        await self.engine.dispose()


@asynccontextmanager
async def _file_lock(path: Path | None) -> AsyncIterator[None]:
    """An exclusive flock on `path` (nothing for None) for the duration of the block."""
    if path is None:
        yield
        return
    with path.open("a") as handle:
        await asyncio.to_thread(fcntl.flock, handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _upgrade(connection: Connection) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
