"""Structured (JSON) logs that hold no message text or user identity.

Government IT reads these logs; a civil servant's question may contain names or
case details, so events carry ids, counts and outcomes, never free text.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

# Attributes every LogRecord has; anything else was passed with `extra=` on purpose.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        event = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        event.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        if record.exc_info and record.exc_info[0] is not None:
            event["error"] = record.exc_info[0].__name__
        return json.dumps(event, ensure_ascii=False, default=str)


# SDKs that log whole request and response bodies (user text, tokens) at DEBUG/INFO.
CHATTY_LIBRARIES = (
    "slack_sdk", "slack_bolt", "botbuilder", "botframework", "msal", "aiohttp.access", "urllib3",
    # Database drivers: their debug logs quote SQL parameters and rows, such as a stored
    # (redacted) question or a channel id.
    "alembic", "sqlalchemy", "aiosqlite", "asyncpg",
)  # fmt: skip


def is_chatty(name: str) -> bool:
    return any(name == library or name.startswith(library + ".") for library in CHATTY_LIBRARIES)


class QuietLibraries(logging.Filter):
    """Drop the chatty libraries' records below WARNING at the handler.

    Their levels are set too, but a library may set its own later (SQLAlchemy's
    `echo` does): the filter holds whatever happens to the loggers.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or not is_chatty(record.name)


def quiet_libraries() -> None:
    """Keep platform SDKs and database drivers at WARNING whatever our own level: their debug logs quote data."""
    for name in CHATTY_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)


def setup_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(QuietLibraries())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    quiet_libraries()
