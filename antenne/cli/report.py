"""`antenne report`: for content editors, what users liked and what they asked that Antenne could not answer."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from antenne.cli.common import AddParser, knowledge_base, run_with_store, say, settings

if TYPE_CHECKING:
    from antenne.bot.store.store import Store


def cmd_report(args: argparse.Namespace) -> int:
    from antenne.bot.reports import feedback_report

    config = settings()
    kb = knowledge_base(config.content_dir)

    async def work(store: Store) -> str:
        await store.unanswered.purge()  # never show what is past its retention period
        votes = await store.feedback.votes()
        questions = await store.unanswered.frequent(args.limit)  # what the store holds, whoever kept it
        if args.json:
            return json.dumps(
                {
                    "feedback": [{"id": v.item_id, "up": v.up, "down": v.down} for v in votes],
                    "unanswered": [{"question": q.question, "count": q.count} for q in questions],
                    "collecting_unanswered": config.log_unanswered,
                },
                ensure_ascii=False,
            )
        return feedback_report(
            kb, votes, questions, config.unanswered_retention_days, collecting=config.log_unanswered
        )

    say(run_with_store(config, work))
    return 0


def add_commands(add_parser: AddParser) -> None:
    report = add_parser("report", help="feedback per onderwerp en de vaakst onbeantwoorde vragen")
    report.add_argument("--limit", type=int, default=20, help="aantal vragen (standaard: %(default)s)")
    report.add_argument("--json", action="store_true", help="als JSON")
    report.set_defaults(func=cmd_report)
