"""Rank cases and themes for a question and decide whether we can answer it.

The decision matters as much as the ranking: a civil servant who asks about
passports must hear honestly that this bot cannot help, not get a random case,
and a civil servant whose on-topic question we cannot pin down must be offered
the best options, not be told it is off-topic. We therefore describe each ranking
by a few signals (score, margin, how much of the question the best topic explains,
how much of it belongs to our domain) and let a small fitted model decide
(see decision.py).
"""

from __future__ import annotations

import math
import pickle
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from heapq import nlargest

from antenne.bot import cache
from antenne.bot.content.model import Audience, Case, KnowledgeBase, Theme, Tip
from antenne.bot.matching.analyzer import (
    TELLING_WORD,
    WEIGHT_SEPARABLE,
    AnalysedQuery,
    Term,
    Via,
    content_words,
)
from antenne.bot.matching.decision import DecisionModel, shipped_model
from antenne.bot.matching.index import Document, TopicIndex
from antenne.bot.matching.informativeness import shipped_frequencies
from antenne.bot.matching.memory import forget_oldest
from antenne.bot.matching.roles import asker_role
from antenne.bot.matching.stemming import stem
from antenne.bot.matching.sums import add_into
from antenne.bot.matching.text import looks_english
from antenne.bot.text import clean_question, plain_tokens

LEXICON_MIN_STEM = 6
FULL_KEYNESS = 2.0  # a word our content uses 100 times more often than general Dutch is fully ours
BODY_ONLY_EVIDENCE = 0.6  # a word found only in the story, not in title, tags or questions
MAX_SYNONYMS_PER_WORD = 8
WHOLE_TEXT_WEIGHT = 1.0  # whole-text BM25 beside our own score, both scaled to their best item
QUESTION_WEIGHT = 3.0  # how much the closest example question adds to a topic's score
AMBIGUITY_RATIO = 0.92
MAX_RESULTS = 5
MAX_OPTIONS = 3
# Words kept with their evidence. Matching runs on the event loop's thread only, so these
# memories need no lock. About 3-5 KB a word on the shipped content, about 18 KB at
# 10,000 items: at most some 20 MB, or 75 MB for a knowledge base a hundred times ours.
MAX_KEPT_WORDS = 4_000
AUDIENCE_PREFERENCE = (Audience.AMBTENAAR, Audience.TOPAMBTENAAR, Audience.BESTUURDER)


class Decision(StrEnum):
    ANSWERED = "answered"
    AMBIGUOUS = "ambiguous"
    UNSURE = "unsure"
    NOT_ANSWERED = "not_answered"
    EMPTY = "empty"


@dataclass(frozen=True)
class MatchedWord:
    asked: str  # the asker's word, folded
    matched: str  # what it became: itself, the corrected word, the synonym, the part
    via: Via
    in_item: str = ""  # the word as the item's own text has it


@dataclass(frozen=True)
class Result:
    id: str
    kind: str  # "case" or "tip"
    theme: str | None
    title: str
    score: float
    topic: str  # the case id, or the theme id a tip belongs to
    matched: tuple[MatchedWord, ...]


@dataclass(frozen=True)
class MatchOutcome:
    question: str
    decision: Decision
    results: tuple[Result, ...]
    coverage: float
    english: bool = False
    confidence: float = 0.0  # estimated chance that the first result is right
    on_topic: float = 0.0  # estimated chance that the question is about our subject
    signals: tuple[tuple[str, float], ...] = ()
    certainty: str = "laag"  # for people: hoog, middel or laag
    query: AnalysedQuery | None = field(default=None, compare=False, repr=False)  # reused to rank the tips
    audience: Audience | None = None  # who the asker said they are, to put their own tips first

    @property
    def answered(self) -> bool:
        """True when we reply with content: an answer or options to choose from."""
        return self.decision in (Decision.ANSWERED, Decision.AMBIGUOUS, Decision.UNSURE)

    @property
    def best(self) -> Result | None:
        return self.results[0] if self.results else None


def topic_document(topic: Case | Theme) -> Document:
    """An item as the index sees it: the fields that are searched, by name."""
    return _case_document(topic) if isinstance(topic, Case) else _theme_document(topic)


def _case_document(case: Case) -> Document:
    body = (case.summary, case.what_happened, case.what_went_wrong_or_right, *case.lessons, *case.next_steps)
    fields = {"title": (case.title,), "tags": case.tags, "questions": case.example_questions, "body": body}
    return Document(id=case.id, fields=fields)


def _theme_document(theme: Theme) -> Document:
    body = (theme.introduction, *(tip.text for tip in theme.tips))
    fields = {"title": (theme.title,), "tags": theme.tags, "questions": theme.example_questions, "body": body}
    return Document(id=theme.id, fields=fields)


@dataclass(frozen=True)
class _SlotEvidence:
    """One word of the question and its terms, to explain a result after ranking.

    Worked out per result shown (at most MAX_RESULTS), not per topic scored.
    """

    word: str
    weight: float  # rarity of the word in general Dutch (informativeness)
    terms: tuple[Term, ...]
    index: TopicIndex = field(repr=False, compare=False)
    content_form: Callable[[str], str] = field(repr=False, compare=False)  # a stem as our content writes it
    # Results shown for this word so far; bounded, as the word is kept across questions.
    explained: dict[int, tuple[float, MatchedWord | None]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def covered(self, doc: int) -> tuple[float, MatchedWord | None]:
        """(weighted evidence, matched word) of this word for `doc`.

        Evidence is the term's weight, or a share of it when the term occurs only in
        the story; the word shown is the term that added most to the score.
        """
        found = self.explained.get(doc)
        if found is None:
            if len(self.explained) >= MAX_RESULTS * 4:
                self.explained.clear()
            found = self.explained[doc] = self._covered(doc)
        return found

    def _covered(self, doc: int) -> tuple[float, MatchedWord | None]:
        """Worked out from the postings of the word's terms; see covered."""
        evidence, best_value, best_term = 0.0, 0.0, None
        postings, in_editor_fields = self.index.postings, self.index.in_editor_fields
        for term in self.terms:
            found_in = postings.get(term.stem)
            contribution = found_in.get(doc) if found_in is not None else None
            if contribution is None:
                continue
            w = term.weight
            found = w if doc in in_editor_fields[term.stem] else w * BODY_ONLY_EVIDENCE
            if found > evidence:
                evidence = found
            value = w * contribution
            if value > best_value:
                best_value, best_term = value, term
        if best_term is None:
            return 0.0, None
        # Shown to people as our content writes the word, not as its stem; worked out once per result.
        in_item = self.content_form(best_term.stem)
        return self.weight * evidence, MatchedWord(self.word, best_term.surface, best_term.via, in_item)


def _explain(evidence: list[_SlotEvidence], doc: int, total: float) -> tuple[float, list[MatchedWord]]:
    """Coverage (share of the question's informative words this document explains) and matched words."""
    covered = 0.0
    words = []
    for slot in evidence:
        slot_covered, word = slot.covered(doc)
        covered += slot_covered
        if word is not None:
            words.append(word)
    return covered / total, words


@dataclass(frozen=True)
class _Scored:
    scores: dict[int, float]  # our own score and whole-text BM25, each scaled to its best topic
    own: dict[int, float]  # our own score, before adding whole-text BM25
    ranked: list[int]  # the best topics, best first
    evidence: list[_SlotEvidence]
    information: float  # summed informativeness of the question's words
    similarity: dict[int, float]  # per topic: its closest example question
    domain: float  # informativeness of the question's words that belong to our domain
    strongest: float  # the most telling domain word of the question
    foreign: float  # informativeness of the words we do not know at all
    words: tuple[_WordEvidence, ...]  # per word of the question, to rank the tips of the results


@dataclass(frozen=True)
class _WordEvidence:
    evidence: _SlotEvidence  # its most telling terms, and its informativeness as the weight
    rarity: float  # its idf in the content
    domain: float  # informativeness times how much it belongs to our domain
    foreign: bool  # our content and thesaurus know it in no form
    scores: dict[int, float]  # per topic
    in_question: dict[int, float]  # per example question
    tips: dict[str, float]  # per tip sharing a term with it: what its best shared term is worth


@dataclass(frozen=True)
class _QueryMemo:
    query: AnalysedQuery | None
    tip_scores: dict[str, float]  # per tip: what it shares with the question (see _tip_scores)
    tips: dict[tuple[str, frozenset[str], Audience | None], tuple[Tip, ...]]


def _tip_scores(words: Iterable[_WordEvidence]) -> dict[str, float]:
    """Per tip: summed over the question's words, the best term it shares with each.

    Summed once per question for all tips, in the order of the words, rather than per
    tip for every theme ranked; a tip missing here shares nothing and scores 0.0.
    """
    totals: dict[str, float] = {}
    for word in words:
        add_into(totals, word.tips)
    return totals


class Matcher:
    def __init__(
        self, kb: KnowledgeBase, *, max_question_chars: int = 1000, model: DecisionModel | None = None
    ) -> None:
        self.kb = kb
        self.max_question_chars = max_question_chars
        self.model = model or shipped_model()
        self._frequencies = shipped_frequencies()
        # numpy is imported only to build: a server that starts from the cache never needs it.
        from antenne.bot.matching.building import build

        built = build([topic_document(t) for t in (*kb.cases, *kb.themes)], kb.synonym_groups)
        self.index, self.whole_text, self.analyzer = built.index, built.whole_text, built.analyzer
        analyzer = built.analyzer
        self._topics: list[Case | Theme] = [*kb.cases, *kb.themes]
        tips_with_term: dict[str, list[str]] = defaultdict(list)
        for tip in kb.tips:
            for term in dict.fromkeys(analyzer.document_terms(tip.text)):
                tips_with_term[term].append(tip.id)
        self._tips_with_term = {term: tuple(tips) for term, tips in tips_with_term.items()}
        # Tie-breaks of rank_tips, worked out once: civil servants' tips first, then the editor's order.
        self._tip_order: dict[str, tuple[int, int]] = {
            tip.id: (AUDIENCE_PREFERENCE.index(tip.audience), position)
            for theme in kb.themes
            for position, tip in enumerate(theme.tips)
        }
        self._question_topic = built.questions.topic
        self._question_mass = built.questions.mass
        self._question_postings = built.questions.postings
        self._memo: _QueryMemo | None = None
        self._words: dict[str | tuple[str, tuple[Term, ...]], _WordEvidence] = {}
        # Our domain: the thesaurus, and words our content uses far more often than Dutch in general.
        # Stems only for long words: short stems collide ('nieuws' and 'nieuw' share one).
        self._lexicon = {
            form
            for group in kb.synonym_groups
            for entry in group
            if len(words := content_words(entry)) == 1
            for form in (words[0], stem(words[0]))
            if form == words[0] or len(form) >= LEXICON_MIN_STEM
        }
        self._content_share = analyzer.stem_shares()

    # -- scoring -----------------------------------------------------------------

    def _slot_weight(self, terms: list[Term]) -> float:
        """How much this word of the question matters: its rarity in the content.

        A word the content does not know at all counts as much as the rarest known
        word, so an off-topic word pulls coverage down without drowning the rest.
        """
        for vias in ((Via.WORD, Via.TYPO), (Via.COMPOUND,)):
            known = [self.index.idf[t.stem] for t in terms if t.via in vias and t.stem in self.index.idf]
            if known:
                return max(known)
        return self.index.unknown_idf

    def _strongest_synonyms(self, terms: list[Term]) -> list[Term]:
        """The word's own terms and only its most telling synonyms.

        A broad thesaurus group can add a dozen synonyms to one word; the common ones
        add little but cost the most (they have the longest postings).
        """
        synonyms = [t for t in terms if t.via is Via.SYNONYM]
        if len(synonyms) <= MAX_SYNONYMS_PER_WORD:
            return terms
        synonyms.sort(key=lambda t: -t.weight * self.index.term_idf(t.stem))
        return [t for t in terms if t.via is not Via.SYNONYM] + synonyms[:MAX_SYNONYMS_PER_WORD]

    def _slot_information(self, word: str, terms: list[Term]) -> float:
        """How informative the word is in general Dutch; a typo counts as the word it corrects."""
        informativeness = self._frequencies.informativeness
        if word not in self._frequencies.table:
            corrected = [t.surface for t in terms if t.via is Via.TYPO]
            if corrected:
                return informativeness(corrected[0])
        return informativeness(word)

    def _slot_domain(self, word: str, terms: list[Term]) -> float:
        """How much the word belongs to our domain, from 0 to 1.

        A thesaurus word belongs fully. Otherwise we use keyness: how many times more
        often our content uses the word than Dutch in general ('wethouder' hundreds of
        times, 'vraag' a few times, 'morgen' less). A word the content lacks scores 0.
        """
        best = 0.0
        lexicon, informativeness = self._lexicon, self._frequencies.informativeness
        for term in terms:
            in_lexicon = term.surface in lexicon or term.stem in lexicon
            if in_lexicon and term.via is not Via.SYNONYM and informativeness(term.surface) >= TELLING_WORD:
                # A thesaurus word marks our domain, unless it is common Dutch ('melden', 'geld').
                best = max(best, min(1.0, term.weight / WEIGHT_SEPARABLE))
                continue
            share = self._content_share.get(term.stem)
            if share is None:
                continue
            surface = word if term.via is Via.WORD else term.surface
            keyness = math.log10(share) - (self._frequencies.zipf(surface) - 9)
            best = max(best, min(1.0, term.weight, max(0.0, keyness / FULL_KEYNESS)))
        return best

    def _word_scores(self, terms: list[Term]) -> tuple[dict[int, float], dict[int, float]]:
        """For one word of the question: its score per topic (its best term), and its strength per example question."""
        postings = self.index.postings
        if len(terms) == 1:  # no derived terms to take the best of
            term = terms[0]
            in_question = dict.fromkeys(self._question_postings.get(term.stem, ()), self._strength(term))
            found = postings.get(term.stem, {})
            return dict(zip(found, map(term.weight.__mul__, found.values()), strict=True)), in_question
        in_question = {}
        strongest = in_question.get
        question_postings = self._question_postings
        for term in terms:
            strength = self._strength(term)
            for qid in question_postings.get(term.stem, ()):
                if strongest(qid, 0.0) < strength:
                    in_question[qid] = strength
        best: dict[int, float] = {}
        get = best.get
        for term in terms:
            w = term.weight
            for doc, contribution in postings.get(term.stem, {}).items():
                value = w * contribution
                if value > get(doc, 0.0):
                    best[doc] = value
        return best, in_question

    def _strength(self, term: Term) -> float:
        """What a term of the question is worth: its weight times its rarity in the content."""
        return term.weight * self.index.term_idf(term.stem)

    def _closest_questions(self, overlap: dict[int, float], total: float) -> dict[int, float]:
        """Per topic, the similarity (Dice on idf mass) of its closest example question."""
        best_similarity: dict[int, float] = {}
        best = best_similarity.get
        mass, topic_of = self._question_mass, self._question_topic  # the loop runs once per question touched
        for qid, shared in overlap.items():
            similarity = 2 * shared / (total + mass[qid])
            doc = topic_of[qid]
            if best(doc, 0.0) < similarity:
                best_similarity[doc] = similarity
        return best_similarity

    def _word(self, word: str, terms: tuple[Term, ...]) -> _WordEvidence:
        """All that one word of a question contributes, kept per word like its analysis.

        Most of a question's cost is here (a word's terms and their postings), and it
        does not depend on the rest of the question; a word that comes back with the
        same terms is looked up. Most words come with just their own analysis, which
        the word alone identifies; hashing the terms is left for the others.
        """
        key: str | tuple[str, tuple[Term, ...]] = word if terms is self.analyzer.own_terms(word) else (word, terms)
        known = self._words.pop(key, None)
        if known is not None:
            self._words[key] = known  # to the end: the oldest entries are forgotten first
            return known
        strongest = self._strongest_synonyms(list(terms))
        information = self._slot_information(word, strongest)
        scores, in_question = self._word_scores(strongest)
        found = _WordEvidence(
            evidence=_SlotEvidence(word, information, tuple(strongest), self.index, self.analyzer.content_form),
            rarity=self._slot_weight(strongest),
            domain=information * self._slot_domain(word, strongest),
            foreign=not any(t.stem in self.index.idf for t in strongest),
            scores=scores,
            in_question=in_question,
            tips=self._tip_values(terms),
        )
        forget_oldest(self._words, MAX_KEPT_WORDS)
        self._words[key] = found
        return found

    def _tip_values(self, terms: tuple[Term, ...]) -> dict[str, float]:
        """Per tip sharing a term with the word: what the best shared term is worth, to rank tips."""
        values: dict[str, float] = {}
        for term in terms:
            value = self._strength(term)
            for tip in self._tips_with_term.get(term.stem, ()):
                if values.get(tip, 0.0) < value:
                    values[tip] = value
        return values

    def _score(self, query: AnalysedQuery, written: list[str]) -> _Scored:
        """Score and rank every topic; keep per word the evidence needed to explain the winners.

        Work per question is bounded by the (pruned) postings of its terms; coverage and
        matched words are worked out afterwards for the few results shown only.
        """
        words = [self._word(word, terms) for word, terms in zip(query.words, query.slots, strict=True)]
        own, best_similarity = self._own_scores(words)
        scores = self._with_whole_text(own, written)
        return _Scored(
            scores=scores,
            own=own,
            ranked=self._top(scores),
            evidence=[w.evidence for w in words],
            information=sum(w.evidence.weight for w in words) or 1.0,
            similarity=best_similarity,
            domain=sum(w.domain for w in words),
            strongest=max((w.domain for w in words), default=0.0),
            # Informative words our content and thesaurus do not know in any form ('telefoonnummer', 'sumif').
            foreign=sum(w.evidence.weight for w in words if w.foreign),
            words=tuple(words),
        )

    def rank_tips(
        self,
        theme: Theme,
        query: AnalysedQuery | None = None,
        exclude: frozenset[str] = frozenset(),
        audience: Audience | None = None,
    ) -> list[Tip]:
        """Tips of `theme`: those for the asker's own audience first (when known), then
        those sharing most with the question; civil servants' tips first on a tie.

        An answer ranks the same theme's tips more than once (for the result, then for
        the reply), so the ranking is kept for the question last asked.
        """
        memo = self._query_memo(query)
        key = (theme.id, exclude, audience)
        ranked = memo.tips.get(key)
        if ranked is None:
            candidates: Sequence[Tip] = theme.tips
            if exclude:  # every tip shown already: start again from all of them
                candidates = [t for t in theme.tips if t.id not in exclude] or theme.tips
            ranked = memo.tips[key] = tuple(sorted(candidates, key=self._tip_key(memo, audience)))
        return list(ranked)

    def _tip_key(
        self, memo: _QueryMemo, audience: Audience | None
    ) -> Callable[[Tip], tuple[bool, float, tuple[int, int]]]:
        """The sort key for tips: the asker's own audience first, then what the tip shares
        with the question, then the fixed order (see _tip_order)."""
        shared, order = memo.tip_scores.get, self._tip_order

        def rank(tip: Tip) -> tuple[bool, float, tuple[int, int]]:
            return (audience is None or tip.audience is not audience, -shared(tip.id, 0.0), order[tip.id])

        return rank

    def _query_memo(self, query: AnalysedQuery | None, words: tuple[_WordEvidence, ...] | None = None) -> _QueryMemo:
        """What the question shares with each tip, and the tips ranked so far for it.

        `words`: the question's word evidence when the caller has it (a match just scored
        it); otherwise it is looked up again.
        """
        memo = self._memo
        if memo is not None and memo.query is query:
            return memo
        if words is None:
            pairs = zip(query.words, query.slots, strict=True) if query is not None else ()
            words = tuple(self._word(word, terms) for word, terms in pairs)
        memo = self._memo = _QueryMemo(query, _tip_scores(words), {})
        return memo

    def best_tip(
        self,
        theme: Theme,
        query: AnalysedQuery | None = None,
        exclude: frozenset[str] = frozenset(),
        audience: Audience | None = None,
    ) -> Tip:
        return self.rank_tips(theme, query, exclude, audience)[0]

    def analyse(self, question: str) -> AnalysedQuery:
        return self.analyzer.query(clean_question(question, self.max_question_chars))

    def _result(self, doc: int, scored: _Scored, query: AnalysedQuery, audience: Audience | None) -> Result:
        """A topic as the asker sees it: the case, or its theme's best tip, with the words that matched."""
        topic = self._topics[doc]
        matched = tuple(_explain(scored.evidence, doc, scored.information)[1])
        score = round(scored.scores[doc], 4)
        if isinstance(topic, Case):
            return Result(topic.id, "case", None, topic.title, score, topic.id, matched)
        tip = self.best_tip(topic, query, audience=audience)
        return Result(tip.id, "tip", topic.id, topic.title, score, topic.id, matched)

    def _related(self, a: str, b: str) -> bool:
        for first, second in ((a, b), (b, a)):
            case = self.kb.case(first)
            if case is not None and second in case.themes:
                return True
        return False

    def __getstate__(self) -> dict[str, object]:
        """Pickled (the start-up cache) without what was kept per word or question."""
        state = dict(self.__dict__)
        state["_words"], state["_memo"] = {}, None
        return state

    # -- public ------------------------------------------------------------------

    def forget_words(self) -> None:
        """Drop this matcher's memories per word and question, so the next question's words
        are worked out again (benchmarks measure both; answers never depend on it). The
        module-wide caches of stems, compound splits and typo corrections stay."""
        self._words.clear()
        self._memo = None
        self.analyzer.forget_words()

    def signals(self, question: str) -> tuple[AnalysedQuery, _Scored | None, dict[str, float]]:
        """The analysed question, its scores and the signals the decision model reads."""
        cleaned = clean_question(question, self.max_question_chars)
        return self._signals(cleaned, plain_tokens(cleaned))

    def _signals(self, cleaned: str, written: list[str]) -> tuple[AnalysedQuery, _Scored | None, dict[str, float]]:
        """`written`: plain_tokens(cleaned), which the analyser, whole-text BM25 and the role all read."""
        query = self.analyzer.query(cleaned, written)
        if query.empty:
            return query, None, {}
        scored = self._score(query, written)
        return query, scored, self._features(query, scored)

    def _own_scores(self, words: list[_WordEvidence]) -> tuple[dict[int, float], dict[int, float]]:
        """Per topic our own score: its words' scores plus its closest example question; and that closeness."""
        scores: dict[int, float] = {}
        overlap: dict[int, float] = {}
        for word in words:
            add_into(scores, word.scores)
            add_into(overlap, word.in_question)
        best_similarity = self._closest_questions(overlap, sum(w.rarity for w in words) or 1.0)
        get = scores.get
        for doc, similarity in best_similarity.items():
            scores[doc] = get(doc, 0.0) + QUESTION_WEIGHT * similarity
        return scores, best_similarity

    def _with_whole_text(self, own: dict[int, float], words: list[str]) -> dict[int, float]:
        """Our own score plus whole-text BM25, each scaled to its best item."""
        whole = self.whole_text.scores(words)
        own_best = max(own.values(), default=0.0) or 1.0
        whole_best = max(whole.values(), default=0.0) or 1.0
        fused = {doc: value / own_best for doc, value in own.items()}
        get = fused.get
        for doc, value in whole.items():
            fused[doc] = get(doc, 0.0) + WHOLE_TEXT_WEIGHT * value / whole_best
        return fused

    def _top(self, scores: dict[int, float]) -> list[int]:
        """The MAX_RESULTS best topics, ties broken by id so answers never flip between runs.

        At 10,000 items a question touches thousands of topics: find the cut-off score
        with a heap in C (the fifth best, ties counted), then order only the few above it.
        """
        if len(scores) > MAX_RESULTS:
            cutoff = nlargest(MAX_RESULTS, scores.values())[-1]
            candidates = [doc for doc, value in scores.items() if value >= cutoff]
        else:
            candidates = list(scores)
        candidates.sort(key=lambda d: (-scores[d], self._topics[d].id))
        return candidates[:MAX_RESULTS]

    def _features(self, query: AnalysedQuery, scored: _Scored) -> dict[str, float]:
        scores, ranked = scored.scores, scored.ranked
        first = scores[ranked[0]] if ranked else 0.0
        # The margin to the best rival: a case and its own theme winning together is no doubt.
        top = self._topics[ranked[0]].id if ranked else ""
        rival = next((d for d in ranked[1:] if not self._related(top, self._topics[d].id)), None)
        second = scores[rival] if rival is not None else 0.0
        coverage = _explain(scored.evidence, ranked[0], scored.information)[0] if ranked else 0.0
        own = scored.own or scores
        return {
            "score": math.log1p(own.get(ranked[0], 0.0)) if ranked else 0.0,
            "margin": (first - second) / first if first > 0 else 0.0,
            "coverage": coverage,
            "domain": scored.domain / scored.information,
            "domain_mass": math.log1p(scored.domain),
            "similarity": scored.similarity.get(ranked[0], 0.0) if ranked else 0.0,
            "length": math.log(len(query.words)),
            "strongest": scored.strongest,
            "foreign": scored.foreign / scored.information,
        }

    def match(self, question: str) -> MatchOutcome:
        cleaned = clean_question(question, self.max_question_chars)
        written = plain_tokens(cleaned)
        query, scored, features = self._signals(cleaned, written)
        if scored is None:
            # Only filler words ("hoe laat is het") is a question outside our subject;
            # no words at all (emoji, punctuation) is no question.
            has_words = any(ch.isalnum() for ch in cleaned)
            decision = Decision.NOT_ANSWERED if has_words else Decision.EMPTY
            return MatchOutcome(cleaned, decision, (), 0.0, looks_english(cleaned))
        vector = self.model.vector(features)
        on_topic = self.model.on_topic.probability(vector)
        confidence = self.model.correct.probability(vector)
        decision = self._decide(scored, on_topic, confidence)
        # Only the results shown are explained and get their tip: options are the first few.
        shown = scored.ranked[:MAX_OPTIONS] if decision in (Decision.UNSURE, Decision.AMBIGUOUS) else scored.ranked
        audience = asker_role(cleaned, written)
        self._query_memo(query, scored.words)  # the tips of the results are ranked with these words
        results = tuple(self._result(d, scored, query, audience) for d in shown)
        threshold = self.model.correct.threshold
        return MatchOutcome(
            cleaned,
            decision,
            results,
            round(features["coverage"], 3),
            decision is Decision.NOT_ANSWERED and looks_english(cleaned),
            round(confidence, 3),
            round(on_topic, 3),
            tuple((name, round(value, 4)) for name, value in features.items()),
            "hoog" if confidence >= threshold else "middel" if confidence >= threshold / 2 else "laag",
            query,
            audience,
        )

    def _close(self, scored: _Scored) -> bool:
        """Whether an unrelated topic scores almost as high as the first (as shown, to 4 digits)."""
        first, *others = scored.ranked
        top = round(scored.scores[first], 4)
        topic = self._topics[first].id
        return any(
            round(scored.scores[d], 4) >= AMBIGUITY_RATIO * top and not self._related(topic, self._topics[d].id)
            for d in others
        )

    def _decide(self, scored: _Scored, on_topic: float, confidence: float) -> Decision:
        if not scored.ranked or on_topic < self.model.on_topic.threshold:
            return Decision.NOT_ANSWERED
        if self._close(scored):  # unrelated items score alike: let the asker pick ("Bedoel je …?")
            return Decision.AMBIGUOUS
        return Decision.UNSURE if confidence < self.model.correct.threshold else Decision.ANSWERED


def cached_matcher(kb: KnowledgeBase, *, max_question_chars: int = 1000) -> Matcher:
    """The matcher for this content, from the disk cache when it was built before.

    Building the index costs more than a short-lived `antenne ask` should; the cache
    key hashes the whole knowledge base, the setting and our code (see cache.py).
    """
    parts = (pickle.dumps(kb, protocol=pickle.HIGHEST_PROTOCOL), str(max_question_chars).encode())
    return cache.cached("matcher", parts, lambda: Matcher(kb, max_question_chars=max_question_chars), Matcher)


def outcome_json(question: str, outcome: MatchOutcome) -> dict[str, object]:
    """The stable contract used by outside evaluations: fields may be added, never changed.

    `answered` is true whenever we reply with content (answered, ambiguous, unsure);
    `decision` says which of the four it was.
    """
    return {
        "question": question,
        "answered": outcome.answered,
        "decision": outcome.decision.value if outcome.decision is not Decision.EMPTY else Decision.NOT_ANSWERED.value,
        "results": [
            {"id": r.id, "kind": r.kind, "theme": r.theme, "title": r.title, "score": r.score} for r in outcome.results
        ],
    }
