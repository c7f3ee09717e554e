"""The start-up cache (bot/cache.py) speeds `antenne ask` up and never changes an answer."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from antenne.bot import cache
from antenne.bot.content.cached import load_knowledge_base
from antenne.bot.content.paths import default_content_dir
from antenne.bot.matching.matcher import Matcher, cached_matcher

QUESTION = "raadslid belt over budget"


def ask(cache_dir: Path, content: Path | None = None, question: str = QUESTION) -> dict:
    env = {**os.environ, cache.CACHE_ENV: str(cache_dir)}
    if content is not None:
        env["ANTENNE_CONTENT_DIR"] = str(content)
    result = subprocess.run(
        [sys.executable, "-m", "antenne", "ask", "--json", question],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.pickle"))


def test_second_ask_uses_the_cache_and_answers_the_same(tmp_path):
    folder = tmp_path / "cache"
    first = ask(folder)
    assert {p.name.split("-")[0] for p in entries(folder)} == {"content", "matcher"}
    written = {p: p.stat().st_mtime_ns for p in entries(folder)}
    assert ask(folder) == first
    assert {p: p.stat().st_mtime_ns for p in entries(folder)} == written  # read, not rebuilt


def test_edited_content_is_rebuilt(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(default_content_dir(), content)
    folder = tmp_path / "cache"
    before = ask(folder, content)
    case = content / "cases" / f"{before['results'][0]['id']}.yaml"
    old_title = before["results"][0]["title"]
    case.write_text(case.read_text(encoding="utf-8").replace(old_title, "Een nieuwe titel", 1), encoding="utf-8")
    after = ask(folder, content)
    assert after["results"][0]["title"] == "Een nieuwe titel"


def test_garbage_in_the_cache_is_rebuilt_without_a_crash(tmp_path):
    folder = tmp_path / "cache"
    expected = ask(folder)
    for entry in entries(folder):
        entry.write_bytes(b"\x80\x05 geen pickle")
    assert ask(folder) == expected
    for entry in entries(folder):  # replaced by a good entry
        assert not entry.read_bytes().startswith(b"\x80\x05 geen")


def test_unwritable_cache_location_is_ignored(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    assert ask(blocker / "cache") == ask(tmp_path / "cache")
    assert ask(Path("off"))["results"]


def test_folder_others_may_write_is_not_trusted(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path))
    cache.store("probe", "key", {"a": 1})
    assert cache.load("probe", "key") == {"a": 1}
    tmp_path.chmod(0o777)
    assert cache.load("probe", "key") is None


@pytest.fixture(scope="module")
def knowledge_base():
    return load_knowledge_base(default_content_dir())


def test_cached_matcher_ranks_like_a_fresh_one(tmp_path, monkeypatch, knowledge_base):
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path))
    cached_matcher(knowledge_base)  # builds and stores
    from_disk = cached_matcher(knowledge_base)
    fresh = Matcher(knowledge_base)
    for question in (QUESTION, "hoe zeg ik nee tegen mn wethoudr", "wat kost een paspoort"):
        assert from_disk.match(question) == fresh.match(question)
