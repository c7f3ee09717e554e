"""From a knowledge base's text to the matcher's indexes, counted in numpy.

A build for 10,000 items handles four million word occurrences: per-document Python
loops over Counters took 13-15 s, these array steps under 3 s (bench/run.py). The
results are the same plain dicts the matcher reads per question, so matching never
touches numpy, and neither does a server that starts from the cache (numpy takes
0.2 s to import): the matcher imports this module only when it builds.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from antenne.bot.collector import collector_paused
from antenne.bot.matching import wholetext
from antenne.bot.matching.analyzer import Analyzer
from antenne.bot.matching.arrays import best_in_groups, expand, run_starts, stable_order
from antenne.bot.matching.corpus import Corpus, FieldWords, ItemWords, read_corpus
from antenne.bot.matching.index import FIELD_WEIGHTS, K1, MAX_POSTINGS, STRONG_FIELDS, B, Document, TopicIndex
from antenne.bot.matching.wholetext import WholeTextIndex

_FIELDS = tuple(FIELD_WEIGHTS)


@dataclass(frozen=True)
class ExampleQuestions:
    """Every editor-written example question, to find each topic's closest one."""

    topic: list[int]  # per question: its topic
    mass: list[float]  # per question: the summed idf of its distinct terms
    postings: dict[str, list[int]]  # per term: questions with it, lightest first (they score highest)


@dataclass(frozen=True)
class Built:
    analyzer: Analyzer
    index: TopicIndex
    whole_text: WholeTextIndex
    questions: ExampleQuestions


@dataclass(frozen=True, eq=False)
class WordTerms:
    """The index terms of every corpus word, numbered: row w of `table` holds word w's
    terms, padded with -1 (a word has its stem and those of its few compound parts)."""

    names: tuple[str, ...]  # term by number
    table: np.ndarray

    @classmethod
    def of(cls, words: Sequence[str], terms_of: Mapping[str, tuple[str, ...]]) -> WordTerms:
        numbers: dict[str, int] = {}
        rows = [[numbers.setdefault(term, len(numbers)) for term in terms_of[word]] for word in words]
        table = np.full((len(rows), max(map(len, rows), default=0)), -1, dtype=np.int32)
        for row, found in enumerate(rows):
            table[row, : len(found)] = found
        return cls(names=tuple(numbers), table=table)

    def found(self) -> np.ndarray:
        """Per word: does it have index terms? (Stop words and numbers have none.)"""
        if not self.table.shape[1]:
            return np.zeros(len(self.table), dtype=bool)
        return self.table[:, 0] >= 0

    def of_words(self, words: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """One entry per term of each word, in order: which entry of `words` it came from, and the term."""
        terms = self.table[words]
        at = np.flatnonzero(terms >= 0)  # row by row, so a word's terms stay in their order
        return at // max(self.table.shape[1], 1), terms.ravel()[at]


def build(documents: Sequence[Document], synonym_groups: Sequence[Sequence[str]]) -> Built:
    # Everything made here lives on: a garbage collection would find nothing to free.
    with collector_paused(), _small_pages():
        return _build(documents, synonym_groups)


@contextmanager
def _small_pages() -> Iterator[None]:
    """numpy asks Linux for 2 MB pages for every array over 4 MB. The build's arrays live
    for milliseconds: finding and zeroing huge pages for them cost the kernel 0.3 s of a
    3 s build at 10,000 items, more than the fewer TLB misses win back. numpy's switch
    for this is internal; a numpy without it keeps its default."""
    internals = getattr(np, "_core", None) or np.core
    switch = getattr(getattr(internals, "multiarray", None), "_set_madvise_hugepage", None)
    if switch is None:
        yield
        return
    before = switch(False)
    try:
        yield
    finally:
        switch(before)


def _build(documents: Sequence[Document], synonym_groups: Sequence[Sequence[str]]) -> Built:
    corpus = read_corpus([[d.fields.get(name, ()) for name in _FIELDS] for d in documents], _FIELDS.index("questions"))
    vocabulary = Counter(dict(zip(corpus.words, corpus.word_counts().tolist(), strict=True)))
    analyzer = Analyzer(vocabulary, synonym_groups)
    terms = WordTerms.of(corpus.words, analyzer.terms_of(corpus.words))
    stop = np.array([word in analyzer.stop_words for word in corpus.words], dtype=bool)
    in_fields, in_items = corpus.distinct(per_field=terms.found())
    index = topic_index(in_fields, corpus.field_lengths(~stop), terms)
    return Built(
        analyzer=analyzer,
        index=index,
        whole_text=whole_text_index(corpus.words, in_items, corpus.item_lengths()),
        questions=example_questions(corpus, terms, index),
    )


def topic_index(words: FieldWords, lengths: np.ndarray, terms: WordTerms) -> TopicIndex:
    """BM25F per term and item. `words`: each field's distinct words that have terms;
    `lengths`: per item and field, its words that count for its length."""
    items = len(lengths)
    n = max(items, 1)
    value = _length_factors(lengths)[words.item * len(_FIELDS) + words.field] * words.count
    which, term = terms.of_words(words.word)
    # Grouped per term, then per item; reading order within a group, as the old loop added up.
    entries = max(len(words.word), 1)
    paired = term.astype(np.int64) * entries + which
    paired.sort()
    term, which = paired // entries, paired % entries
    item = words.item[which]
    runs = run_starts(term, item)
    run = np.repeat(np.arange(len(runs) - 1), np.diff(runs))
    frequency = np.bincount(run, weights=value[which], minlength=len(runs) - 1)
    strong = np.isin(words.field[which], [_FIELDS.index(name) for name in STRONG_FIELDS])
    in_strong = np.bincount(run, weights=strong, minlength=len(runs) - 1) > 0
    term, item = term[runs[:-1]], item[runs[:-1]]
    saturated = frequency / (K1 + frequency)
    groups = run_starts(term)
    found = np.diff(groups)
    names = [terms.names[t] for t in term[groups[:-1]].tolist()]
    idf = [math.log(1 + (n - df + 0.5) / (df + 0.5)) for df in found.tolist()]
    kept, bounds = best_in_groups(groups, saturated, MAX_POSTINGS)
    contribution = (np.repeat(np.array(idf), found) * saturated)[kept].tolist()
    docs, editor = item[kept].tolist(), in_strong[kept].tolist()
    postings: dict[str, dict[int, float]] = {}
    in_editor_fields: dict[str, frozenset[int]] = {}
    for name, start, end in zip(names, bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        postings[name] = dict(zip(docs[start:end], contribution[start:end], strict=True))
        in_editor_fields[name] = frozenset(d for d, e in zip(docs[start:end], editor[start:end], strict=True) if e)
    unknown_idf = math.log(1 + (n - 1 + 0.5) / 1.5)  # as rare as a word seen once
    return TopicIndex(dict(zip(names, idf, strict=True)), unknown_idf, postings, in_editor_fields)


def _length_factors(lengths: np.ndarray) -> np.ndarray:
    """Per item and field: the field's weight over its length normalisation (BM25F).

    Lengths are in words, stop words not counted: only relative lengths matter.
    """
    totals = lengths.sum(axis=0)
    average = np.where(totals > 0, totals / max(len(lengths), 1), 1.0)
    weights = np.array(list(FIELD_WEIGHTS.values()))
    return (weights / (1 - B + B * lengths / average)).ravel()


def whole_text_index(vocabulary: Sequence[str], words: ItemWords, lengths: np.ndarray) -> WholeTextIndex:
    """Okapi BM25 per word and item. `words`: each item's distinct words, word after word;
    `lengths`: words per item, stop words included."""
    k1, b = wholetext.K1, wholetext.B
    n = len(lengths)
    average = (lengths.sum() / n) if n and lengths.sum() else 1.0
    groups = run_starts(words.word)
    found = np.diff(groups).tolist()
    idf = [math.log(n - df + 0.5) - math.log(df + 0.5) for df in found]
    # Never negative: a word most items share must not count against an item (tiny corpora).
    floor = max(0.0, wholetext.EPSILON * (sum(idf) / len(idf))) if idf else 0.0
    weight = np.repeat(np.array([value if value > 0 else floor for value in idf]), found)
    norm = k1 * (1 - b + b * lengths[words.item] / average)
    score = weight * words.count * (k1 + 1) / (words.count + norm)
    kept, bounds = best_in_groups(groups, score, wholetext.MAX_POSTINGS)
    docs, values = words.item[kept].tolist(), score[kept].tolist()
    postings: dict[str, list[tuple[int, float]]] = {}
    heads = words.word[groups[:-1]].tolist()
    for word, start, end in zip(heads, bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        postings[vocabulary[word]] = list(zip(docs[start:end], values[start:end], strict=True))
    return WholeTextIndex(postings)


def example_questions(corpus: Corpus, terms: WordTerms, index: TopicIndex) -> ExampleQuestions:
    """Each example question's distinct terms, their summed idf, and per term its lightest questions."""
    asked = corpus.question >= 0
    which, term = terms.of_words(corpus.word[asked])
    question = corpus.question[asked][which]
    # A question's distinct terms, in the order they first occur in it (sums never vary between runs).
    pair = question.astype(np.int64) * max(len(terms.names), 1) + term
    by_pair = stable_order(pair)
    first = np.sort(by_pair[run_starts(pair[by_pair])[:-1]])
    question, term = question[first], term[first]
    term_idf = np.array([index.term_idf(name) for name in terms.names])
    mass = np.bincount(question, weights=term_idf[term], minlength=len(corpus.question_item))
    mass[mass == 0] = 1.0
    # Per term, the lightest questions first, ties in question order: one sort of (term, rank) keys.
    lightest = np.argsort(mass, kind="stable")
    rank = np.empty_like(lightest)
    rank[lightest] = np.arange(len(lightest))
    ranks = max(len(lightest), 1)
    by_term = np.sort(term.astype(np.int64) * ranks + rank[question])
    term, question = by_term // ranks, lightest[by_term % ranks]
    groups = run_starts(term)
    kept_sizes = np.minimum(np.diff(groups), MAX_POSTINGS)
    kept_bounds = np.append(0, np.cumsum(kept_sizes)).tolist()
    kept = question[expand(groups[:-1], kept_sizes)].tolist()
    names = [terms.names[t] for t in term[groups[:-1]].tolist()]
    postings = {name: kept[kept_bounds[g] : kept_bounds[g + 1]] for g, name in enumerate(names)}
    return ExampleQuestions(topic=corpus.question_item.tolist(), mass=mass.tolist(), postings=postings)
