"""Plain-text tables for operators and content editors: subscriptions and feedback.

Read from the store by `antenne digest list` and `antenne report`; kept apart
from the CLI so their wording and layout are tested without a terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from antenne.bot.content.model import KnowledgeBase
from antenne.bot.digest.compose import when
from antenne.bot.digest.scheduler import next_post
from antenne.bot.store.feedback import FrequentQuestion, ItemVotes
from antenne.bot.store.ledger import LedgerEntry, LedgerStatus
from antenne.bot.store.subscriptions import Subscription

STATUS_WORD = {
    "unsubscribed": "uitgezet",
    "not_in_channel": "nodig de bot uit",
    "channel_not_found": "kanaal weg",
    "is_archived": "gearchiveerd",
    "bot_removed": "bot verwijderd",
}
# A ledger row's state in the operator's table: short, Dutch, and what to do about it.
LEDGER_WORD = {
    LedgerStatus.SENT: "geplaatst",
    LedgerStatus.CLAIMED: "bezig of onderbroken",
    LedgerStatus.DEFERRED: "uitgesteld",
    LedgerStatus.FAILED: "mislukt",
    LedgerStatus.UNKNOWN: "onbekend (controleer het kanaal)",
}


def last_digest(entry: LedgerEntry | None) -> str:
    """'2026-W48 mislukt (http_500)': the week, its state in Dutch and the platform's reason."""
    if entry is None:
        return "-"
    reason = f" ({entry.reason})" if entry.reason and entry.status is not LedgerStatus.SENT else ""
    return f"{entry.iso_week} {LEDGER_WORD[entry.status]}{reason}"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
    lines = [
        "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in (header, *rows)
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def subscriptions_table(subscriptions: Sequence[Subscription], ledger: Sequence[LedgerEntry], now: datetime) -> str:
    """One row per subscription; `ledger` is every row, ordered by slot (the last one per subscription wins)."""
    if not subscriptions:
        return "Nog geen abonnementen. Zet de digest aan met '/tip digest aan' (Slack) of 'digest aan' (Teams)."
    last = {entry.subscription_id: entry for entry in ledger}
    weeks: dict[int, set[str]] = {}
    for entry in ledger:
        weeks.setdefault(entry.subscription_id, set()).add(entry.iso_week)
    rows = []
    for s in subscriptions:
        status = "actief" if s.active else STATUS_WORD.get(s.inactive_reason or "", "inactief")
        rows.append(
            (
                str(s.id),
                s.platform,
                s.place.workspace,
                s.place.channel,
                s.slot.describe().removeprefix("elke "),
                status,
                when(next_post(s.slot, now, weeks.get(s.id, set())), s.slot) if s.active else "-",
                last_digest(last.get(s.id)),
            )
        )
    header = ("id", "platform", "werkruimte", "kanaal", "moment", "status", "volgende", "laatste")
    return table(header, rows)


def title_of(kb: KnowledgeBase, item_id: str) -> str:
    case = kb.case(item_id)
    if case is not None:
        return case.title
    tip = kb.tip(item_id)
    if tip is not None:
        theme = kb.theme(tip.theme)
        return f"tip: {theme.title if theme else tip.theme}"
    return "(niet meer in de content)"


def feedback_report(
    kb: KnowledgeBase,
    votes: Sequence[ItemVotes],
    questions: Sequence[FrequentQuestion],
    retention_days: int,
    *,
    collecting: bool,
) -> str:
    """Votes, and the unanswered questions the store holds; `collecting` says whether this
    configuration keeps new ones (the server may have kept some under another setting)."""
    parts = ["Feedback per onderwerp (meeste duimpjes omlaag eerst)"]
    if votes:
        ordered = sorted(votes, key=lambda v: (-v.down, -v.up, v.item_id))
        parts.append(
            table(
                ("👍", "👎", "id", "titel"),
                [(str(v.up), str(v.down), v.item_id, title_of(kb, v.item_id)) for v in ordered],
            )
        )
    else:
        parts.append("Nog geen feedback ontvangen.")
    parts.append("")
    if not questions:
        parts.append(f"Geen onbeantwoorde vragen bewaard in de laatste {retention_days} dagen.")
    else:
        parts.append(
            f"Meest gestelde onbeantwoorde vragen (laatste {retention_days} dagen, persoonsgegevens weggelaten)"
        )
        parts.append(
            table(
                ("aantal", "laatst", "vraag"),
                [(str(q.count), q.last_asked.date().isoformat(), q.question) for q in questions],
            )
        )
    if not collecting:
        parts.append(
            "Let op: met deze instellingen bewaart Antenne geen nieuwe onbeantwoorde vragen "
            "(ANTENNE_LOG_UNANSWERED staat uit). Wat hierboven staat, bewaarde een server met die instelling aan."
            if questions
            else "ANTENNE_LOG_UNANSWERED staat uit: zet het aan op de server om te zien welke content ontbreekt."
        )
    return "\n".join(parts)

