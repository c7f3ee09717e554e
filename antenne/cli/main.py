"""The `antenne` command's entry point and its one error edge.

Exit codes, the same for every command (README, "Exit codes"):
0 done; 1 failed at run time or a check found problems; 2 wrong usage,
configuration or content; 3 the database is unreachable; 130 interrupted;
141 the reader of our output went away (`| head`), as for any Unix tool.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from antenne import __version__
from antenne.bot.config import ConfigError
from antenne.bot.content.issues import ContentError
from antenne.bot.errors import AntenneError, ExitCode, StoreUnavailable
from antenne.cli import answers, chat, content, digest, report, serve, teams_package

INTERRUPTED = 130
BROKEN_PIPE = 128 + 13  # what a shell reports for a process ended by SIGPIPE


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="antenne", description="Antenne: bestuurlijke antenne voor ambtenaren.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="opdracht")
    for group in (answers, content, chat, serve, digest, report, teams_package):
        group.add_commands(commands.add_parser)
    return parser


def fail(message: str, code: int) -> int:
    print(message, file=sys.stderr)
    return code


def describe(exc: AntenneError) -> str:
    """The error's own words; a bare StoreUnavailable (raised `from` the driver's error) names that cause."""
    if str(exc) or exc.__cause__ is None:
        return str(exc) or type(exc).__name__
    if isinstance(exc, StoreUnavailable):
        return f"De database is niet bereikbaar: {exc.__cause__}"
    return str(exc.__cause__)


def _silence_stdout() -> None:
    """After a broken pipe, Python's final flush of stdout would fail again: point it at /dev/null."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def run(args: argparse.Namespace) -> int:
    """Run one parsed command; every operator error becomes a message on stderr and its exit code."""
    try:
        return int(args.func(args))
    except ConfigError as exc:
        return fail(str(exc), ExitCode.USAGE)
    except ContentError as exc:  # content that cannot be served is a configuration problem
        return fail(str(exc), ExitCode.USAGE)
    except AntenneError as exc:
        return fail(describe(exc), exc.exit_code)
    except KeyboardInterrupt:
        return INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return BROKEN_PIPE


def main(argv: Sequence[str] | None = None) -> int:
    return run(build_parser().parse_args(argv))
