"""`antenne serve`: the server for Slack and Teams, with /healthz and /readyz."""

from __future__ import annotations

import argparse

from antenne.cli.common import AddParser, settings, store_errors, unavailable


def cmd_serve(args: argparse.Namespace) -> int:
    from antenne.adapters.server import serve

    config = settings()
    try:
        serve(config)  # raises antenne.bot.errors for start-up problems
    except store_errors() as exc:
        raise unavailable(exc, config) from exc
    return 0


def add_commands(add_parser: AddParser) -> None:
    add_parser("serve", help="start de server voor Slack en Teams").set_defaults(func=cmd_serve)
