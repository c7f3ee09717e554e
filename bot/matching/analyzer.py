"""From a question to weighted search terms, and from content text to index terms.

Both sides go through the same normalisation, stop words, stemming and compound
splitting, so they meet; only questions get typo correction and synonyms, because
expanding the content as well would blur every item into every other.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import lru_cache

from antenne.bot.matching.compounds import LINKERS, MIN_PART, CompoundSplitter
from antenne.bot.matching.informativeness import informativeness
from antenne.bot.matching.memory import forget_oldest
from antenne.bot.matching.stemming import stem, stem_all
from antenne.bot.matching.synonyms import Phrase, SynonymTable
from antenne.bot.matching.typos import TypoCorrector
from antenne.bot.text import plain_tokens, stopwords

# How much a derived term counts next to the word the user actually typed.
WEIGHT_WORD = 1.0
WEIGHT_PART_OF_KNOWN = 0.5
WEIGHT_PART_OF_UNKNOWN = 0.7
WEIGHT_TYPO = 0.8
WEIGHT_SYNONYM = 0.6
WEIGHT_SEPARABLE = 0.7
WEIGHT_COMPOUND_MEMBER = 0.6
WEIGHT_DERIVATION = 0.8
MIN_MEMBER = 4
TELLING_WORD = 0.5  # in a synonym phrase, words at least this informative carry its meaning
MAX_MEMBER_EXPANSIONS = 3
MAX_ANALYSED_WORDS = 20_000

# Dutch separable verbs put their particle elsewhere: "leg ik uit" is uitleggen,
# "hoe pak ik dat aan" is aanpakken. These particles are stop words on their own.
PARTICLES = (
    "uit",
    "aan",
    "op",
    "in",
    "af",
    "mee",
    "door",
    "over",
    "terug",
    "toe",
    "bij",
    "voor",
    "na",
    "om",
    "weg",
    "samen",
    "tegen",
)
_PARTICLE_SET = frozenset(PARTICLES)


_UNSEEN = object()  # a memory miss, where None is a kept answer


class Via(StrEnum):
    WORD = "woord"
    DERIVATION = "afleiding"
    COMPOUND = "samenstelling"
    TYPO = "typfout"
    SYNONYM = "synoniem"


def derivations(word: str) -> tuple[str, ...]:
    """Verb and noun forms of a word: informeren/informatie, verantwoorden/verantwoording.

    Only regular Dutch patterns; the caller keeps the forms our content uses, so a
    wrong guess costs nothing.
    """
    forms: list[str] = []
    if word.startswith("ge") and word[-1] in "dt" and len(word) > 6:  # geinformeerd -> informeren
        core = word[2:-1]
        word = core[:-3] + "eren" if core.endswith("eer") else core + "en"
        forms.append(word)
    if word.endswith("eren"):
        forms.append(word[:-4] + "atie")
    if word.endswith("atie"):
        forms.append(word[:-4] + "eren")
    if word.endswith("en") and not word.endswith("ing"):
        forms.append(word[:-2] + "ing")
    if word.endswith("ing"):
        forms += [word[:-3] + "en", word[:-3] + "ingen"]
    return tuple(forms)


def verb_stem(word: str) -> str | None:
    """The stem of a present-tense verb (het klikt -> klik, hij bestuurt -> bestuur).

    Many nouns end in t as well (dienst, internet, kaart), so the caller uses this only
    for a word the content does not know, and keeps it only when the content has it.
    """
    if len(word) > 4 and word.endswith("t") and not word.endswith("st") and word[-2] not in "aeiouy":
        return word[:-1]  # a Dutch verb stem ends in a consonant (klik, werk, bestuur)
    return None


@dataclass(frozen=True)
class Term:
    stem: str
    weight: float
    via: Via
    surface: str  # the word as the content or synonym list spells it
    # Terms are hashed for every word of every question the matcher looks up: once is enough.
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self.stem, self.weight, self.via, self.surface)))

    def __hash__(self) -> int:
        return self._hash

    def __reduce__(self) -> tuple[type[Term], tuple[str, float, Via, str]]:
        # String hashes differ per process: an unpickled term works its hash out again.
        return (Term, (self.stem, self.weight, self.via, self.surface))


@dataclass(frozen=True)
class AnalysedQuery:
    words: tuple[str, ...]  # the user's meaningful words, one slot each
    slots: tuple[tuple[Term, ...], ...]  # per word: the terms it stands for

    @property
    def terms(self) -> tuple[Term, ...]:
        return tuple(term for slot in self.slots for term in slot)

    @property
    def empty(self) -> bool:
        return not self.words


def _particles(written: list[str]) -> list[str]:
    """The particles of separable verbs in the question, in the order they first occur."""
    present = _PARTICLE_SET.intersection(written)
    return sorted(present, key=written.index) if present else []


def _fixed_expression(entry: str) -> tuple[str, ...]:
    """The entry's words as written, when it only means something as a whole (see SynonymTable)."""
    written = tuple(plain_tokens(entry))
    return written if len(written) > 1 and len(content_words(entry)) <= 1 else ()


def _merged(*groups: Iterable[Term]) -> tuple[Term, ...]:
    """The terms of all groups, one per stem (the weightiest), in the order first seen."""
    found: dict[str, Term] = {}
    for group in groups:
        for term in group:
            _add(found, term)
    return tuple(found.values())


def _add(found: dict[str, Term], term: Term) -> None:
    """Keep one term per stem: the one that counts most."""
    known = found.get(term.stem)
    if known is None or known.weight < term.weight:
        found[term.stem] = term


@lru_cache(maxsize=8192)
def content_words(text: str) -> tuple[str, ...]:
    stop = stopwords()
    return tuple(w for w in plain_tokens(text) if w not in stop and len(w) > 1 and not w.isdigit())


def meaningful(word: str, stop: frozenset[str]) -> bool:
    return len(word) > 1 and word not in stop and not word.isdigit()


class Analyzer:
    def __init__(self, vocabulary: Counter[str], synonym_groups: Sequence[Sequence[str]]) -> None:
        stop = stopwords()
        vocabulary = Counter({w: n for w, n in vocabulary.items() if meaningful(w, stop)})
        self._stop = stop
        for group in synonym_groups:
            for entry in group:
                vocabulary.update(content_words(entry))
        self._surface = {w for w in vocabulary if w not in stop}
        self._surface |= self._recurring_heads()
        self._stems = {stem(w) for w in self._surface}
        self._splitter = CompoundSplitter(self._is_word, self._is_head)
        self._typos = TypoCorrector({w: n for w, n in vocabulary.items() if w not in stop and len(w) >= MIN_PART})
        self._synonyms = SynonymTable(
            synonym_groups,
            analyse=lambda entry: tuple(stem(w) for w in content_words(entry)),
            telling=lambda entry: tuple(stem(w) for w in content_words(entry) if informativeness(w) >= TELLING_WORD),
            expression=_fixed_expression,
            written_word=content_words,
        )
        self._frequency = vocabulary
        self._word_terms: dict[str, tuple[str, ...]] = {}
        self._content_forms: dict[str, str] = {}
        for word, _count in vocabulary.most_common():
            self._content_forms.setdefault(stem(word), word)
        self._members = self._compound_members()
        self._analysed: dict[str, tuple[tuple[Term, ...], str]] = {}  # word -> (terms, surface)
        self._joins: dict[str, Term | None] = {}  # particle + word -> its term, when the content knows it
        self._synonym_terms: dict[tuple[Phrase, ...], tuple[Term, ...]] = {}  # see _synonyms_of
        self._expanded: dict[tuple[tuple[Term, ...], tuple[Phrase, ...]], tuple[Term, ...]] = {}  # see _expand

    def _recurring_heads(self) -> set[str]:
        """Heads that follow at least two different known modifiers in the content.

        'vergadering' never stands alone in our content, but fractie-, staten- and
        raads-vergadering show it is a word; requiring two modifiers keeps one-off
        fragments such as 'svergadering' out.
        """
        modifiers: dict[str, set[str]] = {}
        for word in self._surface:
            for cut in range(MIN_PART, len(word) - MIN_MEMBER + 1):
                modifier = word[:cut]
                if modifier not in self._surface:
                    continue
                for linker in LINKERS:
                    head = word[cut + len(linker) :]
                    if word.startswith(linker, cut) and len(head) >= MIN_MEMBER:
                        modifiers.setdefault(head, set()).add(modifier)
        return {head for head, found in modifiers.items() if len(found) >= 2}

    def _compound_members(self) -> dict[str, list[str]]:
        """Map the head and the modifier of each long content word to that word.

        A user who types 'klas' should find 'schakelklas', even though the content
        never uses 'klas' on its own and so the splitter cannot know it.
        """
        members: dict[str, list[str]] = {}
        for word in sorted(self._surface, key=lambda w: (-self._frequency[w], w)):  # ties: the same every run
            for cut in range(MIN_PART, len(word) - MIN_PART + 1):
                for member in (word[cut:], word[:cut]):
                    if len(member) >= MIN_MEMBER and member != word:
                        members.setdefault(member, []).append(word)
        return members

    def __getstate__(self) -> dict[str, object]:
        """Pickled (the start-up cache) without the analyses kept per word."""
        return {**self.__dict__, "_analysed": {}, "_joins": {}, "_expanded": {}}

    def own_terms(self, word: str) -> tuple[Term, ...] | None:
        """The terms kept for `word` on its own, if it was analysed (the same object each time)."""
        known = self._analysed.get(word)
        return known[0] if known is not None else None

    def forget_words(self) -> None:
        """Drop the analyses kept per word (see Matcher.forget_words)."""
        self._analysed.clear()
        self._joins.clear()
        self._expanded.clear()

    def content_form(self, term: str) -> str:
        """The word our content uses most for a stem, to show people instead of the stem."""
        return self._content_forms.get(term, term)

    def stem_shares(self) -> dict[str, float]:
        """Each stem's share of all content words, to compare with general Dutch."""
        counts: Counter[str] = Counter()
        for word, n in self._frequency.items():
            counts[stem(word)] += n
        total = sum(counts.values()) or 1
        return {s: n / total for s, n in counts.items()}

    def _is_word(self, part: str) -> bool:
        return part in self._surface and len(part) >= MIN_PART

    def _is_head(self, part: str) -> bool:
        if part in self._surface:
            return len(part) >= MIN_PART
        return len(part) >= MIN_MEMBER and stem(part) in self._stems

    def knows(self, word: str) -> bool:
        return word in self._surface or stem(word) in self._stems

    @property
    def stop_words(self) -> frozenset[str]:
        return self._stop

    def word_terms(self, word: str) -> tuple[str, ...]:
        """The index terms of one content word: its stem and the stems of its compound parts."""
        terms = self._word_terms.get(word)
        if terms is None:
            if meaningful(word, self._stop):
                terms = (stem(word), *(stem(part) for part in self._splitter.split(word)))
            else:
                terms = ()
            self._word_terms[word] = terms
        return terms

    def terms_of(self, words: Iterable[str]) -> dict[str, tuple[str, ...]]:
        """word_terms for many words at once, stemming the new ones in one batch."""
        new = [w for w in words if w not in self._word_terms]
        meaningful_words = [w for w in new if meaningful(w, self._stop)]
        parts = {w: self._splitter.split(w) for w in meaningful_words}
        stems = stem_all([*meaningful_words, *(p for found in parts.values() for p in found)])
        for word in new:
            self._word_terms[word] = ()
        for word in meaningful_words:
            self._word_terms[word] = (stems[word], *(stems[p] for p in parts[word]))
        return self._word_terms

    def document_terms(self, text: str) -> list[str]:
        return [term for word in content_words(text) for term in self.word_terms(word)]

    def query(self, text: str, written: list[str] | None = None) -> AnalysedQuery:
        """The question's words and the terms each stands for.

        `written`: plain_tokens(text), when the caller has it already. The meaningful words
        are picked from it rather than looked up by the whole text: a server rarely sees the
        same message twice, so content_words would tokenise it a second time.
        """
        if written is None:
            written = plain_tokens(text)
        stop = self._stop
        words = tuple(w for w in written if meaningful(w, stop))  # content_words(text)
        particles = _particles(written)
        slots: list[tuple[Term, ...]] = []
        primary: list[str] = []
        surfaces: list[str] = []
        for word in words:
            own, surface = self._word_analysis(word)
            surfaces.append(surface)
            joined = self._joined(particles, word) if particles else None
            slots.append(_merged(joined, own) if joined else own)  # the word's own tuple: matcher keeps its work
            primary.append(stem(surface))
        for start, _end, phrases in self._synonyms.find(primary, surfaces):
            slots[start] = self._expand(slots[start], phrases)
        self._add_expressions(written, slots)
        return AnalysedQuery(words=words, slots=tuple(slots))

    def _joined(self, particles: Sequence[str], word: str) -> list[Term]:
        """Separable verbs: 'leg ik uit' holds 'uitleg'. One term per particle that forms a known word.

        Kept per joined form: most particles form nothing with most words, and a
        server sees the same pairs again.
        """
        joins = self._joins
        found = []
        for particle in particles:
            joined = particle + word
            term = joins.get(joined, _UNSEEN)
            if term is _UNSEEN:
                forget_oldest(joins, MAX_ANALYSED_WORDS)
                known = self.knows(joined)
                term = joins[joined] = Term(stem(joined), WEIGHT_SEPARABLE, Via.COMPOUND, joined) if known else None
            if term is not None:
                found.append(term)
        return found

    def _expand(self, slot: tuple[Term, ...], phrases: tuple[Phrase, ...]) -> tuple[Term, ...]:
        """A word's terms with the synonyms of the phrase it starts; kept, as merging costs
        more than looking up, and the matcher then sees the same tuple each time."""
        key = (slot, phrases)
        expanded = self._expanded.pop(key, None)
        if expanded is None:
            forget_oldest(self._expanded, MAX_ANALYSED_WORDS)
            expanded = _merged(slot, self._synonyms_of(phrases))
        self._expanded[key] = expanded  # to the end: the oldest entries are forgotten first
        return expanded

    def _synonyms_of(self, phrases: tuple[Phrase, ...]) -> tuple[Term, ...]:
        """The terms a found phrase expands to; the same for every question, so made once."""
        terms = self._synonym_terms.get(phrases)
        if terms is None:
            display = self._synonyms.display
            terms = tuple(Term(s, WEIGHT_SYNONYM, Via.SYNONYM, display(p)) for p in phrases for s in p)
            self._synonym_terms[phrases] = terms
        return terms

    def _add_expressions(self, written: list[str], slots: list[tuple[Term, ...]]) -> None:
        """A fixed expression ('niet op een lijn') stands for its synonyms, not for its
        literal word: that word's own terms count as little as a synonym's synonym."""
        found = self._synonyms.find_expressions(written)
        if not found:
            return
        slot_of: list[int | None] = []
        slots_seen = 0
        for word in written:
            if meaningful(word, self._stop):
                slot_of.append(slots_seen)
                slots_seen += 1
            else:
                slot_of.append(None)
        for start, end, phrases in found:
            slot = next((s for s in slot_of[start:end] if s is not None), None)
            if slot is None:
                continue
            literal = [t if t.via is Via.SYNONYM else replace(t, weight=t.weight * WEIGHT_SYNONYM) for t in slots[slot]]
            synonyms = [Term(s, WEIGHT_SYNONYM, Via.SYNONYM, self._synonyms.display(p)) for p in phrases for s in p]
            slots[slot] = _merged(literal, synonyms)

    def _word_analysis(self, word: str) -> tuple[tuple[Term, ...], str]:
        """What one word of a question stands for, on its own; and the word itself, or the
        word its typo stands for, for phrase lookup.

        The same for every question that uses the word, so it is kept (like stems,
        splits and typo corrections) and a server works it out once per word.
        """
        known_analysis = self._analysed.pop(word, None)
        if known_analysis is not None:
            self._analysed[word] = known_analysis  # to the end: the oldest entries are forgotten first
            return known_analysis
        found: dict[str, Term] = {}
        derived = False
        for form in derivations(word):
            if len(form) >= MIN_MEMBER and stem(form) != stem(word) and self.knows(form):
                _add(found, Term(stem(form), WEIGHT_DERIVATION, Via.DERIVATION, form))
                derived = True
        verb = None if self.knows(word) else verb_stem(word)
        if verb is not None and verb in self._surface:
            _add(found, Term(stem(verb), WEIGHT_DERIVATION, Via.DERIVATION, verb))
            derived = True
        known = self.knows(word) or derived
        parts = self._splitter.split(word)
        surface = word
        if not known and not parts and word in self._members:
            for longer in self._members[word][:MAX_MEMBER_EXPANSIONS]:
                _add(found, Term(stem(longer), WEIGHT_COMPOUND_MEMBER, Via.COMPOUND, longer))
            known = True
        if not known and not parts:
            corrected = self._typos.correct(word)
            if corrected is not None:
                surface, known = corrected, True
                parts = self._splitter.split(corrected)
                _add(found, Term(stem(corrected), WEIGHT_TYPO, Via.TYPO, corrected))
        if surface == word:
            _add(found, Term(stem(word), WEIGHT_WORD, Via.WORD, word))
        part_weight = WEIGHT_PART_OF_KNOWN if known else WEIGHT_PART_OF_UNKNOWN
        for part in parts:
            _add(found, Term(stem(part), part_weight, Via.COMPOUND, part))
            for phrase in self._synonyms.alternatives(stem(part), part):
                for s in phrase:
                    _add(found, Term(s, part_weight * WEIGHT_SYNONYM, Via.SYNONYM, self._synonyms.display(phrase)))
        forget_oldest(self._analysed, MAX_ANALYSED_WORDS)  # questions keep bringing new words and typos
        analysis = self._analysed[word] = (tuple(found.values()), surface)
        return analysis
