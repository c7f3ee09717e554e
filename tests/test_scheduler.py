"""The weekly digest scheduler: due slots, catch-up and grace, exactly once, failures."""

from __future__ import annotations

import asyncio
from collections import deque
from datetime import timedelta

import pytest
from antenne.bot.answers.model import ActionKind, Answer, AnswerKind
from antenne.bot.digest.delivery import Delivery, DeliveryStatus
from antenne.bot.digest.scheduler import DigestScheduler
from antenne.bot.digest.slots import Slot
from antenne.bot.store.ledger import LedgerStatus
from antenne.bot.store.store import Store
from antenne.bot.store.subscriptions import InactiveReason, Place, Subscription

from tests.conftest import FakeClock


class ProcessDied(BaseException):
    """Stands for a kill -9 between claiming and posting: nothing after it runs."""


class RecordingSender:
    """An in-process stand-in for a platform; Slack and Teams senders are tested against their fakes."""

    def __init__(self, *script: Delivery | BaseException) -> None:
        self.posts: list[tuple[str, Answer]] = []
        self.attempts = 0
        self._script = deque(script)

    async def send(self, subscription: Subscription, answer: Answer) -> Delivery:
        self.attempts += 1
        if self._script:
            outcome = self._script.popleft()
            if isinstance(outcome, BaseException):
                raise outcome
            if outcome.status is not DeliveryStatus.SENT:
                return outcome
        self.posts.append((subscription.place.channel, answer))
        return Delivery.sent()


def place(channel: str, workspace: str = "T1", platform: str = "slack") -> Place:
    return Place(platform, workspace, channel, {"channel": channel})


@pytest.fixture
def sender() -> RecordingSender:
    return RecordingSender()


@pytest.fixture
def scheduler(kb, store, sender, clock) -> DigestScheduler:
    return DigestScheduler(kb, store, {"slack": sender}, clock=clock)


MONDAY_9 = Slot(0, 9, 0)


async def subscribe(store: Store, clock: FakeClock, *channels: str) -> None:
    for channel in channels:
        await store.subscriptions.subscribe(place(channel), MONDAY_9)


async def test_posts_at_the_slot_and_only_once_that_week(scheduler, store, sender, clock):
    clock.set("2026-11-23T07:00:00+00:00")  # Monday 08:00 Amsterdam
    await subscribe(store, clock, "C1")
    assert (await scheduler.run_due()).sent == 0
    clock.set("2026-11-23T07:59:59+00:00")
    assert (await scheduler.run_due()).sent == 0
    clock.set("2026-11-23T08:00:00+00:00")
    assert (await scheduler.run_due()).sent == 1
    for minutes in (1, 60, 600, 60 * 24 * 6):
        clock.set("2026-11-23T08:00:00+00:00")
        clock.advance(minutes=minutes)
        assert (await scheduler.run_due()).sent == 0
    [(channel, answer)] = sender.posts
    assert channel == "C1" and answer.kind is AnswerKind.DIGEST
    assert [s.heading.split(":")[0] for s in answer.sections] == [
        "Casus van de week",
        "Tip van de week voor " + answer.sections[1].heading.split("voor ")[1],
        "Bespreek met elkaar",
    ]
    assert answer.sections[2].text.endswith("?") and "Casus:" in answer.source and "Tip:" in answer.source
    assert ActionKind.DIGEST_OFF in {a.kind for a in answer.actions}
    entry = await store.ledger.entry(1, "2026-W48")
    assert entry.status is LedgerStatus.SENT and len(entry.items) == 2


async def test_weekly_posts_follow_the_slot_across_daylight_saving(kb, store, sender, clock):
    clock.set("2026-03-16T12:00:00+00:00")
    await store.subscriptions.subscribe(place("C1"), Slot(0, 9, 0))
    scheduler = DigestScheduler(kb, store, {"slack": sender}, clock=clock)
    posted_at = []
    while clock.now.isoformat() < "2026-04-07":
        clock.advance(hours=1)
        if (await scheduler.run_due()).sent:
            posted_at.append(clock.now.isoformat()[:16])
    assert posted_at == ["2026-03-23T08:00", "2026-03-30T07:00", "2026-04-06T07:00"]


async def test_rotation_sends_every_case_before_repeating_one(kb, store, sender, scheduler, clock):
    await subscribe(store, clock, "C1", "C2")
    clock.set("2026-11-30T08:00:00+00:00")
    weeks = len(kb.cases) + 1
    for _ in range(weeks):
        await scheduler.run_due()
        clock.advance(days=7)
    by_channel: dict[str, list[str]] = {"C1": [], "C2": []}
    for channel, answer in sender.posts:
        by_channel[channel].append(answer.item_id)
    for cases in by_channel.values():
        assert len(cases) == weeks
        assert sorted(cases[:-1]) == sorted(c.id for c in kb.cases)  # all once, then the first repeat
    assert by_channel["C1"] != by_channel["C2"]  # each channel has its own order
    tips = [a.sections[1].text for channel, a in sender.posts if channel == "C1"]
    assert len(set(tips)) == weeks


async def test_a_process_that_was_down_catches_up_within_the_grace_period(scheduler, store, sender, clock):
    await subscribe(store, clock, "C1")
    clock.set("2026-11-23T19:30:00+00:00")  # back up 11.5 hours after the slot
    assert (await scheduler.run_due()).sent == 1
    assert (await scheduler.run_due()).sent == 0


async def test_beyond_the_grace_period_the_week_is_skipped_not_posted_late(scheduler, store, sender, clock):
    await subscribe(store, clock, "C1")
    clock.set("2026-11-23T20:00:01+00:00")  # 12 hours and a second after the slot
    summary = await scheduler.run_due()
    assert summary.sent == 0 and summary.missed == 1
    clock.set("2026-11-30T08:00:00+00:00")
    assert (await scheduler.run_due()).sent == 1


async def test_subscribing_after_this_weeks_slot_starts_next_week(scheduler, store, sender, clock):
    clock.set("2026-11-23T09:00:00+00:00")  # an hour after Monday's slot
    await subscribe(store, clock, "C1")
    assert (await scheduler.run_due()).sent == 0
    clock.set("2026-11-30T08:00:00+00:00")
    assert (await scheduler.run_due()).sent == 1


async def test_two_schedulers_on_one_database_post_each_digest_once(kb, database_url, clock):
    stores = [Store(database_url, clock=clock) for _ in range(2)]
    await asyncio.gather(*(s.start() for s in stores))
    await subscribe(stores[0], clock, *(f"C{n}" for n in range(25)))
    senders = [RecordingSender(), RecordingSender()]
    schedulers = [DigestScheduler(kb, s, {"slack": p}, clock=clock) for s, p in zip(stores, senders, strict=True)]
    clock.set("2026-11-23T08:00:30+00:00")
    for _ in range(3):  # several ticks each, concurrently
        await asyncio.gather(*(s.run_due() for s in schedulers))
    posted = [channel for s in senders for channel, _ in s.posts]
    assert sorted(posted) == sorted(f"C{n}" for n in range(25))
    for s in stores:
        await s.close()


async def test_a_crash_between_claim_and_post_never_posts_twice(kb, database_url, clock):
    first = Store(database_url, clock=clock)
    await first.start()
    await subscribe(first, clock, "C1")
    clock.set("2026-11-23T08:00:00+00:00")
    with pytest.raises(ProcessDied):
        await DigestScheduler(kb, first, {"slack": RecordingSender(ProcessDied())}, clock=clock).run_due()
    await first.close()
    restarted = Store(database_url, clock=clock)  # a new process on the same database
    await restarted.start()
    sender = RecordingSender()
    clock.advance(minutes=5)
    assert (await DigestScheduler(kb, restarted, {"slack": sender}, clock=clock).run_due()).sent == 0
    assert sender.posts == []
    assert (await restarted.ledger.entry(1, "2026-W48")).status is LedgerStatus.CLAIMED
    await restarted.close()


async def test_transient_failures_are_retried_later_then_given_up(kb, store, clock):
    await subscribe(store, clock, "C1", "C2")
    deferred = Delivery(DeliveryStatus.DEFERRED, "ratelimited")
    sender = RecordingSender(deferred, Delivery.sent(), deferred)
    scheduler = DigestScheduler(kb, store, {"slack": sender}, clock=clock, retry_delay=timedelta(minutes=10))
    clock.set("2026-11-23T08:00:00+00:00")
    summary = await scheduler.run_due()
    assert summary.sent == 1 and summary.deferred == {"ratelimited": 1}
    clock.advance(minutes=5)
    assert (await scheduler.run_due()).sent == 0  # not before the retry delay
    clock.advance(minutes=6)
    summary = await scheduler.run_due()
    assert summary.deferred == {"ratelimited": 1}  # second attempt: the script defers once more
    clock.advance(minutes=21)
    assert (await scheduler.run_due()).sent == 1
    assert sorted(c for c, _ in sender.posts) == ["C1", "C2"]
    clock.advance(hours=12)
    assert (await scheduler.run_due()).sent == 0


async def test_a_deferred_week_past_the_grace_period_is_marked_failed(kb, store, clock):
    await subscribe(store, clock, "C1")
    sender = RecordingSender(Delivery(DeliveryStatus.DEFERRED, "http_503"))
    scheduler = DigestScheduler(kb, store, {"slack": sender}, clock=clock)
    clock.set("2026-11-23T08:00:00+00:00")
    await scheduler.run_due()
    clock.set("2026-11-23T21:00:00+00:00")
    summary = await scheduler.run_due()
    assert summary.failed == {"gave_up": 1} and sender.posts == []
    assert (await store.ledger.entry(1, "2026-W48")).status is LedgerStatus.FAILED


async def test_permanent_failures_deactivate_and_one_failure_never_stops_the_batch(kb, store, clock):
    for channel, workspace in [("C1", "T1"), ("C2", "T1"), ("C3", "T2"), ("C4", "T2"), ("C5", "T3")]:
        await store.subscriptions.subscribe(place(channel, workspace), Slot(0, 9, 0))
    sender = RecordingSender(
        Delivery(DeliveryStatus.FAILED, "channel_not_found", deactivate=InactiveReason.CHANNEL_NOT_FOUND),
        RuntimeError("network down"),
        Delivery(DeliveryStatus.DEFERRED, "invalid_auth", pause_workspace=True),
    )
    scheduler = DigestScheduler(kb, store, {"slack": sender}, clock=clock)
    clock.set("2026-11-23T08:00:00+00:00")
    summary = await scheduler.run_due()
    assert summary.sent == 1 and [c for c, _ in sender.posts] == ["C5"]
    assert summary.failed == {"channel_not_found": 1}
    assert summary.deferred == {"invalid_auth": 1, "workspace_paused": 1}
    assert summary.unknown == {"sender_error:RuntimeError": 1}  # it may have posted: never again this week
    assert sender.attempts == 4  # C4 was not even tried: T2's credentials failed on C3
    assert [s.place.channel for s in await store.subscriptions.all(active_only=True)] == ["C2", "C3", "C4", "C5"]


async def test_a_platform_that_is_not_configured_defers(kb, store, clock):
    await store.subscriptions.subscribe(place("19:team", "tenant", "teams"), Slot(0, 9, 0))
    clock.set("2026-11-23T08:00:00+00:00")
    summary = await DigestScheduler(kb, store, {}, clock=clock).run_due()
    assert summary.deferred == {"platform_not_configured": 1}


async def test_run_now_sends_this_weeks_digest_once(scheduler, store, sender, clock):
    await subscribe(store, clock, "C1")
    clock.set("2026-11-25T12:00:00+00:00")  # a Wednesday, no slot due
    assert (await scheduler.run_due()).sent == 0
    assert (await scheduler.run_due(now_for_everyone=True)).sent == 1
    assert (await scheduler.run_due(now_for_everyone=True)).sent == 0
    clock.set("2026-11-30T08:00:00+00:00")
    assert (await scheduler.run_due()).sent == 1  # next week as usual


async def test_the_loop_stops_when_asked(scheduler, store, sender, clock):
    await subscribe(store, clock, "C1")
    clock.set("2026-11-23T08:00:00+00:00")
    stop = asyncio.Event()
    task = asyncio.create_task(scheduler.run_forever(stop, interval=0.01))
    for _ in range(200):
        if sender.posts:
            break
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(task, 2)
    assert len(sender.posts) == 1


async def test_a_stop_request_ends_the_run_between_posts_and_leaves_the_rest_unclaimed(kb, store, clock):
    await subscribe(store, clock, "C1", "C2", "C3")
    stop = asyncio.Event()

    class StoppingSender(RecordingSender):
        async def send(self, subscription, answer):
            stop.set()  # e.g. SIGTERM arrives while the first digest is being posted
            return await super().send(subscription, answer)

    clock.set("2026-11-23T08:00:00+00:00")
    first = StoppingSender()
    assert (await DigestScheduler(kb, store, {"slack": first}, clock=clock).run_due(stop=stop)).sent == 1
    assert [e.status for e in await store.ledger.all()] == [LedgerStatus.SENT]  # nothing claimed and dropped
    rest = RecordingSender()
    clock.advance(minutes=2)
    assert (await DigestScheduler(kb, store, {"slack": rest}, clock=clock).run_due()).sent == 2
    assert sorted(c for c, _ in first.posts + rest.posts) == ["C1", "C2", "C3"]


async def test_an_unknown_outcome_is_never_posted_again_that_week(kb, store, clock):
    """A post that timed out may have reached the channel: a missed digest beats a double one."""
    await subscribe(store, clock, "C1")
    sender = RecordingSender(Delivery(DeliveryStatus.UNKNOWN, "timeout:TimeoutError"))
    scheduler = DigestScheduler(kb, store, {"slack": sender}, clock=clock)
    clock.set("2026-11-23T08:00:00+00:00")
    summary = await scheduler.run_due()
    assert summary.unknown == {"timeout:TimeoutError": 1} and summary.sent == 0
    entry = await store.ledger.entry(1, "2026-W48")
    assert entry.status is LedgerStatus.UNKNOWN and entry.reason == "timeout:TimeoutError"
    for hours in (1, 6, 11):
        clock.set("2026-11-23T08:00:00+00:00")
        clock.advance(hours=hours)
        assert (await scheduler.run_due()).eventful is False
    assert (await scheduler.run_due(now_for_everyone=True)).eventful is False
    assert sender.attempts == 1
    assert await store.ledger.items_sent(1) == [entry.items]  # the rotation counts it as seen
    clock.set("2026-11-30T08:00:00+00:00")
    assert (await scheduler.run_due()).sent == 1  # next week as usual


def test_next_post_skips_weeks_that_already_had_their_digest():
    from datetime import datetime

    from antenne.bot.digest.scheduler import next_post

    sunday_evening = Slot(6, 20, 0)
    tuesday = datetime.fromisoformat("2026-11-24T10:00:00+00:00")
    this_week = sunday_evening.next_after(tuesday)
    assert sunday_evening.iso_week(this_week) == "2026-W48"
    assert next_post(sunday_evening, tuesday, set()) == this_week
    assert next_post(sunday_evening, tuesday, {"2026-W48"}) == this_week + timedelta(days=7)
    assert next_post(sunday_evening, tuesday, {"2026-W48", "2026-W49"}) == this_week + timedelta(days=14)
