"""The digest commands as the core sees them, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from antenne.bot.answers.model import AnswerKind
from antenne.bot.digest.desk import DigestDesk
from antenne.bot.digest.scheduler import DigestScheduler
from antenne.bot.slots import Slot
from antenne.bot.store.subscriptions import InactiveReason, Place

from tests.test_scheduler import RecordingSender

PLACE = Place("teams", "tenant-1", "19:kanaal", {"serviceUrl": "https://smba.example/"})


def text(answer) -> str:
    return f"{answer.title}: {answer.intro}"


@pytest.mark.parametrize(
    ("message", "command"),
    [
        ("digest aan", True),
        ("Digest status", True),
        ("  digest uit", True),
        ("digestie en stress", False),
        ("wat is de digest?", False),
        ("", False),
    ],
)
def test_what_counts_as_a_digest_command(message, command):
    assert DigestDesk.is_command(message) is command


async def test_subscribe_status_unsubscribe(store, clock):
    desk = DigestDesk(store, clock=clock)
    answer = await desk.command(PLACE, "digest aan")
    assert "elke maandag om 09:00 (Europe/Amsterdam)" in text(answer)
    assert "maandag 23 november 2026 om 09:00" in text(answer)  # the clock: Monday 08:00 in Amsterdam
    assert "staat aan" in text(await desk.command(PLACE, "digest status"))
    assert "Digest staat uit" in text(await desk.command(PLACE, "digest uit"))
    assert "stond al uit" in text(await desk.command(PLACE, "digest uit"))
    assert (await store.subscriptions.get(PLACE)).inactive_reason is InactiveReason.UNSUBSCRIBED


async def test_a_new_slot_in_a_week_that_had_its_digest_says_next_week(kb, store, clock):
    desk = DigestDesk(store, clock=clock)
    await desk.command(PLACE, "digest aan")
    clock.set("2026-11-23T08:00:00+00:00")
    await DigestScheduler(kb, store, {"teams": RecordingSender()}, clock=clock).run_due()
    clock.set("2026-11-24T10:00:00+00:00")  # Tuesday
    answer = await desk.command(PLACE, "digest aan vr 16:30")
    assert "vrijdag 4 december 2026 om 16:30" in text(answer)  # not this Friday: week 48 had its digest
    status = text(await desk.command(PLACE, "digest status"))
    assert "vrijdag 4 december 2026 om 16:30" in status and "week 48, geplaatst" in status


async def test_unreadable_commands_get_help_or_a_precise_error(store, clock):
    desk = DigestDesk(store, clock=clock, default=Slot(2, 8, 30, "Europe/Amsterdam"))
    help_answer = await desk.command(PLACE, "digest graag", prefix="/tip digest")
    assert help_answer.kind is AnswerKind.HELP and "/tip digest aan: elke woensdag om 08:30" in str(help_answer)
    assert "'om9'" in text(await desk.command(PLACE, "digest aan ma om9"))
    assert await store.subscriptions.all() == []


async def test_the_off_button_is_recognised_only_from_our_own_payload():
    from antenne.bot.answers.actions import ActionPayload, encode
    from antenne.bot.answers.model import ActionKind

    assert DigestDesk.is_off_button(encode(ActionPayload(ActionKind.DIGEST_OFF)))
    assert not DigestDesk.is_off_button(encode(ActionPayload(ActionKind.FEEDBACK_UP, "x")))
    assert not DigestDesk.is_off_button('{"a": "digest_uit"')
