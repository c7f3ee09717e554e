"""The `antenne` command: the core commands plus the platform ones.

The core's CLI (bot/cli.py) knows nothing of platforms; this module adds `chat`
and `serve`, importing their SDKs only when those commands run.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from antenne.bot.cli import antenne_for, build_parser, run, settings_or_exit


def cmd_chat(args: argparse.Namespace) -> int:
    from antenne.adapters.console.chat import chat

    return chat(antenne_for(settings_or_exit()), sys.stdin, sys.stdout, sys.stdin.isatty())


def cmd_serve(args: argparse.Namespace) -> int:
    from antenne.adapters.server import serve

    return serve(settings_or_exit())


def cmd_teams_package(args: argparse.Namespace) -> int:
    from pathlib import Path

    from antenne.adapters.teams.package import PackageError, build_package

    app_id = args.app_id or settings_or_exit().teams_app_id
    try:
        written = build_package(app_id, Path(args.output))
    except PackageError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"Teams-app geschreven naar {written}. Upload in Teams: Apps > Apps beheren > Een app uploaden.")
    return 0


def cmd_digest_run_now(args: argparse.Namespace) -> int:
    from antenne.adapters.digest_run import run_now

    return run_now(settings_or_exit())


def parser() -> argparse.ArgumentParser:
    parsers = build_parser()
    root, commands = parsers.root, parsers.commands
    parsers.digest.add_parser(
        "run-now", help="verstuur de digest van deze week nu naar elk actief kanaal dat hem nog niet kreeg"
    ).set_defaults(func=cmd_digest_run_now)
    commands.add_parser("chat", help="chat in de terminal").set_defaults(func=cmd_chat)
    commands.add_parser("serve", help="start de server voor Slack en Teams").set_defaults(func=cmd_serve)
    package = commands.add_parser("teams-package", help="maak het Teams-app-pakket (zip) om te uploaden")
    package.add_argument("--app-id", help="Microsoft App ID (standaard: MICROSOFT_APP_ID)")
    package.add_argument("--output", default="antenne-teams.zip", help="waar de zip komt (standaard: %(default)s)")
    package.set_defaults(func=cmd_teams_package)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    return run(parser(), argv)


if __name__ == "__main__":
    raise SystemExit(main())
