"""The unsure outcome end to end: the core, Slack (Block Kit), Teams (Adaptive Cards) and the console.

The decision model is replaced by one that is never sure, so every on-topic question
takes the unsure path whatever the shipped thresholds are; the platforms are the
real ones, talking to the loopback fakes as in test_slack.py and test_teams.py.
"""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from antenne.adapters.console.chat import chat
from antenne.adapters.server import build_app
from antenne.bot.answers.model import ActionKind, AnswerKind
from antenne.bot.answers.render_text import render_text
from antenne.bot.config import load_settings
from antenne.bot.matching.decision import shipped_model
from antenne.bot.matching.matcher import Decision, outcome_json
from antenne.bot.service import Antenne

from tests.fakes.bot_connector import FakeConnector, SigningKey, teams_platform
from tests.fakes.slack_api import FakeSlack, start_app
from tests.test_slack import SECRET, Clock, SlackServer, all_text, buttons, mention
from tests.test_teams import APP_ID, APP_PASSWORD, TeamsServer, card_text, submit_actions

QUESTION = "mijn wethouder en ik zitten niet op één lijn over de raad, hoe pak ik dat aan"


def never_sure(antenne: Antenne) -> Antenne:
    model = shipped_model()
    antenne.matcher.model = replace(
        model, on_topic=replace(model.on_topic, threshold=0.0), correct=replace(model.correct, threshold=1.01)
    )
    return antenne


@pytest.fixture
def unsure_antenne(kb):
    unanswered: list[str] = []
    antenne = never_sure(Antenne(kb, on_unanswered=unanswered.append))
    antenne.unanswered = unanswered  # type: ignore[attr-defined]
    return antenne


def test_unsure_offers_three_items_none_of_these_and_a_hint(unsure_antenne):
    outcome = unsure_antenne.match(QUESTION)
    assert outcome.decision is Decision.UNSURE and outcome.answered
    data = outcome_json(QUESTION, outcome)
    assert data["decision"] == "unsure" and data["answered"] is True and len(data["results"]) == 3
    answer = unsure_antenne.answer(outcome)
    assert answer.kind is AnswerKind.UNSURE and answer.offers_options
    assert answer.intro == "Ik weet niet zeker wat je bedoelt. Gaat het om een van deze?"
    assert [a.kind for a in answer.actions] == [ActionKind.CHOOSE] * 3 + [ActionKind.NONE_OF_THESE]
    assert answer.actions[-1].label == "Geen van deze" and len(answer.suggestions) == 3
    assert "buiten mijn onderwerp" not in render_text(answer)
    assert any("wethouder" in s.text or "wethouder" in " ".join(s.bullets) for s in answer.sections)


def test_choosing_an_option_answers_with_it_and_none_of_these_is_recorded(unsure_antenne):
    answer = unsure_antenne.ask(QUESTION)
    first = answer.actions[0]
    chosen = unsure_antenne.act(first.value)
    assert chosen.kind in (AnswerKind.CASE, AnswerKind.TIP)
    assert unsure_antenne.match(QUESTION).results[0].topic in (chosen.item_id, *(t.theme_id for t in chosen.tips))
    nothing = unsure_antenne.act(answer.actions[-1].value)
    assert nothing.kind is AnswerKind.NOT_ANSWERED and unsure_antenne.unanswered == [QUESTION]


def test_off_topic_stays_not_answered_when_the_domain_signal_is_low(kb):
    antenne = Antenne(kb)
    for question in ("recept voor erwtensoep", "wie won de Eredivisie vorig seizoen?"):
        assert antenne.match(question).decision is Decision.NOT_ANSWERED


def test_console_numbers_choose_an_unsure_option(unsure_antenne):
    script = io.StringIO(f"{QUESTION}\n1\n{QUESTION}\n4\nstop\n")
    out = io.StringIO()
    assert chat(unsure_antenne, script, out, interactive=False) == 0
    text = out.getvalue()
    assert text.count("Ik weet niet zeker wat je bedoelt") == 2
    assert "Jammer" in text and unsure_antenne.unanswered == [QUESTION]


@pytest.fixture
async def slack(kb, sqlite_store):
    fake = await FakeSlack().start()
    settings = load_settings(
        {
            "SLACK_BOT_TOKEN": "xoxb-test-token",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": fake.base_url,
            "ANTENNE_DIGEST": "uit",
        }
    )
    clock = Clock()
    unanswered: list[str] = []
    antenne = never_sure(Antenne(kb, on_unanswered=unanswered.append))
    runner, port = await start_app(build_app(settings, antenne, store=sqlite_store, clock=clock))
    server = SlackServer(f"http://127.0.0.1:{port}", fake, clock, [])
    server.unanswered = unanswered  # type: ignore[attr-defined]
    yield server
    await server.session.close()
    await runner.cleanup()
    await fake.close()


async def test_slack_unsure_reply_and_its_buttons(slack):
    await slack.event(mention(QUESTION, ts="8.8"))
    [call] = await slack.fake.wait_for("chat.postMessage")
    blocks = call.data["blocks"]
    assert "Ik weet niet zeker wat je bedoelt" in all_text(blocks)
    found = buttons(blocks)
    assert [b["text"]["text"] for b in found][-1] == "Geen van deze" and len(found) == 4
    await slack.click(found[0], thread_ts="8.8")
    posted = await slack.fake.wait_for("chat.postMessage", 2)
    assert "Ik weet niet zeker" not in all_text(posted[1].data["blocks"])
    assert "Bron:" in all_text(posted[1].data["blocks"])
    await slack.click(found[-1], thread_ts="8.8")
    posted = await slack.fake.wait_for("chat.postMessage", 3)
    assert "Jammer" in all_text(posted[2].data["blocks"]) and slack.unanswered == [QUESTION]


@pytest.fixture(scope="module")
def signing_key() -> SigningKey:
    return SigningKey()


@pytest.fixture
async def teams(kb, signing_key, sqlite_store):
    signing_key.install()
    connector = await FakeConnector().start()
    settings = load_settings(
        {"MICROSOFT_APP_ID": APP_ID, "MICROSOFT_APP_PASSWORD": APP_PASSWORD, "ANTENNE_DIGEST": "uit"}
    )
    unanswered: list[str] = []
    antenne = never_sure(Antenne(kb, on_unanswered=unanswered.append))
    app = build_app(settings, antenne, store=sqlite_store, platforms=[teams_platform(settings.environ)])
    runner, port = await start_app(app)
    server = TeamsServer(f"http://127.0.0.1:{port}", connector, signing_key, [], sqlite_store.references)
    server.unanswered = unanswered  # type: ignore[attr-defined]
    yield server
    await server.session.close()
    await runner.cleanup()
    await connector.close()


async def test_teams_unsure_card_and_its_actions(teams):
    assert await teams.post(teams.activity(QUESTION)) in (200, 201)
    [card] = teams.cards()
    assert "Ik weet niet zeker wat je bedoelt" in card_text(card)
    actions = submit_actions(card)
    assert list(actions)[-1] == "Geen van deze" and len(actions) == 4
    first = next(iter(actions.values()))
    assert await teams.post(teams.activity(None, value=first)) in (200, 201)
    assert await teams.post(teams.activity(None, value=actions["Geen van deze"])) in (200, 201)
    _, chosen, nothing = teams.cards()
    assert "Bron:" in card_text(chosen) and "Ik weet niet zeker" not in card_text(chosen)
    assert "Jammer" in card_text(nothing) and teams.unanswered == [QUESTION]
