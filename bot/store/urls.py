"""DATABASE_URL as people write it, turned into what SQLAlchemy's async drivers need.

Kept free of SQLAlchemy imports: configuration is validated at start-up by
commands that never open the database.
"""

from __future__ import annotations

from pathlib import Path

SQLITE_FILE = "antenne.sqlite3"


class DatabaseUrlError(ValueError):
    pass


def sqlalchemy_url(url: str, data_dir: Path) -> str:
    """DATABASE_URL as people write it, in the form SQLAlchemy's async drivers need."""
    if not url:
        return f"sqlite+aiosqlite:///{data_dir / SQLITE_FILE}"
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise DatabaseUrlError("DATABASE_URL moet met postgresql:// of sqlite:/// beginnen")
    driver = {
        "postgres": "postgresql+asyncpg",
        "postgresql": "postgresql+asyncpg",
        "postgresql+asyncpg": "postgresql+asyncpg",
        "sqlite": "sqlite+aiosqlite",
        "sqlite+aiosqlite": "sqlite+aiosqlite",
    }.get(scheme.lower())
    if driver is None:
        raise DatabaseUrlError(f"DATABASE_URL: database '{scheme}' wordt niet ondersteund (postgresql of sqlite)")
    return f"{driver}://{rest}"
