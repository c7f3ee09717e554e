"""Several server processes on one listening socket, for machines with more than one core.

One Python process answers on one core at most: under a burst of mentions the
answering work (matching, composing, posting) queues behind itself while other
cores idle. With ANTENNE_WORKERS=n the server loads the knowledge base, builds
the application and binds the port once, then forks n-1 workers. Every process
serves the same socket (the kernel gives each new connection to one of them) and
shares the loaded knowledge base copy-on-write. What replicas must agree on
already lives in the store: the event dedupe, migrations under a lock, digest
claims. Only the first process runs the digest loop and announces the start.

Stop: the first process passes SIGTERM or SIGINT on to its workers; each finishes
what it accepted within the same grace period. A worker that stops on its own
stops the whole server with exit code 1, so the orchestrator restarts it whole
instead of leaving it running on fewer cores without a word.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import os
import signal
import sys
import time
from collections.abc import Callable

from antenne.bot.errors import UsageError

log = logging.getLogger("antenne.server")

PR_SET_PDEATHSIG = 1
CHECK_SECONDS = 0.5


class WorkerPool:
    """The processes forked from this one (none in a worker itself)."""

    def __init__(self) -> None:
        self.pids: list[int] = []
        self.is_worker = False

    def fork(self, count: int) -> None:
        """Start `count` workers; in each of them this returns with `is_worker` set and no pids."""
        if count and not hasattr(os, "fork"):
            raise UsageError("ANTENNE_WORKERS groter dan 1 kan alleen op Linux of macOS; zet het op 1.")
        parent = os.getpid()
        for _ in range(count):
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                self.pids, self.is_worker = [], True
                _stop_with_parent(parent)
                return
            self.pids.append(pid)

    def signal(self, signum: int) -> None:
        for pid in self.pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signum)

    def exited(self) -> list[tuple[int, int]]:
        """Workers that have stopped since the last call, as (pid, exit code); they are forgotten."""
        gone = []
        for pid in list(self.pids):
            try:
                done, status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done, status = pid, 0
            if done:
                self.pids.remove(pid)
                gone.append((pid, os.waitstatus_to_exitcode(status)))
        return gone

    def wait(self, timeout: float, clock: Callable[[], float] = time.monotonic) -> None:
        """Wait up to `timeout` seconds for every worker to stop, then kill what is left."""
        deadline = clock() + timeout
        while self.pids and clock() < deadline:
            self.exited()
            time.sleep(0.05)
        if self.pids:
            log.error("server_workers_killed", extra={"left": len(self.pids)})
            self.signal(signal.SIGKILL)
            for pid in self.pids:
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(pid, 0)
            self.pids = []


def _stop_with_parent(parent: int) -> None:
    """Linux: a worker gets SIGTERM when the first process dies, even by SIGKILL."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # it died before the line above
        os._exit(1)


async def watch(pool: WorkerPool, stop: asyncio.Event) -> bool:
    """Until `stop` is set: if a worker stops on its own, stop the others and this process. True then."""
    while not stop.is_set():
        gone = pool.exited()
        if gone:
            for pid, code in gone:
                log.error("server_worker_stopped", extra={"pid": pid, "exit_code": code})
            pool.signal(signal.SIGTERM)
            stop.set()
            return True
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), CHECK_SECONDS)
    return False
