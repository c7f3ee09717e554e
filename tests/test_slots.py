"""Weekly slots in local time, across daylight saving, and as users type them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from antenne.bot.slots import Slot, SlotError, parse_slot

MONDAY_9 = Slot(0, 9, 0, "Europe/Amsterdam")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("slot_at", "following"),
    [
        ("2026-03-23T08:00", "2026-03-30T07:00"),  # summer time starts on 29 March
        ("2026-10-19T07:00", "2026-10-26T08:00"),  # and ends on 25 October
        ("2026-11-23T08:00", "2026-11-30T08:00"),
    ],
)
def test_monday_nine_amsterdam_across_daylight_saving(slot_at, following):
    assert MONDAY_9.next_after(utc(slot_at) - timedelta(seconds=1)) == utc(slot_at)
    assert MONDAY_9.next_after(utc(slot_at)) == utc(following)
    assert MONDAY_9.latest_at_or_before(utc(following)) == utc(following)
    assert MONDAY_9.latest_at_or_before(utc(following).replace(minute=1)) == utc(following)
    assert MONDAY_9.latest_at_or_before(utc(following).replace(hour=5)) == utc(slot_at)


def test_every_monday_of_2026_is_nine_local():
    moment = utc("2026-01-01T00:00")
    for _ in range(53):
        moment = MONDAY_9.next_after(moment)
        local = moment.astimezone(MONDAY_9.zone)
        assert (local.weekday(), local.hour, local.minute) == (0, 9, 0)


def test_iso_week_is_counted_in_the_slot_zone():
    assert MONDAY_9.iso_week(utc("2026-03-23T08:00")) == "2026-W13"
    sunday_late = Slot(6, 23, 30, "Europe/Amsterdam")
    # 22:30 UTC on Sunday 28 Dec 2025 is 23:30 in Amsterdam: still ISO week 52 of 2025
    assert sunday_late.iso_week(utc("2025-12-28T22:30")) == "2025-W52"
    assert Slot(3, 9, 0).iso_week(utc("2026-12-31T08:00")) == "2026-W53"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", (0, 9, 0, "Europe/Amsterdam")),
        ("ma 09:00", (0, 9, 0, "Europe/Amsterdam")),
        ("vrijdag 16.30", (4, 16, 30, "Europe/Amsterdam")),
        ("di 9u", (1, 9, 0, "Europe/Amsterdam")),
        ("wo", (2, 9, 0, "Europe/Amsterdam")),
        ("om 14:15", (0, 14, 15, "Europe/Amsterdam")),
        ("do 8:00 europe/london", (3, 8, 0, "Europe/London")),
    ],
)
def test_parse_slot(text, expected):
    slot = parse_slot(text, MONDAY_9)
    assert (slot.weekday, slot.hour, slot.minute, slot.timezone) == expected


@pytest.mark.parametrize("text", ["morgen", "ma 25:00", "vr 9:75", "ma 9:00 mars/olympus"])
def test_unreadable_slots_say_what_to_type(text):
    with pytest.raises(SlotError):
        parse_slot(text, MONDAY_9)
