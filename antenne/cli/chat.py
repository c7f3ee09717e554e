"""`antenne chat`: talk to the bot in a terminal, without any platform."""

from __future__ import annotations

import argparse
import sys

from antenne.cli.common import AddParser, antenne_for, settings


def cmd_chat(args: argparse.Namespace) -> int:
    from antenne.adapters.console.chat import chat, stored_feedback

    config = settings()
    antenne = antenne_for(config)
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    if args.no_store:
        return chat(antenne, sys.stdin, sys.stdout, interactive)
    feedback, close = stored_feedback(config)
    try:
        return chat(antenne, sys.stdin, sys.stdout, interactive, feedback=feedback)
    finally:
        close()


def add_commands(add_parser: AddParser) -> None:
    chat = add_parser("chat", help="chat in de terminal")
    chat.add_argument(
        "--no-store",
        action="store_true",
        help="bewaar 👍/👎 niet in de database (standaard: wel, net als Slack en Teams)",
    )
    chat.set_defaults(func=cmd_chat)
