"""Matching benchmark: latency, build time, memory and accuracy against two baselines.

Run: .venv/bin/python bench/run.py [--quick]

Everything is measured in this one run on this machine, so compare the ratios
between rows rather than the absolute numbers with another machine.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from antenne.bot.cache import CACHE_ENV
from antenne.bot.content.cached import load_knowledge_base
from antenne.bot.content.model import KnowledgeBase
from antenne.bot.content.paths import default_content_dir
from antenne.bot.evaluation import EvalQuestion, EvalReport, evaluate, known_questions, load_questions, report_for
from antenne.bot.matching.corpus import read_corpus
from antenne.bot.matching.index import FIELD_WEIGHTS
from antenne.bot.matching.matcher import Matcher, topic_document
from antenne.bot.text import tokens
from rank_bm25 import BM25Okapi
from rapidfuzz import fuzz, process

from bench.fit_decision import DEV_SET, PUBLIC_SET, cross_validate, samples
from tests.test_evaluation import typo_variants

PUBLIC = PUBLIC_SET
DEV = ROOT / "tests" / "data" / "dev-questions.yaml"
SECOND_SET = ROOT / "tests" / "data" / "second-set.yaml"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def questions() -> list[EvalQuestion]:
    found = load_questions(DEV) + load_questions(DEV_SET)
    if PUBLIC.exists():
        found = load_questions(PUBLIC) + found
    return found


def synthetic_kb(real: KnowledgeBase, size: int, seed: int = 1) -> KnowledgeBase:
    """`size` extra cases whose words come from the real content, so vocabulary and
    posting lengths look like a grown knowledge base rather than random noise."""
    rng = random.Random(seed)
    sentences = [s for c in real.cases for s in (*c.lessons, *c.next_steps, c.what_happened)]
    words = [w for s in sentences for w in s.split()]
    questions = [q for t in (*real.cases, *real.themes) for q in t.example_questions]
    tags = [t for c in real.cases for t in c.tags]
    themes = [t.id for t in real.themes]
    template = real.cases[0]
    extra = []
    for n in range(size):
        extra.append(
            replace(
                template,
                id=f"synthetisch-{n}",
                title=" ".join(rng.sample(words, 6)),
                summary=" ".join(rng.sample(words, 25)),
                what_happened=" ".join(rng.sample(sentences, 3)),
                what_went_wrong_or_right=" ".join(rng.sample(sentences, 2)),
                lessons=tuple(rng.sample(sentences, 3)),
                next_steps=tuple(rng.sample(sentences, 4)),
                themes=(rng.choice(themes),),
                tags=tuple(rng.sample(tags, 8)),
                example_questions=tuple(
                    " ".join(rng.sample(q.split(), max(2, len(q.split()) - 2))) for q in rng.sample(questions, 6)
                ),
            )
        )
    return KnowledgeBase(cases=(*real.cases, *extra), themes=real.themes, synonym_groups=real.synonym_groups)


def time_matches(matcher: Matcher, texts: list[str], rounds: int) -> list[float]:
    for text in texts:  # warm caches as a long-running server would have them
        matcher.match(text)
    samples = []
    for _ in range(rounds):
        for text in texts:
            start = time.perf_counter()
            matcher.match(text)
            samples.append((time.perf_counter() - start) * 1000)
    return samples


def time_new_words(matcher: Matcher, texts: list[str]) -> list[float]:
    """Each question as if its words were new to a running server (nothing kept per word)."""
    samples = []
    for text in texts:
        matcher.forget_words()
        start = time.perf_counter()
        matcher.match(text)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def reading_ms(kb: KnowledgeBase) -> float:
    """The first step of a build: reading all the text into numbered words (bot/matching/corpus.py)."""
    fields = list(FIELD_WEIGHTS)
    items = [[topic_document(topic).fields.get(name, ()) for name in fields] for topic in (*kb.cases, *kb.themes)]
    start = time.perf_counter()
    read_corpus(items, question_field=fields.index("questions"))
    return (time.perf_counter() - start) * 1000


def build(kb: KnowledgeBase) -> tuple[Matcher, float, float]:
    """Build time, and how far the build raised the process's peak resident memory.

    Corpora are built smallest first, so each build's peak is its own; tracemalloc
    would be more exact but slows allocation-heavy code several times over.
    """
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    matcher = Matcher(kb)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return matcher, seconds * 1000, (after - before) / 1024


# -- baselines ------------------------------------------------------------------------


def topic_texts(kb: KnowledgeBase) -> list[tuple[str, str, str]]:
    """(id, kind, whole text) per case, and per theme the theme id as its tips' stand-in."""
    rows = []
    for case in kb.cases:
        text = " ".join(
            [
                case.title,
                case.summary,
                case.what_happened,
                case.what_went_wrong_or_right,
                *case.lessons,
                *case.next_steps,
                *case.tags,
                *case.example_questions,
            ]
        )
        rows.append((case.id, "case", text))
    for theme in kb.themes:
        text = " ".join(
            [theme.title, theme.introduction, *theme.tags, *theme.example_questions, *(t.text for t in theme.tips)]
        )
        rows.append((theme.id, "theme", text))
    return rows


def bm25_ranker(kb: KnowledgeBase) -> Callable[[str], list[str]]:
    rows = topic_texts(kb)
    bm25 = BM25Okapi([tokens(text) for _, _, text in rows])
    ids = [row[0] for row in rows]

    def rank(question: str) -> list[str]:
        scores = bm25.get_scores(tokens(question))
        return [ids[i] for i in sorted(range(len(ids)), key=lambda i: -scores[i])[:3]]

    return rank


def rapidfuzz_ranker(kb: KnowledgeBase) -> Callable[[str], list[str]]:
    rows = topic_texts(kb)
    choices = [text.lower() for _, _, text in rows]

    def rank(question: str) -> list[str]:
        found = process.extract(question.lower(), choices, scorer=fuzz.token_set_ratio, limit=3)
        return [rows[index][0] for _, _, index in found]

    return rank


def antenne_ranker(matcher: Matcher) -> Callable[[str], list[str] | None]:
    def rank(question: str) -> list[str] | None:
        outcome = matcher.match(question)
        if not outcome.answered:
            return None
        return [r.theme or r.id for r in outcome.results[:3]]

    return rank


def baseline_report(rank: Callable[[str], list[str]], qs: list[EvalQuestion]) -> tuple[float, float, float, float]:
    """A ranker that always answers: top-1, top-3, abstention (0) and confidently wrong."""
    on = [q for q in qs if q.expect]
    top1 = top3 = wrong = 0
    for q in qs:
        got = rank(q.question)
        right = [g in q.expect for g in got]
        top1 += bool(right and right[0])
        top3 += any(right)
        wrong += not (right and right[0])  # it always answers outright, also off-topic questions
    return top1 / len(on), top3 / len(on), 0.0, wrong / len(qs)


def outcome_row(label: str, report: EvalReport) -> str:
    counts = {**report.decisions}
    decisions = " / ".join(str(counts.get(d, 0)) for d in ("answered", "ambiguous", "unsure", "not_answered"))
    return (
        f"| {label} | {report.top1:.3f} | {report.top3:.3f} | {report.abstention:.3f} | "
        f"{report.confidently_wrong:.3f} | {decisions} |"
    )


def print_outcomes(real: KnowledgeBase) -> None:
    """The four outcomes on the development set (cross-validated) and the public set, beside baselines."""
    matcher = Matcher(real)
    dev, skipped = known_questions(matcher, load_questions(DEV_SET))
    cv_questions, cv_outcomes = cross_validate(matcher, samples(matcher, dev), 5)
    print(f"\n## Development set ({len(dev)} questions; {skipped} skipped), 5-fold grouped cross-validation\n")
    print("| method | top-1 | top-3 | abstention | confidently wrong | answered / ambiguous / unsure / not answered |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    print(outcome_row("Antenne (held-out folds)", report_for(cv_questions, cv_outcomes)))
    for label, rank in (
        ("BM25 (rank_bm25, whole text)", bm25_ranker(real)),
        ("rapidfuzz token_set_ratio", rapidfuzz_ranker(real)),
    ):
        top1, top3, abstention, wrong = baseline_report(rank, dev)
        print(f"| {label} | {top1:.3f} | {top3:.3f} | {abstention:.3f} | {wrong:.3f} | always answers |")
    print("\n## Public set and the second set (never fitted on), shipped decision model\n")
    print("| set | top-1 | top-3 | abstention | confidently wrong | answered / ambiguous / unsure / not answered |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for label, path in (("public.yaml", PUBLIC), ("tests/data/second-set.yaml", SECOND_SET)):
        if path.exists():
            print(outcome_row(label, evaluate(matcher, load_questions(path))))


def accuracy(rank: Callable[[str], list[str] | None], qs: list[EvalQuestion]) -> tuple[float, float, float, float]:
    on = [q for q in qs if q.expect]
    off = [q for q in qs if not q.expect]
    top1 = top3 = abstained = 0
    samples = []
    for q in qs:
        start = time.perf_counter()
        got = rank(q.question)
        samples.append((time.perf_counter() - start) * 1000)
        if not q.expect:
            abstained += got is None
            continue
        if got:
            top1 += got[0] in q.expect
            top3 += any(g in q.expect for g in got)
    return top1 / len(on), top3 / len(on), abstained / len(off) if off else 1.0, statistics.median(samples)


QUESTION = "raadslid belt over budget"


def cold_start_ms(runs: int) -> tuple[float, float, float]:
    """Median process start-to-exit of `antenne ask --json`: without the start-up cache,
    on a first run that fills it, and on later runs that read it."""
    exe = ROOT / ".venv" / "bin" / "antenne"
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "antenne"]

    def once(cache_dir: str) -> float:
        env = {**os.environ, CACHE_ENV: cache_dir}
        start = time.perf_counter()
        subprocess.run([*command, "ask", "--json", QUESTION], capture_output=True, check=True, env=env)
        return (time.perf_counter() - start) * 1000

    off, first, cached = [], [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as folder:
            off.append(once("off"))
            first.append(once(folder))
            cached.extend(once(folder) for _ in range(2))
    return statistics.median(off), statistics.median(first), statistics.median(cached)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer rounds, for a smoke run")
    args = parser.parse_args()
    rounds = 3 if args.quick else 20

    real = load_knowledge_base(default_content_dir())
    qs = questions()
    texts = [q.question for q in qs]

    print("## Matching latency, index build and memory\n")
    print(
        "| corpus | items | build ms | reading the text ms | peak RSS growth MiB | match p50 ms | match p99 ms "
        "| new words p50 ms | new words p99 ms |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, kb in (
        ("shipped", real),
        ("synthetic 1,000", synthetic_kb(real, 1000)),
        ("synthetic 10,000", synthetic_kb(real, 10_000)),
    ):
        matcher, build_ms, peak = build(kb)
        gc.collect()
        gc.freeze()  # as `antenne serve` does after loading: the index lives as long as the process
        samples = time_matches(matcher, texts, rounds if len(kb.cases) < 5000 else max(2, rounds // 4))
        fresh = time_new_words(matcher, texts)
        items = len(kb.cases) + len(kb.tips)
        print(
            f"| {label} | {items:,} | {build_ms:,.0f} | {reading_ms(kb):,.0f} | {peak:,.1f} | "
            f"{percentile(samples, 0.5):.3f} | {percentile(samples, 0.99):.3f} | "
            f"{percentile(fresh, 0.5):.3f} | {percentile(fresh, 0.99):.3f} |"
        )
        if kb is real:  # the earlier question mix, without the development set's long messages
            short = [q.question for q in load_questions(DEV) + (load_questions(PUBLIC) if PUBLIC.exists() else [])]
            samples = time_matches(matcher, short, rounds)
            print(
                f"| shipped, short questions only | {items:,} | | | | "
                f"{percentile(samples, 0.5):.3f} | {percentile(samples, 0.99):.3f} | | |"
            )

    matcher = Matcher(real)
    typos = typo_variants(qs)
    print(f"\n## Accuracy on {len(qs)} questions (public + own dev set) and {len(typos)} typo variants\n")
    print("| method | top-1 | top-3 | abstention | typo top-3 | median ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for label, rank in (
        ("Antenne", antenne_ranker(matcher)),
        ("BM25 (rank_bm25, whole text)", bm25_ranker(real)),
        ("rapidfuzz token_set_ratio", rapidfuzz_ranker(real)),
    ):
        top1, top3, abstention, median = accuracy(rank, qs)
        _, typo3, _, _ = accuracy(rank, typos)
        print(f"| {label} | {top1:.3f} | {top3:.3f} | {abstention:.3f} | {typo3:.3f} | {median:.3f} |")

    print_outcomes(real)

    off, first, cached = cold_start_ms(3 if args.quick else 7)
    print("\n## Cold `antenne ask --json` (process start to exit, median ms)\n")
    print("| start-up cache | ms |")
    print("| --- | ---: |")
    print(f"| off | {off:.0f} |")
    print(f"| first run (builds and stores) | {first:.0f} |")
    print(f"| later runs (reads) | {cached:.0f} |")


if __name__ == "__main__":
    main()
