"""A field-weighted BM25 (BM25F) index over topics: one document per case or theme.

Field weights let an editor's example questions and keywords count for more than
a word that happens to occur somewhere in a long story. Scores are summed from
precomputed postings, so a question costs time in proportion to its own terms,
not to the size of the knowledge base.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter

from antenne.bot.matching.analyzer import Analyzer, word_counts

FIELD_WEIGHTS: Mapping[str, float] = {"title": 3.0, "tags": 2.5, "questions": 2.0, "body": 1.0}
STRONG_FIELDS = ("title", "tags", "questions")  # written by editors to say what an item is about
K1 = 1.2
B = 0.75
# Static index pruning: a term keeps only its highest-impact documents. A very common
# word then costs a bounded amount of work per question, and the documents it drops
# are those where it contributed least. Content of a few hundred items never hits it.
MAX_POSTINGS = 64


@dataclass(frozen=True)
class Document:
    id: str
    fields: Mapping[str, str]


class TopicIndex:
    def __init__(
        self,
        documents: Sequence[Document],
        analyzer: Analyzer,
        words: Sequence[Mapping[str, Counter[str]]] | None = None,
    ) -> None:
        """`words`: per document and field the word counts, when the caller has them already."""
        self.documents = tuple(documents)
        self.analyzer = analyzer
        if words is None:
            words = [{name: word_counts(d.fields.get(name, "")) for name in FIELD_WEIGHTS} for d in self.documents]
        # Field lengths in words (compound parts are not counted): cheap, and only relative lengths matter.
        stop = analyzer.stop_words
        lengths = {name: [_length(fields.get(name), stop) for fields in words] for name in FIELD_WEIGHTS}
        average = {name: (sum(v) / len(v) if v and sum(v) else 1.0) for name, v in lengths.items()}
        n = max(len(self.documents), 1)
        raw, self.strong_terms = _saturated_postings(words, analyzer.terms_of(_distinct_words(words)), lengths, average)
        self.idf: dict[str, float] = {
            term: math.log(1 + (n - len(found) + 0.5) / (len(found) + 0.5)) for term, found in raw.items()
        }
        self.unknown_idf = math.log(1 + (n - 1 + 0.5) / 1.5)  # as rare as a word seen once
        # Per term: document -> its BM25F contribution, and the documents that have the
        # term in an editor-written field. Dicts, so explaining one result is a lookup.
        self.postings: dict[str, dict[int, float]] = {}
        self.in_editor_fields: dict[str, frozenset[int]] = {}
        for term, found in raw.items():
            if len(found) > MAX_POSTINGS:  # what heapq.nlargest would keep, sorted in C
                found = sorted(found, key=itemgetter(1), reverse=True)[:MAX_POSTINGS]
            idf = self.idf[term]
            self.postings[term] = {doc: idf * saturated for doc, saturated, _ in found}
            self.in_editor_fields[term] = frozenset(doc for doc, _, strong in found if strong)

    def term_idf(self, term: str) -> float:
        return self.idf.get(term, self.unknown_idf)


def _length(counts: Counter[str] | None, stop: frozenset[str]) -> int:
    """Words in a field, stop words not counted."""
    if not counts:
        return 0
    return sum(counts.values()) - sum(map(counts.__getitem__, counts.keys() & stop))


def _distinct_words(words: Sequence[Mapping[str, Counter[str]]]) -> set[str]:
    found: set[str] = set()
    for fields in words:
        for counts in fields.values():
            found.update(counts)
    return found


def _saturated_postings(
    words: Sequence[Mapping[str, Counter[str]]],
    terms_of: Mapping[str, tuple[str, ...]],
    lengths: Mapping[str, list[int]],
    average: Mapping[str, float],
) -> tuple[dict[str, list[tuple[int, float, bool]]], set[str]]:
    """Per term: (document, saturated BM25F frequency, found in an editor-written field).

    The hot loop of a build (every distinct word of every field of every document):
    the index terms of each distinct word are looked up, not worked out again.
    """
    raw: dict[str, list[tuple[int, float, bool]]] = defaultdict(list)
    all_strong: set[str] = set()
    for doc_index, fields in enumerate(words):
        pseudo_tf: dict[str, float] = {}
        strong: set[str] = set()
        get = pseudo_tf.get
        for name, weight in FIELD_WEIGHTS.items():
            counts = fields.get(name)
            if not counts:
                continue
            factor = weight / (1 - B + B * lengths[name][doc_index] / average[name])
            for word, count in counts.items():
                for term in terms_of[word]:
                    pseudo_tf[term] = get(term, 0.0) + factor * count
            if name in STRONG_FIELDS:
                strong.update(*map(terms_of.__getitem__, counts))
        all_strong |= strong
        for term, tf in pseudo_tf.items():
            raw[term].append((doc_index, tf / (K1 + tf), term in strong))
    return raw, all_strong
