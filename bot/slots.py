"""A weekly slot ("maandag 09:00, Europe/Amsterdam") and its moments in UTC.

Slots are wall-clock times in the subscriber's zone, so a digest keeps arriving
at 09:00 local time when daylight saving starts or ends; the UTC instant moves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from typing import TYPE_CHECKING

from antenne.bot.config import DEFAULT_TIMEZONE, valid_timezone

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

WEEKDAY_NAMES = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
WEEKDAY_WORDS = {
    **{name: n for n, name in enumerate(WEEKDAY_NAMES)},
    **{name[:2]: n for n, name in enumerate(WEEKDAY_NAMES)},
    **{name[:3]: n for n, name in enumerate(WEEKDAY_NAMES)},
    **{name: n for n, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
}
TIME = re.compile(r"^(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?(?:u|uur)?$")


class SlotError(ValueError):
    """A slot the user typed that we cannot read; the message is shown to them."""


@dataclass(frozen=True)
class Slot:
    weekday: int  # 0 = Monday, as datetime.weekday()
    hour: int
    minute: int
    timezone: str = DEFAULT_TIMEZONE

    def __post_init__(self) -> None:
        if not (0 <= self.weekday <= 6 and 0 <= self.hour <= 23 and 0 <= self.minute <= 59):
            raise SlotError("Dat tijdstip bestaat niet.")
        if not valid_timezone(self.timezone):
            raise SlotError(f"Tijdzone '{self.timezone}' ken ik niet.")

    @cached_property
    def zone(self) -> ZoneInfo:
        from zoneinfo import ZoneInfo

        return ZoneInfo(self.timezone)

    def _on(self, day: date) -> datetime:
        return datetime.combine(day, time(self.hour, self.minute), tzinfo=self.zone).astimezone(UTC)

    def latest_at_or_before(self, now: datetime) -> datetime:
        """The most recent moment of this slot that is not in the future, in UTC."""
        local_day = now.astimezone(self.zone).date()
        day = local_day - timedelta(days=(local_day.weekday() - self.weekday) % 7)
        moment = self._on(day)
        return moment if moment <= now else self._on(day - timedelta(days=7))

    def next_after(self, now: datetime) -> datetime:
        """The first moment of this slot strictly after `now`, in UTC."""
        latest = self.latest_at_or_before(now)
        return self._on(latest.astimezone(self.zone).date() + timedelta(days=7))

    def iso_week(self, moment: datetime) -> str:
        """The ISO week a slot moment belongs to, counted in the slot's own zone."""
        year, week, _ = moment.astimezone(self.zone).isocalendar()
        return f"{year}-W{week:02d}"

    def describe(self) -> str:
        return f"elke {WEEKDAY_NAMES[self.weekday]} om {self.hour:02d}:{self.minute:02d} ({self.timezone})"


def parse_slot(text: str, default: Slot) -> Slot:
    """'ma 09:00', 'vrijdag 16.30', 'di 9u', 'wo', '14:00'; missing parts come from `default`."""
    weekday, hour, minute, zone = default.weekday, default.hour, default.minute, default.timezone
    for word in text.lower().replace(",", " ").split():
        if word in WEEKDAY_WORDS:
            weekday = WEEKDAY_WORDS[word]
        elif match := TIME.match(word):
            hour, minute = int(match.group("hour")), int(match.group("minute") or 0)
        elif "/" in word:
            zone = "/".join(part.title() for part in word.split("/"))  # "europe/amsterdam" as typed
        elif word not in {"om", "op", "elke", "iedere", "uur"}:
            raise SlotError(
                f"'{word}' begrijp ik niet. Geef een dag en tijd, bijvoorbeeld 'ma 09:00' of 'vrijdag 16:30'."
            )
    return Slot(weekday, hour, minute, zone)
