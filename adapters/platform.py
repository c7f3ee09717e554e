"""What every chat platform brings to the server: a contract and the list of platforms.

A platform object owns its settings (read from the environment, with readable
errors), its routes, its digest sender, and its start and stop. `serve` and
`digest run-now` loop over the configured platforms (adapters/platforms.py) and
know no platform by name.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from aiohttp import web
from antenne.bot.config import EnvReader
from antenne.bot.conversation import Conversation
from antenne.bot.digest.delivery import DigestSender
from antenne.bot.store.store import Store


@dataclass(frozen=True)
class Core:
    """What a platform may use of the core while it serves."""

    conversation: Conversation
    store: Store
    clock: Callable[[], float] = time.time  # wall clock for request signatures
    options: dict[str, object] = field(default_factory=dict)  # test hooks, e.g. outbound credentials


class Platform(Protocol):
    name: str  # how subscriptions and logs name it; stored with each subscription

    @property
    def mode(self) -> str:
        """How it runs, for the start-up log and /readyz, in Dutch."""
        ...

    def mount(self, app: web.Application, core: Core) -> None:
        """Add routes; called before the server starts."""
        ...

    async def open(self) -> DigestSender:
        """Open outbound connections and return the digest sender that uses them."""
        ...

    async def start(self) -> None:
        """Begin receiving (after `mount` and `open`), inside the running event loop."""
        ...

    async def stop(self, grace: float) -> None:
        """Stop receiving and finish what was accepted, within `grace` seconds."""
        ...

    async def close(self) -> None:
        """Close outbound connections."""
        ...

    def announce(self) -> None:
        """Log notes an operator should see at start-up (e.g. running without authentication)."""
        ...


class Configurable(Protocol):
    """A platform class: reads its settings and makes the platform, or None when it is not configured."""

    name: str
    off_reason: str  # for the log when it is not configured

    @classmethod
    def configure(cls, env: EnvReader) -> Platform | None: ...
