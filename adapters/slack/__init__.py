"""Slack: Block Kit rendering, slack-bolt handlers and the signed HTTP endpoint."""
