"""The digest ledger: one row per (subscription, ISO week), claimed before sending.

The unique row is what makes a digest go out at most once per week, whatever
the number of replicas and however often a process restarts: only the process
whose INSERT created the row may send.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from antenne.bot.store.database import Database
from antenne.bot.store.schema import digest_ledger
from sqlalchemy import select, update
from sqlalchemy.engine import Row


class LedgerStatus(StrEnum):
    CLAIMED = "claimed"  # being sent; if it stays like this the process died mid-send: never re-sent
    SENT = "sent"
    DEFERRED = "deferred"  # transient failure: may be claimed again after retry_at
    FAILED = "failed"  # permanent failure for this week
    UNKNOWN = "unknown"  # the post timed out after it may have reached the platform: never re-sent


# Rows that count as "this week's digest went out, or may have": never posted again, and
# their items count as seen for the rotation.
MAYBE_SENT = (LedgerStatus.SENT, LedgerStatus.CLAIMED, LedgerStatus.UNKNOWN)


@dataclass(frozen=True)
class LedgerEntry:
    id: int
    subscription_id: int
    iso_week: str
    slot_at: datetime
    status: LedgerStatus
    items: tuple[str, ...]
    attempts: int
    reason: str | None
    retry_at: datetime | None
    updated_at: datetime


def _entry(row: Row[Any]) -> LedgerEntry:
    return LedgerEntry(
        id=row.id,
        subscription_id=row.subscription_id,
        iso_week=row.iso_week,
        slot_at=row.slot_at,
        status=LedgerStatus(row.status),
        items=tuple(row.items),
        attempts=row.attempts,
        reason=row.reason,
        retry_at=row.retry_at,
        updated_at=row.updated_at,
    )


class DigestLedger:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def claim(
        self, subscription_id: int, iso_week: str, slot_at: datetime, items: tuple[str, ...]
    ) -> LedgerEntry | None:
        """The new row, only for the one caller whose INSERT created it; None for everyone else."""
        now = self._db.clock()
        insert = (
            self._db.insert_ignoring_conflicts(digest_ledger)
            .values(
                subscription_id=subscription_id,
                iso_week=iso_week,
                slot_at=slot_at,
                status=LedgerStatus.CLAIMED.value,
                items=list(items),
                attempts=1,
                claimed_at=now,
                updated_at=now,
            )
            .returning(*digest_ledger.c)
        )
        async with self._db.engine.begin() as connection:
            row = (await connection.execute(insert)).first()
        return _entry(row) if row else None

    async def reclaim(self, entry: LedgerEntry, items: tuple[str, ...]) -> LedgerEntry | None:
        """Take a deferred row back; compare-and-set on attempts, so one replica wins."""
        statement = (
            update(digest_ledger)
            .where(
                digest_ledger.c.id == entry.id,
                digest_ledger.c.status == LedgerStatus.DEFERRED.value,
                digest_ledger.c.attempts == entry.attempts,
            )
            .values(
                status=LedgerStatus.CLAIMED.value,
                attempts=entry.attempts + 1,
                items=list(items),
                retry_at=None,
                updated_at=self._db.clock(),
            )
            .returning(*digest_ledger.c)
        )
        async with self._db.engine.begin() as connection:
            row = (await connection.execute(statement)).first()
        return _entry(row) if row else None

    async def finish(
        self, entry_id: int, status: LedgerStatus, reason: str | None = None, retry_at: datetime | None = None
    ) -> None:
        statement = (
            update(digest_ledger)
            .where(digest_ledger.c.id == entry_id)
            .values(status=status.value, reason=reason, retry_at=retry_at, updated_at=self._db.clock())
        )
        async with self._db.engine.begin() as connection:
            await connection.execute(statement)

    async def entry(self, subscription_id: int, iso_week: str) -> LedgerEntry | None:
        query = select(digest_ledger).where(
            digest_ledger.c.subscription_id == subscription_id, digest_ledger.c.iso_week == iso_week
        )
        async with self._db.engine.connect() as connection:
            row = (await connection.execute(query)).first()
        return _entry(row) if row else None

    async def for_weeks(self, weeks: set[str]) -> dict[tuple[int, str], LedgerEntry]:
        """Every row of these ISO weeks, by (subscription, week): one query per scheduler tick."""
        if not weeks:
            return {}
        query = select(digest_ledger).where(digest_ledger.c.iso_week.in_(sorted(weeks)))
        async with self._db.engine.connect() as connection:
            return {(e.subscription_id, e.iso_week): e for e in map(_entry, await connection.execute(query))}

    async def history(self, subscription_id: int) -> list[LedgerEntry]:
        query = (
            select(digest_ledger)
            .where(digest_ledger.c.subscription_id == subscription_id)
            .order_by(digest_ledger.c.slot_at)
        )
        async with self._db.engine.connect() as connection:
            return [_entry(row) for row in await connection.execute(query)]

    async def items_sent(self, subscription_id: int) -> list[tuple[str, ...]]:
        """The items of every digest that went out, or may have (claimed, unknown), for the rotation."""
        return [e.items for e in await self.history(subscription_id) if e.status in MAYBE_SENT]

    async def all(self) -> list[LedgerEntry]:
        query = select(digest_ledger).order_by(digest_ledger.c.subscription_id, digest_ledger.c.slot_at)
        async with self._db.engine.connect() as connection:
            return [_entry(row) for row in await connection.execute(query)]
