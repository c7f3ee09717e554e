"""The platforms this build knows: the one list to extend when a platform is added."""

from __future__ import annotations

import logging

from antenne.adapters.platform import Configurable, Platform
from antenne.adapters.slack.platform import SlackPlatform
from antenne.adapters.teams.platform import TeamsPlatform
from antenne.bot.config import ConfigError, EnvReader, Settings

log = logging.getLogger("antenne.server")

KNOWN: tuple[type[Configurable], ...] = (SlackPlatform, TeamsPlatform)


def load_platforms(settings: Settings) -> list[Platform]:
    """The platforms configured in the environment; every problem of every platform at once."""
    env = EnvReader(settings.environ)
    found = [(kind, kind.configure(env)) for kind in KNOWN]
    if env.problems:
        raise ConfigError(env.problems)
    for kind, platform in found:
        if platform is None:
            log.info(f"{kind.name}_disabled", extra={"reason": kind.off_reason})
    return [platform for _, platform in found if platform is not None]
