"""The knowledge base as commands and servers load it: from the start-up cache when the content is unchanged.

Reading and checking the YAML (antenne.bot.content.loader) is imported only when
the cache has no entry for these files, so a start served from the cache never
even compiles it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from antenne.bot import cache
from antenne.bot.content.model import KnowledgeBase


def load_knowledge_base(root: Path, inventory: Path | None = None) -> KnowledgeBase:
    """Load everything under `root`; raise ContentError listing every problem found.

    A knowledge base that loaded cleanly before from exactly these files (and this
    code) comes from the disk cache; content with problems is never cached, so its
    problems are reported on every run.
    """
    root = root.resolve()
    if not root.is_dir():
        return _read(root, inventory)
    inventory = inventory.resolve() if inventory is not None else None
    return cache.cached("content", _content_inputs(root, inventory), lambda: _read(root, inventory), KnowledgeBase)


def _read(root: Path, inventory: Path | None) -> KnowledgeBase:
    from antenne.bot.content.loader import read_knowledge_base

    return read_knowledge_base(root, inventory)


def _content_inputs(root: Path, inventory: Path | None) -> Iterator[bytes]:
    """Every file the load reads, by name and bytes; a file we cannot read makes the key unique."""
    yield str(root).encode()
    paths = sorted(p for p in root.rglob("*") if p.is_file())
    if inventory is not None:
        paths.append(inventory)
    for path in paths:
        yield str(path).encode()
        try:
            yield path.read_bytes()
        except OSError:
            yield os.urandom(16)
