"""Digest run: how long one weekly run takes for many subscriptions, and that it stays exactly once.

Run: .venv/bin/python bench/digest.py [--subscriptions N] [--postgres URL]

Posts go to an in-process sender that only counts (the platforms' own limits,
about one Slack message per second, dominate in production); this measures what
the store adds: the claim, the rotation history and the ledger updates. Each row
is the median of several runs on a fresh database; the baseline composes the same
digests without any store.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from antenne.bot.content.cached import load_knowledge_base
from antenne.bot.content.paths import default_content_dir
from antenne.bot.digest.compose import digest_for
from antenne.bot.digest.delivery import Delivery
from antenne.bot.digest.rotation import next_items
from antenne.bot.digest.scheduler import DigestScheduler
from antenne.bot.slots import Slot
from antenne.bot.store.database import sqlalchemy_url
from antenne.bot.store.store import Store
from antenne.bot.store.subscriptions import Place

SLOT_AT = datetime.fromisoformat("2026-11-23T08:00:00+00:00")
BEFORE = datetime.fromisoformat("2026-11-23T07:00:00+00:00")
RUNS = 5


class CountingSender:
    def __init__(self) -> None:
        self.posts = 0

    async def send(self, subscription, answer) -> Delivery:
        self.posts += 1
        return Delivery.sent()


async def fresh_url(kind: str, postgres: str) -> str:
    if kind == "sqlite":
        return sqlalchemy_url("", Path(tempfile.mkdtemp(prefix="antenne-digest-bench-")))
    import asyncpg

    name = f"antenne_bench_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(postgres)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    return sqlalchemy_url(postgres.rsplit("/", 1)[0] + f"/{name}", Path())


async def one_run(kb, kind: str, postgres: str, subscriptions: int, replicas: int) -> tuple[float, int]:
    url = await fresh_url(kind, postgres)
    clock = [BEFORE]
    stores = [Store(url, clock=lambda: clock[0]) for _ in range(replicas)]
    for store in stores:
        await store.start()
    for n in range(subscriptions):
        await stores[0].subscriptions.subscribe(
            Place("slack", "T1", f"C{n:05d}", {"channel": f"C{n:05d}"}), Slot(0, 9, 0)
        )
    senders = [CountingSender() for _ in stores]
    schedulers = [
        DigestScheduler(kb, s, {"slack": p}, clock=lambda: clock[0]) for s, p in zip(stores, senders, strict=True)
    ]
    clock[0] = SLOT_AT
    started = time.perf_counter()
    await asyncio.gather(*(s.run_due() for s in schedulers))
    elapsed = time.perf_counter() - started
    for store in stores:
        await store.close()
    return elapsed, sum(p.posts for p in senders)


def baseline(kb, subscriptions: int) -> float:
    started = time.perf_counter()
    for n in range(subscriptions):
        digest_for(kb, next_items(kb, f"slack:T1/C{n:05d}", []), "2026-W48")
    return time.perf_counter() - started


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subscriptions", type=int, default=1000)
    parser.add_argument("--postgres", default="", help="postgresql://… of a server the bench may create databases on")
    args = parser.parse_args()
    kb = load_knowledge_base(default_content_dir())
    base = statistics.median(baseline(kb, args.subscriptions) for _ in range(RUNS))
    rows = [("compose only, no store (baseline)", base, args.subscriptions, "-")]
    kinds = ["sqlite"] + (["postgresql"] if args.postgres else [])
    for kind in kinds:
        for replicas in (1, 2):
            results = [await one_run(kb, kind, args.postgres, args.subscriptions, replicas) for _ in range(RUNS)]
            posts = {p for _, p in results}
            rows.append(
                (
                    f"{kind}, {replicas} replica(s)",
                    statistics.median(t for t, _ in results),
                    posts,
                    "ok" if posts == {args.subscriptions} else "WRONG",
                )
            )
    print(
        f"## Weekly digest run, {args.subscriptions} due subscriptions (median of {RUNS} runs, fresh database each)\n"
    )
    print("| setup | run s | per digest ms | vs baseline | posts | exactly once |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for label, seconds, posts, once in rows:
        posted = posts if isinstance(posts, int) else "/".join(str(p) for p in sorted(posts))
        per_digest = seconds * 1000 / args.subscriptions
        print(f"| {label} | {seconds:.2f} | {per_digest:.2f} | {seconds / base:.0f}x | {posted} | {once} |")


if __name__ == "__main__":
    asyncio.run(main())
