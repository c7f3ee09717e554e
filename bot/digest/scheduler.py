"""Post each subscription's weekly digest exactly once, from any number of replicas.

The database is the only truth: on every tick each replica looks at the active
subscriptions, works out which slot is due, and tries to claim that week's
ledger row. Only the replica whose INSERT created the row posts. A process that
was down posts on return within the grace period; a process that dies between
claim and post leaves the row 'claimed', and a post that timed out after it may
have arrived leaves it 'unknown': nobody posts either again that week.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from antenne.bot.answers.model import Answer
from antenne.bot.config import Settings
from antenne.bot.content.model import KnowledgeBase
from antenne.bot.digest.compose import digest_for
from antenne.bot.digest.delivery import Delivery, DeliveryStatus, DigestSender
from antenne.bot.digest.rotation import next_items
from antenne.bot.digest.slots import Slot
from antenne.bot.store.database import Clock, utc_now
from antenne.bot.store.ledger import LedgerEntry, LedgerStatus
from antenne.bot.store.store import Store
from antenne.bot.store.subscriptions import Subscription

log = logging.getLogger("antenne.digest")

DEFAULT_GRACE = timedelta(hours=12)
DEFAULT_RETRY_DELAY = timedelta(minutes=10)
MAX_ATTEMPTS = 5
PURGE_EVERY = timedelta(hours=1)


def next_post(slot: Slot, now: datetime, weeks_with_digest: Collection[str]) -> datetime:
    """The next slot moment after `now` in an ISO week that has no ledger row yet (one digest a week).

    Shared by `/tip digest status` and `antenne digest list`, so both name the same date.
    """
    moment = slot.next_after(now)
    while slot.iso_week(moment) in weeks_with_digest:
        moment = slot.next_after(moment)
    return moment


@dataclass
class RunSummary:
    sent: int = 0
    deferred: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)
    unknown: Counter[str] = field(default_factory=Counter)  # timed out: may have arrived, never re-sent
    deactivated: int = 0
    missed: int = 0  # slots that passed longer ago than the grace period while nobody ran

    @property
    def eventful(self) -> bool:
        return bool(self.sent or self.deferred or self.failed or self.unknown or self.deactivated)

    def as_log(self) -> dict[str, object]:
        return {
            "sent": self.sent,
            "deferred": sum(self.deferred.values()),
            "failed": sum(self.failed.values()),
            "unknown": sum(self.unknown.values()),
            "deferred_by_reason": dict(self.deferred),
            "failed_by_reason": dict(self.failed),
            "deactivated": self.deactivated,
            "missed": self.missed,
        }


class DigestScheduler:
    def __init__(
        self,
        kb: KnowledgeBase,
        store: Store,
        senders: Mapping[str, DigestSender],
        *,
        clock: Clock = utc_now,
        grace: timedelta = DEFAULT_GRACE,
        retry_delay: timedelta = DEFAULT_RETRY_DELAY,
    ) -> None:
        self._kb = kb
        self._store = store
        self._senders = senders
        self._clock = clock
        self.grace = grace
        self._retry_delay = retry_delay
        self._last_purge: datetime | None = None

    @classmethod
    def from_settings(
        cls, settings: Settings, kb: KnowledgeBase, store: Store, senders: Mapping[str, DigestSender]
    ) -> DigestScheduler:
        return cls(kb, store, senders, clock=store.db.clock, grace=timedelta(hours=settings.digest_grace_hours))

    # -- one run ---------------------------------------------------------------------

    async def run_due(self, *, now_for_everyone: bool = False, stop: asyncio.Event | None = None) -> RunSummary:
        """Post every digest that is due. `now_for_everyone` treats this week as due everywhere (run-now).

        With Slack's pacing a run over many channels takes minutes; once `stop` is
        set no new digest is claimed, so a shutdown never cuts one off mid-post.
        """
        now = self._clock()
        summary = RunSummary()
        paused: set[tuple[str, str]] = set()
        due = [
            (subscription, slot_at)
            for subscription in await self._store.subscriptions.all(active_only=True)
            if (slot_at := self.due_slot(subscription, now, now_for_everyone)) is not None
        ]
        known = await self._store.ledger.for_weeks({s.slot.iso_week(slot_at) for s, slot_at in due})
        for subscription, slot_at in due:
            if stop is not None and stop.is_set():
                break  # the rest stays unclaimed: another replica, or this one after a restart, posts it
            entry = known.get((subscription.id, subscription.slot.iso_week(slot_at)))
            try:
                await self._run_one(subscription, slot_at, entry, now, paused, summary)
            except Exception as exc:  # one broken subscription never stops the batch
                extra = {"subscription": subscription.id, "error": type(exc).__name__}
                log.error("digest_subscription_failed", extra=extra)
                summary.failed["internal_error"] += 1
        if summary.eventful:
            log.info("digest_run", extra=summary.as_log())
        return summary

    def due_slot(self, subscription: Subscription, now: datetime, now_for_everyone: bool = False) -> datetime | None:
        """The slot moment to post for now, or None; slots before the subscription began never count."""
        if now_for_everyone:
            return now  # this ISO week's digest, now; the ledger still allows one per week
        slot_at = subscription.slot.latest_at_or_before(now)
        if slot_at < subscription.created_at:
            return None
        return slot_at

    async def _run_one(
        self,
        subscription: Subscription,
        slot_at: datetime,
        entry: LedgerEntry | None,
        now: datetime,
        paused: set[tuple[str, str]],
        summary: RunSummary,
    ) -> None:
        late = now - slot_at > self.grace
        if entry is None:
            if late:
                summary.missed += 1
                return
            week = subscription.slot.iso_week(slot_at)
            claimed = await self._store.ledger.claim(subscription.id, week, slot_at, await self._items(subscription))
        elif entry.status is LedgerStatus.DEFERRED and (entry.retry_at is None or entry.retry_at <= now):
            if late or entry.attempts >= MAX_ATTEMPTS:
                await self._store.ledger.finish(entry.id, LedgerStatus.FAILED, f"gave_up:{entry.reason}")
                summary.failed["gave_up"] += 1
                return
            claimed = await self._store.ledger.reclaim(entry, await self._items(subscription))
        else:
            return  # sent, failed, claimed (maybe by a process that died), unknown (never twice), or not yet due
        if claimed is not None:  # None: another replica claimed it a moment ago
            await self._deliver(subscription, claimed, now, paused, summary)

    async def _items(self, subscription: Subscription) -> tuple[str, ...]:
        return next_items(self._kb, subscription.label, await self._store.ledger.items_sent(subscription.id))

    async def _deliver(
        self,
        subscription: Subscription,
        entry: LedgerEntry,
        now: datetime,
        paused: set[tuple[str, str]],
        summary: RunSummary,
    ) -> None:
        workspace = (subscription.platform, subscription.place.workspace)
        sender = self._senders.get(subscription.platform)
        if workspace in paused:
            delivery = Delivery(DeliveryStatus.DEFERRED, "workspace_paused")
        elif sender is None:
            delivery = Delivery(DeliveryStatus.DEFERRED, "platform_not_configured")
        else:
            answer = self.compose(entry)
            try:
                delivery = await sender.send(subscription, answer)
            except Exception as exc:  # a sender bug: the post may or may not have gone out
                log.error("digest_sender_error", extra={"subscription": subscription.id, "error": repr(exc)[:200]})
                delivery = Delivery(DeliveryStatus.UNKNOWN, f"sender_error:{type(exc).__name__}"[:64])
        await self._record(subscription, entry, delivery, now, summary)
        if delivery.pause_workspace:
            paused.add(workspace)

    def compose(self, entry: LedgerEntry) -> Answer:
        answer = digest_for(self._kb, entry.items, entry.iso_week)
        if answer is None:  # content was edited since the claim: the channel's next items instead
            answer = digest_for(self._kb, next_items(self._kb, str(entry.subscription_id), []), entry.iso_week)
        assert answer is not None  # noqa: S101 - next_items picks from the loaded knowledge base
        return answer

    async def _record(
        self, subscription: Subscription, entry: LedgerEntry, delivery: Delivery, now: datetime, summary: RunSummary
    ) -> None:
        extra = {"subscription": subscription.id, "platform": subscription.platform, "week": entry.iso_week}
        if delivery.status is DeliveryStatus.SENT:
            await self._store.ledger.finish(entry.id, LedgerStatus.SENT)
            summary.sent += 1
            log.info("digest_sent", extra=extra)
        elif delivery.status is DeliveryStatus.DEFERRED:
            retry_at = now + self._retry_delay * entry.attempts
            await self._store.ledger.finish(entry.id, LedgerStatus.DEFERRED, delivery.reason, retry_at)
            summary.deferred[delivery.reason] += 1
            log.warning("digest_deferred", extra={**extra, "reason": delivery.reason})
        elif delivery.status is DeliveryStatus.UNKNOWN:
            await self._store.ledger.finish(entry.id, LedgerStatus.UNKNOWN, delivery.reason)
            summary.unknown[delivery.reason] += 1
            log.error("digest_unknown", extra={**extra, "reason": delivery.reason})
        else:
            await self._store.ledger.finish(entry.id, LedgerStatus.FAILED, delivery.reason)
            summary.failed[delivery.reason] += 1
            log.warning("digest_failed", extra={**extra, "reason": delivery.reason})
        if delivery.deactivate is not None:
            await self._store.subscriptions.deactivate(subscription.id, delivery.deactivate)
            summary.deactivated += 1
            log.warning("digest_subscription_deactivated", extra={**extra, "reason": delivery.deactivate.value})

    # -- the loop ----------------------------------------------------------------------

    async def maintain(self) -> None:
        """Hourly: drop expired dedupe keys and unanswered questions past retention."""
        now = self._clock()
        if self._last_purge is None or now - self._last_purge >= PURGE_EVERY:
            self._last_purge = now
            removed = await self._store.purge()
            if any(removed.values()):
                log.info("store_purged", extra=removed)

    async def run_forever(self, stop: asyncio.Event, interval: float = 60.0) -> None:
        while not stop.is_set():
            try:
                await self.run_due(stop=stop)
                await self.maintain()
            except Exception as exc:  # the database may be briefly unreachable: try next tick
                log.error("digest_tick_failed", extra={"error": type(exc).__name__})
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval)
