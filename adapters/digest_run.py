"""`antenne digest run-now`: post this week's digest everywhere it has not gone yet.

For operators: after an outage longer than the grace period, or to try a new
installation. The ledger still allows one digest per channel per ISO week, so
running it twice, or while the servers run, posts nothing twice. Loops over the
configured platforms like `serve` does.
"""

from __future__ import annotations

import asyncio
import logging

from antenne.adapters.platform import Platform
from antenne.adapters.platforms import load_platforms
from antenne.bot.config import Settings
from antenne.bot.content.cached import load_knowledge_base
from antenne.bot.content.model import KnowledgeBase
from antenne.bot.digest.delivery import DigestSender
from antenne.bot.digest.scheduler import DigestScheduler, RunSummary
from antenne.bot.logs import setup_logging
from antenne.bot.store.database import unreachable
from antenne.bot.store.store import Store

log = logging.getLogger("antenne.digest")


def describe(summary: RunSummary) -> str:
    lines = [f"Verstuurd: {summary.sent}"]
    labelled = (("Uitgesteld", summary.deferred), ("Mislukt", summary.failed), ("Onbekend", summary.unknown))
    for label, counts in labelled:
        total = sum(counts.values())
        reasons = ", ".join(f"{reason}: {n}" for reason, n in sorted(counts.items()))
        lines.append(f"{label}: {total}" + (f" ({reasons})" if reasons else ""))
    if summary.deactivated:
        lines.append(f"Abonnementen gestopt: {summary.deactivated} (zie 'antenne digest list')")
    return "\n".join(lines)


async def post_digests(settings: Settings, kb: KnowledgeBase, platforms: list[Platform]) -> RunSummary:
    store = Store.from_settings(settings)
    try:
        await store.start()
    except Exception as exc:
        raise unreachable(store.db.url, exc) from None
    senders: dict[str, DigestSender] = {}
    try:
        for platform in platforms:
            senders[platform.name] = await platform.open()
        return await DigestScheduler.from_settings(settings, kb, store, senders).run_due(now_for_everyone=True)
    finally:
        for platform in platforms:
            await platform.close()
        await store.close()


def run_now(settings: Settings, kb: KnowledgeBase | None = None) -> RunSummary:
    """Post this week's digests on every configured platform.

    Configuration and database problems are raised (antenne.bot.errors) for the command line to report.
    """
    setup_logging(settings.log_level)
    platforms = load_platforms(settings)
    kb = kb or load_knowledge_base(settings.content_dir)
    return asyncio.run(post_digests(settings, kb, platforms))
