"""Errors an operator can act on, each with the exit code the command line gives it.

Commands and start-up code raise these; only the command line's edge turns them
into a message and an exit code, so every command reports the same problem alike.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FAILED = 1  # failed at run time, or a check found problems
    USAGE = 2  # wrong arguments, configuration or content
    STORE_UNREACHABLE = 3


class AntenneError(Exception):
    """Base: a problem with a readable message, no traceback needed."""

    exit_code: ExitCode = ExitCode.FAILED


class UsageError(AntenneError):
    exit_code = ExitCode.USAGE


class StoreUnavailable(AntenneError):
    """The database could not be opened, reached or migrated."""

    exit_code = ExitCode.STORE_UNREACHABLE
