"""The shape the design card asks for, checked so it stays: a neutral core, no import loops, short functions."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = {"bot": "antenne.bot", "adapters": "antenne.adapters", "antenne": "antenne"}
MAX_FUNCTION_LINES = 60
PLATFORM_WORDS = re.compile(r"slack|teams|botbuilder|block kit|adaptive card", re.IGNORECASE)


def sources(*roots: str) -> list[Path]:
    return sorted(path for root in roots for path in (REPO / root).rglob("*.py"))


def module_name(path: Path) -> str:
    root, *rest = path.relative_to(REPO).with_suffix("").parts
    parts = [PACKAGES[root], *rest]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def folder_of(module: str) -> str:
    """The folder a module belongs to: antenne.bot.store.ledger -> antenne.bot.store; a top module is its own."""
    parts = module.split(".")
    return ".".join(parts[:3]) if len(parts) > 3 else module


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("antenne")}


def test_the_core_never_imports_an_adapter_or_the_command_line():
    offenders = [
        f"{path.relative_to(REPO)} imports {name}"
        for path in sources("bot")
        for name in imported_modules(path)
        if name.startswith(("antenne.adapters", "antenne.cli"))
    ]
    assert offenders == []


def test_the_core_names_no_platform():
    offenders = [
        f"{path.relative_to(REPO)}:{number}"
        for path in sources("bot")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if PLATFORM_WORDS.search(line)
    ]
    assert offenders == []


def test_no_folder_imports_a_folder_that_imports_it_back():
    edges: dict[str, set[str]] = defaultdict(set)
    for path in sources("bot", "adapters"):
        here = folder_of(module_name(path))
        for name in imported_modules(path):
            there = folder_of(name)
            if there != here:
                edges[here].add(there)
    loops = sorted({tuple(sorted((a, b))) for a, targets in edges.items() for b in targets if a in edges.get(b, ())})
    assert loops == []


@pytest.mark.parametrize("root", ["bot", "adapters", "antenne"])
def test_no_function_is_longer_than_sixty_lines(root):
    long = [
        f"{path.relative_to(REPO)}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for path in sources(root)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert long == []
