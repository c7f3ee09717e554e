"""Remember which platform events were handled, so retried deliveries run once.

Slack retries an event when it did not see a 200 within 3 seconds, and may send
the same event again after a network fault. Keys expire after a TTL.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

DEFAULT_TTL_SECONDS = 3600
MAX_KEYS = 100_000


class Deduplicator(Protocol):
    async def first_delivery(self, scope: str, key: str) -> bool:
        """True the first time (scope, key) is seen within the TTL, False after."""
        ...


class InMemoryDeduplicator:
    """For one process; several replicas need the database-backed store."""

    def __init__(self, ttl: float = DEFAULT_TTL_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl
        self._clock = clock
        self._seen: OrderedDict[tuple[str, str], float] = OrderedDict()

    async def first_delivery(self, scope: str, key: str) -> bool:
        now = self._clock()
        while self._seen and (next(iter(self._seen.values())) < now or len(self._seen) > MAX_KEYS):
            self._seen.popitem(last=False)
        if (scope, key) in self._seen:
            return False
        self._seen[(scope, key)] = now + self._ttl
        return True
