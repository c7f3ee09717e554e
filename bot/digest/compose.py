"""The digest and the replies to digest commands. All their Dutch wording lives here."""

from __future__ import annotations

from datetime import datetime

from antenne.bot.answers.compose import feedback_actions, make_action, notice
from antenne.bot.answers.model import ActionKind, Answer, AnswerKind, Section
from antenne.bot.content.model import Case, KnowledgeBase, Tip
from antenne.bot.digest.slots import WEEKDAY_NAMES, Slot
from antenne.bot.store.ledger import LedgerEntry, LedgerStatus
from antenne.bot.store.subscriptions import InactiveReason, Subscription

MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip
AUDIENCE = {"ambtenaar": "ambtenaren", "topambtenaar": "topambtenaren", "bestuurder": "bestuurders"}


def when(moment: datetime, slot: Slot) -> str:
    """'maandag 30 november 2026 om 09:00', in the slot's own time zone."""
    local = moment.astimezone(slot.zone)
    return f"{WEEKDAY_NAMES[local.weekday()]} {local.day} {MONTHS[local.month - 1]} {local.year} om {local:%H:%M}"


def digest_for(kb: KnowledgeBase, items: tuple[str, ...], iso_week: str) -> Answer | None:
    """The digest for (case id, tip id); None if content was edited and one is gone."""
    if len(items) != 2:
        return None
    case, tip = kb.case(items[0]), kb.tip(items[1])
    if case is None or tip is None:
        return None
    theme = kb.theme(tip.theme)
    return digest_answer(case, tip, theme.title if theme else tip.theme, iso_week)


def digest_answer(case: Case, tip: Tip, theme_title: str, iso_week: str) -> Answer:
    week = iso_week.split("-W")[-1].lstrip("0")
    return Answer(
        kind=AnswerKind.DIGEST,
        title=f"Casus en tip van de week (week {week})",
        intro="Elke week een echte casus en een praktische tip, om samen je bestuurlijke antenne te scherpen.",
        sections=(
            Section(f"Casus van de week: {case.title}", text=case.summary, bullets=case.lessons[:2]),
            Section(f"Tip van de week voor {AUDIENCE[tip.audience.value]} ({theme_title})", text=tip.text),
            Section("Bespreek met elkaar", text=case.discussion_question),
        ),
        source=f"Casus: {case.source.cite()}. Tip: {tip.source.cite()}.",
        actions=(
            make_action(ActionKind.MORE, "Lees de hele casus", case.id),
            *feedback_actions(case.id),
            make_action(ActionKind.DIGEST_OFF, "Digest uit"),
        ),
        item_id=case.id,
    )


def digest_help(prefix: str, default: Slot) -> Answer:
    return Answer(
        kind=AnswerKind.HELP,
        title="De wekelijkse digest",
        intro="Elke week een casus en tip van de week in dit kanaal, met een vraag om samen te bespreken.",
        sections=(
            Section(
                "Zo werkt het",
                bullets=(
                    f"{prefix} aan: {default.describe()}.",
                    f"{prefix} aan vr 16:00: op een andere dag en tijd.",
                    f"{prefix} uit: geen digest meer in dit kanaal.",
                    f"{prefix} status: staat hij aan, en wanneer komt de volgende?",
                ),
            ),
        ),
    )


def subscribed(subscription: Subscription, next_at: datetime, prefix: str) -> Answer:
    return notice(
        "Digest staat aan",
        f"Dit kanaal krijgt de casus en tip van de week {subscription.slot.describe()}. "
        f"De volgende komt {when(next_at, subscription.slot)}. Stoppen kan met '{prefix} uit' "
        "of de knop 'Digest uit' onder de digest.",
    )


def unsubscribed(was_active: bool, prefix: str) -> Answer:
    if not was_active:
        return notice("Digest stond al uit", f"Dit kanaal krijgt geen digest. Aanzetten kan met '{prefix} aan'.")
    return notice("Digest staat uit", f"Dit kanaal krijgt geen digest meer. Weer aanzetten kan met '{prefix} aan'.")


INACTIVE_TEXT = {
    InactiveReason.UNSUBSCRIBED: "De digest staat uit voor dit kanaal.",
    InactiveReason.NOT_IN_CHANNEL: (
        "Ik kon de digest niet plaatsen omdat ik geen lid ben van dit kanaal. "
        "Nodig me uit (/invite @Antenne) en zet de digest daarna weer aan."
    ),
    InactiveReason.CHANNEL_NOT_FOUND: "Ik kon dit kanaal niet meer vinden, dus de digest is gestopt.",
    InactiveReason.ARCHIVED: "Dit kanaal is gearchiveerd, dus de digest is gestopt.",
    InactiveReason.REMOVED: "Ik mocht hier niet meer posten (verwijderd uit het gesprek), dus de digest is gestopt.",
}

LAST_STATUS = {
    LedgerStatus.SENT: "geplaatst",
    LedgerStatus.CLAIMED: "bezig (of onderbroken)",
    LedgerStatus.DEFERRED: "uitgesteld, wordt opnieuw geprobeerd",
    LedgerStatus.FAILED: "mislukt",
    LedgerStatus.UNKNOWN: "onbekend of geplaatst (het platform antwoordde niet op tijd), wordt niet opnieuw verstuurd",
}


def status(
    subscription: Subscription | None, next_at: datetime | None, last: LedgerEntry | None, prefix: str
) -> Answer:
    if subscription is None:
        return notice("Geen digest", f"Dit kanaal krijgt geen digest. Aanzetten kan met '{prefix} aan'.")
    lines = []
    if subscription.active and next_at is not None:
        lines.append(f"De digest staat aan: {subscription.slot.describe()}.")
        lines.append(f"De volgende komt {when(next_at, subscription.slot)}.")
    else:
        reason = subscription.inactive_reason or InactiveReason.UNSUBSCRIBED
        lines.append(f"{INACTIVE_TEXT[reason]} Aanzetten kan met '{prefix} aan'.")
    if last is not None:
        lines.append(f"Laatste digest: week {last.iso_week.split('-W')[-1].lstrip('0')}, {LAST_STATUS[last.status]}.")
    return notice("Status van de digest", " ".join(lines))
