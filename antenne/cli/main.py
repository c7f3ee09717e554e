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
from importlib import import_module

from antenne import __version__
from antenne.bot.collector import collector_paused
from antenne.bot.content.issues import ContentError
from antenne.bot.errors import AntenneError, ExitCode, StoreUnavailable

INTERRUPTED = 130
BROKEN_PIPE = 128 + 13  # what a shell reports for a process ended by SIGPIPE

# The modules of antenne.cli that add commands, in the order `antenne --help` lists them,
# and the commands each adds (tests/test_cli_startup.py checks these against the modules).
COMMAND_GROUPS = {
    "answers": ("ask", "tip", "eval"),
    "content": ("content",),
    "chat": ("chat",),
    "serve": ("serve",),
    "digest": ("digest",),
    "report": ("report",),
    "teams_package": ("teams-package",),
}


def groups_for(argv: Sequence[str]) -> tuple[str, ...]:
    """The modules to build the parser from: only the named command's.

    Building every command's parser and importing every command module would cost a
    quick command (`antenne ask`) a tenth of its start. Anything but a command name
    (--help, --version, a typo) gets them all, so help and errors list every command.
    """
    named = [group for group, commands in COMMAND_GROUPS.items() if argv and argv[0] in commands]
    return tuple(named) or tuple(COMMAND_GROUPS)


def build_parser(groups: Sequence[str] = tuple(COMMAND_GROUPS)) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="antenne", description="Antenne: bestuurlijke antenne voor ambtenaren.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="opdracht")
    for group in groups:
        import_module(f"antenne.cli.{group}").add_commands(commands.add_parser)
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
    except ContentError as exc:  # content that cannot be served is a configuration problem
        return fail(str(exc), ExitCode.USAGE)
    except AntenneError as exc:  # a ConfigError too: a UsageError, exit 2 with every wrong variable
        return fail(describe(exc), exc.exit_code)
    except KeyboardInterrupt:
        return INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return BROKEN_PIPE


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    with collector_paused():  # the parsers live until the command ends
        args = build_parser(groups_for(arguments)).parse_args(arguments)
    return run(args)
