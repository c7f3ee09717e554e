"""Render an answer as plain text for the terminal (and for logs-free tests)."""

from __future__ import annotations

import textwrap

from antenne.bot.answers.model import EDITORIAL_LABEL, ActionKind, Answer, AnswerKind, TipView

WIDTH = 88


def _wrap(text: str, indent: str = "") -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False) or [
        indent.rstrip()
    ]


def _bullet(text: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent="  • ", subsequent_indent="    ", break_on_hyphens=False)


def _tip_label(tip: TipView, kind: AnswerKind) -> str:
    """Audience, theme and, for our own advice, that it is ours. The chat-sized first
    answer to a case leaves out the theme: its tips were chosen for the case."""
    parts = [f"voor de {tip.audience}"]
    if kind is not AnswerKind.CASE:
        parts.append(f"thema: {tip.theme_title}")
    if tip.editorial:
        parts.append(EDITORIAL_LABEL)
    return "; ".join(parts)


def render_text(answer: Answer, *, show_actions: bool = True) -> str:
    lines = [answer.title, "=" * min(len(answer.title), WIDTH)]
    if answer.intro:
        lines += _wrap(answer.intro)
    for section in answer.sections:
        lines += ["", section.heading]
        if section.text:
            lines += _wrap(section.text, "  ")
        for bullet in section.bullets:
            lines += _bullet(bullet)
    if answer.tips:
        lines += ["", "Tips" if len(answer.tips) > 1 else "Tip"]
        for tip in answer.tips:
            lines += _bullet(f"{tip.text} ({_tip_label(tip, answer.kind)})")
    if answer.suggestions:
        lines.append("")
        lines += [f"  {n}. {s}" for n, s in enumerate(answer.suggestions, start=1)]
    if answer.source:
        lines += ["", *_wrap(f"Bron: {answer.source}")]
    if show_actions:
        labels = [a.label for a in answer.actions if a.kind not in (ActionKind.FEEDBACK_UP, ActionKind.FEEDBACK_DOWN)]
        if labels:
            lines += ["", "Verder: " + " · ".join(labels)]
    return "\n".join(lines)
