"""The shortcuts that make a match fast must never change an answer.

A match keeps work per word, phrase and question, skips work no answer reads, and
takes cheaper routes for the common case; each shortcut is checked here against the
long way round (bench/snapshot_outcomes.py compares whole outcome dumps).
"""

from __future__ import annotations

import random

import pytest
from antenne.bot.content.model import Audience
from antenne.bot.evaluation import load_questions
from antenne.bot.matching.decision import Logistic
from antenne.bot.matching.matcher import MAX_OPTIONS, Decision, Matcher
from antenne.bot.matching.roles import asker_role
from antenne.bot.matching.sums import add_into
from antenne.bot.matching.synonyms import SynonymTable
from antenne.bot.text import plain_tokens, tokens

from bench.fit_decision import DEV_SET

QUESTION_SAMPLE = 80


@pytest.fixture(scope="module")
def questions() -> list[str]:
    found = [q.question for q in load_questions(DEV_SET)]
    return random.Random(9).sample(found, min(QUESTION_SAMPLE, len(found)))


def test_what_a_matcher_keeps_between_questions_never_changes_an_answer(kb, questions):
    """Per-word, per-phrase and per-question memories: cold, warm and forgotten agree."""
    warm = Matcher(kb)
    first = [warm.match(q) for q in questions]
    again = [warm.match(q) for q in questions]
    warm.forget_words()
    forgotten = [warm.match(q) for q in reversed(questions)][::-1]
    cold = [Matcher(kb).match(q) for q in questions[:10]]
    assert first == again == forgotten
    assert cold == first[:10]
    assert [r.matched for o in first for r in o.results] == [r.matched for o in again for r in o.results]


def test_options_are_the_first_results_with_their_tips_and_words(kb, questions):
    """Only results shown are explained; an option reads exactly as the same item would as an answer."""
    matcher = Matcher(kb)
    options = [o for o in map(matcher.match, questions) if o.decision in (Decision.UNSURE, Decision.AMBIGUOUS)]
    assert options, "the sample must hold questions answered with options"
    for outcome in options:
        assert 1 <= len(outcome.results) <= MAX_OPTIONS
        _, scored, _ = matcher.signals(outcome.question)
        assert [matcher._topics[d].id for d in scored.ranked[: len(outcome.results)]] == [
            r.topic for r in outcome.results
        ]
        for result in outcome.results:
            if result.kind == "tip":
                theme = kb.theme(result.topic)
                assert result.id == matcher.rank_tips(theme, outcome.query, audience=outcome.audience)[0].id
            assert all(m.in_item and m.in_item == matcher.analyzer.content_form(m.in_item) for m in result.matched)


def test_tips_ranked_with_an_exclusion_keep_their_order(kb):
    matcher = Matcher(kb)
    theme = next(t for t in kb.themes if len(t.tips) >= 3)
    query = matcher.analyse(theme.tips[1].text)
    ranked = matcher.rank_tips(theme, query)
    assert ranked[0] == theme.tips[1]  # the tip that shares most with the question
    without = matcher.rank_tips(theme, query, frozenset({ranked[0].id}))
    assert without == ranked[1:]
    everything = frozenset(t.id for t in theme.tips)
    assert sorted(t.id for t in matcher.rank_tips(theme, query, everything)) == sorted(everything)


def test_the_top_results_count_ties_at_the_cut(kb):
    """Five results; a tie at the fifth place is broken by id, never by where a topic was found."""
    matcher = Matcher(kb)
    by_id = sorted(range(len(matcher._topics)), key=lambda d: matcher._topics[d].id)
    scores = {doc: 1.0 for doc in reversed(by_id)}
    scores[by_id[-1]] = 2.0
    assert matcher._top(scores) == [by_id[-1], *by_id[:4]]
    assert matcher._top({by_id[3]: 0.5, by_id[1]: 0.5}) == [by_id[1], by_id[3]]


ROLE_QUESTIONS = [
    "als secretaris directeur wil ik weten wat de raad vindt",  # hyphenated role typed without the hyphen
    "ik ben mt-lid en de wethouder belt me",
    "als algemeen directeur ben ik eindverantwoordelijk",
    "ik ben secretaris generaal, help",
    "als <b>wethouder</b> wil ik dit weten",  # markup tokens() strips again
    "als 12345 wethouder",  # a long number tokens() drops: 'als' is then right before the role
    "als 1234'5 wethouder",  # and one that only becomes long once the apostrophe goes
    "ik ben ｗethouder",  # letters that fold to ASCII
    "als https://x.nl/wethouder adviseur",
    "als P&C adviseur",
]


@pytest.mark.parametrize("question", ROLE_QUESTIONS)
def test_the_role_reads_the_same_words_as_before(question):
    assert asker_role(question) is asker_role(question, plain_tokens(question)) is _role_the_long_way(question)


def _role_the_long_way(question: str) -> Audience | None:
    """asker_role as it was: tokens(), every hyphen join tried, every question read for a role."""
    from antenne.bot.matching.roles import ROLE_WORDS, role_in

    words: list[str] = []
    for word in tokens(question):
        if words and f"{words[-1]}-{word}" in ROLE_WORDS:
            words[-1] = f"{words[-1]}-{word}"
        else:
            words.append(word)
    return role_in(words)


def test_the_role_words_equal_tokens_for_any_text():
    from antenne.bot.matching.roles import _words

    rng = random.Random(3)
    alphabet = list("ab 1234&<>'’`´²①ｗ:/.ß-_")
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 16)))
        assert _words(text, None) == tokens(text), text


def _table() -> SynonymTable:
    groups = [
        ["raadsinformatiebrief", "rib"],
        ["wethouder", "portefeuillehouder", "pfh"],
        ["actieve informatieplicht", "inlichten"],
        ["op een lijn", "klik"],
    ]
    return SynonymTable(
        groups,
        analyse=lambda entry: tuple(w for w in plain_tokens(entry) if w not in {"op", "een"}),
        expression=lambda entry: tuple(plain_tokens(entry)) if entry.startswith("op ") else (),
        written_word=lambda entry: tuple(plain_tokens(entry)),
    )


def test_phrases_are_found_wherever_they_start():
    table = _table()
    words = ["de", "pfh", "heeft", "actieve", "informatieplicht", "rib"]
    found = table.find(words, words)
    assert [(start, end) for start, end, _ in found] == [(1, 2), (3, 5), (5, 6)]
    assert found[0][2] == (("wethouder",), ("portefeuillehouder",))
    assert found[1][2] == (("inlichten",),)
    assert table.find(["pfh"], ["pfh"])[0][2] is found[0][2]  # the same tuple: callers keep what they derive


def test_expressions_are_found_after_a_false_start():
    table = _table()
    words = ["op", "tijd", "zitten", "we", "op", "een", "lijn"]
    assert [(start, end) for start, end, _ in table.find_expressions(words)] == [(4, 7)]
    assert table.find_expressions(["op", "een"]) == []


def test_sums_in_the_order_of_the_loop():
    values = [{k: random.Random(k).random() * 10 ** (k % 5) for k in range(n, n + 40)} for n in range(0, 200, 7)]
    totals: dict[int, float] = {}
    expected: dict[int, float] = {}
    for found in values:
        add_into(totals, found)
        for key, value in found.items():
            expected[key] = expected.get(key, 0.0) + value
    assert totals == expected  # exactly, not approximately


def test_a_model_refuses_features_it_has_no_weights_for():
    model = Logistic((1.0, 2.0), 0.5, 0.5)
    assert model.probability((0.0, 0.0)) == pytest.approx(0.622459, rel=1e-5)
    with pytest.raises(ValueError, match="kenmerken"):
        model.probability((1.0,))
