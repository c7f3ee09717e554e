"""`antenne digest list|preview|run-now`: the weekly digest, as an operator sees and drives it."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import TYPE_CHECKING

from antenne.bot.errors import ExitCode
from antenne.cli.common import AddParser, knowledge_base, run_with_store, say, settings, store_errors, unavailable

if TYPE_CHECKING:
    from antenne.bot.config import Settings
    from antenne.bot.store.ledger import LedgerEntry
    from antenne.bot.store.store import Store
    from antenne.bot.store.subscriptions import Subscription


def cmd_digest_list(args: argparse.Namespace) -> int:
    from antenne.bot.reports import subscriptions_table

    async def work(store: Store) -> str:
        return subscriptions_table(await store.subscriptions.all(), await store.ledger.all(), store.db.clock())

    say(run_with_store(settings(), work))
    return 0


def cmd_digest_preview(args: argparse.Namespace) -> int:
    from antenne.bot.answers.render_text import render_text
    from antenne.bot.digest.compose import digest_for
    from antenne.bot.digest.rotation import next_items
    from antenne.bot.slots import Slot

    config = settings()
    kb = knowledge_base(config.content_dir)

    async def work(store: Store) -> str:
        key, history = "preview", list[tuple[str, ...]]()
        if args.channel:
            found = [s for s in await store.subscriptions.all() if s.place.channel == args.channel]
            if not found:
                return f"Geen abonnement voor kanaal '{args.channel}'. Zie 'antenne digest list'."
            key = found[0].label
            history = await store.ledger.items_sent(found[0].id)
        week = Slot(0, 9, 0, config.digest_timezone).iso_week(store.db.clock())
        answer = digest_for(kb, next_items(kb, key, history), week)
        return render_text(answer, show_actions=False) if answer else "Geen content om te tonen."

    say(run_with_store(config, work))
    return 0


# -- run-now ------------------------------------------------------------------------------

UNRESOLVED_TEXT = {
    "unknown": "Onbekend of geplaatst (het platform antwoordde niet op tijd; wordt deze week niet opnieuw "
    "verstuurd, kijk in het kanaal)",
    "claimed": "Blijft geclaimd (een eerdere run stopte halverwege; wordt deze week niet opnieuw verstuurd, "
    "kijk in het kanaal)",
}


def unresolved(subscriptions: list[Subscription], entries: dict[tuple[int, str], LedgerEntry], now: datetime) -> str:
    """The channels whose digest of this week is claimed or unknown: the operator must look there."""
    lines = []
    for state, text in UNRESOLVED_TEXT.items():
        places = [
            f"{s.platform} {s.place.workspace}/{s.place.channel}"
            for s in subscriptions
            if (e := entries.get((s.id, s.slot.iso_week(now)))) is not None and e.status.value == state
        ]
        if places:
            lines.append(f"{text}: {len(places)}")
            lines.extend(f"  - {place}" for place in places)
    return "\n".join(lines)


async def unresolved_this_week(store: Store) -> str:
    now = store.db.clock()
    subscriptions = await store.subscriptions.all(active_only=True)
    entries = await store.ledger.for_weeks({s.slot.iso_week(now) for s in subscriptions})
    return unresolved(subscriptions, entries, now)


def _run_now(config: Settings) -> int:
    from antenne.adapters import digest_run

    result = digest_run.run_now(config)
    say(digest_run.describe(result))
    return ExitCode.OK if not (result.failed or result.deferred or result.unknown) else ExitCode.FAILED


def cmd_digest_run_now(args: argparse.Namespace) -> int:
    config = settings()
    try:
        code = _run_now(config)
    except store_errors() as exc:
        raise unavailable(exc, config) from exc
    report = run_with_store(config, unresolved_this_week)
    if report:
        say(report)
        return max(code, ExitCode.FAILED)
    return code


def add_commands(add_parser: AddParser) -> None:
    digest = add_parser("digest", help="de wekelijkse digest: abonnementen bekijken, voorproeven, versturen")
    actions = digest.add_subparsers(dest="digest_command", required=True, metavar="actie")
    actions.add_parser("list", help="alle abonnementen met status, volgende moment en laatste week").set_defaults(
        func=cmd_digest_list
    )
    preview = actions.add_parser("preview", help="toon de volgende digest als tekst")
    preview.add_argument("--channel", help="voor dit kanaal (Slack-kanaal-id of Teams-gesprek-id)")
    preview.set_defaults(func=cmd_digest_preview)
    actions.add_parser(
        "run-now", help="verstuur de digest van deze week nu naar elk actief kanaal dat hem nog niet kreeg"
    ).set_defaults(func=cmd_digest_run_now)
