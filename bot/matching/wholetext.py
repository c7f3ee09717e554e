"""Plain Okapi BM25 over each item's whole text, words as written (no stems, no synonyms).

Beside the field-weighted, stemmed index this catches what stemming and synonyms
blur: the exact forms people and editors share ('raadsleden', 'kadernota'). On the
development set the two rank better together than either alone, so the matcher adds
this score, scaled to the best item, to its own.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from operator import itemgetter

K1 = 1.5
B = 0.75
EPSILON = 0.25  # a word in more than half of the items gets this share of the average idf
MAX_POSTINGS = 64  # as in the topic index: a common word costs bounded work per question


class WholeTextIndex:
    def __init__(self, documents: Sequence[Counter[str]]) -> None:
        n = len(documents)
        lengths = [sum(words.values()) for words in documents]
        average = (sum(lengths) / n) if n and sum(lengths) else 1.0
        # Document frequencies first (counted in C), so each (item, word) pair is scored in one pass.
        df: Counter[str] = Counter()
        for words in documents:
            df.update(words.keys())
        idf = {word: math.log(n - found + 0.5) - math.log(found + 0.5) for word, found in df.items()}
        # Never negative: a word most items share must not count against an item (tiny corpora).
        floor = max(0.0, EPSILON * (sum(idf.values()) / len(idf))) if idf else 0.0
        weight = {word: value if value > 0 else floor for word, value in idf.items()}
        scored: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for doc, words in enumerate(documents):
            norm = K1 * (1 - B + B * lengths[doc] / average)
            for word, tf in words.items():
                scored[word].append((doc, weight[word] * tf * (K1 + 1) / (tf + norm)))
        self.postings: dict[str, list[tuple[int, float]]] = {}
        for word, found in scored.items():
            if len(found) > MAX_POSTINGS:  # what heapq.nlargest would keep, sorted in C
                found = sorted(found, key=itemgetter(1), reverse=True)[:MAX_POSTINGS]
            self.postings[word] = found

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
