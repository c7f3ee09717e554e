"""Settings from environment variables, validated once at start-up.

Every problem is reported at once, in words an IT administrator can act on,
instead of a stack trace from deep inside a request later.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from antenne.bot.content.paths import default_content_dir
from antenne.bot.errors import UsageError
from antenne.bot.store.urls import DatabaseUrlError, sqlalchemy_url
from antenne.bot.text import MAX_QUESTION_CHARS

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
DEFAULT_TIMEZONE = "Europe/Amsterdam"  # of the digest's slots (bot/slots.py), unless configured


class ConfigError(UsageError):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("Configuratie klopt niet:\n" + "\n".join(f"  - {p}" for p in problems))


@dataclass(frozen=True)
class Settings:
    """The checked environment, handed to every part so none reads variables on its own."""

    content_dir: Path
    max_question_chars: int
    log_level: str
    host: str
    port: int
    data_dir: Path
    database_url: str  # as given; empty means SQLite under data_dir
    store_url: str  # the SQLAlchemy URL actually used
    digest_enabled: bool
    digest_timezone: str
    digest_grace_hours: int
    digest_check_seconds: int
    log_unanswered: bool
    unanswered_retention_days: int
    # Seconds to finish answering what was accepted before a stop; keep it under the
    # orchestrator's stop timeout (README: docker stop --time 30).
    shutdown_grace: float
    # Server processes sharing the port (adapters/workers.py); more than one uses more cores.
    workers: int = 1
    # The environment the settings came from: each chat platform reads its own
    # variables from it (adapters/*/settings.py). Not shown, it holds secrets.
    environ: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)


class EnvReader:
    """Reads and checks variables, collecting every problem so all are reported at once."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self.environ = environ
        self.problems: list[str] = []

    def text(self, name: str, default: str = "") -> str:
        return self.environ.get(name, default).strip()

    def integer(self, name: str, default: int, low: int, high: int) -> int:
        raw = self.text(name)
        if not raw:
            return default
        try:
            value = int(raw)
        except ValueError:
            self.problems.append(f"{name}='{raw}' is geen geheel getal")
            return default
        if not low <= value <= high:
            self.problems.append(f"{name}={value} moet tussen {low} en {high} liggen")
            return default
        return value

    def flag(self, name: str, default: bool = False) -> bool:
        raw = self.text(name).lower()
        if not raw:
            return default
        if raw in {"1", "true", "yes", "ja", "aan", "on"}:
            return True
        if raw in {"0", "false", "no", "nee", "uit", "off"}:
            return False
        self.problems.append(f"{name}='{raw}' moet aan of uit zijn (true/false)")
        return default

    def choice(self, name: str, default: str, options: tuple[str, ...]) -> str:
        value = self.text(name, default).upper()
        if value not in options:
            self.problems.append(f"{name}='{value}' moet een van {', '.join(options)} zijn")
            return default
        return value


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    env = EnvReader(dict(os.environ if environ is None else environ))
    content_dir = Path(env.text("ANTENNE_CONTENT_DIR") or default_content_dir())
    if not content_dir.is_dir():
        env.problems.append(f"ANTENNE_CONTENT_DIR: map '{content_dir}' bestaat niet")
    data_dir = Path(env.text("ANTENNE_DATA_DIR", "data"))
    settings = Settings(
        content_dir=content_dir,
        max_question_chars=env.integer("ANTENNE_MAX_QUESTION_CHARS", MAX_QUESTION_CHARS, 20, 10_000),
        log_level=env.choice("ANTENNE_LOG_LEVEL", "INFO", LOG_LEVELS),
        host=env.text("ANTENNE_HOST", "127.0.0.1"),
        port=env.integer("ANTENNE_PORT", 3978, 1, 65535),
        data_dir=data_dir,
        database_url=env.text("DATABASE_URL"),
        store_url=_store_url(env, data_dir),
        digest_enabled=env.flag("ANTENNE_DIGEST", True),
        digest_timezone=_timezone(env),
        digest_grace_hours=env.integer("ANTENNE_DIGEST_GRACE_HOURS", 12, 1, 72),
        digest_check_seconds=env.integer("ANTENNE_DIGEST_CHECK_SECONDS", 60, 5, 3600),
        log_unanswered=env.flag("ANTENNE_LOG_UNANSWERED", False),
        unanswered_retention_days=env.integer("ANTENNE_UNANSWERED_RETENTION_DAYS", 30, 1, 365),
        shutdown_grace=float(env.integer("ANTENNE_SHUTDOWN_GRACE_SECONDS", 20, 1, 300)),
        workers=env.integer("ANTENNE_WORKERS", 1, 1, 64),
        environ=env.environ,
    )
    if env.problems:
        raise ConfigError(env.problems)
    return settings


def valid_timezone(name: str) -> bool:
    """Whether zoneinfo knows the zone (from tzdata, our dependency): settings and digest slots both ask."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # here: commands without a digest skip the import

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _store_url(env: EnvReader, data_dir: Path) -> str:
    try:
        return sqlalchemy_url(env.text("DATABASE_URL"), data_dir)
    except DatabaseUrlError as exc:
        env.problems.append(str(exc))
        return ""


def _timezone(env: EnvReader) -> str:
    zone = env.text("ANTENNE_DIGEST_TIMEZONE", DEFAULT_TIMEZONE)
    if zone == DEFAULT_TIMEZONE:  # ships with tzdata, our dependency: checking it would cost every command zoneinfo
        return zone
    if not valid_timezone(zone):
        env.problems.append(f"ANTENNE_DIGEST_TIMEZONE='{zone}' is geen bekende tijdzone, zoals Europe/Amsterdam")
        return DEFAULT_TIMEZONE
    return zone
