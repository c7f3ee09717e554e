"""`antenne digest run-now`: post this week's digest everywhere it has not gone yet.

For operators: after an outage longer than the grace period, or to try a new
installation. The ledger still allows one digest per channel per ISO week, so
running it twice, or while the servers run, posts nothing twice.
"""

from __future__ import annotations

import asyncio
import logging

from antenne.bot.config import Settings
from antenne.bot.content.loader import load_knowledge_base
from antenne.bot.digest.delivery import DigestSender
from antenne.bot.digest.scheduler import DigestScheduler, RunSummary
from antenne.bot.logs import setup_logging
from antenne.bot.store.store import Store

log = logging.getLogger("antenne.digest")


def describe(summary: RunSummary) -> str:
    lines = [f"Verstuurd: {summary.sent}"]
    for label, counts in (("Uitgesteld", summary.deferred), ("Mislukt", summary.failed)):
        total = sum(counts.values())
        reasons = ", ".join(f"{reason}: {n}" for reason, n in sorted(counts.items()))
        lines.append(f"{label}: {total}" + (f" ({reasons})" if reasons else ""))
    if summary.deactivated:
        lines.append(f"Abonnementen gestopt: {summary.deactivated} (zie 'antenne digest list')")
    return "\n".join(lines)


async def _run_now(settings: Settings) -> RunSummary:
    kb = load_knowledge_base(settings.content_dir)
    store = Store.from_settings(settings)
    await store.start()
    senders: dict[str, DigestSender] = {}
    session = None
    try:
        if settings.slack_enabled:
            import aiohttp
            from antenne.adapters.server import slack_client
            from antenne.adapters.slack.digest import SlackDigestSender

            client = slack_client(settings)
            client.session = session = aiohttp.ClientSession()
            senders["slack"] = SlackDigestSender(client, min_interval=settings.slack_digest_interval)
        if settings.teams_enabled:
            from antenne.adapters.teams.digest import TeamsDigestSender
            from antenne.adapters.teams.http import build_authentication
            from botbuilder.integration.aiohttp import CloudAdapter

            senders["teams"] = TeamsDigestSender(CloudAdapter(build_authentication(settings)), settings.teams_app_id)
        scheduler = DigestScheduler.from_settings(settings, kb, store, senders)
        return await scheduler.run_due(now_for_everyone=True)
    finally:
        if session is not None:
            await session.close()
        await store.close()


def run_now(settings: Settings) -> int:
    setup_logging(settings.log_level)
    summary = asyncio.run(_run_now(settings))
    print(describe(summary))
    return 0 if not summary.failed and not summary.deferred else 1
