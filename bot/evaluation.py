"""Score the matcher on a question set in the format of shared/eval/public.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from antenne.bot.matching.matcher import Matcher, MatchOutcome, Result


@dataclass(frozen=True)
class EvalQuestion:
    question: str
    expect: frozenset[str]  # empty: the question is off-topic


@dataclass(frozen=True)
class Miss:
    question: str
    expected: tuple[str, ...]
    got: tuple[str, ...]
    answered: bool


@dataclass(frozen=True)
class EvalReport:
    on_topic: int
    off_topic: int
    top1: float
    top3: float
    abstention: float
    false_abstentions: int
    misses: tuple[Miss, ...]


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
        questions.append(EvalQuestion(entry["q"], ids))
    return questions


def is_right(result: Result, expect: frozenset[str]) -> bool:
    return result.id in expect or (result.kind == "tip" and result.theme in expect)


def evaluate(matcher: Matcher, questions: list[EvalQuestion]) -> EvalReport:
    on_topic = [q for q in questions if q.expect]
    off_topic = [q for q in questions if not q.expect]
    top1 = top3 = abstained = false_abstentions = 0
    misses: list[Miss] = []
    for q in questions:
        outcome: MatchOutcome = matcher.match(q.question)
        got = tuple(r.id for r in outcome.results[:3])
        if not q.expect:
            if not outcome.answered:
                abstained += 1
            else:
                misses.append(Miss(q.question, (), got, True))
            continue
        hits = [is_right(r, q.expect) for r in outcome.results[:3]] if outcome.answered else []
        if not outcome.answered:
            false_abstentions += 1
        if hits and hits[0]:
            top1 += 1
        if any(hits):
            top3 += 1
        if not (hits and hits[0]):
            misses.append(Miss(q.question, tuple(sorted(q.expect)), got, outcome.answered))
    return EvalReport(
        on_topic=len(on_topic),
        off_topic=len(off_topic),
        top1=top1 / len(on_topic) if on_topic else 1.0,
        top3=top3 / len(on_topic) if on_topic else 1.0,
        abstention=abstained / len(off_topic) if off_topic else 1.0,
        false_abstentions=false_abstentions,
        misses=tuple(misses),
    )


def format_report(report: EvalReport) -> str:
    lines = [
        f"vragen over het onderwerp: {report.on_topic}, erbuiten: {report.off_topic}",
        f"top-1:        {report.top1:.3f}",
        f"top-3:        {report.top3:.3f}",
        f"abstention:   {report.abstention:.3f}",
        f"onterecht geen antwoord: {report.false_abstentions}",
    ]
    if report.misses:
        lines.append("missers:")
        for miss in report.misses:
            expected = ", ".join(miss.expected) or "geen antwoord"
            got = ", ".join(miss.got) if miss.answered else "geen antwoord"
            lines.append(f"  - {miss.question!r}: verwacht {expected}; kreeg {got}")
    return "\n".join(lines)
