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

import heapq
import math
import pickle
from collections import defaultdict
from dataclasses import dataclass, field, replace
from enum import StrEnum

from antenne.bot import cache
from antenne.bot.content.model import Audience, Case, KnowledgeBase, Theme, Tip
from antenne.bot.matching.analyzer import (
    TELLING_WORD,
    WEIGHT_SEPARABLE,
    AnalysedQuery,
    Analyzer,
    Term,
    Via,
    content_words,
)
from antenne.bot.matching.decision import DecisionModel, shipped_model
from antenne.bot.matching.index import MAX_POSTINGS, Document, TopicIndex
from antenne.bot.matching.informativeness import informativeness, zipf, zipf_table
from antenne.bot.matching.roles import asker_role
from antenne.bot.matching.stemming import stem
from antenne.bot.matching.text import looks_english
from antenne.bot.matching.wholetext import WholeTextIndex
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

    @property
    def answered(self) -> bool:
        """True when we reply with content: an answer or options to choose from."""
        return self.decision in (Decision.ANSWERED, Decision.AMBIGUOUS, Decision.UNSURE)

    @property
    def best(self) -> Result | None:
        return self.results[0] if self.results else None


def _case_document(case: Case) -> Document:
    body = " ".join([case.summary, case.what_happened, case.what_went_wrong_or_right, *case.lessons, *case.next_steps])
    return Document(
        id=case.id,
        fields={
            "title": case.title,
            "tags": " . ".join(case.tags),
            "questions": " . ".join(case.example_questions),
            "body": body,
        },
    )


def _theme_document(theme: Theme) -> Document:
    return Document(
        id=theme.id,
        fields={
            "title": theme.title,
            "tags": " . ".join(theme.tags),
            "questions": " . ".join(theme.example_questions),
            "body": " ".join([theme.introduction, *(tip.text for tip in theme.tips)]),
        },
    )


@dataclass(frozen=True)
class _SlotEvidence:
    word: str
    weight: float  # rarity of the word in general Dutch (informativeness)
    per_doc: dict[int, list]

    def covered(self, doc: int) -> tuple[float, MatchedWord | None]:
        """(weighted evidence, matched word) of this word for `doc`."""
        entry = self.per_doc.get(doc)
        if entry is None:
            return 0.0, None
        term: Term = entry[3]
        return self.weight * entry[1], MatchedWord(self.word, term.surface, term.via, term.stem)


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
    scores: dict[int, float]
    evidence: list[_SlotEvidence]
    information: float  # summed informativeness of the question's words
    similarity: dict[int, float]  # per topic: its closest example question
    domain: float  # informativeness of the question's words that belong to our domain
    strongest: float  # the most telling domain word of the question
    foreign: float  # informativeness of the words we do not know at all
    own: dict[int, float] = field(default_factory=dict)  # our own score, before adding whole-text BM25


def _slots(query: AnalysedQuery) -> dict[int, list[Term]]:
    slots: dict[int, list[Term]] = defaultdict(list)
    for term in query.terms:
        slots[term.slot].append(term)
    return slots


class Matcher:
    def __init__(
        self, kb: KnowledgeBase, *, max_question_chars: int = 1000, model: DecisionModel | None = None
    ) -> None:
        self.kb = kb
        self.max_question_chars = max_question_chars
        self.model = model or shipped_model()
        documents = [_case_document(c) for c in kb.cases] + [_theme_document(t) for t in kb.themes]
        analyzer, words, wholes = Analyzer.for_documents((d.fields for d in documents), kb.synonym_groups)
        self.index = TopicIndex(documents, analyzer, words)
        self.whole_text = WholeTextIndex(wholes)
        del words, wholes
        self.analyzer = analyzer
        self._topics: list[Case | Theme] = [*kb.cases, *kb.themes]
        self._tip_terms: dict[str, frozenset[str]] = {
            tip.id: frozenset(analyzer.document_terms(tip.text)) for tip in kb.tips
        }
        self._question_topic: list[int] = []
        self._question_mass: list[float] = []
        question_postings: dict[str, list[int]] = defaultdict(list)
        for doc, topic in enumerate(self._topics):
            for question in topic.example_questions:
                terms = set(analyzer.document_terms(question))
                qid = len(self._question_topic)
                self._question_topic.append(doc)
                self._question_mass.append(sum(self.index.term_idf(t) for t in terms) or 1.0)
                for term in terms:
                    question_postings[term].append(qid)
        # Pruned like the topic index; the shortest questions are kept, as they score highest.
        self._question_postings = {
            term: sorted(qids, key=self._question_mass.__getitem__)[:MAX_POSTINGS]
            for term, qids in question_postings.items()
        }
        self._values_cache: tuple[AnalysedQuery, tuple[dict[str, float], ...]] | None = None
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
        if word not in zipf_table():
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
        for term in terms:
            in_lexicon = term.surface in self._lexicon or term.stem in self._lexicon
            if in_lexicon and term.via is not Via.SYNONYM and informativeness(term.surface) >= TELLING_WORD:
                # A thesaurus word marks our domain, unless it is common Dutch ('melden', 'geld').
                best = max(best, min(1.0, term.weight / WEIGHT_SEPARABLE))
                continue
            share = self._content_share.get(term.stem)
            if share is None:
                continue
            surface = word if term.via is Via.WORD else term.surface
            keyness = math.log10(share) - (zipf(surface) - 9)
            best = max(best, min(1.0, term.weight, max(0.0, keyness / FULL_KEYNESS)))
        return best

    def _word_evidence(self, terms: list[Term]) -> tuple[dict[int, list], dict[int, float]]:
        """For one word of the question: its best evidence per topic, and its strength per example question.

        Per topic: [best contribution, best evidence, best editor-field evidence, its term].
        """
        best: dict[int, list] = {}
        in_question: dict[int, float] = {}
        for term in terms:
            w = term.weight
            strength = w * self.index.term_idf(term.stem)
            for qid in self._question_postings.get(term.stem, ()):
                if in_question.get(qid, 0.0) < strength:
                    in_question[qid] = strength
            body_evidence = w * BODY_ONLY_EVIDENCE
            for doc, contribution, in_editor_field in self.index.postings.get(term.stem, ()):
                value = w * contribution
                entry = best.get(doc)
                if entry is None:
                    strong = w if in_editor_field else 0.0
                    best[doc] = [value, strong or body_evidence, strong, term]
                    continue
                if value > entry[0]:
                    entry[0], entry[3] = value, term
                if in_editor_field:
                    if w > entry[2]:
                        entry[2] = w
                        entry[1] = max(entry[1], w)
                elif body_evidence > entry[1]:
                    entry[1] = body_evidence
        return best, in_question

    def _closest_questions(self, overlap: dict[int, float], total: float) -> dict[int, float]:
        """Per topic, the similarity (Dice on idf mass) of its closest example question."""
        best_similarity: dict[int, float] = {}
        for qid, shared in overlap.items():
            similarity = 2 * shared / (total + self._question_mass[qid])
            doc = self._question_topic[qid]
            if best_similarity.get(doc, 0.0) < similarity:
                best_similarity[doc] = similarity
        return best_similarity

    def _score(self, query: AnalysedQuery) -> _Scored:
        """Score every topic; keep per word the evidence needed to explain the winners.

        Work per question is bounded by the (pruned) postings of its terms; coverage and
        matched words are worked out afterwards for the few results shown only.
        """
        scores: dict[int, float] = defaultdict(float)
        overlap: dict[int, float] = defaultdict(float)
        evidence: list[_SlotEvidence] = []
        slots = {slot: self._strongest_synonyms(terms) for slot, terms in _slots(query).items()}
        weights = {slot: self._slot_weight(terms) for slot, terms in slots.items()}
        total = sum(weights.values()) or 1.0
        information = {slot: self._slot_information(query.words[slot], terms) for slot, terms in slots.items()}
        domain_of = {
            slot: information[slot] * self._slot_domain(query.words[slot], terms) for slot, terms in slots.items()
        }
        domain = sum(domain_of.values())
        for slot, terms in slots.items():
            best, in_question = self._word_evidence(terms)
            for doc, entry in best.items():
                scores[doc] += entry[0]
            for qid, strength in in_question.items():
                overlap[qid] += strength
            evidence.append(_SlotEvidence(query.words[slot], information[slot], best))
        best_similarity = self._closest_questions(overlap, total)
        for doc, similarity in best_similarity.items():
            scores[doc] += QUESTION_WEIGHT * similarity
        strongest = max(domain_of.values(), default=0.0)
        # Informative words our content and thesaurus do not know in any form ('telefoonnummer', 'sumif').
        foreign = sum(
            information[slot] for slot, terms in slots.items() if not any(t.stem in self.index.idf for t in terms)
        )
        total_information = sum(information.values()) or 1.0
        return _Scored(scores, evidence, total_information, best_similarity, domain, strongest, foreign)

    def rank_tips(
        self,
        theme: Theme,
        query: AnalysedQuery | None = None,
        exclude: frozenset[str] = frozenset(),
        audience: Audience | None = None,
    ) -> list[Tip]:
        """Tips of `theme`: those for the asker's own audience first (when known), then
        those sharing most with the question; civil servants' tips first on a tie."""
        candidates = [t for t in theme.tips if t.id not in exclude] or list(theme.tips)
        values = self._slot_values(query) if query else ()

        def rank(tip: Tip) -> tuple[bool, float, int, int]:
            terms = self._tip_terms[tip.id]
            score = sum(max(map(slot.__getitem__, shared)) for slot in values if (shared := slot.keys() & terms))
            own = audience is not None and tip.audience is audience
            return (not own, -score, AUDIENCE_PREFERENCE.index(tip.audience), theme.tips.index(tip))

        return sorted(candidates, key=rank)

    def _slot_values(self, query: AnalysedQuery) -> tuple[dict[str, float], ...]:
        """Per word of the question: what each of its terms is worth (cached: asked once per shown theme)."""
        cached = self._values_cache
        if cached is not None and cached[0] is query:
            return cached[1]
        values: dict[int, dict[str, float]] = defaultdict(dict)
        for t in query.terms:
            value = t.weight * self.index.term_idf(t.stem)
            if values[t.slot].get(t.stem, 0.0) < value:
                values[t.slot][t.stem] = value
        found = tuple(values.values())
        self._values_cache = (query, found)
        return found

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

    def _result(
        self, doc: int, score: float, query: AnalysedQuery, matched: list[MatchedWord], audience: Audience | None
    ) -> Result:
        topic = self._topics[doc]
        form = self.analyzer.content_form
        matched = [MatchedWord(m.asked, m.matched, m.via, form(m.in_item)) for m in matched]
        if isinstance(topic, Case):
            return Result(topic.id, "case", None, topic.title, round(score, 4), topic.id, tuple(matched))
        tip = self.best_tip(topic, query, audience=audience)
        return Result(tip.id, "tip", topic.id, topic.title, round(score, 4), topic.id, tuple(matched))

    def _related(self, a: str, b: str) -> bool:
        for first, second in ((a, b), (b, a)):
            case = self.kb.case(first)
            if case is not None and second in case.themes:
                return True
        return False

    # -- public ------------------------------------------------------------------

    def signals(self, question: str) -> tuple[AnalysedQuery, _Scored | None, dict[str, float]]:
        """The analysed question, its scores and the signals the decision model reads."""
        cleaned = clean_question(question, self.max_question_chars)
        query = self.analyzer.query(cleaned)
        if query.empty:
            return query, None, {}
        scored = self._with_whole_text(self._score(query), plain_tokens(cleaned))
        return query, scored, self._features(query, scored)

    def _with_whole_text(self, scored: _Scored, words: list[str]) -> _Scored:
        """Rank by our own score plus whole-text BM25, each scaled to its best item."""
        own = scored.scores
        whole = self.whole_text.scores(words)
        own_best = max(own.values(), default=0.0) or 1.0
        whole_best = max(whole.values(), default=0.0) or 1.0
        fused = {doc: value / own_best for doc, value in own.items()}
        for doc, value in whole.items():
            fused[doc] = fused.get(doc, 0.0) + WHOLE_TEXT_WEIGHT * value / whole_best
        return replace(scored, scores=fused, own=own)

    def _features(self, query: AnalysedQuery, scored: _Scored) -> dict[str, float]:
        scores = scored.scores
        ranked = heapq.nsmallest(MAX_RESULTS, scores, key=lambda d: (-scores[d], self._topics[d].id))
        first = scores[ranked[0]] if ranked else 0.0
        # The margin to the best rival: a case and its own theme winning together is no doubt.
        rivals = [d for d in ranked[1:] if not self._related(self._topics[ranked[0]].id, self._topics[d].id)]
        second = scores[rivals[0]] if rivals else 0.0
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
        query, scored, features = self.signals(cleaned)
        if scored is None:
            # Only filler words ("hoe laat is het") is a question outside our subject;
            # no words at all (emoji, punctuation) is no question.
            has_words = any(ch.isalnum() for ch in cleaned)
            decision = Decision.NOT_ANSWERED if has_words else Decision.EMPTY
            return MatchOutcome(cleaned, decision, (), 0.0, looks_english(cleaned))
        scores = scored.scores
        ranked = heapq.nsmallest(MAX_RESULTS, scores, key=lambda d: (-scores[d], self._topics[d].id))
        audience = asker_role(cleaned)
        results = tuple(
            self._result(d, scores[d], query, _explain(scored.evidence, d, scored.information)[1], audience)
            for d in ranked
        )
        vector = self.model.vector(features)
        on_topic = self.model.on_topic.probability(vector)
        confidence = self.model.correct.probability(vector)
        signals = tuple((name, round(value, 4)) for name, value in features.items())
        decision = self._decide(results, on_topic, confidence)
        if decision in (Decision.UNSURE, Decision.AMBIGUOUS):
            results = results[:MAX_OPTIONS]  # the options the asker chooses from
        english = decision is Decision.NOT_ANSWERED and looks_english(cleaned)
        coverage = round(features["coverage"], 3)
        threshold = self.model.correct.threshold
        certainty = "hoog" if confidence >= threshold else "middel" if confidence >= threshold / 2 else "laag"
        return MatchOutcome(
            cleaned,
            decision,
            results,
            coverage,
            english,
            round(confidence, 3),
            round(on_topic, 3),
            signals,
            certainty,
            query,
        )

    def _close(self, results: tuple[Result, ...]) -> list[Result]:
        top = results[0]
        return [
            r for r in results[1:] if r.score >= AMBIGUITY_RATIO * top.score and not self._related(top.topic, r.topic)
        ]

    def _decide(self, results: tuple[Result, ...], on_topic: float, confidence: float) -> Decision:
        if not results or on_topic < self.model.on_topic.threshold:
            return Decision.NOT_ANSWERED
        if self._close(results):  # unrelated items score alike: let the asker pick ("Bedoel je …?")
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
