"""Dutch-aware matching: normalisation, compounds, typos, synonyms and decisions."""

from __future__ import annotations

import pytest
from antenne.bot.content.model import Audience, Case, KnowledgeBase, Source, Theme, Tip
from antenne.bot.matching.analyzer import Via
from antenne.bot.matching.matcher import Decision, Matcher
from antenne.bot.text import clean_question, normalise


def test_normalise_strips_markup_diacritics_and_urls():
    # Platform markup (mentions, channel links) is the adapters' job: tests/test_markup.py.
    text = "Is de wethouder <b>hier</b> geïnformeerd? Zie https://voorbeeld.nl/pad en B&W!"
    assert normalise(text) == "is de wethouder hier geinformeerd zie en bw"
    assert normalise("collega's van het college") == "collegas van het college"


def test_clean_question_caps_length_and_drops_control_characters():
    assert clean_question("raad\x00slid\x07 belt\n\tme") == "raad slid belt me"
    assert len(clean_question("woord " * 100_000)) == 1000


@pytest.fixture(scope="module")
def matcher(kb) -> Matcher:
    return Matcher(kb)


def terms(matcher: Matcher, question: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for term in matcher.analyse(question).terms:
        found.setdefault(term.via.value, set()).add(term.surface)
    return found


def test_compounds_are_split_into_known_parts(matcher):
    assert {"raad", "vergadering"} <= terms(matcher, "raadsvergadering")[Via.COMPOUND.value]
    assert {"duurzaamheid", "budget"} <= terms(matcher, "duurzaamheidsbudget")[Via.COMPOUND.value]


def test_typos_are_corrected_to_content_words(matcher):
    assert "raadslid" in terms(matcher, "raadslit")[Via.TYPO.value]
    assert "budget" in terms(matcher, "bugdet")[Via.TYPO.value]


def test_synonyms_expand_the_question(matcher):
    assert "wob" in terms(matcher, "een woo-verzoek van de krant")[Via.SYNONYM.value]
    assert "raadslid" in terms(matcher, "een volksvertegenwoordiger belt")[Via.SYNONYM.value]


def test_separable_verbs_are_joined(matcher):
    assert "uitleg" in terms(matcher, "hoe leg ik dit beleid uit")[Via.COMPOUND.value]


def test_answered_with_ranked_results_and_matched_words(matcher):
    outcome = matcher.match("Raadslid belt me over een budget, wat nu?")
    assert outcome.decision is Decision.ANSWERED
    assert outcome.results[0].id == "raadslid-belt-over-budget"
    scores = [r.score for r in outcome.results]
    assert scores == sorted(scores, reverse=True)
    assert {"raadslid", "budget"} <= {m.asked for m in outcome.results[0].matched}


def test_theme_results_are_tips_with_their_theme(matcher):
    outcome = matcher.match("de klik met mijn wethouder is weg")
    best = outcome.results[0]
    assert best.kind == "tip" and best.theme == "persoonlijke-klik"
    assert best.id.startswith("persoonlijke-klik-")


@pytest.mark.parametrize(
    "question",
    [
        "hoe vraag ik een nieuw paspoort aan",
        "heb je een recept voor pannenkoeken",
    ],
)
def test_off_topic_is_not_answered(matcher, question):
    assert matcher.match(question).decision is Decision.NOT_ANSWERED


def test_a_near_domain_question_is_never_answered_with_a_case(matcher):
    # Both words occur in example questions ('melden' of news, 'ziek' of a dijkgraaf):
    # declining would be right; offering options is a known, harmless miss; answering is not.
    assert matcher.match("ik wil me ziek melden").decision in (Decision.NOT_ANSWERED, Decision.UNSURE)


@pytest.mark.parametrize("question", ["", "   ", "😀😀🎉", "?!?", "\x00\x01\x02"])
def test_empty_questions(matcher, question):
    outcome = matcher.match(question)
    assert outcome.decision is Decision.EMPTY and not outcome.answered


def test_only_filler_words_is_outside_the_subject(matcher):
    assert matcher.match("hoe laat is het nou eigenlijk").decision is Decision.NOT_ANSWERED


def test_english_is_recognised(matcher):
    outcome = matcher.match("what should I do when a council member calls me about the budget")
    assert outcome.decision is Decision.NOT_ANSWERED and outcome.english


def test_huge_input_is_capped(matcher):
    outcome = matcher.match("raadslid belt over budget " + "x" * 100_000)
    assert len(outcome.question) <= 1000
    assert outcome.results[0].id == "raadslid-belt-over-budget"


def _twin_kb() -> KnowledgeBase:
    source = Source("Testbron", "Redactie")

    def case(case_id: str, title: str) -> Case:
        return Case(
            case_id,
            title,
            "samenvatting",
            "verhaal",
            "oordeel",
            ("les",),
            ("stap",),
            ("thema",),
            ("vergunning", "subsidie"),
            ("vraag over vergunning en subsidie",) * 1,
            "bespreek",
            source,
        )

    tip = Tip("thema-tip", "thema", Audience.AMBTENAAR, "Een tip over iets anders.", source)
    theme = Theme(
        "thema", "Thema", "Inleiding over iets anders.", ("anders",), ("iets anders",), "bespreek", source, (tip,)
    )
    return KnowledgeBase(cases=(case("a", "Casus A"), case("b", "Casus B")), themes=(theme,), synonym_groups=())


def test_too_close_results_are_ambiguous():
    outcome = Matcher(_twin_kb()).match("vergunning en subsidie")
    assert outcome.decision is Decision.AMBIGUOUS and outcome.answered
    assert [r.id for r in outcome.results] == ["a", "b"]


def test_work_kept_per_word_gives_the_answers_a_fresh_matcher_gives(kb, monkeypatch):
    """A server keeps each word's analysis and evidence; that must never change an answer,
    whatever came before: the same word with and without a particle ('leg ... uit'), shared
    words, and a memory that fills up and starts again."""
    import antenne.bot.matching.analyzer as analyzer_module
    import antenne.bot.matching.matcher as matcher_module

    questions = [
        "hoe leg ik de raad uit waarom het budget op is",
        "ik leg het budget neer bij de raad",
        "de wethouder wil de nota anders, hoe pak ik dat aan",
        "ik pak de nota op met de wethouder",
        "raadslid belt me over een budget, wat nu?",
        "hoe vraag ik een nieuw paspoort aan",
    ]
    for limit in (50_000, 5):
        monkeypatch.setattr(matcher_module, "MAX_KEPT_WORDS", limit)
        monkeypatch.setattr(analyzer_module, "MAX_ANALYSED_WORDS", limit)
        server = Matcher(kb)
        for question in questions:
            kept, fresh = server.match(question), Matcher(kb).match(question)
            assert (kept.decision, kept.results, kept.signals) == (fresh.decision, fresh.results, fresh.signals)
            assert len(server._words) <= limit and len(server.analyzer._analysed) <= limit


def test_a_term_read_back_in_another_process_hashes_like_a_new_one():
    """Terms keep their hash (they are hashed for every word looked up); string hashes
    differ per process, so one read from the start-up cache must work it out again."""
    import os
    import subprocess
    import sys

    make = "import pickle, sys; from antenne.bot.matching.analyzer import Term, Via; "
    write = make + "sys.stdout.buffer.write(pickle.dumps(Term('lijn', 0.6, Via.WORD, 'lijn')))"
    check = make + (
        "t = pickle.loads(sys.stdin.buffer.read()); new = Term('lijn', 0.6, Via.WORD, 'lijn'); "
        "print(t == new and hash(t) == hash(new))"
    )

    def run(code: str, seed: str, given: bytes = b"") -> bytes:
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", code], input=given, env=env, capture_output=True, check=True)
        return done.stdout

    assert run(check, "2", run(write, "1")).strip() == b"True"
