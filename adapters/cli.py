"""The `antenne` command: the core commands plus the platform ones.

The core's CLI (bot/cli.py) knows nothing of platforms; this module adds `chat`
and `serve`, importing their SDKs only when those commands run.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot.cli import antenne_for, build_parser, run, settings_or_exit


def cmd_chat(args: argparse.Namespace) -> int:
    from adapters.console.chat import chat

    return chat(antenne_for(settings_or_exit()), sys.stdin, sys.stdout, sys.stdin.isatty())


def cmd_serve(args: argparse.Namespace) -> int:
    from adapters.server import serve

    return serve(settings_or_exit())


def parser() -> argparse.ArgumentParser:
    root, commands = build_parser()
    commands.add_parser("chat", help="chat in de terminal").set_defaults(func=cmd_chat)
    commands.add_parser("serve", help="start de server voor Slack en Teams").set_defaults(func=cmd_serve)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    return run(parser(), argv)


if __name__ == "__main__":
    raise SystemExit(main())
