"""Rank cases and themes for a question and decide whether we can answer it.

The decision matters as much as the ranking: a civil servant who asks about
passports must hear honestly that this bot cannot help, not get a random case.
We therefore measure how much of the question the best topic explains
(coverage) next to its raw score.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum

from bot.content.model import Audience, Case, KnowledgeBase, Theme, Tip
from bot.matching.analyzer import AnalysedQuery, Analyzer, Term, Via
from bot.matching.index import Document, TopicIndex
from bot.matching.text import clean_question, looks_english

# Answer when the best topic explains most of the question, or a fair part of it
# with a clearly high score; and never on words found only in a story's body.
MIN_COVERAGE = 0.45
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
        self._question_postings = dict(question_postings)

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

    def _score(
        self, query: AnalysedQuery
    ) -> tuple[dict[int, float], dict[int, float], dict[int, float], dict[int, list[MatchedWord]]]:
        scores: dict[int, float] = defaultdict(float)
        covered: dict[int, float] = defaultdict(float)
        strongly: dict[int, float] = defaultdict(float)
        matched: dict[int, list[MatchedWord]] = defaultdict(list)
        best_similarity: dict[int, float] = {}
        overlap: dict[int, float] = defaultdict(float)
        slots = _slots(query)
        total = sum(self._slot_weight(terms) for terms in slots.values()) or 1.0
        for slot, terms in slots.items():
            weight = self._slot_weight(terms)
            # per document: best score contribution, best evidence, best evidence from editor fields
            best: dict[int, list] = {}
            in_question: dict[int, float] = {}
            for term in terms:
                strength = term.weight * self.index.term_idf(term.stem)
                for qid in self._question_postings.get(term.stem, ()):
                    in_question[qid] = max(in_question.get(qid, 0.0), strength)
                for doc, contribution in self.index.postings.get(term.stem, ()):
                    entry = best.setdefault(doc, [0.0, 0.0, 0.0, term])
                    value = term.weight * contribution
                    if value > entry[0]:
                        entry[0], entry[3] = value, term
                    if term.stem in self.index.strong_terms[doc]:
                        entry[1] = max(entry[1], term.weight)
                        entry[2] = max(entry[2], term.weight)
                    else:
                        entry[1] = max(entry[1], term.weight * BODY_ONLY_EVIDENCE)
            for doc, (value, evidence, strong, term) in best.items():
                scores[doc] += value
                covered[doc] += weight * evidence
                strongly[doc] += weight * strong
                matched[doc].append(MatchedWord(query.words[slot], term.surface, term.via))
            for qid, strength in in_question.items():
                overlap[qid] += strength
        for qid, shared in overlap.items():
            similarity = 2 * shared / (total + self._question_mass[qid])
            doc = self._question_topic[qid]
            best_similarity[doc] = max(best_similarity.get(doc, 0.0), similarity)
        for doc, similarity in best_similarity.items():
            scores[doc] += QUESTION_WEIGHT * similarity
        coverage = {doc: value / total for doc, value in covered.items()}
        strong = {doc: value / total for doc, value in strongly.items()}
        return scores, coverage, strong, matched

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
        scores, coverage, strong, matched = self._score(query)
        ranked = sorted(scores, key=lambda d: (-scores[d], self._topics[d].id))[:MAX_RESULTS]
        results = tuple(self._result(d, scores[d], query, matched[d]) for d in ranked)
        best_coverage = coverage.get(ranked[0], 0.0) if ranked else 0.0
        if not ranked or not _confident(scores[ranked[0]], best_coverage, strong.get(ranked[0], 0.0)):
            english = looks_english(cleaned)
            return MatchOutcome(cleaned, Decision.NOT_ANSWERED, results, round(best_coverage, 3), english)
        top = results[0]
        close = [
            r for r in results[1:] if r.score >= AMBIGUITY_RATIO * top.score and not self._related(top.topic, r.topic)
        ]
        if close:
            return MatchOutcome(cleaned, Decision.AMBIGUOUS, (top, *close[: MAX_OPTIONS - 1]), round(best_coverage, 3))
        return MatchOutcome(cleaned, Decision.ANSWERED, results, round(best_coverage, 3))
