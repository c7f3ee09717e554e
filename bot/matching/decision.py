"""Decide what to do with a ranking: answer, offer options, or say it is off-topic.

Two small logistic models, fitted by bench/fit_decision.py with grouped
cross-validation on tests/data/dev-set.yaml and stored in decision.json:

* `on_topic`: is the question about our subject at all? Below its threshold we
  say so honestly (not answered); above it we never call a question off-topic.
* `correct`: is the first result the right one? Above its threshold we answer;
  below it we show the best options ("Ik weet niet zeker wat je bedoelt").

The dev set is never read at run time; only the fitted numbers are.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import mul
from pathlib import Path

FEATURES = ("score", "margin", "coverage", "domain", "domain_mass", "similarity", "length", "strongest", "foreign")


@dataclass(frozen=True)
class Logistic:
    weights: tuple[float, ...]
    bias: float
    threshold: float

    def probability(self, features: Sequence[float]) -> float:
        if len(features) != len(self.weights):
            raise ValueError(f"{len(features)} kenmerken voor {len(self.weights)} gewichten")
        z = self.bias + sum(map(mul, self.weights, features))  # the products summed in order, in C
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@dataclass(frozen=True)
class DecisionModel:
    features: tuple[str, ...]
    on_topic: Logistic
    correct: Logistic

    def vector(self, values: Mapping[str, float]) -> tuple[float, ...]:
        return tuple(map(values.__getitem__, self.features))

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> DecisionModel:
        def logistic(part: object) -> Logistic:
            if not isinstance(part, dict):
                raise ValueError("decision.json: verwacht een object per model")
            return Logistic(tuple(float(w) for w in part["weights"]), float(part["bias"]), float(part["threshold"]))

        features = tuple(str(f) for f in data["features"])  # type: ignore[union-attr]
        unknown = set(features) - set(FEATURES)
        if unknown:
            raise ValueError(f"decision.json: onbekende kenmerken {sorted(unknown)}")
        return cls(features, logistic(data["on_topic"]), logistic(data["correct"]))

    def to_json(self) -> dict[str, object]:
        def part(model: Logistic) -> dict[str, object]:
            return {
                "weights": [round(w, 6) for w in model.weights],
                "bias": round(model.bias, 6),
                "threshold": round(model.threshold, 6),
            }

        return {"features": list(self.features), "on_topic": part(self.on_topic), "correct": part(self.correct)}


@lru_cache(maxsize=1)
def shipped_model() -> DecisionModel:
    raw = Path(__file__).with_name("decision.json").read_text(encoding="utf-8")  # package data
    return DecisionModel.from_json(json.loads(raw))
