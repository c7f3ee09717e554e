"""Dump every match outcome of the question sets as JSON, to prove a speed-up changes nothing.

Run: .venv/bin/python bench/snapshot_outcomes.py OUT.json [--synthetic N]
Then diff two dumps (before and after a change): they must be identical. Scores are
kept to 9 digits, beside the decision, the ranking, the tips and the matched words.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from antenne.bot.content.cached import load_knowledge_base
from antenne.bot.content.model import Theme
from antenne.bot.content.paths import default_content_dir
from antenne.bot.evaluation import load_questions
from antenne.bot.matching.matcher import Matcher

from bench.fit_decision import DEV_SET, PUBLIC_SET
from bench.run import DEV, SECOND_SET, synthetic_kb

DIGITS = 9


def question_texts() -> list[str]:
    paths = [DEV_SET, DEV, SECOND_SET] + ([PUBLIC_SET] if PUBLIC_SET.exists() else [])
    return [q.question for path in paths for q in load_questions(path)]


def snapshot(matcher: Matcher, question: str) -> dict[str, object]:
    """Everything a user or an evaluation can see of one answer, and the raw signals behind it."""
    outcome = matcher.match(question)
    _, scored, features = matcher.signals(question)
    themes = [t for t in matcher.kb.themes if any(r.topic == t.id for r in outcome.results)]
    return {
        "question": question,
        "decision": outcome.decision.value,
        "coverage": outcome.coverage,
        "confidence": outcome.confidence,
        "on_topic": outcome.on_topic,
        "certainty": outcome.certainty,
        "english": outcome.english,
        "audience": outcome.audience.value if outcome.audience else None,
        "signals": [list(s) for s in outcome.signals],
        "features": {k: round(v, DIGITS) for k, v in features.items()},
        "results": [
            {
                "id": r.id,
                "kind": r.kind,
                "theme": r.theme,
                "topic": r.topic,
                "score": r.score,
                "fused": round(scored.scores[i], DIGITS) if scored else None,
                "matched": [[m.asked, m.matched, m.via.value, m.in_item] for m in r.matched],
            }
            for r, i in zip(outcome.results, scored.ranked if scored else [], strict=False)
        ],
        "tips": {t.id: [tip.id for tip in _tips(matcher, t, outcome)] for t in themes},
    }


def _tips(matcher: Matcher, theme: Theme, outcome: object) -> list:
    return matcher.rank_tips(theme, outcome.query, audience=outcome.audience)  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--synthetic", type=int, default=0, help="also this many synthetic items")
    args = parser.parse_args()
    kb = load_knowledge_base(default_content_dir())
    if args.synthetic:
        kb = synthetic_kb(kb, args.synthetic)
    matcher = Matcher(kb)
    texts = question_texts()
    first = [snapshot(matcher, q) for q in texts]
    again = [snapshot(matcher, q) for q in texts]  # warm: kept words must not change anything
    if first != again:
        raise SystemExit("outcomes differ between a cold and a warm pass")
    args.out.write_text(json.dumps(first, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{len(first)} outcomes written to {args.out}")


if __name__ == "__main__":
    main()
