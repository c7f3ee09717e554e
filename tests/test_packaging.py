"""The wheel's layout: every package folder installed under `antenne`, data included."""

from __future__ import annotations

import tomllib
from pathlib import Path

from antenne.bot.content.paths import default_content_dir

import antenne

REPO = Path(__file__).resolve().parents[1]
MAPPED = {"bot": "antenne.bot", "adapters": "antenne.adapters", "antenne": "antenne"}


def _declared() -> tuple[set[str], dict[str, str]]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    return set(config["packages"]), config["package-dir"]


def test_every_package_folder_is_listed_for_the_wheel() -> None:
    declared, _ = _declared()
    found = set()
    for folder, name in MAPPED.items():
        for init in (REPO / folder).rglob("__init__.py"):
            relative = init.parent.relative_to(REPO / folder).parts
            found.add(".".join((name, *relative)))
    assert found - declared == set(), "add these to [tool.setuptools] packages in pyproject.toml"


def test_the_package_dirs_point_at_the_repository_folders() -> None:
    _, package_dir = _declared()
    assert package_dir == {"antenne": "antenne", "antenne.bot": "bot", "antenne.adapters": "adapters",
                           "antenne.content": "content"}


def test_content_is_found_through_the_package() -> None:
    content = default_content_dir()
    assert (content / "cases").is_dir() and (content / "synonyms.yaml").is_file()


def test_version_is_a_release_number() -> None:
    assert antenne.__version__.count(".") == 2
