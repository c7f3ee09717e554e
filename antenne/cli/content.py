"""`antenne content check` and `antenne content export`: for content editors."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from antenne.bot.errors import AntenneError
from antenne.cli.common import AddParser, knowledge_base, say, settings

if TYPE_CHECKING:
    from antenne.bot.content.model import KnowledgeBase


class ContentCheckFailed(AntenneError):
    """The check ran and found problems: exit 1, every problem listed."""


def cmd_content_check(args: argparse.Namespace) -> int:
    from antenne.bot.content.issues import ContentError

    content_dir = Path(args.dir) if args.dir else settings().content_dir
    try:
        kb = knowledge_base(content_dir, Path(args.inventory) if args.inventory else None)
    except ContentError as exc:
        raise ContentCheckFailed(str(exc)) from exc
    say(
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
    kb = knowledge_base(Path(args.dir) if args.dir else settings().content_dir)
    say(json.dumps(export_items(kb), ensure_ascii=False, indent=2 if args.pretty else None))
    return 0


def add_commands(add_parser: AddParser) -> None:
    content = add_parser("content", help="content controleren of exporteren")
    actions = content.add_subparsers(dest="content_command", required=True, metavar="actie")
    check = actions.add_parser("check", help="controleer de YAML-content (exit 1 met elke fout op een rij)")
    check.add_argument("dir", nargs="?", help="contentmap (standaard: de meegeleverde content)")
    check.add_argument("--inventory", help="controleer ook tegen deze inventaris (content-inventory.yaml)")
    check.set_defaults(func=cmd_content_check)
    export = actions.add_parser("export", help="exporteer alle casussen en tips")
    export.add_argument("--json", action="store_true", required=True, help="als JSON (het enige formaat)")
    export.add_argument("--pretty", action="store_true", help="leesbaar ingesprongen")
    export.add_argument("--dir", help="contentmap (standaard: de meegeleverde content)")
    export.set_defaults(func=cmd_content_export)
