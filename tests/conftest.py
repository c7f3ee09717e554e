from __future__ import annotations

import random
from pathlib import Path

import pytest

from bot.content.loader import load_knowledge_base
from bot.content.model import KnowledgeBase
from bot.content.paths import default_content_dir
from bot.service import Antenne

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
PUBLIC_EVAL = SHARED / "eval" / "public.yaml"
INVENTORY = SHARED / "content-inventory.yaml"
DEV_EVAL = REPO / "tests" / "data" / "dev-questions.yaml"


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge_base(default_content_dir())


@pytest.fixture(scope="session")
def antenne(kb: KnowledgeBase) -> Antenne:
    return Antenne(kb, rng=random.Random(7))
