"""All text of a knowledge base as arrays of word numbers, read in one pass.

An index build for 10,000 items reads some 25 MB of text. Tokenising each field on
its own and counting it in a Counter per field cost most of the build. Here all
texts are folded, cut into words and numbered at once, and the counting that
follows (per field, per item, per example question) runs in numpy.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import count

import numpy as np
from antenne.bot.matching.arrays import run_starts, sorted_with_order
from antenne.bot.text import fold_words

# Ends every text in the stream. It counts as a word character, so each end becomes a
# token of its own, and the tokens between two ends are one text's words.
_END = "\x01"
_WORD_CHARACTERS = b"abcdefghijklmnopqrstuvwxyz0123456789" + _END.encode()
# Folded text is ASCII: word characters stay, anything else separates words.
_SEPARATE = bytes(c if c in _WORD_CHARACTERS else ord(" ") for c in range(256))
_VANISH = b"'`"  # apostrophes join: collega's -> collegas, as plain_tokens does
_BATCH = 2_000  # texts read at once: a few hundred KB, so every batch reuses the same memory


@dataclass(frozen=True, eq=False)
class Corpus:
    """Every word of every text, one array entry per occurrence, in reading order:
    items in order, within an item its fields in order, within a field its texts."""

    words: tuple[str, ...]  # the vocabulary, numbered in order of first appearance
    word: np.ndarray  # per occurrence: its word's number
    item: np.ndarray  # per occurrence: its item
    field: np.ndarray  # per occurrence: its field
    question: np.ndarray  # per occurrence: its example question, or -1 outside the questions
    items: int
    fields: int
    question_item: np.ndarray  # per example question: its item

    def word_counts(self) -> np.ndarray:
        """How often each word occurs in the whole corpus."""
        return np.bincount(self.word, minlength=len(self.words))

    def item_lengths(self) -> np.ndarray:
        """Words per item, stop words included."""
        return np.bincount(self.item, minlength=self.items)

    def _segment(self) -> np.ndarray:
        """Per occurrence: its item and field as one number (item * fields + field)."""
        segment = self.item.astype(np.int64)
        segment *= self.fields
        segment += self.field
        return segment

    def field_lengths(self, counted: np.ndarray) -> np.ndarray:
        """Per item and field (a row per item): how many of its words are `counted` (per word number)."""
        lengths = np.bincount(self._segment()[counted[self.word]], minlength=self.items * self.fields)
        return lengths.reshape(self.items, self.fields)

    def distinct(self, per_field: np.ndarray) -> tuple[FieldWords, ItemWords]:
        """The distinct words of each item, counted; and of each field, those `per_field`
        (per word number) says are needed there.

        One stable sort by (word, item, field) puts every occurrence of a word in one
        field together, still in reading order: each such group is a run.
        """
        segments = max(self.items * self.fields, 1)
        key = self.word.astype(np.int64)  # word * segments + segment, built in place
        key *= segments
        key += self._segment()
        key, by_key = sorted_with_order(key)
        field_runs = run_starts(key)
        word_item = key[field_runs[:-1]] // self.fields  # word * items + item
        item_runs = run_starts(word_item)
        counts = np.add.reduceat(np.diff(field_runs), item_runs[:-1]) if len(word_item) else word_item
        heads = word_item[item_runs[:-1]]
        in_items = ItemWords(word=heads // max(self.items, 1), item=heads % max(self.items, 1), count=counts)
        # Back to reading order without another sort: mark where each field's run began.
        needed = per_field[key[field_runs[:-1]] // segments]
        first = by_key[field_runs[:-1][needed]]
        begins = np.zeros(len(self.word), dtype=bool)
        begins[first] = True
        count_at = np.zeros(len(self.word), dtype=np.int32)
        count_at[first] = np.diff(field_runs)[needed]
        at = np.flatnonzero(begins)
        in_fields = FieldWords(item=self.item[at], field=self.field[at], word=self.word[at], count=count_at[at])
        return in_fields, in_items


@dataclass(frozen=True, eq=False)
class FieldWords:
    """Each distinct word of each field of each item, with its count, in reading order."""

    item: np.ndarray
    field: np.ndarray
    word: np.ndarray
    count: np.ndarray


@dataclass(frozen=True, eq=False)
class ItemWords:
    """Each distinct word of each item, with its count: word after word, items in order."""

    word: np.ndarray
    item: np.ndarray
    count: np.ndarray


def read_corpus(items: Sequence[Sequence[Sequence[str]]], question_field: int) -> Corpus:
    """`items`: per item, per field, its texts. Texts of `question_field` are example questions."""
    fields = {len(item) for item in items}
    if len(fields) > 1:
        raise ValueError("every item needs the same fields")
    field_count = fields.pop() if fields else 0
    texts = [text for item in items for field_texts in item for text in field_texts]
    per_field = np.array([len(field_texts) for item in items for field_texts in item], dtype=np.intp)
    field_of = np.repeat(np.tile(np.arange(field_count, dtype=np.int8), len(items)), per_field)
    item_of = np.repeat(np.repeat(np.arange(len(items), dtype=np.int32), field_count), per_field)
    is_question = field_of == question_field
    question_of = np.where(is_question, np.cumsum(is_question) - 1, -1).astype(np.int32)
    words, numbers = _numbered_words(texts)
    end = words.index(_END) if texts else -1
    ends = np.flatnonzero(numbers == end)
    per_text = np.diff(ends, prepend=-1) - 1
    word = np.delete(numbers, ends)
    if texts:  # the end mark is no word: the words numbered after it move up one
        del words[end]
        word[word > end] -= 1
    return Corpus(
        words=tuple(words),
        word=word,
        item=np.repeat(item_of, per_text),
        field=np.repeat(field_of, per_text),
        question=np.repeat(question_of, per_text),
        items=len(items),
        fields=field_count,
        question_item=item_of[is_question],
    )


def _numbered_words(texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """The words of all texts as plain_tokens gives them, numbered; each text ends with _END.

    Read in batches, so the word strings of only one batch exist at a time, in memory the
    batch before freed (fresh memory costs the kernel a page fault per 4 KB).
    """
    numbering: defaultdict[bytes, int] = defaultdict(count().__next__)
    numbered = [np.zeros(0, dtype=np.int32)]
    for start in range(0, len(texts), _BATCH):
        tokens = _tokens(texts[start : start + _BATCH])
        numbered.append(np.fromiter(map(numbering.__getitem__, tokens), dtype=np.int32, count=len(tokens)))
    return [token.decode("ascii") for token in numbering], np.concatenate(numbered)


def _tokens(texts: Sequence[str]) -> list[bytes]:
    # Plain ASCII text only needs lower case, done for all at once; the rest is folded one by one.
    folded = [text if text.isascii() and "&" not in text else fold_words(text) for text in texts]
    stream = f" {_END} ".join(folded) + f" {_END}"
    if stream.count(_END) != len(folded):  # a text holds the end mark itself: blank it out
        stream = f" {_END} ".join(text.replace(_END, " ") for text in folded) + f" {_END}"
    return stream.casefold().encode("ascii").translate(_SEPARATE, _VANISH).split()
