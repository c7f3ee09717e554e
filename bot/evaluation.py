"""Score the matcher on a question set in the format of shared/eval/public.yaml.

The measures, as outside evaluations read them:

* top-1 / top-3: share of on-topic questions whose right item is first / among
  the first three, counted when we replied with content (answered, ambiguous or
  unsure); a question wrongly declined as off-topic counts as a miss.
* abstention: share of off-topic questions we declined (not answered).
* confidently wrong: share of all questions where we answered outright
  (decision "answered") and the first item was wrong, off-topic questions included.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from antenne.bot.matching.matcher import Decision, Matcher, MatchOutcome, Result


@dataclass(frozen=True)
class EvalQuestion:
    question: str
    expect: frozenset[str]  # empty: the question is off-topic
    group: str = ""  # questions about one situation share a group; cross-validation holds groups out
    role: str = ""


@dataclass(frozen=True)
class Miss:
    question: str
    expected: tuple[str, ...]
    got: tuple[str, ...]
    answered: bool
    decision: str = ""


@dataclass(frozen=True)
class EvalReport:
    on_topic: int
    off_topic: int
    top1: float
    top3: float
    abstention: float
    false_abstentions: int
    misses: tuple[Miss, ...]
    confidently_wrong: float = 0.0
    decisions: dict[str, int] = field(default_factory=dict)  # per decision, on-topic questions
    off_topic_decisions: dict[str, int] = field(default_factory=dict)
    skipped: int = 0  # questions that expect only items the content does not have


def load_questions(path: Path) -> list[EvalQuestion]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        raise ValueError(f"{path}: verwacht een lijst 'questions' met q en expect")
    questions = []
    for n, entry in enumerate(data["questions"], start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("q"), str) or "expect" not in entry:
            raise ValueError(f"{path}: vraag {n}: verwacht velden 'q' en 'expect'")
        expect = entry["expect"]
        ids = frozenset() if expect in (None, "none") else frozenset(map(str, expect))
        questions.append(EvalQuestion(entry["q"], ids, str(entry.get("group") or ""), str(entry.get("role") or "")))
    return questions


def is_right(result: Result, expect: frozenset[str]) -> bool:
    return result.id in expect or (result.kind == "tip" and result.theme in expect)


def known_questions(matcher: Matcher, questions: list[EvalQuestion]) -> tuple[list[EvalQuestion], int]:
    """Questions whose expected items exist in the content, and how many were left out.

    A set may be written ahead of the content (an item still being added); such
    questions cannot be answered right and say nothing about the matcher yet.
    """
    ids = {c.id for c in matcher.kb.cases} | {t.id for t in matcher.kb.themes} | {t.id for t in matcher.kb.tips}
    kept = [q for q in questions if not q.expect or q.expect & ids]
    return kept, len(questions) - len(kept)


def evaluate(matcher: Matcher, questions: list[EvalQuestion]) -> EvalReport:
    questions, skipped = known_questions(matcher, questions)
    return report_for(questions, [matcher.match(q.question) for q in questions], skipped)


def report_for(questions: list[EvalQuestion], outcomes: list[MatchOutcome], skipped: int = 0) -> EvalReport:
    on_topic = [q for q in questions if q.expect]
    off_topic = [q for q in questions if not q.expect]
    top1 = top3 = abstained = false_abstentions = wrong = 0
    decisions: Counter[str] = Counter()
    off_decisions: Counter[str] = Counter()
    misses: list[Miss] = []
    for q, outcome in zip(questions, outcomes, strict=True):
        got = tuple(r.id for r in outcome.results[:3])
        if not q.expect:
            off_decisions[outcome.decision.value] += 1
            if not outcome.answered:
                abstained += 1
            else:
                wrong += outcome.decision is Decision.ANSWERED
                misses.append(Miss(q.question, (), got, True, outcome.decision.value))
            continue
        decisions[outcome.decision.value] += 1
        hits = [is_right(r, q.expect) for r in outcome.results[:3]] if outcome.answered else []
        false_abstentions += not outcome.answered
        top1 += bool(hits and hits[0])
        top3 += any(hits)
        wrong += outcome.decision is Decision.ANSWERED and not hits[0]
        if not (hits and hits[0]):
            misses.append(Miss(q.question, tuple(sorted(q.expect)), got, outcome.answered, outcome.decision.value))
    return EvalReport(
        on_topic=len(on_topic),
        off_topic=len(off_topic),
        top1=top1 / len(on_topic) if on_topic else 1.0,
        top3=top3 / len(on_topic) if on_topic else 1.0,
        abstention=abstained / len(off_topic) if off_topic else 1.0,
        false_abstentions=false_abstentions,
        misses=tuple(misses),
        confidently_wrong=wrong / len(questions) if questions else 0.0,
        decisions=dict(decisions),
        off_topic_decisions=dict(off_decisions),
        skipped=skipped,
    )


def format_report(report: EvalReport, *, misses: bool = True) -> str:
    lines = [
        f"vragen over het onderwerp: {report.on_topic}, erbuiten: {report.off_topic}",
        f"top-1:        {report.top1:.3f}",
        f"top-3:        {report.top3:.3f}",
        f"abstention:   {report.abstention:.3f}",
        f"confidently wrong: {report.confidently_wrong:.3f}",
        f"onterecht geen antwoord: {report.false_abstentions}",
        "beslissingen (over het onderwerp): " + _counts(report.decisions),
        "beslissingen (erbuiten): " + _counts(report.off_topic_decisions),
    ]
    if report.skipped:
        lines.append(f"overgeslagen (verwacht een onderwerp dat nog niet bestaat): {report.skipped}")
    if misses and report.misses:
        lines.append("missers:")
        for miss in report.misses:
            expected = ", ".join(miss.expected) or "geen antwoord"
            got = ", ".join(miss.got) if miss.answered else "geen antwoord"
            lines.append(f"  - {miss.question!r}: verwacht {expected}; kreeg {got} ({miss.decision})")
    return "\n".join(lines)


def _counts(counts: dict[str, int]) -> str:
    order = [d.value for d in Decision]
    return ", ".join(f"{d} {counts[d]}" for d in order if counts.get(d)) or "geen"
