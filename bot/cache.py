"""A disk cache for what start-up builds: the loaded knowledge base and the matcher.

`antenne ask` is a short-lived process, and reading the YAML and building the
index cost more than answering. Both depend only on the content, on our code and
on a few settings, so we keep them pickled under a key that hashes all of those.

The cache is an optimisation only. Anything unexpected (no home folder, a
read-only file system, a truncated or foreign file, another version's classes)
makes us build as if it were absent; nothing here may raise. A pickle runs code
when loaded, so we read only files in a folder that belongs to this user and that
nobody else may write to.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import pickle
import stat
import tempfile
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import antenne

T = TypeVar("T")

CACHE_ENV = "ANTENNE_CACHE_DIR"  # a folder, or "off" to disable the cache
DISABLED = ("off", "0", "false", "no")
# The code whose output we cache: a change to any of these makes every entry stale.
CODE_PACKAGES = ("antenne.bot",)
CODE_SUFFIXES = (".py", ".json", ".txt")
KEEP_ENTRIES = 8


def cache_dir() -> Path | None:
    """Where entries live: $ANTENNE_CACHE_DIR, else $XDG_CACHE_HOME/antenne, else ~/.cache/antenne."""
    configured = os.environ.get(CACHE_ENV, "").strip()
    if configured.lower() in DISABLED:
        return None
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    if base:
        return Path(base) / "antenne"
    try:
        return Path.home() / ".cache" / "antenne"
    except RuntimeError:  # no home folder (some containers)
        return None


@lru_cache(maxsize=1)
def code_fingerprint() -> bytes:
    """The package version and the bytes of the code and data that shape cached objects.

    The version alone is not enough: an editable install changes code without one.
    """
    digest = hashlib.sha256(antenne.__version__.encode())
    for package in CODE_PACKAGES:
        folder = Path(importlib.import_module(package).__file__ or "").parent
        for path in sorted(folder.rglob("*")):
            if path.suffix in CODE_SUFFIXES and "__pycache__" not in path.parts:
                digest.update(path.relative_to(folder).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.digest()


def fingerprint(kind: str, parts: Iterable[bytes]) -> str:
    digest = hashlib.sha256(kind.encode())
    digest.update(code_fingerprint())
    for part in parts:
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    return digest.hexdigest()


def _trusted(folder: Path) -> bool:
    """Only our own folder, writable by us alone: a pickle from anyone else could run their code."""
    info = folder.stat()
    owned = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return stat.S_ISDIR(info.st_mode) and owned and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def load(kind: str, key: str) -> object | None:
    folder = cache_dir()
    if folder is None:
        return None
    path = folder / f"{kind}-{key}.pickle"
    try:
        if not path.is_file() or not _trusted(folder):
            return None
        with path.open("rb") as handle:
            return pickle.load(handle)  # noqa: S301 - our own, private folder (see _trusted)
    except Exception:
        return None


def store(kind: str, key: str, value: object) -> None:
    """Write atomically (temporary file, then rename), so a reader never sees half a file."""
    folder = cache_dir()
    if folder is None:
        return
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _trusted(folder):
            return
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{kind}-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, folder / f"{kind}-{key}.pickle")
        except BaseException:
            os.unlink(temporary)
            raise
        _prune(folder, kind)
    except Exception:
        return


def _prune(folder: Path, kind: str) -> None:
    """Keep the newest entries of a kind: tests and editors switch content now and then."""
    entries = sorted(folder.glob(f"{kind}-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP_ENTRIES:]:
        old.unlink(missing_ok=True)


def cached(kind: str, parts: Iterable[bytes], build: Callable[[], T], expected: type[T]) -> T:
    """The cached value for these inputs, or build (and keep) it."""
    key = fingerprint(kind, parts)
    found = load(kind, key)
    if isinstance(found, expected):
        return found
    value = build()
    store(kind, key, value)
    return value
