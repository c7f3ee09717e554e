"""Dutch stemming, so 'raadsvragen' and 'raadsvraag' meet."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import Stemmer

# The classic Dutch Porter algorithm: the newer "dutch" one strips "ge-" from
# almost anything (gemeente -> meen, gedicht -> dicht), which creates false matches.
_STEMMER = Stemmer.Stemmer("dutch_porter")


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    return _STEMMER.stemWord(word)


def stem_all(words: Iterable[str]) -> dict[str, str]:
    """Stems of many words in one call into the C stemmer: an index build stems thousands."""
    distinct = list(dict.fromkeys(words))
    return dict(zip(distinct, _STEMMER.stemWords(distinct), strict=True))
