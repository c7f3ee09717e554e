"""Run `antenne serve` with every matching call answered from memory: the CPU outside matching.

Run: BENCH_PROFILE=bench/outside_matching.py .venv/bin/python bench/slack_load.py

bench/slack_load.py puts BENCH_PROFILE between the interpreter and `-m antenne
serve`, so this script starts the server itself, after wrapping the matcher's
calls (match, analyse, rank_tips, best_tip) and the asker's role in memos keyed
on their arguments. The burst cycles a few questions, so after the warm-up
matching costs next to nothing and "the server used N CPU s" is what the Slack
path, the store and answer composition cost. A measurement aid only: the
product never caches answers or matches.
"""

from __future__ import annotations

import runpy
import sys
from collections.abc import Callable
from typing import Any

import antenne.bot.service as service


def memo(function: Callable[..., Any]) -> Callable[..., Any]:
    """Remember results by argument identity (strings by value); lists come back as copies, callers pop them."""
    results: dict[tuple[object, ...], Any] = {}

    def remembered(*args: Any, **kwargs: Any) -> Any:
        key = (
            tuple(a if isinstance(a, str) else id(a) for a in args),
            tuple((k, v if isinstance(v, str) else id(v)) for k, v in kwargs.items()),
        )
        if key not in results:
            results[key] = function(*args, **kwargs)
        result = results[key]
        return list(result) if isinstance(result, list) else result

    return remembered


def remember_matching() -> None:
    original_init = service.Antenne.__init__

    def init(self: service.Antenne, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        matcher = self.matcher
        for name in ("match", "analyse", "rank_tips", "best_tip"):
            setattr(matcher, name, memo(getattr(matcher, name)))

    service.Antenne.__init__ = init  # type: ignore[method-assign]
    service.asker_role = memo(service.asker_role)


def main() -> None:
    if sys.argv[1:2] != ["-m"] or len(sys.argv) < 3:
        raise SystemExit("usage: python bench/outside_matching.py -m antenne serve")
    module = sys.argv[2]
    sys.argv = [module, *sys.argv[3:]]
    remember_matching()
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
