"""The `antenne` command.

Imports of the platform SDKs (slack_bolt, botbuilder: 0.3-0.5 s each) stay
inside the commands that need them, so `antenne ask` starts fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from antenne.bot.config import ConfigError, Settings, load_settings
from antenne.bot.content.issues import ContentError
from antenne.bot.content.loader import load_knowledge_base
from antenne.bot.content.model import KnowledgeBase
from antenne.bot.matching.matcher import outcome_json
from antenne.bot.service import Antenne

if TYPE_CHECKING:
    from antenne.bot.store.store import Store

EXIT_CONTENT = 1
EXIT_CONFIG = 2
EXIT_STORE = 3


def settings_or_exit() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        raise SystemExit(EXIT_CONFIG) from None


def knowledge_base_or_exit(content_dir: Path, inventory: Path | None = None) -> KnowledgeBase:
    try:
        return load_knowledge_base(content_dir, inventory)
    except ContentError as exc:
        print(exc, file=sys.stderr)
        raise SystemExit(EXIT_CONTENT) from None


def antenne_for(settings: Settings) -> Antenne:
    return Antenne(knowledge_base_or_exit(settings.content_dir), max_question_chars=settings.max_question_chars)


def cmd_ask(args: argparse.Namespace) -> int:
    from antenne.bot.answers.render_text import render_text

    antenne = antenne_for(settings_or_exit())
    if args.question == ["-"]:
        for line in sys.stdin:
            question = line.rstrip("\r\n")
            outcome = antenne.match(question)
            if args.json:
                print(json.dumps(outcome_json(question, outcome), ensure_ascii=False), flush=True)
            else:
                print(render_text(antenne.answer(outcome)) + "\n", flush=True)
        return 0
    question = " ".join(args.question)
    outcome = antenne.match(question)
    if args.json:
        print(json.dumps(outcome_json(question, outcome), ensure_ascii=False))
    else:
        print(render_text(antenne.answer(outcome)))
    return 0


def cmd_tip(args: argparse.Namespace) -> int:
    from antenne.bot.answers.render_text import render_text

    print(render_text(antenne_for(settings_or_exit()).tip(" ".join(args.topic)), show_actions=False))
    return 0


def cmd_content_check(args: argparse.Namespace) -> int:
    content_dir = Path(args.dir) if args.dir else settings_or_exit().content_dir
    kb = knowledge_base_or_exit(content_dir, Path(args.inventory) if args.inventory else None)
    print(
        f"Content in orde: {len(kb.cases)} casussen, {len(kb.themes)} thema's, {len(kb.tips)} tips, "
        f"{len(kb.synonym_groups)} synoniemgroepen."
    )
    return 0


def export_items(kb: KnowledgeBase) -> dict[str, object]:
    items: list[dict[str, object]] = []
    for case in kb.cases:
        items.append(
            {
                "id": case.id,
                "kind": "case",
                "theme": None,
                "themes": list(case.themes),
                "title": case.title,
                "summary": case.summary,
                "what_happened": case.what_happened,
                "what_went_wrong_or_right": case.what_went_wrong_or_right,
                "lessons": list(case.lessons),
                "next_steps": list(case.next_steps),
                "discussion_question": case.discussion_question,
                "tags": list(case.tags),
                "example_questions": list(case.example_questions),
                "source": case.source.cite(),
            }
        )
    for theme in kb.themes:
        for tip in theme.tips:
            items.append(
                {
                    "id": tip.id,
                    "kind": "tip",
                    "theme": theme.id,
                    "title": theme.title,
                    "audience": tip.audience.value,
                    "text": tip.text,
                    "theme_introduction": theme.introduction,
                    "source": tip.source.cite(),
                }
            )
    return {"items": items}


def cmd_content_export(args: argparse.Namespace) -> int:
    kb = knowledge_base_or_exit(Path(args.dir) if args.dir else settings_or_exit().content_dir)
    print(json.dumps(export_items(kb), ensure_ascii=False, indent=2 if args.pretty else None))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from antenne.bot.evaluation import evaluate, format_report, load_questions
    from antenne.bot.matching.matcher import Matcher

    config = settings_or_exit()
    try:
        questions = load_questions(Path(args.file))
    except (OSError, ValueError) as exc:
        print(f"Kan de vragenset niet lezen: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    matcher = Matcher(knowledge_base_or_exit(config.content_dir), max_question_chars=config.max_question_chars)
    print(format_report(evaluate(matcher, questions)))
    return 0


# -- the store: digest list/preview and the editors' report ------------------------------


async def _with_store(settings: Settings, work: Callable[[Store], Awaitable[str]]) -> str:
    from antenne.bot.store.store import Store

    store = Store.from_settings(settings)
    try:
        await store.start()
        return await work(store)
    finally:
        await store.close()


def _run_with_store(work: Callable[[Store], Awaitable[str]]) -> int:
    try:
        import asyncio  # only the store commands need it; `antenne ask` starts faster without

        print(asyncio.run(_with_store(settings_or_exit(), work)))
    except OSError as exc:  # asyncpg and aiosqlite report an unreachable database this way
        print(f"De database is niet bereikbaar: {exc}", file=sys.stderr)
        return EXIT_STORE
    return 0


def cmd_digest_list(args: argparse.Namespace) -> int:
    from antenne.bot.reports import subscriptions_table

    async def work(store: Store) -> str:
        last = {entry.subscription_id: entry for entry in await store.ledger.all()}  # ordered: the last wins
        return subscriptions_table(await store.subscriptions.all(), last, store.db.clock())

    return _run_with_store(work)


def cmd_digest_preview(args: argparse.Namespace) -> int:
    from antenne.bot.answers.render_text import render_text
    from antenne.bot.digest.compose import digest_for
    from antenne.bot.digest.rotation import next_items
    from antenne.bot.digest.slots import Slot

    settings = settings_or_exit()
    kb = knowledge_base_or_exit(settings.content_dir)

    async def work(store: Store) -> str:
        now = store.db.clock()
        key, history = "preview", list[tuple[str, ...]]()
        if args.channel:
            found = [s for s in await store.subscriptions.all() if s.place.channel == args.channel]
            if not found:
                return f"Geen abonnement voor kanaal '{args.channel}'. Zie 'antenne digest list'."
            key = found[0].label
            history = await store.ledger.items_sent(found[0].id)
        week = Slot(0, 9, 0, settings.digest_timezone).iso_week(now)
        answer = digest_for(kb, next_items(kb, key, history), week)
        return render_text(answer, show_actions=False) if answer else "Geen content om te tonen."

    return _run_with_store(work)


def cmd_report(args: argparse.Namespace) -> int:
    from antenne.bot.reports import feedback_report

    settings = settings_or_exit()
    kb = knowledge_base_or_exit(settings.content_dir)

    async def work(store: Store) -> str:
        await store.unanswered.purge()  # never show what is past its retention period
        votes = await store.feedback.votes()
        questions = await store.unanswered.frequent(args.limit) if settings.log_unanswered else None
        if args.json:
            return json.dumps(
                {
                    "feedback": [{"id": v.item_id, "up": v.up, "down": v.down} for v in votes],
                    "unanswered": None
                    if questions is None
                    else [{"question": q.question, "count": q.count} for q in questions],
                },
                ensure_ascii=False,
            )
        return feedback_report(kb, votes, questions, settings.unanswered_retention_days)

    return _run_with_store(work)


@dataclass(frozen=True)
class Parsers:
    root: argparse.ArgumentParser
    commands: argparse._SubParsersAction
    digest: argparse._SubParsersAction


def build_parser() -> Parsers:
    """The core commands; adapters/cli.py adds the platform ones (chat, serve, digest run-now)."""
    parser = argparse.ArgumentParser(prog="antenne", description="Antenne: bestuurlijke antenne voor ambtenaren.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="opdracht")

    ask = commands.add_parser("ask", help="beantwoord één vraag (of '-' voor één vraag per regel van stdin)")
    ask.add_argument("--json", action="store_true", help="print JSON (stabiel formaat voor evaluaties)")
    ask.add_argument("question", nargs="+", help="de vraag, of '-' voor stdin")
    ask.set_defaults(func=cmd_ask)

    tip = commands.add_parser("tip", help="een tip: willekeurig, over een onderwerp of voor een doelgroep")
    tip.add_argument("topic", nargs="*", help="onderwerp of doelgroep (ambtenaar, topambtenaar, bestuurder)")
    tip.set_defaults(func=cmd_tip)

    content = commands.add_parser("content", help="content controleren of exporteren")
    content_commands = content.add_subparsers(dest="content_command", required=True, metavar="actie")
    check = content_commands.add_parser("check", help="controleer de YAML-content")
    check.add_argument("dir", nargs="?", help="contentmap (standaard: de meegeleverde content)")
    check.add_argument("--inventory", help="controleer ook tegen deze inventaris (content-inventory.yaml)")
    check.set_defaults(func=cmd_content_check)
    export = content_commands.add_parser("export", help="exporteer alle casussen en tips")
    export.add_argument("--json", action="store_true", required=True, help="als JSON (het enige formaat)")
    export.add_argument("--pretty", action="store_true", help="leesbaar ingesprongen")
    export.add_argument("--dir", help="contentmap (standaard: de meegeleverde content)")
    export.set_defaults(func=cmd_content_export)

    ev = commands.add_parser("eval", help="meet top-1, top-3 en abstention op een vragenset")
    ev.add_argument("file", help="YAML in het formaat van shared/eval/public.yaml")
    ev.set_defaults(func=cmd_eval)

    digest = commands.add_parser("digest", help="de wekelijkse digest: abonnementen bekijken, voorproeven, versturen")
    digest_commands = digest.add_subparsers(dest="digest_command", required=True, metavar="actie")
    digest_commands.add_parser("list", help="alle abonnementen met status en volgende moment").set_defaults(
        func=cmd_digest_list
    )
    preview = digest_commands.add_parser("preview", help="toon de volgende digest als tekst")
    preview.add_argument("--channel", help="voor dit kanaal (Slack-kanaal-id of Teams-gesprek-id)")
    preview.set_defaults(func=cmd_digest_preview)

    report = commands.add_parser("report", help="feedback per onderwerp en de vaakst onbeantwoorde vragen")
    report.add_argument("--limit", type=int, default=20, help="aantal vragen (standaard: %(default)s)")
    report.add_argument("--json", action="store_true", help="als JSON")
    report.set_defaults(func=cmd_report)
    return Parsers(parser, commands, digest_commands)


def run(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> int:
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def main(argv: Sequence[str] | None = None) -> int:
    return run(build_parser().root, argv)


if __name__ == "__main__":
    raise SystemExit(main())
