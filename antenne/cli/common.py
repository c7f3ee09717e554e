"""What every command needs: settings, the knowledge base, the store, and output that survives `| head`."""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from antenne.bot.collector import collector_paused

if TYPE_CHECKING:
    from antenne.bot.config import Settings
    from antenne.bot.content.model import KnowledgeBase
    from antenne.bot.errors import StoreUnavailable
    from antenne.bot.matching.matcher import Matcher
    from antenne.bot.service import Antenne
    from antenne.bot.store.store import Store

T = TypeVar("T")


# What each command module is handed to add its commands: the subparsers' add_parser.
AddParser = Callable[..., argparse.ArgumentParser]


def settings() -> Settings:
    """The environment's settings; a ConfigError (exit 2) names every wrong variable."""
    from antenne.bot.config import load_settings

    return load_settings()


def knowledge_base(content_dir: Path, inventory: Path | None = None) -> KnowledgeBase:
    """The knowledge base; a ContentError lists every problem."""
    from antenne.bot.content.cached import load_knowledge_base

    return load_knowledge_base(content_dir, inventory)


def antenne_for(config: Settings, **callbacks: object) -> Antenne:
    from antenne.bot.service import Antenne

    kb = knowledge_base(config.content_dir)
    return Antenne(kb, max_question_chars=config.max_question_chars, **callbacks)  # type: ignore[arg-type]


def matcher_for(config: Settings) -> Matcher:
    """The matcher alone, for commands that rank but compose no answer (`antenne ask --json`).

    Antenne.match is this matcher's match; skipping the service skips importing
    answer composition, which a quick start cannot afford.
    """
    from antenne.bot.matching.matcher import cached_matcher

    return cached_matcher(knowledge_base(config.content_dir), max_question_chars=config.max_question_chars)


@contextmanager
def kept_for_good() -> Iterator[None]:
    """For what a short-lived command loads once and keeps until it exits (the matcher, the content).

    Loading allocates hundreds of thousands of objects that stay alive: the cyclic
    collector would walk them many times while they load, and once more at exit,
    only to find nothing to free (together a sixth of a cold `antenne ask`). So it
    pauses while they load, and they are frozen out of its sight afterwards.
    Long-running servers do the same once they have loaded (adapters/server.py).
    """
    with collector_paused():
        try:
            yield
        finally:
            gc.freeze()


def say(text: str) -> None:
    """Print a line; a reader that went away (`| head`) ends the command quietly (see main)."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def store_errors() -> tuple[type[BaseException], ...]:
    """What the drivers raise when the database is away, refuses us, or lacks our role or database."""
    from sqlalchemy.exc import DBAPIError, OperationalError

    errors: list[type[BaseException]] = [OSError, DBAPIError, OperationalError, TimeoutError]
    try:
        from asyncpg.exceptions import PostgresError

        errors.append(PostgresError)
    except ImportError:  # pragma: no cover - asyncpg is a dependency, but SQLite needs none of it
        pass
    return tuple(errors)


def unavailable(exc: BaseException, config: Settings) -> StoreUnavailable:
    from antenne.bot.store.database import unreachable

    return unreachable(config.store_url, exc)


async def with_store(config: Settings, work: Callable[[Store], Awaitable[T]]) -> T:
    """Open the store, run `work`, close it; any driver failure becomes StoreUnavailable (exit 3).

    Broken pipes are not database problems: they pass through untouched.
    """
    from antenne.bot.store.store import Store

    store = Store.from_settings(config)
    try:
        await store.start()
        return await work(store)
    except BrokenPipeError:
        raise
    except store_errors() as exc:
        raise unavailable(exc, config) from exc
    finally:
        try:
            await store.close()
        except store_errors():  # closing a connection that never opened
            pass


def run_with_store(config: Settings, work: Callable[[Store], Awaitable[T]]) -> T:
    import asyncio

    return asyncio.run(with_store(config, work))
