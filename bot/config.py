"""Settings from environment variables, validated once at start-up.

Every problem is reported at once, in words an IT administrator can act on,
instead of a stack trace from deep inside a request later.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from antenne.bot.content.paths import default_content_dir
from antenne.bot.digest.slots import DEFAULT_TIMEZONE, valid_timezone
from antenne.bot.errors import UsageError
from antenne.bot.matching.text import MAX_QUESTION_CHARS
from antenne.bot.store.urls import DatabaseUrlError, sqlalchemy_url

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
TEAMS_MODES = ("OFF", "DEVELOPMENT", "PRODUCTION")
TEAMS_APP_TYPES = ("MULTITENANT", "SINGLETENANT")


class ConfigError(UsageError):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("Configuratie klopt niet:\n" + "\n".join(f"  - {p}" for p in problems))


@dataclass(frozen=True)
class Settings:
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
    slack_digest_interval: float  # seconds between digest posts, under Slack's one message per second
    unanswered_retention_days: int
    slack_bot_token: str
    slack_signing_secret: str
    slack_app_token: str
    slack_api_url: str
    teams_mode: str  # OFF, DEVELOPMENT (no authentication, Bot Framework Emulator) or PRODUCTION
    teams_app_id: str
    teams_app_password: str
    teams_app_type: str
    teams_tenant_id: str

    @property
    def slack_enabled(self) -> bool:
        return bool(self.slack_bot_token)

    @property
    def slack_socket_mode(self) -> bool:
        return bool(self.slack_app_token)

    @property
    def teams_enabled(self) -> bool:
        return self.teams_mode != "OFF"


class _Reader:
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
    env = _Reader(os.environ if environ is None else environ)
    content_dir = Path(env.text("ANTENNE_CONTENT_DIR") or default_content_dir())
    if not content_dir.is_dir():
        env.problems.append(f"ANTENNE_CONTENT_DIR: map '{content_dir}' bestaat niet")
    slack_token = env.text("SLACK_BOT_TOKEN")
    slack_secret = env.text("SLACK_SIGNING_SECRET")
    slack_app_token = env.text("SLACK_APP_TOKEN")
    if slack_token and not slack_token.startswith("xoxb-"):
        env.problems.append("SLACK_BOT_TOKEN moet met 'xoxb-' beginnen (het Bot User OAuth Token)")
    if slack_app_token and not slack_app_token.startswith("xapp-"):
        env.problems.append("SLACK_APP_TOKEN moet met 'xapp-' beginnen (een app-level token voor Socket Mode)")
    if slack_token and not slack_app_token and not slack_secret:
        env.problems.append("SLACK_SIGNING_SECRET ontbreekt: nodig om Slack-verzoeken te controleren in HTTP-modus")
    if (slack_secret or slack_app_token) and not slack_token:
        env.problems.append("SLACK_BOT_TOKEN ontbreekt terwijl andere SLACK_-variabelen wel gezet zijn")
    app_id, app_password = env.text("MICROSOFT_APP_ID"), env.text("MICROSOFT_APP_PASSWORD")
    tenant_id = env.text("MICROSOFT_APP_TENANT_ID")
    app_type = env.choice("MICROSOFT_APP_TYPE", "MULTITENANT", TEAMS_APP_TYPES)
    teams_mode = env.choice("ANTENNE_TEAMS_MODE", "PRODUCTION" if app_id else "OFF", TEAMS_MODES)
    if teams_mode == "PRODUCTION":
        if not app_id or not app_password:
            env.problems.append(
                "Teams in productie vraagt MICROSOFT_APP_ID en MICROSOFT_APP_PASSWORD (uit de Azure Bot-registratie); "
                "zet ANTENNE_TEAMS_MODE=development alleen om lokaal met de Bot Framework Emulator te testen"
            )
        if app_type == "SINGLETENANT" and not tenant_id:
            env.problems.append("MICROSOFT_APP_TYPE=SingleTenant vraagt ook MICROSOFT_APP_TENANT_ID")
    if teams_mode == "DEVELOPMENT" and app_id:
        env.problems.append("ANTENNE_TEAMS_MODE=development is zonder app-id; met MICROSOFT_APP_ID hoort production")
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
        slack_digest_interval=env.integer("ANTENNE_SLACK_DIGEST_INTERVAL_MS", 1100, 0, 60_000) / 1000,
        unanswered_retention_days=env.integer("ANTENNE_UNANSWERED_RETENTION_DAYS", 30, 1, 365),
        slack_bot_token=slack_token,
        slack_signing_secret=slack_secret,
        slack_app_token=slack_app_token,
        slack_api_url=env.text("SLACK_API_URL", "https://slack.com/api/"),
        teams_mode=teams_mode,
        teams_app_id=app_id,
        teams_app_password=app_password,
        teams_app_type=app_type,
        teams_tenant_id=tenant_id,
    )
    if env.problems:
        raise ConfigError(env.problems)
    return settings


def _store_url(env: _Reader, data_dir: Path) -> str:
    try:
        return sqlalchemy_url(env.text("DATABASE_URL"), data_dir)
    except DatabaseUrlError as exc:
        env.problems.append(str(exc))
        return ""


def _timezone(env: _Reader) -> str:
    zone = env.text("ANTENNE_DIGEST_TIMEZONE", DEFAULT_TIMEZONE)
    if not valid_timezone(zone):
        env.problems.append(f"ANTENNE_DIGEST_TIMEZONE='{zone}' is geen bekende tijdzone, zoals Europe/Amsterdam")
        return DEFAULT_TIMEZONE
    return zone
