"""A field-weighted BM25 (BM25F) index over topics: one document per case or theme.

Field weights let an editor's example questions and keywords count for more than
a word that happens to occur somewhere in a long story. Scores are summed from
precomputed postings, so a question costs time in proportion to its own terms,
not to the size of the knowledge base.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

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
    fields: Mapping[str, tuple[str, ...]]  # per field (FIELD_WEIGHTS) its texts


class TopicIndex:
    """Per term: each document's BM25F contribution, and the documents with the term in an
    editor-written field. Dicts, so explaining one result is a lookup (built in building.py)."""

    def __init__(
        self,
        idf: dict[str, float],
        unknown_idf: float,
        postings: dict[str, dict[int, float]],
        in_editor_fields: dict[str, frozenset[int]],
    ) -> None:
        self.idf = idf
        self.unknown_idf = unknown_idf
        self.postings = postings
        self.in_editor_fields = in_editor_fields

    def term_idf(self, term: str) -> float:
        return self.idf.get(term, self.unknown_idf)
