"""The knowledge-base model.

Frozen dataclasses so that a loaded knowledge base can be shared between
concurrent requests (every chat platform, the scheduler) without anyone mutating it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

EDITORIAL_AUTHOR = "Antenne-redactie"


class Kind(StrEnum):
    CASE = "case"
    TIP = "tip"
    THEME = "theme"


class Audience(StrEnum):
    AMBTENAAR = "ambtenaar"
    TOPAMBTENAAR = "topambtenaar"
    BESTUURDER = "bestuurder"


@dataclass(frozen=True)
class Source:
    """Where an item comes from; every answer cites it, so readers can check and credit it."""

    title: str
    author: str

    def cite(self) -> str:
        return f"{self.title} — {self.author}" if self.author else self.title

    @property
    def editorial(self) -> bool:
        """Our own practical advice rather than a published source; answers must say so."""
        return self.author.startswith(EDITORIAL_AUTHOR)


@dataclass(frozen=True)
class Case:
    """A real situation and its lessons: what Antenne answers with when a question matches it."""

    id: str
    title: str
    summary: str
    what_happened: str
    what_went_wrong_or_right: str
    lessons: tuple[str, ...]
    next_steps: tuple[str, ...]
    themes: tuple[str, ...]
    tags: tuple[str, ...]
    example_questions: tuple[str, ...]
    discussion_question: str
    source: Source
    key_tips: tuple[str, ...] = ()  # tip ids in the editors' order; the first ones go in the first answer
    kind: Kind = field(default=Kind.CASE, init=False)


@dataclass(frozen=True)
class Tip:
    """One piece of advice for one audience; themes hold them, answers and /tip show them."""

    id: str
    theme: str
    audience: Audience
    text: str
    source: Source
    kind: Kind = field(default=Kind.TIP, init=False)


@dataclass(frozen=True)
class Theme:
    """A subject with its tips, matched beside the cases: a general question gets practical advice."""

    id: str
    title: str
    introduction: str
    tags: tuple[str, ...]
    example_questions: tuple[str, ...]
    discussion_question: str
    source: Source
    tips: tuple[Tip, ...]
    kind: Kind = field(default=Kind.THEME, init=False)


@dataclass(frozen=True)
class KnowledgeBase:
    """Everything Antenne knows, loaded and checked once; items are looked up by id on every answer."""

    cases: tuple[Case, ...]
    themes: tuple[Theme, ...]
    synonym_groups: tuple[tuple[str, ...], ...]
    tips: tuple[Tip, ...] = field(init=False, repr=False, compare=False)
    _by_id: dict[str, Case | Theme | Tip] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        tips = tuple(tip for theme in self.themes for tip in theme.tips)
        by_id: dict[str, Case | Theme | Tip] = {}
        for item in (*self.cases, *self.themes, *tips):
            by_id.setdefault(item.id, item)
        object.__setattr__(self, "tips", tips)
        object.__setattr__(self, "_by_id", by_id)

    def case(self, case_id: str) -> Case | None:
        item = self._by_id.get(case_id)
        return item if isinstance(item, Case) else None

    def theme(self, theme_id: str) -> Theme | None:
        item = self._by_id.get(theme_id)
        return item if isinstance(item, Theme) else None

    def tip(self, tip_id: str) -> Tip | None:
        item = self._by_id.get(tip_id)
        return item if isinstance(item, Tip) else None
