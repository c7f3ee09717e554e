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

import importlib
import os
import pickle
import stat
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from antenne.bot.collector import collector_paused

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
    """The package version and the name, size and modification time of the code and data that shape cached objects.

    The version alone is not enough: an editable install changes code without one.
    Size and time are what Python itself trusts to tell a stale .pyc, and reading
    every file instead would cost each start a few milliseconds.
    """
    import hashlib  # here, as in fingerprint(): with the cache off, nothing is hashed

    digest = hashlib.sha256(antenne.__version__.encode())
    for package in CODE_PACKAGES:
        folder = os.path.dirname(importlib.import_module(package).__file__ or "")
        for relative, info in sorted(_code_files(folder, "")):
            digest.update(f"{relative}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    return digest.digest()


def _code_files(folder: str, prefix: str) -> Iterator[tuple[str, os.stat_result]]:
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir() and entry.name != "__pycache__":
                yield from _code_files(entry.path, f"{prefix}{entry.name}/")
            elif entry.name.endswith(CODE_SUFFIXES) and entry.is_file():
                yield f"{prefix}{entry.name}", entry.stat()


def fingerprint(kind: str, parts: Iterable[bytes]) -> str:
    import hashlib

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
            return _unpickle(handle.read())
    except Exception:
        return None


def _unpickle(data: bytes) -> object:
    """Without the cyclic collector: it would walk the growing object graph again and again, finding nothing to free."""
    with collector_paused():
        return pickle.loads(data)  # noqa: S301 - our own, private folder (see _trusted)


def store(kind: str, key: str, value: object) -> None:
    """Write atomically (temporary file, then rename), so a reader never sees half a file."""
    folder = cache_dir()
    if folder is None:
        return
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _trusted(folder):
            return
        import tempfile  # here: a start served from the cache never writes

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
    if cache_dir() is None:  # switched off: not even the inputs are read
        return build()
    key = fingerprint(kind, parts)
    found = load(kind, key)
    if isinstance(found, expected):
        return found
    value = build()
    store(kind, key, value)
    return value
