"""Split Dutch compounds into known parts.

Dutch glues nouns together (raadsvergadering, duurzaamheidsbudget) and a user's
compound rarely matches the content's exact word. We split on the vocabulary of
the knowledge base itself: a part is a word only if the content uses it, which
keeps the splitter from inventing parts the matcher could not use anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

MIN_PART = 3
MIN_COMPOUND = 6
# Linking sounds between parts: raad-s-vergadering, pannenkoek, gemeente-n.
LINKERS = ("", "s", "e", "en", "n")


class CompoundSplitter:
    """`is_word` must accept exact content words; `is_head` may also accept an
    inflected form, for the last part only (raads-vergaderingen)."""

    def __init__(self, is_word: Callable[[str], bool], is_head: Callable[[str], bool]) -> None:
        self._is_word = is_word
        self._is_head = is_head
        self.split = lru_cache(maxsize=50_000)(self._split)

    def __getstate__(self) -> dict[str, object]:
        # The per-instance cache cannot be pickled (the matcher cache stores us); rebuild it empty.
        return {"_is_word": self._is_word, "_is_head": self._is_head}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self.split = lru_cache(maxsize=50_000)(self._split)

    def _split(self, word: str) -> tuple[str, ...]:
        """Return the parts of `word` (fewest, then longest parts), or () if none."""
        if len(word) < MIN_COMPOUND:
            return ()
        best = self._best(word, 0, {})
        return best if best is not None and len(best) > 1 else ()

    def _best(self, word: str, start: int, memo: dict[int, tuple[str, ...] | None]) -> tuple[str, ...] | None:
        if start in memo:
            return memo[start]
        result: tuple[str, ...] | None = None
        for end in range(len(word), start + MIN_PART - 1, -1):
            part = word[start:end]
            if end == len(word):
                if start == 0 or not self._is_head(part):  # the whole word is not a split
                    continue
                candidate: tuple[str, ...] | None = (part,)
            else:
                if not self._is_word(part):
                    continue
                candidate = None
                for linker in LINKERS:
                    if not word.startswith(linker, end):
                        continue
                    rest = self._best(word, end + len(linker), memo)
                    if rest is not None and (candidate is None or len(rest) + 1 < len(candidate)):
                        candidate = (part, *rest)
            if candidate is not None and (result is None or len(candidate) < len(result)):
                result = candidate
        memo[start] = result
        return result
