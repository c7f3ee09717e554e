"""Fit the answer/unsure/off-topic decision and report it cross-validated.

Run: .venv/bin/python bench/fit_decision.py [--write] [--folds 5] [--set tests/data/dev-set.yaml]

The procedure (documented here so it can be repeated, not tuned by hand):

1. Every question of the development set is matched once; the ranking does not
   depend on the decision model, so its signals (matcher.FEATURES) are fixed.
2. Two logistic regressions with L2 penalty, fitted by Newton's method on
   standardised signals:
   * on_topic: label 1 for an on-topic question;
   * correct: label 1 when the question is on-topic and the first result is right.
3. Thresholds are chosen on the training questions only, by fixed rules:
   * on_topic: the highest threshold at which at most MAX_FALSE_ABSTENTION of the on-topic
     training questions would be declined. Telling an on-topic question that it is off-topic
     is the worst mistake (the issue's first class), so it is a limit, not a cost to trade;
     within it, as many off-topic questions as possible are declined. (A weighted cost of
     both mistakes, used before, moved its threshold with every small change of the signals.)
   * correct: the lowest threshold at which at most MAX_CONFIDENTLY_WRONG of all
     training questions would be answered outright and wrongly.
4. Grouped K-fold cross-validation: whole situation `group`s are held out, so no
   paraphrase of a held-out situation is seen in training. Off-topic questions are
   each their own situation (the set files them under two broad groups, "near" and
   "far"; holding out all near-domain ones at once would leave a fold without any).
   The printed numbers are those of the held-out questions, decided by the real
   Matcher with the fold's model.
5. With --write, the model fitted on all questions goes to bot/matching/decision.json.
   The development set is never read at run time.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from antenne.bot.content.cached import load_knowledge_base
from antenne.bot.content.paths import default_content_dir
from antenne.bot.evaluation import EvalQuestion, format_report, is_right, known_questions, load_questions, report_for
from antenne.bot.matching.decision import FEATURES, DecisionModel, Logistic
from antenne.bot.matching.matcher import Matcher
from antenne.bot.text import tokens

from tests.test_evaluation import typo

DEV_SET = ROOT / "tests" / "data" / "dev-set.yaml"
MODEL_FILE = ROOT / "bot" / "matching" / "decision.json"
L2 = 1.0
MAX_FALSE_ABSTENTION = 0.02
MAX_CONFIDENTLY_WRONG = 0.03
GRID = [i / 100 for i in range(2, 99)]
# Which signals each model may use; the others get weight 0. "Is this our subject?" should
# not hinge on how well one item's example questions happen to be phrased.
ON_TOPIC_FEATURES = ("score", "coverage", "domain", "domain_mass", "strongest", "foreign")
CORRECT_FEATURES = FEATURES
# ../shared beside the checkout; a worktree sits one level deeper.
PUBLIC_SET = next(
    (
        p
        for p in (ROOT.parent / "shared" / "eval" / "public.yaml", ROOT.parents[1] / "shared" / "eval" / "public.yaml")
        if p.exists()
    ),
    ROOT.parent / "shared" / "eval" / "public.yaml",
)


@dataclass(frozen=True)
class Sample:
    question: EvalQuestion
    features: tuple[float, ...]
    on_topic: bool
    correct: bool
    fold_key: str
    typo_variant: bool = False  # trains the fit only; never reported


def with_typo_variants(questions: list[EvalQuestion], seed: int = 11) -> list[tuple[EvalQuestion, bool]]:
    """Each question, and for each on-topic one a variant with one mistyped word.

    About one in seven real questions has a typo (the recipe), and a typo must not make
    an on-topic question look foreign; the fit sees both forms of each situation, in the
    same fold. Cross-validated numbers are reported on the questions as written only.
    """
    rng = random.Random(seed)
    found = [(q, False) for q in questions]
    for q in questions:
        words = tokens(q.question)
        long_words = [i for i, w in enumerate(words) if len(w) >= 6]
        if q.expect and long_words:
            chosen = rng.choice(long_words)
            words[chosen] = typo(words[chosen], rng)
            found.append((EvalQuestion(" ".join(words), q.expect, q.group, q.role), True))
    return found


def samples(matcher: Matcher, questions: list[EvalQuestion]) -> list[Sample]:
    found = []
    for n, (q, variant) in enumerate(with_typo_variants(questions)):
        _, _, features = matcher.signals(q.question)
        outcome = matcher.match(q.question)
        first_right = bool(q.expect and outcome.results and is_right(outcome.results[0], q.expect))
        vector = tuple(features[f] for f in FEATURES) if features else tuple(0.0 for _ in FEATURES)
        key = q.group if q.expect and q.group else f"single-{n}"
        found.append(Sample(q, vector, bool(q.expect), first_right, key, variant))
    return found


def fit_logistic(x: np.ndarray, y: np.ndarray, use: tuple[str, ...]) -> tuple[np.ndarray, float]:
    """L2-penalised logistic regression on standardised columns; weights returned on the raw scale."""
    mask = np.array([f in use for f in FEATURES], dtype=float)
    x = x * mask
    mean, std = x.mean(axis=0), x.std(axis=0)
    std[std == 0] = 1.0
    z = np.hstack([np.ones((len(x), 1)), (x - mean) / std])
    w = np.zeros(z.shape[1])
    penalty = np.eye(z.shape[1]) * L2
    penalty[0, 0] = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-np.clip(z @ w, -30, 30)))
        gradient = z.T @ (p - y) + penalty @ w
        hessian = z.T @ (z * (p * (1 - p))[:, None]) + penalty
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    weights = w[1:] / std * mask
    return weights, float(w[0] - (weights * mean).sum())


def probabilities(x: np.ndarray, weights: np.ndarray, bias: float) -> np.ndarray:
    return 1 / (1 + np.exp(-np.clip(x @ weights + bias, -30, 30)))


def declined(p_on: np.ndarray, on: np.ndarray, threshold: float) -> float:
    """Share of the on-topic questions a threshold would call off-topic."""
    return ((p_on < threshold) & (on == 1)).sum() / max(on.sum(), 1)


def fit(train: list[Sample]) -> DecisionModel:
    """The typo variants teach the on-topic model only; the rest is fitted on the questions as written."""
    x = np.array([s.features for s in train])
    on = np.array([s.on_topic for s in train], dtype=float)
    w_on, b_on = fit_logistic(x, on, ON_TOPIC_FEATURES)
    p_on = probabilities(x, w_on, b_on)
    t_on = max((t for t in GRID if declined(p_on, on, t) <= MAX_FALSE_ABSTENTION), default=GRID[0])
    written = [s for s in train if not s.typo_variant]
    x = np.array([s.features for s in written])
    right = np.array([s.correct for s in written], dtype=float)
    w_ok, b_ok = fit_logistic(x, right, CORRECT_FEATURES)
    p_on, p_ok = probabilities(x, w_on, b_on), probabilities(x, w_ok, b_ok)
    passed = p_on >= t_on
    t_ok = next(
        (t for t in GRID if (passed & (p_ok >= t) & (right == 0)).sum() / len(written) <= MAX_CONFIDENTLY_WRONG),
        GRID[-1],
    )
    return DecisionModel(
        FEATURES,
        Logistic(tuple(map(float, w_on)), b_on, t_on),
        Logistic(tuple(map(float, w_ok)), b_ok, t_ok),
    )


def folds(found: list[Sample], k: int, seed: int = 7) -> list[set[str]]:
    keys = sorted({s.fold_key for s in found})
    random.Random(seed).shuffle(keys)
    return [set(keys[i::k]) for i in range(k)]


def cross_validate(matcher: Matcher, found: list[Sample], k: int) -> tuple[list[EvalQuestion], list]:
    shipped = matcher.model
    questions, outcomes = [], []
    for held_out in folds(found, k):
        matcher.model = fit([s for s in found if s.fold_key not in held_out])
        for s in found:
            if s.fold_key in held_out and not s.typo_variant:
                questions.append(s.question)
                outcomes.append(matcher.match(s.question.question))
    matcher.model = shipped
    return questions, outcomes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="store the model fitted on all questions")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--set", type=Path, default=DEV_SET)
    parser.add_argument("--misses", action="store_true")
    args = parser.parse_args()

    matcher = Matcher(load_knowledge_base(default_content_dir()))
    questions, skipped = known_questions(matcher, load_questions(args.set))
    found = samples(matcher, questions)
    cv_questions, cv_outcomes = cross_validate(matcher, found, args.folds)
    print(f"== {args.folds}-voudige kruisvalidatie, hele groepen apart gehouden ==")
    print(format_report(report_for(cv_questions, cv_outcomes, skipped), misses=args.misses))
    model = fit(found)
    print("\n== model op alle vragen ==")
    print(json.dumps(model.to_json(), indent=1))
    if PUBLIC_SET.exists():
        matcher.model = model
        public, _ = known_questions(matcher, load_questions(PUBLIC_SET))
        print("\n== public.yaml met dit model ==")
        print(format_report(report_for(public, [matcher.match(q.question) for q in public]), misses=args.misses))
    if args.write:
        MODEL_FILE.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
        print(f"geschreven: {MODEL_FILE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
