"""The `antenne` command.

Imports of the platform SDKs (slack_bolt, botbuilder: 0.3-0.5 s each) stay
inside the commands that need them, so `antenne ask` starts fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.config import ConfigError, Settings, load_settings
from bot.content.issues import ContentError
from bot.content.loader import load_knowledge_base
from bot.content.model import KnowledgeBase
from bot.matching.matcher import MatchOutcome
from bot.service import Antenne

EXIT_CONTENT = 1
EXIT_CONFIG = 2


def settings_or_exit() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        raise SystemExit(EXIT_CONFIG) from None


def _knowledge_base(content_dir: Path, inventory: Path | None = None) -> KnowledgeBase:
    try:
        return load_knowledge_base(content_dir, inventory)
    except ContentError as exc:
        print(exc, file=sys.stderr)
        raise SystemExit(EXIT_CONTENT) from None


def antenne_for(settings: Settings) -> Antenne:
    return Antenne(_knowledge_base(settings.content_dir), max_question_chars=settings.max_question_chars)


def outcome_json(question: str, outcome: MatchOutcome) -> dict[str, object]:
    """The stable contract used by outside evaluations: do not change its shape."""
    return {
        "question": question,
        "answered": outcome.answered,
        "results": [
            {"id": r.id, "kind": r.kind, "theme": r.theme, "title": r.title, "score": r.score} for r in outcome.results
        ],
    }


def cmd_ask(args: argparse.Namespace) -> int:
    from bot.answers.render_text import render_text

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
    from bot.answers.render_text import render_text

    print(render_text(antenne_for(settings_or_exit()).tip(" ".join(args.topic)), show_actions=False))
    return 0


def cmd_content_check(args: argparse.Namespace) -> int:
    content_dir = Path(args.dir) if args.dir else settings_or_exit().content_dir
    kb = _knowledge_base(content_dir, Path(args.inventory) if args.inventory else None)
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
    kb = _knowledge_base(Path(args.dir) if args.dir else settings_or_exit().content_dir)
    print(json.dumps(export_items(kb), ensure_ascii=False, indent=2 if args.pretty else None))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from bot.evaluation import evaluate, format_report, load_questions
    from bot.matching.matcher import Matcher

    config = settings_or_exit()
    try:
        questions = load_questions(Path(args.file))
    except (OSError, ValueError) as exc:
        print(f"Kan de vragenset niet lezen: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    matcher = Matcher(_knowledge_base(config.content_dir), max_question_chars=config.max_question_chars)
    print(format_report(evaluate(matcher, questions)))
    return 0


def build_parser() -> tuple[argparse.ArgumentParser, argparse._SubParsersAction]:
    """The core commands; adapters/cli.py adds the platform ones (chat, serve)."""
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
    return parser, commands


def run(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> int:
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def main(argv: Sequence[str] | None = None) -> int:
    return run(build_parser()[0], argv)


if __name__ == "__main__":
    raise SystemExit(main())
