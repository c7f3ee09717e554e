"""Which channels get the weekly digest, when, and why a subscription stopped."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from antenne.bot.places import Place
from antenne.bot.slots import Slot
from antenne.bot.store.database import Database
from antenne.bot.store.schema import subscriptions
from sqlalchemy import select, update
from sqlalchemy.engine import Row


class InactiveReason(StrEnum):
    UNSUBSCRIBED = "unsubscribed"  # someone turned it off
    NOT_IN_CHANNEL = "not_in_channel"  # the bot must be invited into the channel first
    CHANNEL_NOT_FOUND = "channel_not_found"  # the channel is gone
    ARCHIVED = "is_archived"  # the channel was archived
    REMOVED = "bot_removed"  # the bot was removed from the conversation


@dataclass(frozen=True)
class Subscription:
    id: int
    place: Place
    slot: Slot
    active: bool
    inactive_reason: InactiveReason | None
    created_at: datetime
    updated_at: datetime

    @property
    def platform(self) -> str:
        return self.place.platform

    @property
    def label(self) -> str:
        return f"{self.place.platform}:{self.place.workspace}/{self.place.channel}"


def _subscription(row: Row[Any]) -> Subscription:
    return Subscription(
        id=row.id,
        place=Place(row.platform, row.workspace, row.channel, dict(row.reference)),
        slot=Slot(row.weekday, row.hour, row.minute, row.timezone),
        active=row.active,
        inactive_reason=InactiveReason(row.inactive_reason) if row.inactive_reason else None,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class SubscriptionRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def subscribe(self, place: Place, slot: Slot) -> Subscription:
        """Create or re-activate; a repeated 'digest aan' only changes the slot."""
        now = self._db.clock()
        values = {
            "reference": dict(place.reference),
            "weekday": slot.weekday,
            "hour": slot.hour,
            "minute": slot.minute,
            "timezone": slot.timezone,
            "active": True,
            "inactive_reason": None,
            "updated_at": now,
        }
        statement = self._db.upsert(
            subscriptions,
            {"platform": place.platform, "workspace": place.workspace, "channel": place.channel, "created_at": now}
            | values,
            key=("platform", "workspace", "channel"),
            update=values,
        )
        async with self._db.engine.begin() as connection:
            await connection.execute(statement)
        found = await self.get(place)
        assert found is not None  # noqa: S101 - just written in the transaction above
        return found

    @staticmethod
    def _where(place: Place) -> tuple[Any, ...]:
        return (
            subscriptions.c.platform == place.platform,
            subscriptions.c.workspace == place.workspace,
            subscriptions.c.channel == place.channel,
        )

    async def get(self, place: Place) -> Subscription | None:
        async with self._db.engine.connect() as connection:
            row = (await connection.execute(select(subscriptions).where(*self._where(place)))).first()
        return _subscription(row) if row else None

    async def by_id(self, subscription_id: int) -> Subscription | None:
        async with self._db.engine.connect() as connection:
            row = (await connection.execute(select(subscriptions).where(subscriptions.c.id == subscription_id))).first()
        return _subscription(row) if row else None

    async def deactivate(self, subscription_id: int, reason: InactiveReason) -> None:
        statement = (
            update(subscriptions)
            .where(subscriptions.c.id == subscription_id)
            .values(active=False, inactive_reason=reason.value, updated_at=self._db.clock())
        )
        async with self._db.engine.begin() as connection:
            await connection.execute(statement)

    async def all(self, *, active_only: bool = False) -> list[Subscription]:
        query = select(subscriptions).order_by(subscriptions.c.id)
        if active_only:
            query = query.where(subscriptions.c.active.is_(True))
        async with self._db.engine.connect() as connection:
            return [_subscription(row) for row in await connection.execute(query)]
