"""Plain Okapi BM25 over each item's whole text, words as written (no stems, no synonyms).

Beside the field-weighted, stemmed index this catches what stemming and synonyms
blur: the exact forms people and editors share ('raadsleden', 'kadernota'). On the
development set the two rank better together than either alone, so the matcher adds
this score, scaled to the best item, to its own.
"""

from __future__ import annotations

from collections.abc import Sequence

K1 = 1.5
B = 0.75
EPSILON = 0.25  # a word in more than half of the items gets this share of the average idf
MAX_POSTINGS = 64  # as in the topic index: a common word costs bounded work per question


class WholeTextIndex:
    def __init__(self, postings: dict[str, list[tuple[int, float]]]) -> None:
        self.postings = postings  # per word: (item, its BM25 for the word); built in building.py

    def scores(self, words: Sequence[str]) -> dict[int, float]:
        """BM25 per item for the question's words (repeated words count again, as in Okapi BM25).

        Every word of a question, stop words too, brings up to MAX_POSTINGS pairs: a
        plain loop with a bound `get` is the fastest sum Python has for them.
        """
        found: dict[int, float] = {}
        get = found.get
        postings = self.postings
        for word in words:
            for doc, value in postings.get(word, ()):
                found[doc] = get(doc, 0.0) + value
        return found
