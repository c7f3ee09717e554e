"""Event ids already handled, shared by every replica, with a time-to-live.

A platform may deliver an event again when it saw no acknowledgement in time, or
after a network fault, possibly to another replica. Keys are checked a batch at a
time in one statement, so a burst costs a few round trips, not one per event.

The statement for a batch of n keys is built once, with bound parameters, and
kept: SQLAlchemy does not cache a multi-row INSERT built from values, and
compiling one for 64 keys cost more than the database's work.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Protocol

from antenne.bot.store.database import Database
from antenne.bot.store.schema import event_dedupe
from sqlalchemy import TextClause, bindparam, delete, text

DEFAULT_TTL = timedelta(hours=1)
EventKey = tuple[str, str]  # (scope, key), e.g. (workspace, event id)
KEPT_STATEMENTS = 128  # batch sizes whose statement is kept; larger batches build theirs each time


class Deduplicator(Protocol):
    async def first_deliveries(self, keys: Iterable[EventKey]) -> set[EventKey]:
        """The keys seen for the first time within the TTL; all are remembered from now on."""
        ...


class EventDedupe:
    def __init__(self, db: Database, ttl: timedelta = DEFAULT_TTL) -> None:
        self._db = db
        self._ttl = ttl
        self._statements: dict[int, TextClause] = {}

    async def first_delivery(self, scope: str, key: str) -> bool:
        """True the first time (scope, key) is seen within the TTL, False after."""
        return bool(await self.first_deliveries([(scope, key)]))

    async def first_deliveries(self, keys: Iterable[EventKey]) -> set[EventKey]:
        stored = {(scope[:64], key[:255]): (scope, key) for scope, key in keys}
        if not stored:
            return set()
        now = self._db.clock()
        parameters: dict[str, object] = {"now": now, "expires_at": now + self._ttl}
        for n, (scope, key) in enumerate(stored):
            parameters[f"scope_{n}"], parameters[f"key_{n}"] = scope, key
        async with self._db.engine.begin() as connection:
            written = (await connection.execute(self._claim(len(stored)), parameters)).all()
        return {stored[(row.scope, row.key)] for row in written}

    def _claim(self, size: int) -> TextClause:
        """One statement for `size` keys: insert every key, or take over a row that has expired.

        Rows written come back; a live key writes nothing and does not come back. The
        same SQL runs on SQLite (3.35+) and PostgreSQL, as SQLAlchemy would write it.
        """
        statement = self._statements.get(size)
        if statement is not None:
            return statement
        # Only placeholders are formatted into the SQL; every value is a bound parameter.
        rows = ", ".join(f"(:scope_{n}, :key_{n}, :expires_at)" for n in range(size))
        statement = text(
            f'INSERT INTO {event_dedupe.name} (scope, "key", expires_at) VALUES {rows} '  # noqa: S608
            'ON CONFLICT (scope, "key") DO UPDATE SET expires_at = :expires_at '
            f"WHERE {event_dedupe.name}.expires_at <= :now "
            'RETURNING scope, "key"'
        ).bindparams(
            bindparam("expires_at", type_=event_dedupe.c.expires_at.type),
            bindparam("now", type_=event_dedupe.c.expires_at.type),
        )
        if size <= KEPT_STATEMENTS:
            self._statements[size] = statement
        return statement

    async def purge(self) -> int:
        async with self._db.engine.begin() as connection:
            result = await connection.execute(delete(event_dedupe).where(event_dedupe.c.expires_at <= self._db.clock()))
        return result.rowcount
