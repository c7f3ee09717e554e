"""What keeps `antenne ask` quick to start, checked without timing anything.

A cold `antenne ask` must import only what answering needs: each module it
imports needlessly costs every outside evaluation milliseconds per question.
The installed command reports its imports itself (PYTHONPROFILEIMPORTTIME).
"""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from antenne.bot import cache

from antenne.cli.common import collector_paused, kept_for_good
from antenne.cli.main import COMMAND_GROUPS, build_parser, groups_for

INSTALLED = Path(sys.executable).with_name("antenne")
QUESTION = "raadslid belt me over een budget, wat nu?"

# Never needed to rank a question: the database, the platforms, the event loop, the digest's time zones.
NEVER = {
    *("asyncio", "aiohttp", "sqlalchemy", "aiosqlite", "asyncpg"),
    *("slack_bolt", "slack_sdk", "botbuilder"),
    "zoneinfo",
}
# Answer composition and the other commands: `ask --json` ranks with the matcher alone.
NOT_FOR_JSON = {
    "antenne.bot.service",
    "antenne.bot.answers",
    "logging",
    *(f"antenne.cli.{group}" for group in COMMAND_GROUPS if group != "answers"),
}
# Reading and checking the YAML: a start served from the cache needs neither.
NOT_FROM_CACHE = {"yaml", "antenne.bot.content.loader"}


def imported_by(*args: str, cache_dir: Path | str) -> set[str]:
    env = {**os.environ, cache.CACHE_ENV: str(cache_dir), "PYTHONPROFILEIMPORTTIME": "1"}
    result = subprocess.run([INSTALLED, *args], capture_output=True, text=True, env=env, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("import time:")]
    assert lines, "no import report: is PYTHONPROFILEIMPORTTIME still honoured?"
    return {line.rsplit("|", 1)[1].strip() for line in lines} - {"package"}


def within(modules: set[str], families: set[str]) -> set[str]:
    return {m for m in modules if any(m == f or m.startswith(f + ".") for f in families)}


def test_the_installed_command_is_tested():
    assert INSTALLED.is_file()


def test_ask_json_from_the_cache_imports_only_the_matcher(tmp_path):
    imported_by("ask", "--json", QUESTION, cache_dir=tmp_path)  # fills the cache
    modules = imported_by("ask", "--json", QUESTION, cache_dir=tmp_path)
    assert "antenne.bot.matching.matcher" in modules  # the report is read right
    assert within(modules, NEVER | NOT_FOR_JSON | NOT_FROM_CACHE) == set()


def test_ask_json_without_the_cache_reads_yaml_but_nothing_else_it_does_not_need():
    modules = imported_by("ask", "--json", QUESTION, cache_dir="off")
    assert "yaml" in modules
    assert within(modules, NEVER | NOT_FOR_JSON) == set()


def test_ask_as_text_composes_the_answer_but_opens_no_database(tmp_path):
    modules = imported_by("ask", QUESTION, cache_dir=tmp_path)
    assert "antenne.bot.service" in modules
    assert within(modules, NEVER) == set()


# -- only the named command's parsers are built ------------------------------------------


def commands_of(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    [subparsers] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(subparsers.choices)


def test_each_command_module_adds_the_commands_main_names_for_it():
    for group, commands in COMMAND_GROUPS.items():
        assert sorted(commands_of(build_parser((group,)))) == sorted(commands), group


def test_a_command_parses_and_explains_itself_as_with_every_command_built():
    everything = commands_of(build_parser())
    for name, full in everything.items():
        alone = commands_of(build_parser(groups_for([name, "--help"])))
        assert list(alone) == [c for c in everything if c in alone]
        assert alone[name].format_help() == full.format_help(), name


@pytest.mark.parametrize("argv", [[], ["--help"], ["--version"], ["vraag"], ["-h", "ask"]])
def test_anything_but_a_command_name_gets_every_command(argv):
    assert groups_for(argv) == tuple(COMMAND_GROUPS)


def test_unknown_command_lists_every_command():
    result = subprocess.run([INSTALLED, "vraag", "x"], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    for commands in COMMAND_GROUPS.values():
        for command in commands:
            assert f"'{command}'" in result.stderr


# -- the collector pause ---------------------------------------------------------------


def test_the_collector_pause_restores_what_it_found():
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        assert not gc.isenabled()
        raise RuntimeError
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_what_a_command_keeps_is_frozen_and_the_collector_runs_again():
    try:
        with kept_for_good():
            assert not gc.isenabled()
            kept = [[n] for n in range(1000)]
        assert gc.isenabled()
        assert gc.get_freeze_count() >= len(kept)
    finally:
        gc.unfreeze()


# -- the settings ask validates cheaply --------------------------------------------------


@pytest.mark.parametrize("zone", ["Mars/Olympus", ""])
def test_a_wrong_digest_timezone_is_still_refused(zone):
    env = {**os.environ, "ANTENNE_DIGEST_TIMEZONE": zone}
    result = subprocess.run(
        [INSTALLED, "ask", "--json", QUESTION], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert result.returncode == 2
    assert f"ANTENNE_DIGEST_TIMEZONE='{zone}' is geen bekende tijdzone" in result.stderr


def test_another_valid_digest_timezone_is_accepted():
    env = {**os.environ, "ANTENNE_DIGEST_TIMEZONE": "America/Curacao"}
    result = subprocess.run(
        [INSTALLED, "ask", "--json", QUESTION], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr


# -- the code fingerprint sees every code change, whatever the bytecode cache does -------


@pytest.fixture
def fingerprinted_package(tmp_path, monkeypatch):
    package = tmp_path / "fingerprinted"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "sub" / "code.py").write_text("A = 1\n", encoding="utf-8")
    (package / "sub" / "data.txt").write_text("woord\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(cache, "CODE_PACKAGES", ("fingerprinted",))
    return package


def fingerprint_now() -> bytes:
    return cache.code_fingerprint.__wrapped__()


def test_an_edit_to_code_or_data_changes_the_fingerprint(fingerprinted_package):
    before = fingerprint_now()
    assert fingerprint_now() == before
    code = fingerprinted_package / "sub" / "code.py"
    code.write_text("A = 2\n", encoding="utf-8")  # same size: the time tells
    stamp = time.time_ns() + 1_000_000_000
    os.utime(code, ns=(stamp, stamp))
    edited = fingerprint_now()
    assert edited != before
    (fingerprinted_package / "sub" / "data.txt").write_text("woorden\n", encoding="utf-8")
    assert fingerprint_now() != edited


def test_bytecode_and_other_files_do_not_change_the_fingerprint(fingerprinted_package):
    before = fingerprint_now()
    (fingerprinted_package / "sub" / "__pycache__").mkdir()
    (fingerprinted_package / "sub" / "__pycache__" / "code.cpython-311.pyc").write_bytes(b"\0")
    (fingerprinted_package / "notes.md").write_text("x", encoding="utf-8")
    assert fingerprint_now() == before
