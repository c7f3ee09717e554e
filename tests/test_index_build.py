"""The index build (bot/matching/building.py): the numbers it counts in numpy are the
BM25F, BM25 and example-question numbers their formulas give, pruned as documented,
and the same in every process."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

import pytest
from antenne.bot.matching import index, wholetext
from antenne.bot.matching.building import build
from antenne.bot.matching.corpus import read_corpus
from antenne.bot.matching.index import Document
from antenne.bot.matching.stemming import stem
from antenne.bot.text import plain_tokens


def document(n: int, title: str = "", tags: tuple[str, ...] = (), questions: tuple[str, ...] = (), body: str = ""):
    return Document(f"d{n}", {"title": (title,), "tags": tags, "questions": questions, "body": (body,)})


def test_reading_all_text_at_once_gives_the_words_of_each_text():
    texts = [
        "Is de wethouder geïnformeerd? B&W en P & C",
        "collega’s m'n `x` ´t",
        "",
        "\x01 een tekst met het scheidingsteken \x01erin",
        "Ｂ&Ｗ ẞ Ⅻ 😀 raadsvoorstel-2024",
        "   ",
    ]
    corpus = read_corpus([[(texts[0], texts[1]), ()], [(), tuple(texts[2:])]], question_field=1)
    words = [corpus.words[n] for n in corpus.word]
    assert words == [w for text in texts for w in plain_tokens(text)]
    assert corpus.items == 2 and set(corpus.item[:10].tolist()) == {0}
    # Example questions are numbered in reading order and know their item.
    assert corpus.question_item.tolist() == [1, 1, 1, 1]
    assert sorted(set(corpus.question.tolist())) == [-1, 1, 2]  # texts 2 and 5 hold no words


def test_a_field_weighted_score_is_the_bm25f_formula():
    docs = [
        document(0, title="raad begroting", body="de raad bespreekt de begroting met de raad"),
        document(1, title="wethouder", tags=("raad",), body="de wethouder informeert"),
        document(2, title="subsidie", body="een subsidie voor de vereniging en de sportclub"),
    ]
    built = build(docs, ())
    stop = built.analyzer.stop_words

    def length(d: Document, name: str) -> int:
        return sum(1 for text in d.fields[name] for w in plain_tokens(text) if w not in stop)

    average = {name: sum(length(d, name) for d in docs) / len(docs) for name in index.FIELD_WEIGHTS}
    average = {name: value or 1.0 for name, value in average.items()}

    def expected(d: Document, word: str) -> float:
        tf = sum(
            weight
            * sum(plain_tokens(text).count(word) for text in d.fields[name])
            / (1 - index.B + index.B * length(d, name) / average[name])
            for name, weight in index.FIELD_WEIGHTS.items()
        )
        return tf / (index.K1 + tf)

    idf = math.log(1 + (3 - 2 + 0.5) / (2 + 0.5))  # 'raad' is in two of three items
    [council] = built.analyzer.word_terms("raad")
    found = built.index.postings[council]
    assert set(found) == {0, 1}
    assert math.isclose(found[0], idf * expected(docs[0], "raad"), rel_tol=1e-12)
    assert math.isclose(found[1], idf * expected(docs[1], "raad"), rel_tol=1e-12)
    assert built.index.in_editor_fields[council] == frozenset({0, 1})  # title and tags
    [informs] = built.analyzer.word_terms("informeert")
    assert built.index.in_editor_fields[informs] == frozenset()  # only in the story
    assert built.index.idf[stem("subsidie")] > built.index.idf[council]


def test_a_common_word_keeps_only_its_strongest_items_best_first():
    # 'raad' in 70 items; the longer the story, the weaker it counts; items 0 and 1 tie.
    docs = [document(n, title="raad", body="raad " + "woord " * (n if n > 1 else 0)) for n in range(70)]
    built = build(docs, ())
    found = built.index.postings[stem("raad")]
    assert len(found) == index.MAX_POSTINGS == 64
    assert list(found) == list(range(64))  # the weakest six dropped, the tie in item order
    values = list(found.values())
    assert values == sorted(values, reverse=True)
    whole = built.whole_text.postings["raad"]
    assert [item for item, _ in whole] == list(range(wholetext.MAX_POSTINGS))
    # A word in few items keeps them all, in item order.
    assert [item for item, _ in built.whole_text.postings["woord"]][:3] == [2, 3, 4]


def test_whole_text_bm25_is_the_okapi_formula():
    docs = [document(0, body="de raad kadernota"), document(1, body="de raad college"), document(2, body="de")]
    postings = build(docs, ()).whole_text.postings
    n, average = 3, 7 / 3
    idf = math.log(n - 1 + 0.5) - math.log(1 + 0.5)
    norm = wholetext.K1 * (1 - wholetext.B + wholetext.B * 3 / average)
    [(item, value)] = postings["kadernota"]
    assert item == 0 and math.isclose(value, idf * (wholetext.K1 + 1) / (1 + norm), rel_tol=1e-12)
    assert all(value >= 0 for _, value in postings["de"])  # in every item: never counts against one
    scores = build(docs, ()).whole_text.scores(["kadernota", "de"])
    assert max(scores, key=scores.__getitem__) == 0
    assert scores[0] > scores.get(1, 0.0) >= 0.0


def test_example_questions_know_their_weight_and_the_lightest_come_first():
    docs = [
        document(0, questions=("raad begroting", "raad")),
        document(1, questions=("raad begroting subsidie vereniging",)),
    ]
    built = build(docs, ())
    questions, idf = built.questions, built.index.idf
    council, budget = stem("raad"), stem("begroting")
    assert questions.topic == [0, 0, 1]
    assert questions.mass[1] == idf[council]
    assert math.isclose(questions.mass[0], idf[council] + idf[budget], rel_tol=1e-12)
    assert questions.postings[council] == [1, 0, 2]  # lightest first


def test_the_build_is_the_same_in_every_process():
    """String hashes differ per process; nothing built may depend on them (the start-up cache
    and every server of a deployment must answer alike)."""
    code = (
        "import json, sys\n"
        "from antenne.bot.content.cached import load_knowledge_base\n"
        "from antenne.bot.content.paths import default_content_dir\n"
        "from antenne.bot.matching.matcher import Matcher\n"
        "m = Matcher(load_knowledge_base(default_content_dir()))\n"
        "print(json.dumps({'members': m.analyzer._members, 'idf': m.index.idf,\n"
        "  'postings': {t: list(p.items()) for t, p in m.index.postings.items()},\n"
        "  'whole': m.whole_text.postings, 'questions': m._question_postings}, sort_keys=True))\n"
    )

    def built(seed: str) -> dict:
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        return json.loads(done.stdout)

    assert built("1") == built("2")


def test_numpy_is_not_needed_to_answer_from_the_cache():
    """numpy takes a fifth of a second to import: only a build may need it."""
    code = (
        "import sys\n"
        "import antenne.bot.matching.matcher, antenne.bot.matching.index, antenne.bot.matching.wholetext\n"
        "print('numpy' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_the_build_leaves_numpys_huge_page_setting_as_it_found_it():
    """The build turns numpy's huge pages off for its short-lived arrays, and only for itself."""
    multiarray = pytest.importorskip("numpy._core.multiarray")
    switch = multiarray._set_madvise_hugepage
    for setting in (True, False):
        switch(setting)
        build([document(0, title="raad")], ())
        assert switch(setting) is setting
