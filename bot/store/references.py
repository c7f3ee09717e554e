"""Where the bot may post later: conversation references saved when it was added.

A platform describes such a place in its own way; the core keeps that as an
opaque JSON object next to the few fields it needs to find it.
"""

from __future__ import annotations

from antenne.bot.store.database import Database
from antenne.bot.store.schema import conversation_references
from antenne.bot.store.subscriptions import Place
from sqlalchemy import select


class ReferenceStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def save(self, place: Place) -> None:
        now = self._db.clock()
        values = {"workspace": place.workspace, "reference": dict(place.reference), "updated_at": now}
        statement = self._db.upsert(
            conversation_references,
            {"platform": place.platform, "conversation": place.channel} | values,
            key=("platform", "conversation"),
            update=values,
        )
        async with self._db.engine.begin() as connection:
            await connection.execute(statement)

    async def get(self, platform: str, conversation: str) -> Place | None:
        table = conversation_references
        query = select(table).where(table.c.platform == platform, table.c.conversation == conversation)
        async with self._db.engine.connect() as connection:
            row = (await connection.execute(query)).first()
        return Place(row.platform, row.workspace, row.conversation, dict(row.reference)) if row else None
