"""The tables, as SQLAlchemy Core objects the repositories query.

The DDL itself lives in versioned migrations (bot/store/migrations); a test
checks that both agree, so a column added here without a migration fails CI.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """Always an aware UTC datetime, also on SQLite, which keeps no time zone."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData()

subscriptions = Table(
    "subscriptions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("platform", String(16), nullable=False),
    Column("workspace", String(128), nullable=False),
    Column("channel", String(255), nullable=False),
    Column("reference", JSON, nullable=False),
    Column("weekday", SmallInteger, nullable=False),
    Column("hour", SmallInteger, nullable=False),
    Column("minute", SmallInteger, nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("inactive_reason", String(32)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    UniqueConstraint("platform", "workspace", "channel", name="uq_subscriptions_place"),
)

digest_ledger = Table(
    "digest_ledger",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("subscription_id", Integer, ForeignKey("subscriptions.id", ondelete="CASCADE"), nullable=False),
    Column("iso_week", String(8), nullable=False),
    Column("slot_at", UtcDateTime, nullable=False),
    Column("status", String(16), nullable=False),
    Column("items", JSON, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("reason", String(64)),
    Column("retry_at", UtcDateTime),
    Column("claimed_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    UniqueConstraint("subscription_id", "iso_week", name="uq_digest_ledger_week"),
)

event_dedupe = Table(
    "event_dedupe",
    metadata,
    Column("scope", String(64), primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("expires_at", UtcDateTime, nullable=False, index=True),
)

feedback = Table(
    "feedback",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("item_id", String(128), nullable=False, index=True),
    Column("vote", SmallInteger, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

unanswered = Table(
    "unanswered",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("question", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False, index=True),
)

conversation_references = Table(
    "conversation_references",
    metadata,
    Column("platform", String(16), primary_key=True),
    Column("conversation", String(255), primary_key=True),
    Column("workspace", String(128), nullable=False),
    Column("reference", JSON, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)
