"""Rank cases and themes for a question and decide whether we can answer it.

The decision matters as much as the ranking: a civil servant who asks about
passports must hear honestly that this bot cannot help, not get a random case.
We therefore measure how much of the question the best topic explains
(coverage) next to its raw score.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum

from antenne.bot.content.model import Audience, Case, KnowledgeBase, Theme, Tip
from antenne.bot.matching.analyzer import AnalysedQuery, Analyzer, Term, Via
from antenne.bot.matching.index import MAX_POSTINGS, Document, TopicIndex
from antenne.bot.matching.text import clean_question, looks_english

# Answer when the best topic explains most of the question, or a fair part of it
# with a clearly high score; and never on words found only in a story's body.
MIN_COVERAGE = 0.5
MIN_SCORE = 1.5
LOW_COVERAGE = 0.28
CONFIDENT_SCORE = 2.8
MIN_STRONG_COVERAGE = 0.1
BODY_ONLY_EVIDENCE = 0.6  # a word found only in the story, not in title, tags or questions
QUESTION_WEIGHT = 3.0  # how much the closest example question adds to a topic's score
AMBIGUITY_RATIO = 0.92
MAX_RESULTS = 5
MAX_OPTIONS = 3
AUDIENCE_PREFERENCE = (Audience.AMBTENAAR, Audience.TOPAMBTENAAR, Audience.BESTUURDER)


class Decision(StrEnum):
    ANSWERED = "answered"
    AMBIGUOUS = "ambiguous"
    NOT_ANSWERED = "not_answered"
    EMPTY = "empty"


@dataclass(frozen=True)
class MatchedWord:
    asked: str
    matched: str
    via: Via


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

    @property
    def answered(self) -> bool:
        return self.decision in (Decision.ANSWERED, Decision.AMBIGUOUS)

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
    weight: float
    per_doc: dict[int, list]

    def covered(self, doc: int) -> tuple[float, float, MatchedWord | None]:
        """(evidence, editor-field evidence, matched word) of this word for `doc`."""
        entry = self.per_doc.get(doc)
        if entry is None:
            return 0.0, 0.0, None
        term: Term = entry[3]
        return self.weight * entry[1], self.weight * entry[2], MatchedWord(self.word, term.surface, term.via)


def _explain(evidence: list[_SlotEvidence], doc: int, total: float) -> tuple[float, float, list[MatchedWord]]:
    """Coverage, editor-field coverage and matched words of one document."""
    covered = strong = 0.0
    words = []
    for slot in evidence:
        slot_covered, slot_strong, word = slot.covered(doc)
        covered += slot_covered
        strong += slot_strong
        if word is not None:
            words.append(word)
    return covered / total, strong / total, words


def _confident(score: float, coverage: float, strong_coverage: float) -> bool:
    if strong_coverage < MIN_STRONG_COVERAGE or score < MIN_SCORE:
        return False
    return coverage >= MIN_COVERAGE or (coverage >= LOW_COVERAGE and score >= CONFIDENT_SCORE)


def _slots(query: AnalysedQuery) -> dict[int, list[Term]]:
    slots: dict[int, list[Term]] = defaultdict(list)
    for term in query.terms:
        slots[term.slot].append(term)
    return slots


class Matcher:
    def __init__(self, kb: KnowledgeBase, *, max_question_chars: int = 1000) -> None:
        self.kb = kb
        self.max_question_chars = max_question_chars
        documents = [_case_document(c) for c in kb.cases] + [_theme_document(t) for t in kb.themes]
        analyzer = Analyzer.for_texts((text for d in documents for text in d.fields.values()), kb.synonym_groups)
        self.index = TopicIndex(documents, analyzer)
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

    def _score(self, query: AnalysedQuery) -> tuple[dict[int, float], list[_SlotEvidence], float]:
        """Score every topic; keep per word the evidence needed to explain the winners.

        Work per question is bounded by the (pruned) postings of its terms; coverage and
        matched words are worked out afterwards for the few results shown only.
        """
        scores: dict[int, float] = defaultdict(float)
        overlap: dict[int, float] = defaultdict(float)
        evidence: list[_SlotEvidence] = []
        slots = _slots(query)
        weights = {slot: self._slot_weight(terms) for slot, terms in slots.items()}
        total = sum(weights.values()) or 1.0
        for slot, terms in slots.items():
            # per document: [best contribution, best evidence, best editor-field evidence, its term]
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
            for doc, entry in best.items():
                scores[doc] += entry[0]
            for qid, strength in in_question.items():
                overlap[qid] += strength
            evidence.append(_SlotEvidence(query.words[slot], weights[slot], best))
        best_similarity: dict[int, float] = {}
        for qid, shared in overlap.items():
            similarity = 2 * shared / (total + self._question_mass[qid])
            doc = self._question_topic[qid]
            if best_similarity.get(doc, 0.0) < similarity:
                best_similarity[doc] = similarity
        for doc, similarity in best_similarity.items():
            scores[doc] += QUESTION_WEIGHT * similarity
        return scores, evidence, total

    def rank_tips(
        self, theme: Theme, query: AnalysedQuery | None = None, exclude: frozenset[str] = frozenset()
    ) -> list[Tip]:
        """Tips of `theme`, those sharing most with the question first; civil servants' tips first on a tie."""
        candidates = [t for t in theme.tips if t.id not in exclude] or list(theme.tips)
        slots = _slots(query) if query else {}

        def rank(tip: Tip) -> tuple[float, int, int]:
            terms = self._tip_terms[tip.id]
            score = sum(
                max((t.weight * self.index.term_idf(t.stem) for t in slot if t.stem in terms), default=0.0)
                for slot in slots.values()
            )
            return (-score, AUDIENCE_PREFERENCE.index(tip.audience), theme.tips.index(tip))

        return sorted(candidates, key=rank)

    def best_tip(self, theme: Theme, query: AnalysedQuery | None = None, exclude: frozenset[str] = frozenset()) -> Tip:
        return self.rank_tips(theme, query, exclude)[0]

    def analyse(self, question: str) -> AnalysedQuery:
        return self.analyzer.query(clean_question(question, self.max_question_chars))

    def _result(self, doc: int, score: float, query: AnalysedQuery, matched: list[MatchedWord]) -> Result:
        topic = self._topics[doc]
        if isinstance(topic, Case):
            return Result(topic.id, "case", None, topic.title, round(score, 4), topic.id, tuple(matched))
        tip = self.best_tip(topic, query)
        return Result(tip.id, "tip", topic.id, topic.title, round(score, 4), topic.id, tuple(matched))

    def _related(self, a: str, b: str) -> bool:
        for first, second in ((a, b), (b, a)):
            case = self.kb.case(first)
            if case is not None and second in case.themes:
                return True
        return False

    # -- public ------------------------------------------------------------------

    def match(self, question: str) -> MatchOutcome:
        cleaned = clean_question(question, self.max_question_chars)
        query = self.analyzer.query(cleaned)
        if query.empty:
            # Only filler words ("hoe laat is het") is a question outside our subject;
            # no words at all (emoji, punctuation) is no question.
            has_words = any(ch.isalnum() for ch in cleaned)
            decision = Decision.NOT_ANSWERED if has_words else Decision.EMPTY
            return MatchOutcome(cleaned, decision, (), 0.0, looks_english(cleaned))
        scores, evidence, total = self._score(query)
        ranked = heapq.nsmallest(MAX_RESULTS, scores, key=lambda d: (-scores[d], self._topics[d].id))
        explained = {d: _explain(evidence, d, total) for d in ranked}
        results = tuple(self._result(d, scores[d], query, explained[d][2]) for d in ranked)
        best_coverage, best_strong, _ = explained[ranked[0]] if ranked else (0.0, 0.0, [])
        if not ranked or not _confident(scores[ranked[0]], best_coverage, best_strong):
            english = looks_english(cleaned)
            return MatchOutcome(cleaned, Decision.NOT_ANSWERED, results, round(best_coverage, 3), english)
        top = results[0]
        close = [
            r for r in results[1:] if r.score >= AMBIGUITY_RATIO * top.score and not self._related(top.topic, r.topic)
        ]
        if close:
            return MatchOutcome(cleaned, Decision.AMBIGUOUS, (top, *close[: MAX_OPTIONS - 1]), round(best_coverage, 3))
        return MatchOutcome(cleaned, Decision.ANSWERED, results, round(best_coverage, 3))


def outcome_json(question: str, outcome: MatchOutcome) -> dict[str, object]:
    """The stable contract used by outside evaluations: do not change its shape."""
    return {
        "question": question,
        "answered": outcome.answered,
        "results": [
            {"id": r.id, "kind": r.kind, "theme": r.theme, "title": r.title, "score": r.score} for r in outcome.results
        ],
    }
