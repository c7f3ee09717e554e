"""Answers and buttons, as every platform adapter will use them."""

from __future__ import annotations

import random

import pytest
from antenne.bot.answers.actions import ActionPayload, encode
from antenne.bot.answers.model import ActionKind, AnswerKind
from antenne.bot.answers.render_text import render_text
from antenne.bot.content.model import Audience
from antenne.bot.service import Antenne, Feedback


def test_case_answer_has_story_lesson_next_steps_tips_and_source(antenne):
    answer = antenne.ask("raadslid belt me over een budget, wat nu?")
    assert answer.kind is AnswerKind.CASE and answer.item_id == "raadslid-belt-over-budget"
    assert answer.intro
    assert [s.heading for s in answer.sections] == ["De les", "Wat nu"]
    assert 2 <= len(answer.tips) <= 3
    assert all(t.source for t in answer.tips)
    assert "Ester, Alexander en Esther" in answer.source
    kinds = {a.kind for a in answer.actions}
    assert {
        ActionKind.MORE,
        ActionKind.OTHER_TIP,
        ActionKind.WHY,
        ActionKind.FEEDBACK_UP,
        ActionKind.FEEDBACK_DOWN,
    } <= kinds


def test_buttons_carry_each_askers_own_question_and_share_only_content(antenne):
    """Content-only buttons (feedback, more, another tip) are made once per item; a button that
    carries the question must carry this asker's question, never an earlier one."""
    first = antenne.ask("raadslid belt me over een budget, wat nu?")
    second = antenne.ask("een raadslid belt mij over het budget, wat moet ik doen?")
    assert first.item_id == second.item_id
    values = [{a.kind: a.value for a in answer.actions} for answer in (first, second)]
    assert values[0][ActionKind.FEEDBACK_UP] == values[1][ActionKind.FEEDBACK_UP]
    assert values[0][ActionKind.MORE] == values[1][ActionKind.MORE]
    why = [antenne.act(v[ActionKind.WHY]) for v in values]
    assert "een raadslid belt mij" not in render_text(why[0]) and "een raadslid belt mij" in render_text(why[1])


def test_theme_question_gets_a_tip_answer(antenne):
    answer = antenne.ask("hoe ontwikkel ik politieke sensitiviteit")
    assert answer.kind is AnswerKind.TIP
    assert answer.tips[0].theme_id == "wereld-van-de-bestuurder"
    assert answer.source


def test_every_button_of_a_case_answer_works(antenne):
    answer = antenne.ask("de ict ligt eruit en de raad stelt vragen")
    for action in answer.actions:
        reply = antenne.act(action.value)
        assert reply.title, action.kind
    more = antenne.act(next(a.value for a in answer.actions if a.kind is ActionKind.MORE))
    assert more.kind is AnswerKind.CASE_DETAIL
    assert [s.heading for s in more.sections][:2] == ["Wat er gebeurde", "Wat ging er mis of goed"]
    why = antenne.act(next(a.value for a in answer.actions if a.kind is ActionKind.WHY))
    assert why.kind is AnswerKind.WHY and "ict" in render_text(why)


def test_other_tip_never_repeats_until_theme_exhausted(antenne, kb):
    theme = kb.theme("persoonlijke-klik")
    seen: list[str] = []
    answer = antenne.tip("klik")
    for _ in range(len(theme.tips)):
        seen.append(answer.item_id)
        action = next(a for a in answer.actions if a.kind is ActionKind.OTHER_TIP)
        answer = antenne.act(action.value)
    assert len(set(seen)) == len(theme.tips)
    assert answer.item_id not in seen[-1:]


def test_ambiguous_options_and_none_of_these(antenne):
    value = encode(ActionPayload(ActionKind.CHOOSE, "dijkgraaf-stapt-terug", "bestuurder bemoeit zich"))
    assert antenne.act(value).item_id == "dijkgraaf-stapt-terug"
    none = antenne.act(encode(ActionPayload(ActionKind.NONE_OF_THESE, question="iets vaags")))
    assert none.kind is AnswerKind.NOT_ANSWERED and none.suggestions


def test_feedback_reaches_the_sink_without_identity(kb):
    received: list[Feedback] = []
    antenne = Antenne(kb, on_feedback=received.append)
    answer = antenne.ask("twee wethouders geven tegenstrijdige opdrachten")
    if answer.offers_options:  # the matcher may ask which item is meant: take the first
        answer = antenne.act(answer.actions[0].value)
    up = next(a for a in answer.actions if a.kind is ActionKind.FEEDBACK_UP)
    assert antenne.act(up.value).kind is AnswerKind.NOTICE
    assert received == [Feedback(answer.item_id, 1)]


@pytest.mark.parametrize("value", ["", "nonsense", '{"a":"kapot"}', '{"a":"meer","x":"geen lijst"}', "{" * 5000])
def test_forged_button_values_get_a_polite_reply(antenne, value):
    assert antenne.act(value).kind is AnswerKind.NOTICE


def test_unanswered_questions_reach_the_sink_only_when_not_answered(kb):
    logged: list[str] = []
    antenne = Antenne(kb, on_unanswered=logged.append)
    antenne.ask("wat is de hoofdstad van frankrijk")
    antenne.ask("raadslid belt over budget")
    assert logged == ["wat is de hoofdstad van frankrijk"]


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("", AnswerKind.EMPTY),
        ("   \n\t ", AnswerKind.EMPTY),
        ("🙂🙂🙂", AnswerKind.EMPTY),
        ("\x1b[31m\x00\x07", AnswerKind.EMPTY),
        ("hoe vraag ik een nieuw paspoort aan", AnswerKind.NOT_ANSWERED),
        ("How do I deal with an angry alderman and the council?", AnswerKind.NOT_ANSWERED),
    ],
)
def test_bad_input_gets_a_polite_reply(antenne, question, kind):
    answer = antenne.ask(question)
    assert answer.kind is kind
    assert answer.intro and (answer.suggestions or answer.actions)


def test_hundred_kilobyte_message(antenne):
    answer = antenne.ask("raadslid belt over budget. " + "bla " * 25_000)
    assert answer.kind in (AnswerKind.CASE, AnswerKind.NOT_ANSWERED, AnswerKind.TIP)


def test_english_question_is_told_we_speak_dutch(antenne):
    answer = antenne.ask("what should I do when a council member calls me")
    assert "Nederlands" in answer.intro


def test_tip_by_audience_topic_help_and_unknown_topic(kb):
    antenne = Antenne(kb, rng=random.Random(1))
    assert kb.tip(antenne.tip("bestuurder").item_id).audience is Audience.BESTUURDER
    assert kb.tip(antenne.tip("topambtenaar").item_id).audience is Audience.TOPAMBTENAAR
    assert kb.tip(antenne.tip("tegenspraak").item_id).theme in {"drijvende-kracht", "bestuur-en-organisatie"}
    assert antenne.tip("help").kind is AnswerKind.HELP
    unknown = antenne.tip("pannenkoeken")
    assert unknown.kind is AnswerKind.TIP and "pannenkoeken" in unknown.intro
    assert antenne.tip().kind is AnswerKind.TIP


def test_render_text_is_complete(antenne):
    text = render_text(antenne.ask("wethouder wil niet kaasschaven bij de bezuinigingen"))
    for part in ("Eindhoven", "De les", "Wat nu", "Tip", "Bron:", "Meer over deze casus"):
        assert part in text
