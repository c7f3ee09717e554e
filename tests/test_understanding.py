"""Understanding messy questions: word informativeness, the domain signal, derivations,
the thesaurus, the asker's role, 'Waarom dit antwoord?' and the evaluation measures."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from antenne.bot.answers.model import ActionKind, AnswerKind
from antenne.bot.answers.render_text import render_text
from antenne.bot.content.model import Audience
from antenne.bot.evaluation import EvalQuestion, evaluate, format_report
from antenne.bot.matching.analyzer import WEIGHT_SYNONYM, WEIGHT_WORD, Via, derivations, verb_stem
from antenne.bot.matching.decision import DecisionModel, Logistic, shipped_model
from antenne.bot.matching.informativeness import informativeness
from antenne.bot.matching.matcher import Decision, Matcher
from antenne.bot.matching.roles import asker_role
from antenne.bot.service import Antenne


@pytest.fixture(scope="module")
def matcher(kb) -> Matcher:
    return Matcher(kb)


def via_terms(matcher: Matcher, question: str, via: Via) -> set[str]:
    return {t.surface for t in matcher.analyse(question).terms if t.via is via}


def test_common_dutch_words_say_less_than_rare_ones():
    assert informativeness("gisteren") < informativeness("raadslid") < informativeness("kadernota")
    assert informativeness("de") < 0.1 and informativeness("portefeuillehouder") == 1.0


def test_domain_words_outweigh_ordinary_ones(matcher):
    _, _, on = matcher.signals("de gemeentesecretaris en de griffier willen een raadsinformatiebrief")
    _, _, off = matcher.signals("gisteren heb ik mijn fiets naar de winkel gebracht")
    assert on["domain"] > 0.8 > 0.3 > off["domain"]


def test_a_long_message_of_ordinary_words_keeps_its_good_match(matcher):
    short = matcher.match("raadslid belt over budget")
    long = matcher.match(
        "We zitten midden in de voorbereiding van de kadernota en gisteren, vlak voor het weekend, "
        "belde er een raadslid over het budget. Ik weet eigenlijk niet goed wat ik nu moet doen."
    )
    assert short.results[0].topic == long.results[0].topic
    assert long.decision is not Decision.NOT_ANSWERED


def test_verbs_and_nouns_meet():
    assert "informatie" in derivations("informeren") and "informeren" in derivations("informatie")
    assert "verantwoording" in derivations("verantwoorden")
    assert "informeren" in derivations("geinformeerd")
    assert verb_stem("klikt") == "klik" and verb_stem("bestuurt") == "bestuur"
    assert verb_stem("dienst") is None and verb_stem("komst") is None  # nouns in -st


def test_derived_forms_the_content_uses_are_searched(matcher):
    assert "informatie" in via_terms(matcher, "hoe moet ik de raad informeren", Via.DERIVATION)
    assert "klik" in via_terms(matcher, "het klikt niet met de burgemeester", Via.DERIVATION)
    for noun in ("dienst", "internet", "kaart", "pakket"):  # a t-ending noun is not a verb form
        assert not via_terms(matcher, f"de {noun} van de gemeente", Via.DERIVATION), noun


def test_a_shared_short_stem_does_not_make_words_synonyms(matcher):
    """'nieuwe' and 'nieuws' share the stem 'nieuw'; only the second is about the press."""
    assert "journalist" not in via_terms(matcher, "de nieuwe wethouder wil kennismaken", Via.SYNONYM)
    assert "journalist" in via_terms(matcher, "het staat in het nieuws", Via.SYNONYM)
    assert "amendement" in via_terms(matcher, "de raad dient moties in", Via.SYNONYM)  # an inflection still meets
    assert "gemeenteraad" in via_terms(matcher, "de raden van beide gemeenten", Via.SYNONYM)  # raad, raden


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("gemsec", "gemeentesecretaris"), ("pfh", "wethouder"), ("B&W", "college"), ("RIB", "raadsinformatiebrief")],
)
def test_abbreviations_expand_through_the_thesaurus(matcher, typed, meant):
    assert meant in via_terms(matcher, f"de {typed} wil iets", Via.SYNONYM)


def test_idioms_expand_to_their_telling_words_only(matcher):
    found = via_terms(matcher, "ik sta straks met de billen bloot", Via.SYNONYM)
    assert "gezichtsverlies" in found
    stems = {t.stem for t in matcher.analyse("hij wil me in de wielen rijden").terms if t.via is Via.SYNONYM}
    assert "tegenwerk" in stems and "rijd" not in stems


def test_fixed_expressions_count_only_as_a_whole(matcher):
    """'niet op een lijn' means the working relation; 'lijn' alone means a line, and
    'afdeling' alone is not the ICT department ('i-afdeling')."""
    for question in ("we zitten niet op een lijn, de wethouder en ik", "zitten we wel op een lijn?"):
        query = matcher.analyse(question)
        idiom = query.slots[query.words.index("lijn")]
        assert "klik" in {t.surface for t in idiom}
        literal = next(t for t in idiom if t.via is Via.WORD)
        assert literal.stem == "lijn" and literal.weight == pytest.approx(WEIGHT_WORD * WEIGHT_SYNONYM)
    # Nor does an expression become a target: 'klik' does not search for every 'lijn'.
    assert "lijn" not in {t.stem for t in matcher.analyse("de klik ontbreekt").terms if t.via is Via.SYNONYM}
    assert not via_terms(matcher, "de lijn van het beleid is helder", Via.SYNONYM) & {"klik", "relatie"}
    assert "ict" not in via_terms(matcher, "welke afdeling gaat hierover", Via.SYNONYM)


@pytest.mark.parametrize(
    ("question", "role"),
    [
        ("als wethouder wil ik de organisatie beter leren kennen", Audience.BESTUURDER),
        ("Ik ben gemeentesecretaris en mijn wethouder wil snel resultaat", Audience.TOPAMBTENAAR),
        ("net begonnen als beleidsmedewerker, wat wordt er van mij verwacht?", Audience.AMBTENAAR),
        ("programmamanager hier. hoe hou ik mijn bestuurder bij de les?", Audience.AMBTENAAR),
        ("ik ben een nieuwe secretaris-directeur bij het waterschap", Audience.TOPAMBTENAAR),
        ("wat doe ik als de wethouder mijn advies negeert?", None),
        ("ik werk voor één wethouder die veel vraagt", None),
    ],
)
def test_the_askers_role(question, role):
    assert asker_role(question) is role


def test_the_askers_own_audience_gets_the_first_tip(kb):
    antenne = Antenne(kb)
    for question, audience in (
        ("als wethouder merk ik dat de organisatie niet snapt waarom ik dit beleid wil", "bestuurder"),
        ("als beleidsmedewerker merk ik dat de organisatie niet snapt waarom de wethouder dit wil", "ambtenaar"),
    ):
        answer = antenne.ask(question)
        if answer.offers_options:  # choosing the first option answers with it, for this asker
            answer = antenne.act(answer.actions[0].value)
        assert answer.tips and answer.tips[0].audience == audience, question


def test_why_shows_the_askers_words_as_typed_and_a_plain_certainty(kb):
    antenne = Antenne(kb)
    question = "Raadslid belt mij over het Budget, mijn pfh weet van niks"
    answer = antenne.ask(question)
    why = antenne.act(next(a.value for a in answer.actions if a.kind is ActionKind.WHY))
    text = render_text(why)
    assert why.kind is AnswerKind.WHY and "'Raadslid'" in text and "'Budget'" in text
    assert any(level in text for level in ("Hoog:", "Middel:", "Laag:"))
    assert "Score" not in text and "raadslid'" not in text.replace("'Raadslid'", "")


def test_decision_json_is_part_of_the_outcome(matcher):
    from antenne.bot.matching.matcher import outcome_json

    data = outcome_json("x", matcher.match("raadslid belt over budget"))
    assert data["decision"] == "answered" and data["answered"] is True
    data = outcome_json("x", matcher.match("recept voor erwtensoep"))
    assert data["decision"] == "not_answered" and data["answered"] is False
    assert outcome_json("x", matcher.match("🙂"))["decision"] == "not_answered"


def test_the_decision_model_survives_a_round_trip():
    model = shipped_model()
    again = DecisionModel.from_json(json.loads(json.dumps(model.to_json())))
    assert again.features == model.features and again.on_topic.threshold == pytest.approx(model.on_topic.threshold)
    with pytest.raises(ValueError, match="onbekende kenmerken"):
        DecisionModel.from_json({**model.to_json(), "features": ["toeval"]})


def test_a_model_that_is_never_sure_never_answers_outright(kb):
    model = shipped_model()
    unsure = replace(model, correct=Logistic(model.correct.weights, model.correct.bias, 1.01))
    outcome = Matcher(kb, model=unsure).match("raadslid belt over budget")
    assert outcome.decision is Decision.UNSURE and len(outcome.results) == 3


def test_evaluation_counts_confidently_wrong_answers(matcher):
    questions = [
        EvalQuestion("raadslid belt over budget", frozenset({"raadslid-belt-over-budget"})),
        EvalQuestion("raadslid belt over budget", frozenset({"dijkgraaf-stapt-terug"})),
        EvalQuestion("recept voor erwtensoep", frozenset()),
        EvalQuestion("iets over een onderwerp dat nog komt", frozenset({"bestaat-nog-niet"})),
    ]
    report = evaluate(matcher, questions)
    assert report.skipped == 1 and report.on_topic == 2 and report.off_topic == 1
    assert report.top1 == 0.5 and report.abstention == 1.0
    assert report.confidently_wrong == pytest.approx(1 / 3)
    assert "confidently wrong: 0.333" in format_report(report)


def test_words_we_know_in_no_form_lower_the_on_topic_signal(matcher):
    _, _, known = matcher.signals("de wethouder en de raad")
    _, _, foreign = matcher.signals("de wethouder wil een sumif formule in excel")
    assert known["foreign"] == 0.0 < foreign["foreign"]
