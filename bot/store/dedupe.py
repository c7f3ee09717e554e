"""Platform event ids already handled, shared by every replica, with a time-to-live.

Slack retries an event it saw no 200 for within 3 seconds, and may deliver it
again after a network fault, possibly to another replica.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Protocol

from antenne.bot.store.database import Database
from antenne.bot.store.schema import event_dedupe
from sqlalchemy import delete

DEFAULT_TTL = timedelta(hours=1)


class Deduplicator(Protocol):
    async def first_delivery(self, scope: str, key: str) -> bool:
        """True the first time (scope, key) is seen within the TTL, False after."""
        ...


class EventDedupe:
    def __init__(self, db: Database, ttl: timedelta = DEFAULT_TTL) -> None:
        self._db = db
        self._ttl = ttl

    async def first_delivery(self, scope: str, key: str) -> bool:
        now = self._db.clock()
        # One statement: insert the key, or take over its row if that has expired.
        # Either way one row is written; a live key writes none.
        expires_at = now + self._ttl
        statement = self._db.upsert(
            event_dedupe,
            {"scope": scope[:64], "key": key[:255], "expires_at": expires_at},
            key=("scope", "key"),
            update={"expires_at": expires_at},
            where=event_dedupe.c.expires_at <= now,
        )
        async with self._db.engine.begin() as connection:
            return (await connection.execute(statement)).rowcount == 1

    async def purge(self) -> int:
        async with self._db.engine.begin() as connection:
            result = await connection.execute(delete(event_dedupe).where(event_dedupe.c.expires_at <= self._db.clock()))
        return result.rowcount
