"""Slack's settings from the environment, checked with the same readable messages as the core's."""

from __future__ import annotations

from dataclasses import dataclass

from antenne.bot.config import EnvReader


@dataclass(frozen=True)
class SlackSettings:
    bot_token: str
    signing_secret: str
    app_token: str  # set: Socket Mode; empty: HTTP on /slack/events
    api_url: str
    digest_interval: float  # seconds between digest posts, under Slack's one message per second

    @property
    def socket_mode(self) -> bool:
        return bool(self.app_token)

    @classmethod
    def read(cls, env: EnvReader) -> SlackSettings | None:
        """None when Slack is not configured; problems go to `env.problems`."""
        token, secret, app_token = (
            env.text("SLACK_BOT_TOKEN"),
            env.text("SLACK_SIGNING_SECRET"),
            env.text("SLACK_APP_TOKEN"),
        )
        if token and not token.startswith("xoxb-"):
            env.problems.append("SLACK_BOT_TOKEN moet met 'xoxb-' beginnen (het Bot User OAuth Token)")
        if app_token and not app_token.startswith("xapp-"):
            env.problems.append("SLACK_APP_TOKEN moet met 'xapp-' beginnen (een app-level token voor Socket Mode)")
        if token and not app_token and not secret:
            env.problems.append("SLACK_SIGNING_SECRET ontbreekt: nodig om Slack-verzoeken te controleren in HTTP-modus")
        if (secret or app_token) and not token:
            env.problems.append("SLACK_BOT_TOKEN ontbreekt terwijl andere SLACK_-variabelen wel gezet zijn")
        interval = env.integer("ANTENNE_SLACK_DIGEST_INTERVAL_MS", 1100, 0, 60_000) / 1000
        if not token:
            return None
        return cls(token, secret, app_token, env.text("SLACK_API_URL", "https://slack.com/api/"), interval)
