"""Plain-text tables for operators and content editors: subscriptions and feedback.

Read from the store by `antenne digest list` and `antenne report`; kept apart
from the CLI so their wording and layout are tested without a terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from antenne.bot.content.model import KnowledgeBase
from antenne.bot.digest.compose import when
from antenne.bot.store.feedback import FrequentQuestion, ItemVotes
from antenne.bot.store.ledger import LedgerEntry
from antenne.bot.store.subscriptions import Subscription

STATUS_WORD = {
    "unsubscribed": "uitgezet",
    "not_in_channel": "nodig de bot uit",
    "channel_not_found": "kanaal weg",
    "is_archived": "gearchiveerd",
    "bot_removed": "bot verwijderd",
}


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
    lines = [
        "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in (header, *rows)
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def subscriptions_table(subscriptions: Sequence[Subscription], last: dict[int, LedgerEntry], now: datetime) -> str:
    if not subscriptions:
        return "Nog geen abonnementen. Zet de digest aan in een kanaal met '/tip digest aan' of 'digest aan'."
    rows = []
    for s in subscriptions:
        entry = last.get(s.id)
        status = "actief" if s.active else STATUS_WORD.get(s.inactive_reason or "", "inactief")
        rows.append(
            (
                str(s.id),
                s.platform,
                s.place.workspace,
                s.place.channel,
                s.slot.describe().removeprefix("elke "),
                status,
                when(s.slot.next_after(now), s.slot) if s.active else "-",
                f"{entry.iso_week} {entry.status.value}" if entry else "-",
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
    kb: KnowledgeBase, votes: Sequence[ItemVotes], questions: Sequence[FrequentQuestion] | None, retention_days: int
) -> str:
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
    if questions is None:
        parts.append(
            "Onbeantwoorde vragen worden niet bewaard. "
            "Zet ANTENNE_LOG_UNANSWERED=aan om te zien welke content ontbreekt."
        )
    elif not questions:
        parts.append(f"Geen onbeantwoorde vragen in de laatste {retention_days} dagen.")
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
    return "\n".join(parts)

