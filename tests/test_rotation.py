"""The digest rotation gives a theme that no case lists (advies-genegeerd) its place."""

from __future__ import annotations

from collections import Counter

from antenne.bot.digest.rotation import next_items, next_tip, standalone_themes


def test_advice_theme_stands_alone(kb):
    assert "advies-genegeerd" in standalone_themes(kb)
    assert not standalone_themes(kb) & {theme for case in kb.cases for theme in case.themes}


def test_standalone_tips_fit_every_case_before_unrelated_ones(kb):
    for case in kb.cases:
        own = Counter({t.id: 1 for t in kb.tips if t.theme in case.themes})  # the case's own tips were used
        tip = next_tip(kb, "kanaal-1", own, case)
        assert tip.theme in standalone_themes(kb), case.id


def test_every_tip_once_before_any_twice_including_the_new_theme(kb):
    history: list[tuple[str, str]] = []
    for _ in range(len(kb.tips)):
        history.append(next_items(kb, "kanaal-2", history))
    sent = Counter(tip for _, tip in history)
    assert set(sent) == {t.id for t in kb.tips} and max(sent.values()) == 1
