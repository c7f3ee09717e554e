"""The thesaurus as editors maintain it: `antenne content check` says what is wrong with an entry."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from antenne.bot.content.cached import load_knowledge_base
from antenne.bot.content.issues import ContentError
from antenne.bot.content.paths import default_content_dir


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(default_content_dir(), target)
    return target


def add_groups(root: Path, *groups: str) -> None:
    path = root / "synonyms.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "".join(f"  - {g}\n" for g in groups), encoding="utf-8")


def problems(root: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_knowledge_base(root)
    return [str(i) for i in caught.value.issues]


def test_the_shipped_thesaurus_is_valid_and_large(kb):
    assert len(kb.synonym_groups) >= 90
    entries = {entry.casefold() for group in kb.synonym_groups for entry in group}
    assert {"gemsec", "b&w", "gs", "rib", "mt", "or", "od", "rud", "sg", "p&c-cyclus", "jaarstukken", "pfh"} <= entries
    assert {"met de billen bloot", "in de wielen rijden", "voor het blok zetten"} <= entries


@pytest.mark.parametrize(
    ("group", "message"),
    [
        ("[de, het]", "geen woord waarop Antenne kan zoeken"),
        ("[bilat, '---']", "geen woord waarop Antenne kan zoeken"),
        ("[kort, een heel erg lange omschrijving van iets simpels]", "hoogstens 6 woorden"),
        ("[tomaat, Tomaat]", "staat twee keer in deze groep"),
        ("[wethouder, schepen]", "staat ook in groep"),
        ("[alleen]", "minstens twee woorden"),
    ],
)
def test_bad_entries_are_named(content_copy, group, message):
    add_groups(content_copy, group)
    found = problems(content_copy)
    assert any("synonyms.yaml" in p and message in p for p in found), found


def test_content_check_command_reports_a_bad_entry(content_copy):
    add_groups(content_copy, "[de, het]")
    result = subprocess.run(
        [sys.executable, "-m", "antenne", "content", "check", str(content_copy)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "geen woord waarop Antenne kan zoeken" in result.stdout + result.stderr
