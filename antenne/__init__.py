"""Antenne: a Slack and Teams bot that gives Dutch civil servants a bestuurlijke antenne.

The installed package gathers the repository's folders under one name that
cannot clash with other packages: `antenne.bot` (the core, from `bot/`),
`antenne.adapters` (from `adapters/`) and `antenne.content` (the knowledge base).
"""

__version__ = "0.2.0"
