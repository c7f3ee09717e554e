"""Digest commands typed in a channel ('digest aan', 'uit', 'status') and the 'Digest uit' button.

Async and store-backed, unlike the rest of the core's replies; adapters ask the
desk first and hand everything else to the Antenne service.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from datetime import datetime

from antenne.bot.answers.actions import BadPayload, decode
from antenne.bot.answers.compose import notice
from antenne.bot.answers.model import ActionKind, Answer
from antenne.bot.digest import compose
from antenne.bot.digest.scheduler import next_post
from antenne.bot.digest.slots import DEFAULT_TIMEZONE, Slot, SlotError, parse_slot
from antenne.bot.matching.text import clean_question, fold
from antenne.bot.store.database import Clock, utc_now
from antenne.bot.store.store import Store
from antenne.bot.store.subscriptions import InactiveReason, Place, Subscription

log = logging.getLogger("antenne.digest")

COMMAND_WORD = "digest"
ON_WORDS = {"aan", "start", "on", "aanzetten", "abonneer"}
OFF_WORDS = {"uit", "stop", "off", "uitzetten"}
STATUS_WORDS = {"status", "info", ""}


UNAVAILABLE = notice(
    "Digest even niet bereikbaar",
    "Ik kan de instellingen van de digest nu niet lezen of opslaan. Probeer het over een paar minuten opnieuw.",
)


def default_slot(timezone: str = DEFAULT_TIMEZONE) -> Slot:
    return Slot(weekday=0, hour=9, minute=0, timezone=timezone)


class DigestDesk:
    def __init__(self, store: Store, *, default: Slot | None = None, clock: Clock = utc_now) -> None:
        self._store = store
        self.default = default or default_slot()
        self._clock = clock

    @staticmethod
    def is_command(text: str) -> bool:
        words = fold(clean_question(text)).split()
        return bool(words) and words[0] == COMMAND_WORD

    @staticmethod
    def is_off_button(value: str) -> bool:
        try:
            return decode(value).kind is ActionKind.DIGEST_OFF
        except BadPayload:
            return False

    async def command(self, place: Place, text: str, *, prefix: str = "digest") -> Answer:
        """`text` starts with 'digest'; `prefix` is how the user types it ('/tip digest' in Slack)."""
        return await self._guarded(self._command(place, text, prefix))

    async def turn_off(self, place: Place, prefix: str = "digest") -> Answer:
        """The 'Digest uit' button."""
        return await self._guarded(self.unsubscribe(place, prefix))

    async def _guarded(self, work: Awaitable[Answer]) -> Answer:
        try:
            return await work
        except Exception as exc:  # the database is away: a polite reply, and the bot keeps serving
            log.error("digest_command_failed", extra={"error": type(exc).__name__})
            return UNAVAILABLE

    async def _command(self, place: Place, text: str, prefix: str) -> Answer:
        _, _, rest = clean_question(text).partition(" ")
        action, _, arguments = rest.partition(" ")
        action = fold(action)
        if action in ON_WORDS:
            try:
                slot = parse_slot(arguments, self.default)
            except SlotError as exc:
                return notice("Digest niet aangezet", str(exc))
            return await self.subscribe(place, slot, prefix)
        if action in OFF_WORDS:
            return await self.unsubscribe(place, prefix)
        if action in STATUS_WORDS:
            return await self.status(place, prefix)
        return compose.digest_help(prefix, self.default)

    async def subscribe(self, place: Place, slot: Slot, prefix: str) -> Answer:
        subscription = await self._store.subscriptions.subscribe(place, slot)
        log.info("digest_subscribed", extra={"platform": place.platform, "subscription": subscription.id})
        return compose.subscribed(subscription, await self._next_post(subscription), prefix)

    async def unsubscribe(self, place: Place, prefix: str = "digest") -> Answer:
        subscription = await self._store.subscriptions.get(place)
        was_active = subscription is not None and subscription.active
        if subscription is not None and was_active:
            await self._store.subscriptions.deactivate(subscription.id, InactiveReason.UNSUBSCRIBED)
            log.info("digest_unsubscribed", extra={"platform": place.platform, "subscription": subscription.id})
        return compose.unsubscribed(was_active, prefix)

    async def status(self, place: Place, prefix: str) -> Answer:
        subscription = await self._store.subscriptions.get(place)
        if subscription is None:
            return compose.status(None, None, None, prefix)
        history = await self._store.ledger.history(subscription.id)
        next_at = await self._next_post(subscription) if subscription.active else None
        return compose.status(subscription, next_at, history[-1] if history else None, prefix)

    async def _next_post(self, subscription: Subscription) -> datetime:
        """The next slot in a week that has had no digest yet (one per ISO week, whatever the slot)."""
        weeks = {entry.iso_week for entry in await self._store.ledger.history(subscription.id)}
        return next_post(subscription.slot, self._clock(), weeks)
