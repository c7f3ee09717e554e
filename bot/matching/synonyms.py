"""Expand a question with the synonyms editors listed in content/synonyms.yaml."""

from __future__ import annotations

from collections.abc import Callable, Sequence

Phrase = tuple[str, ...]
SHORT_STEM = 6  # shorter stems are shared by unrelated words


class SynonymTable:
    """Maps each phrase (a tuple of stems) to the other phrases of its group.

    A phrase is recognised in a question by all its words, but expands to its
    telling words only: "nee zeggen" should find 'tegenspraak', yet 'zeggen' alone
    would find every item in which somebody says something.
    """

    def __init__(
        self,
        groups: Sequence[Sequence[str]],
        analyse: Callable[[str], Phrase],
        telling: Callable[[str], Phrase] | None = None,
        expression: Callable[[str], Phrase] | None = None,
        written_word: Callable[[str], Phrase] | None = None,
    ) -> None:
        """`expression(entry)`: the entry's words as written, stop words included, when
        dropping them would leave a single word ('op een lijn', 'in de la', 'i-afdeling').
        Such an entry is recognised only as a whole: 'lijn' or 'la' alone must not mean
        what the idiom means."""
        self._group_of: dict[Phrase, int] = {}
        self._expression_group: dict[Phrase, int] = {}
        self._written: dict[Phrase, set[str]] = {}  # one-word phrases: the words as editors wrote them
        self._groups: list[list[Phrase]] = []
        self._expansion: dict[Phrase, Phrase] = {}
        self._display: dict[Phrase, str] = {}  # how the editor wrote a phrase, to show people
        for group in groups:
            phrases = [p for p in dict.fromkeys(analyse(entry) for entry in group) if p]
            if len(phrases) < 2:
                continue
            index = len(self._groups)
            only_in_expressions = {analyse(e) for e in group} - {
                analyse(e) for e in group if expression is None or not expression(e)
            }
            for entry in group:
                phrase = analyse(entry)
                if phrase and telling is not None and len(phrase) > 1:
                    self._expansion.setdefault(phrase, telling(entry) or phrase)
                self._display.setdefault(self._expansion.get(phrase, phrase), entry.strip())
                if len(phrase) == 1 and written_word is not None:
                    self._written.setdefault(phrase, set()).update(written_word(entry))
                written = expression(entry) if expression is not None else ()
                if written:
                    self._expression_group.setdefault(written, index)
                else:
                    self._group_of.setdefault(phrase, index)
            # An expression is no target: 'klik' must not search for every 'lijn' ('op een lijn').
            targets = [p for p in phrases if p not in only_in_expressions]
            self._groups.append([self._expansion.get(p, p) for p in targets])
        self._group_of.pop((), None)
        self.longest = max((len(p) for p in self._group_of), default=0)
        self.longest_expression = max((len(p) for p in self._expression_group), default=0)
        self._expression_starts = {p[0] for p in self._expression_group}
        self._longest_from, self._expression_next = self._starts()
        self._others: dict[Phrase, tuple[Phrase, ...]] = {}  # see _other_phrases

    def _starts(self) -> tuple[dict[str, int], dict[str, set[str]]]:
        """Where a phrase or an expression can start, so a question's other words are skipped.

        Per first stem its longest phrase: most words of a question start none, or only
        themselves. Per first word of an expression the words that can follow it: 'op'
        starts 'op een lijn', but a question's 'op' is mostly followed by something else.
        """
        longest_from: dict[str, int] = {}
        for phrase in self._group_of:
            longest_from[phrase[0]] = max(len(phrase), longest_from.get(phrase[0], 0))
        following: dict[str, set[str]] = {}
        for written in self._expression_group:
            following.setdefault(written[0], set()).add(written[1])
        return longest_from, following

    def find(self, stems: Sequence[str], words: Sequence[str]) -> list[tuple[int, int, tuple[Phrase, ...]]]:
        """Return (start, end, other phrases) for each synonym phrase found in `stems`
        (the stems of `words`).

        The other phrases of a phrase are the same tuple each time, so callers can keep
        what they derive from them.
        """
        found = []
        longest_from = self._longest_from
        for start in range(len(stems)):
            longest = longest_from.get(stems[start])
            if longest is None:
                continue
            for end in range(min(len(stems), start + longest), start, -1):
                phrase = tuple(stems[start:end])
                group = self._group_of.get(phrase)
                if group is not None and (end - start > 1 or self._same_word(phrase, words[start])):
                    found.append((start, end, self._other_phrases(phrase, group)))
                    break
        return found

    def _other_phrases(self, phrase: Phrase, group: int) -> tuple[Phrase, ...]:
        """The phrases `phrase` expands to: the rest of its group (worked out once per phrase)."""
        others = self._others.get(phrase)
        if others is None:
            own = self._expansion.get(phrase, phrase)
            others = self._others[phrase] = tuple(p for p in self._groups[group] if p != own)
        return others

    def find_expressions(self, words: Sequence[str]) -> list[tuple[int, int, list[Phrase]]]:
        """Like find, for fixed expressions in the question's words as written."""
        found: list[tuple[int, int, list[Phrase]]] = []
        if self._expression_starts.isdisjoint(words):  # the common case: no expression at all
            return found
        following = self._expression_next
        for start in range(len(words) - 1):  # an expression has two words at least
            if found and start < found[-1][1]:
                continue  # inside the expression just found ('niet op een lijn' holds 'op een lijn')
            if words[start + 1] not in following.get(words[start], ()):
                continue
            for end in range(min(len(words), start + self.longest_expression), start + 1, -1):
                written = tuple(words[start:end])
                group = self._expression_group.get(written)
                if group is not None:
                    found.append((start, end, list(self._groups[group])))
                    break
        return found

    def display(self, phrase: Phrase) -> str:
        return self._display.get(phrase, " ".join(phrase))

    def alternatives(self, stem: str, word: str) -> list[Phrase]:
        group = self._group_of.get((stem,))
        if group is None or not self._same_word((stem,), word):
            return []
        return [p for p in self._groups[group] if p != (stem,)]

    def _same_word(self, phrase: Phrase, word: str) -> bool:
        """Whether `word` is the entry behind a one-word phrase, not another word with its stem.

        Short stems join unrelated words ('nieuwe' and 'nieuws' both give 'nieuw'); an
        inflection only adds to a word ('moties', 'wethouders'), so below SHORT_STEM one
        must begin with the other.
        """
        if len(phrase[0]) >= SHORT_STEM:
            return True
        return any(_inflection(word, e) or _inflection(e, word) for e in self._written.get(phrase, ()))


def _inflection(word: str, base: str) -> bool:
    """Whether `word` is `base` with a Dutch ending: moties, wethouders, raden (raad)."""
    if word.startswith(base):
        return True
    i = len(base) - 2  # a long vowel before the last consonant turns short: raad -> raden
    if i >= 1 and base[i] == base[i - 1] and base[i] in "aeou":
        short = base[:i] + base[i + 1 :]
        return word.startswith(short) and len(word) > len(short)
    return False
