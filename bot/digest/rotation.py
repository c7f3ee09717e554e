"""Which case and tip a channel gets next: everything once before anything twice.

Each channel walks the content in its own stable order (a hash of channel and
item id), so neighbouring groups do not discuss the same case in the same week,
and newly added content joins the rotation at once (it has been sent 0 times).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence

from antenne.bot.content.model import Case, KnowledgeBase, Tip


def _position(channel_key: str, item_id: str) -> bytes:
    return hashlib.sha256(f"{channel_key}\0{item_id}".encode()).digest()


def next_case(kb: KnowledgeBase, channel_key: str, sent: Counter[str]) -> Case:
    return min(kb.cases, key=lambda c: (sent[c.id], _position(channel_key, c.id)))


def standalone_themes(kb: KnowledgeBase) -> frozenset[str]:
    """Themes no case lists (like advies-genegeerd): their tips fit any week's case."""
    return frozenset(t.id for t in kb.themes) - {theme for case in kb.cases for theme in case.themes}


def next_tip(kb: KnowledgeBase, channel_key: str, sent: Counter[str], case: Case) -> Tip:
    """The least-sent tip; among those, one that fits the case, so the two belong together.

    A tip fits when its theme is one of the case's, or when no case lists its theme;
    without the second rule such a theme would only come up after every other tip.
    """
    fitting = frozenset(case.themes) | standalone_themes(kb)
    return min(
        kb.tips,
        key=lambda t: (sent[t.id], t.theme not in fitting, _position(channel_key, t.id)),
    )


def next_items(kb: KnowledgeBase, channel_key: str, history: Iterable[Sequence[str]]) -> tuple[str, str]:
    """(case id, tip id) for the next digest, given the items of earlier ones."""
    sent: Counter[str] = Counter(item for items in history for item in items)
    case = next_case(kb, channel_key, sent)
    return case.id, next_tip(kb, channel_key, sent, case).id
