"""Teams' settings from the environment, checked with the same readable messages as the core's."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from antenne.bot.config import EnvReader

MODES = ("OFF", "DEVELOPMENT", "PRODUCTION")
APP_TYPES = ("MULTITENANT", "SINGLETENANT")


@dataclass(frozen=True)
class TeamsSettings:
    mode: str  # DEVELOPMENT (no authentication, Bot Framework Emulator) or PRODUCTION
    app_id: str
    app_password: str
    app_type: str
    tenant_id: str

    @classmethod
    def read(cls, env: EnvReader) -> TeamsSettings | None:
        """None when Teams is off; problems go to `env.problems`."""
        app_id, app_password = env.text("MICROSOFT_APP_ID"), env.text("MICROSOFT_APP_PASSWORD")
        tenant_id = env.text("MICROSOFT_APP_TENANT_ID")
        app_type = env.choice("MICROSOFT_APP_TYPE", "MULTITENANT", APP_TYPES)
        mode = env.choice("ANTENNE_TEAMS_MODE", "PRODUCTION" if app_id else "OFF", MODES)
        if mode == "PRODUCTION":
            if not app_id or not app_password:
                env.problems.append(
                    "Teams in productie vraagt MICROSOFT_APP_ID en MICROSOFT_APP_PASSWORD (uit de Azure "
                    "Bot-registratie); zet ANTENNE_TEAMS_MODE=development alleen om lokaal met de Bot Framework "
                    "Emulator te testen"
                )
            if app_type == "SINGLETENANT" and not tenant_id:
                env.problems.append("MICROSOFT_APP_TYPE=SingleTenant vraagt ook MICROSOFT_APP_TENANT_ID")
        if mode == "DEVELOPMENT" and app_id:
            env.problems.append(
                "ANTENNE_TEAMS_MODE=development is zonder app-id; met MICROSOFT_APP_ID hoort production"
            )
        return None if mode == "OFF" else cls(mode, app_id, app_password, app_type, tenant_id)


def configured_app_id(environ: Mapping[str, str]) -> str:
    """MICROSOFT_APP_ID as configured, for `antenne teams-package` without --app-id."""
    return environ.get("MICROSOFT_APP_ID", "").strip()
