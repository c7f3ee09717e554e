"""Thumbs up/down per item, and (only when enabled) questions the bot could not answer.

Neither holds who asked or voted: editors need to know what to improve, not who.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from antenne.bot.privacy import redact
from antenne.bot.store.database import Database
from antenne.bot.store.schema import feedback, unanswered
from sqlalchemy import case, delete, func, insert, select

MAX_QUESTION_CHARS = 500


@dataclass(frozen=True)
class ItemVotes:
    item_id: str
    up: int
    down: int


@dataclass(frozen=True)
class FrequentQuestion:
    question: str
    count: int
    last_asked: datetime


class FeedbackRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(self, item_id: str, vote: int) -> None:
        vote = 1 if vote > 0 else -1
        statement = insert(feedback).values(item_id=item_id[:128], vote=vote, created_at=self._db.clock())
        async with self._db.engine.begin() as connection:
            await connection.execute(statement)

    async def votes(self) -> list[ItemVotes]:
        up = func.sum(case((feedback.c.vote > 0, 1), else_=0))
        down = func.sum(case((feedback.c.vote < 0, 1), else_=0))
        query = select(feedback.c.item_id, up, down).group_by(feedback.c.item_id).order_by(feedback.c.item_id)
        async with self._db.engine.connect() as connection:
            return [ItemVotes(item, int(u), int(d)) for item, u, d in await connection.execute(query)]


class UnansweredRepository:
    def __init__(self, db: Database, retention: timedelta) -> None:
        self._db = db
        self.retention = retention

    async def record(self, question: str) -> None:
        text = " ".join(redact(question).split())[:MAX_QUESTION_CHARS]
        if not text:
            return
        async with self._db.engine.begin() as connection:
            await connection.execute(insert(unanswered).values(question=text, created_at=self._db.clock()))

    async def frequent(self, limit: int = 20) -> list[FrequentQuestion]:
        key = func.lower(unanswered.c.question)
        count = func.count()
        query = (
            select(func.min(unanswered.c.question), count, func.max(unanswered.c.created_at))
            .group_by(key)
            .order_by(count.desc(), func.max(unanswered.c.created_at).desc())
            .limit(limit)
        )
        async with self._db.engine.connect() as connection:
            rows = list(await connection.execute(query))
        # max() over a column loses the column's type on SQLite; read it back through the type.
        kind = unanswered.c.created_at.type
        return [FrequentQuestion(q, n, kind.process_result_value(last, self._db.engine.dialect)) for q, n, last in rows]

    async def purge(self) -> int:
        """Delete what is older than the retention period; run daily by the scheduler."""
        cutoff = self._db.clock() - self.retention
        async with self._db.engine.begin() as connection:
            return (await connection.execute(delete(unanswered).where(unanswered.c.created_at < cutoff))).rowcount
