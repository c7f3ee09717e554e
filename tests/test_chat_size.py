"""The first answer to a case is a chat message; "Meer over deze casus" gives the whole case.

Measured as users see it: `antenne ask` as a subprocess, Block Kit through the real Slack
server and slack_sdk against the loopback fake, Adaptive Cards through the real Bot
Framework adapter, and the console chat.
"""

from __future__ import annotations

import re
import subprocess
import sys
from typing import Any

import pytest
from antenne.adapters.slack.blocks import escape, render_blocks
from antenne.adapters.teams.cards import render_card
from antenne.bot.answers.actions import ActionPayload, encode
from antenne.bot.answers.model import ActionKind, Answer, AnswerKind
from antenne.bot.answers.render_text import render_text
from antenne.bot.content.model import Case, KnowledgeBase
from antenne.bot.content.schema import FIRST_ANSWER_STEPS, FIRST_ANSWER_TIPS, TIP_TEXT_MAX
from antenne.bot.service import Antenne

from tests.test_slack import buttons, mention, slack  # noqa: F401 - fixtures
from tests.test_teams import signing_key, submit_actions, teams  # noqa: F401 - fixtures

CHAT_MAX = 1200
QUESTION = "raadslid belt me over een budget, wat nu?"  # the raadslid case: more steps than fit


def first_answer(antenne: Antenne, case: Case) -> Answer:
    """The answer to a question about `case`, as when the user picks it from 'Bedoel je …?'."""
    answer = antenne.act(encode(ActionPayload(ActionKind.CHOOSE, case.id, case.example_questions[0])))
    assert answer.kind is AnswerKind.CASE and answer.item_id == case.id
    return answer


def question_for(antenne: Antenne, case: Case) -> str:
    """An example question of the case that the matcher answers with the case itself."""
    for question in case.example_questions:
        if antenne.ask(question).item_id == case.id:
            return question
    pytest.fail(f"no example question of {case.id} is answered with it")


def slack_visible_text(blocks: list[dict[str, Any]]) -> str:
    texts = []
    for block in blocks:
        if block["type"] in ("header", "section"):
            texts.append(block["text"]["text"])
        elif block["type"] == "context":
            texts += [e["text"] for e in block["elements"]]
    return "\n".join(texts)


def card_visible_text(card: dict[str, Any]) -> str:
    def walk(elements: list[dict[str, Any]]) -> list[str]:
        found = []
        for element in elements:
            if element["type"] == "TextBlock":
                found.append(element["text"])
            elif element["type"] == "Container":
                found += walk(element["items"])
        return found

    return "\n".join(walk(card["body"]))


def case_texts(case: Case) -> list[str]:
    story = [case.what_happened, case.what_went_wrong_or_right]
    return [*story, *case.lessons, *case.next_steps, case.discussion_question]


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


# -- every case, in-process and through `antenne ask` ----------------------------------


def test_every_first_answer_is_chat_sized(antenne: Antenne, kb: KnowledgeBase):
    for case in kb.cases:
        answer = first_answer(antenne, case)
        assert len(render_text(answer)) <= CHAT_MAX, case.id
        assert len(slack_visible_text(render_blocks(answer))) <= CHAT_MAX, case.id
        assert len(card_visible_text(render_card(answer))) <= CHAT_MAX, case.id


def test_first_answer_holds_summary_one_lesson_three_steps_two_tips_and_source(antenne, kb):
    for case in kb.cases:
        answer = first_answer(antenne, case)
        assert answer.intro == case.summary
        assert len(re.findall(r"[.!?](?:\s|$)", case.summary)) <= 2, case.id
        lesson, steps = answer.sections
        assert lesson.bullets == case.lessons[:1]
        assert steps.bullets == case.next_steps[:FIRST_ANSWER_STEPS]
        assert [t.id for t in answer.tips] == list(case.key_tips[:FIRST_ANSWER_TIPS]), case.id
        assert answer.source == case.source.cite()


def test_first_answer_tips_do_not_repeat_its_steps(antenne, kb):
    for case in kb.cases:
        answer = first_answer(antenne, case)
        step_runs = {
            tuple(w[i : i + 4]) for step in answer.sections[1].bullets for w in [words(step)] for i in range(len(w) - 3)
        }
        for tip in answer.tips:
            w = words(tip.text)
            shared = {tuple(w[i : i + 4]) for i in range(len(w) - 3)} & step_runs
            assert not shared, (case.id, tip.id, shared)


def test_tip_answers_stay_under_400_characters_of_tip_text(antenne, kb):
    for tip in kb.tips:
        answer = antenne.item(tip.id)
        assert answer.kind is AnswerKind.TIP
        assert len(answer.tips[0].text) <= TIP_TEXT_MAX < 400, tip.id


def test_antenne_ask_renders_every_case_within_the_limit(antenne, kb):
    for case in kb.cases:
        question = question_for(antenne, case)
        result = subprocess.run(
            [sys.executable, "-m", "antenne", "ask", question], capture_output=True, text=True, check=True
        )
        shown = result.stdout.rstrip("\n")
        assert shown.startswith(case.title), case.id
        assert len(shown) <= CHAT_MAX, (case.id, len(shown))
        assert "Meer over deze casus" in shown


def test_more_gives_the_whole_case_every_step_and_more_tips(antenne, kb):
    for case in kb.cases:
        first = first_answer(antenne, case)
        more = antenne.act(next(a.value for a in first.actions if a.kind is ActionKind.MORE))
        assert more.kind is AnswerKind.CASE_DETAIL
        shown = render_text(more)
        flat = " ".join(shown.split())
        for text in case_texts(case):
            assert " ".join(text.split()) in flat, (case.id, text[:40])
        assert len(more.tips) >= len(first.tips), case.id
        assert {t.id for t in first.tips} <= {t.id for t in more.tips}


def test_editorial_tips_are_labelled_on_every_platform(antenne, kb):
    tip = next(t for t in kb.tips if t.source.editorial)
    answer = antenne.item(tip.id)
    for shown in (render_text(answer), str(render_blocks(answer)), str(render_card(answer))):
        assert "Antenne-redactie" in shown


# -- Meer over deze casus, as the platforms deliver it -----------------------------------


async def test_slack_first_answer_is_short_and_more_gives_the_whole_case(slack, kb):  # noqa: F811
    case = kb.case("raadslid-belt-over-budget")
    await slack.event(mention(QUESTION, ts="7.1"))
    [answer] = await slack.fake.wait_for("chat.postMessage")
    visible = slack_visible_text(answer.data["blocks"])
    assert len(visible) <= CHAT_MAX
    assert escape(case.next_steps[FIRST_ANSWER_STEPS]) not in visible  # the rest waits for "Meer"

    more_button = next(b for b in buttons(answer.data["blocks"]) if b["text"]["text"] == "Meer over deze casus")
    await slack.click(more_button, thread_ts="7.1")
    posted = await slack.fake.wait_for("chat.postMessage", 2)
    detail = " ".join(slack_visible_text(posted[1].data["blocks"]).split())
    for text in case_texts(case):
        assert escape(" ".join(text.split())) in detail, text[:40]


async def test_teams_first_answer_is_short_and_more_gives_the_whole_case(teams, kb):  # noqa: F811
    case = kb.case("raadslid-belt-over-budget")
    await teams.post(teams.activity(QUESTION))
    [card] = teams.cards()
    visible = card_visible_text(card)
    assert len(visible) <= CHAT_MAX
    assert case.next_steps[FIRST_ANSWER_STEPS] not in visible

    await teams.post(teams.activity(None, value=submit_actions(card)["Meer over deze casus"]))
    detail = " ".join(card_visible_text(teams.cards()[1]).split())
    for text in case_texts(case):
        assert " ".join(text.split()) in detail, text[:40]


def test_console_meer_gives_the_whole_case():
    case_steps_marker = "Wat er gebeurde"
    result = subprocess.run(
        [sys.executable, "-m", "antenne", "chat"],
        input=f"{QUESTION}\nmeer\nstop\n",
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    first, _, more = result.stdout.partition(case_steps_marker)
    assert "Meer over deze casus" in first and more
    assert "Bespreek met elkaar" in more and "Lessen" in more
