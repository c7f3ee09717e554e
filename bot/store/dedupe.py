"""Event ids already handled, shared by every replica, with a time-to-live.

A platform may deliver an event again when it saw no acknowledgement in time, or
after a network fault, possibly to another replica. Keys are checked a batch at a
time in one statement, so a burst costs a few round trips, not one per event.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Protocol

from antenne.bot.store.database import Database
from antenne.bot.store.schema import event_dedupe
from sqlalchemy import delete

DEFAULT_TTL = timedelta(hours=1)
EventKey = tuple[str, str]  # (scope, key), e.g. (workspace, event id)


class Deduplicator(Protocol):
    async def first_deliveries(self, keys: Iterable[EventKey]) -> set[EventKey]:
        """The keys seen for the first time within the TTL; all are remembered from now on."""
        ...


class EventDedupe:
    def __init__(self, db: Database, ttl: timedelta = DEFAULT_TTL) -> None:
        self._db = db
        self._ttl = ttl

    async def first_delivery(self, scope: str, key: str) -> bool:
        """True the first time (scope, key) is seen within the TTL, False after."""
        return bool(await self.first_deliveries([(scope, key)]))

    async def first_deliveries(self, keys: Iterable[EventKey]) -> set[EventKey]:
        stored = {(scope[:64], key[:255]): (scope, key) for scope, key in keys}
        if not stored:
            return set()
        now = self._db.clock()
        expires_at = now + self._ttl
        # One statement: insert every key, or take over a row that has expired. Rows
        # written come back; a live key writes nothing and does not come back.
        statement = self._db.upsert_many(
            event_dedupe,
            [{"scope": scope, "key": key, "expires_at": expires_at} for scope, key in stored],
            key=("scope", "key"),
            update={"expires_at": expires_at},
            where=event_dedupe.c.expires_at <= now,
        ).returning(event_dedupe.c.scope, event_dedupe.c.key)
        async with self._db.engine.begin() as connection:
            written = (await connection.execute(statement)).all()
        return {stored[(row.scope, row.key)] for row in written}

    async def purge(self) -> int:
        async with self._db.engine.begin() as connection:
            result = await connection.execute(delete(event_dedupe).where(event_dedupe.c.expires_at <= self._db.clock()))
        return result.rowcount
