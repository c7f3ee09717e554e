"""The platform-neutral answer.

Adapters render this as console text or in their platform's message format; nothing in
here knows about a platform, so every platform shows the same content and the
same controls.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

# Shown next to a tip that is our own advice, so no one takes it for the published source.
EDITORIAL_LABEL = "advies Antenne-redactie"


class AnswerKind(StrEnum):
    CASE = "case"
    CASE_DETAIL = "case_detail"
    TIP = "tip"
    AMBIGUOUS = "ambiguous"
    UNSURE = "unsure"  # on-topic, but no item is clearly right: the best options to choose from
    NOT_ANSWERED = "not_answered"
    EMPTY = "empty"
    HELP = "help"
    WHY = "why"
    NOTICE = "notice"  # a short confirmation or error, e.g. after feedback
    DIGEST = "digest"


class ActionKind(StrEnum):
    OTHER_TIP = "andere_tip"
    MORE = "meer"
    CHOOSE = "kies"
    NONE_OF_THESE = "geen_van_deze"
    WHY = "waarom"
    FEEDBACK_UP = "duim_omhoog"
    FEEDBACK_DOWN = "duim_omlaag"
    SHARE = "deel"
    DIGEST_OFF = "digest_uit"


@dataclass(frozen=True)
class Action:
    """A button. `value` is opaque to adapters: they hand it back to the core."""

    kind: ActionKind
    label: str
    value: str


@dataclass(frozen=True)
class Section:
    heading: str
    text: str = ""
    bullets: tuple[str, ...] = ()


@dataclass(frozen=True)
class TipView:
    id: str
    theme_id: str
    theme_title: str
    audience: str
    text: str
    source: str
    editorial: bool = False  # our own advice, labelled as such wherever the tip is shown


@dataclass(frozen=True)
class Answer:
    kind: AnswerKind
    title: str
    intro: str = ""
    sections: tuple[Section, ...] = ()
    tips: tuple[TipView, ...] = ()
    source: str = ""
    suggestions: tuple[str, ...] = ()
    actions: tuple[Action, ...] = ()
    item_id: str | None = None

    @property
    def offers_options(self) -> bool:
        """The suggestions are options with a button each ("Bedoel je …?"), not example questions."""
        return self.kind in (AnswerKind.AMBIGUOUS, AnswerKind.UNSURE)

    @property
    def fallback_text(self) -> str:
        """One line for notifications and screen readers."""
        return f"{self.title}: {self.intro}" if self.intro else self.title
