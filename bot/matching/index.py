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

from antenne.bot.matching.analyzer import Analyzer

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
    def __init__(self, documents: Sequence[Document], analyzer: Analyzer) -> None:
        self.documents = tuple(documents)
        self.analyzer = analyzer
        field_terms: list[dict[str, Counter[str]]] = []
        lengths: dict[str, list[int]] = defaultdict(list)
        document_frequency: Counter[str] = Counter()
        for document in self.documents:
            per_field = {}
            for name in FIELD_WEIGHTS:
                counts = Counter(analyzer.document_terms(document.fields.get(name, "")))
                per_field[name] = counts
                lengths[name].append(sum(counts.values()))
            field_terms.append(per_field)
            document_frequency.update({t for counts in per_field.values() for t in counts})

        average = {name: (sum(v) / len(v) if v and sum(v) else 1.0) for name, v in lengths.items()}
        n = max(len(self.documents), 1)
        self.idf: dict[str, float] = {
            term: math.log(1 + (n - df + 0.5) / (df + 0.5)) for term, df in document_frequency.items()
        }
        self.unknown_idf = math.log(1 + (n - 1 + 0.5) / 1.5)  # as rare as a word seen once

        # A posting: (document, score contribution, found in an editor-written field)
        postings: dict[str, list[tuple[int, float, bool]]] = defaultdict(list)
        self.strong_terms: set[str] = set()
        for doc_index, per_field in enumerate(field_terms):
            pseudo_tf: Counter[str] = Counter()
            for name, counts in per_field.items():
                norm = 1 - B + B * lengths[name][doc_index] / average[name]
                for term, tf in counts.items():
                    pseudo_tf[term] += FIELD_WEIGHTS[name] * tf / norm
            strong = {t for name in STRONG_FIELDS for t in per_field[name]}
            self.strong_terms |= strong
            for term, tf in pseudo_tf.items():
                postings[term].append((doc_index, self.idf[term] * tf / (K1 + tf), term in strong))
        self.postings = {
            term: sorted(found, key=lambda p: -p[1])[:MAX_POSTINGS] if len(found) > MAX_POSTINGS else found
            for term, found in postings.items()
        }

    def term_idf(self, term: str) -> float:
        return self.idf.get(term, self.unknown_idf)
