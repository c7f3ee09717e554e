"""At ANTENNE_LOG_LEVEL=DEBUG the logs still hold no stored question and no channel id."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from antenne.bot.store.database import sqlalchemy_url

from tests.conftest import fresh_postgres_database

SECRET_CHANNEL = "C0GEHEIMKANAAL"
SECRET_QUESTION = "geheime vraag over de wethouder van Voorbeeldstad"

SCRIPT = textwrap.dedent(
    """
    import asyncio, logging, sys
    from antenne.bot.config import load_settings
    from antenne.bot.digest.slots import Slot
    from antenne.bot.logs import setup_logging
    from antenne.bot.store.store import Store
    from antenne.bot.store.subscriptions import Place

    setup_logging(load_settings().log_level)

    async def main():
        store = Store(sys.argv[1])
        await store.start()
        logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)  # what echo=True would do later
        place = Place("slack", "T0WERK", sys.argv[2], {"channel": sys.argv[2]})
        subscription = await store.subscriptions.subscribe(place, Slot(0, 9, 0))
        await store.ledger.claim(subscription.id, "2026-W48", subscription.created_at, ("a", "b"))
        await store.unanswered.record(sys.argv[3])
        await store.subscriptions.all()
        await store.unanswered.frequent()
        await store.close()
        logging.getLogger("antenne.test").debug("debug_is_on")

    asyncio.run(main())
    """
)


@pytest.fixture(params=["sqlite", "postgresql"])
async def url(request, tmp_path):
    if request.param == "sqlite":
        yield sqlalchemy_url("", tmp_path)
        return
    async with fresh_postgres_database() as postgres:
        yield postgres


async def test_database_drivers_do_not_log_stored_data_at_debug(url):
    import asyncio

    result = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-c", SCRIPT, url, SECRET_CHANNEL, SECRET_QUESTION],
        capture_output=True,
        text=True,
        check=False,
        env={"ANTENNE_LOG_LEVEL": "DEBUG", "PATH": ""},
    )
    assert result.returncode == 0, result.stderr
    assert '"event": "debug_is_on"' in result.stderr  # DEBUG really was on
    assert SECRET_CHANNEL not in result.stderr and "Voorbeeldstad" not in result.stderr
    assert '"logger": "aiosqlite"' not in result.stderr and '"logger": "sqlalchemy' not in result.stderr


def test_warnings_of_the_drivers_still_get_through(capsys):
    import logging

    from antenne.bot.logs import setup_logging

    setup_logging("DEBUG")
    try:
        logging.getLogger("asyncpg.pool").warning("pool_trouble")
        logging.getLogger("aiosqlite").debug("executing SELECT secret")
        logging.getLogger("asyncpgx").debug("not_a_driver")  # only the drivers themselves are quieted
    finally:
        logging.getLogger().handlers.clear()
    err = capsys.readouterr().err
    assert "pool_trouble" in err and "secret" not in err and "not_a_driver" in err
