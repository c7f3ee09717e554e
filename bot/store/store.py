"""Everything Antenne keeps, behind one object the server and CLI open and close."""

from __future__ import annotations

from datetime import timedelta
from typing import Protocol

from antenne.bot.store.database import Clock, Database, utc_now
from antenne.bot.store.dedupe import EventDedupe
from antenne.bot.store.feedback import FeedbackRepository, UnansweredRepository
from antenne.bot.store.ledger import DigestLedger
from antenne.bot.store.references import ReferenceStore
from antenne.bot.store.subscriptions import SubscriptionRepository

DEFAULT_UNANSWERED_RETENTION = timedelta(days=30)


class StoreSettings(Protocol):
    """What the store reads of the settings (bot/config.py), without importing them back."""

    store_url: str
    unanswered_retention_days: int


class Store:
    def __init__(
        self,
        url: str,
        *,
        clock: Clock = utc_now,
        unanswered_retention: timedelta = DEFAULT_UNANSWERED_RETENTION,
    ) -> None:
        self.db = Database(url, clock=clock)
        self.subscriptions = SubscriptionRepository(self.db)
        self.ledger = DigestLedger(self.db)
        self.dedupe = EventDedupe(self.db)
        self.feedback = FeedbackRepository(self.db)
        self.unanswered = UnansweredRepository(self.db, unanswered_retention)
        self.references = ReferenceStore(self.db)

    @classmethod
    def from_settings(cls, settings: StoreSettings) -> Store:
        return cls(settings.store_url, unanswered_retention=timedelta(days=settings.unanswered_retention_days))

    async def start(self) -> None:
        """Create the database if needed and bring its schema up to date."""
        await self.db.migrate()

    async def ping(self) -> bool:
        return await self.db.ping()

    async def purge(self) -> dict[str, int]:
        """Expired dedupe keys and unanswered questions past their retention."""
        return {"dedupe": await self.dedupe.purge(), "unanswered": await self.unanswered.purge()}

    async def close(self) -> None:
        await self.db.close()
