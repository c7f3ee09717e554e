"""`antenne ask`, `antenne tip` and `antenne eval`: the matcher from the command line.

This path must start fast: no asyncio, aiohttp, SQLAlchemy or platform SDKs here.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from antenne.bot.errors import UsageError
from antenne.cli.common import AddParser, antenne_for, kept_for_good, knowledge_base, matcher_for, say, settings


def _questions(args: argparse.Namespace) -> Iterable[str]:
    return (line.rstrip("\r\n") for line in sys.stdin) if args.question == ["-"] else [" ".join(args.question)]


def cmd_ask(args: argparse.Namespace) -> int:
    with kept_for_good():  # what this imports and loads stays until the command ends
        reply = _json_replies() if args.json else _text_replies(separated=args.question == ["-"])
    for question in _questions(args):
        say(reply(question))
    return 0


def _json_replies() -> Callable[[str], str]:
    """Ranking only: the matcher without the answer service, the quickest start (see matcher_for)."""
    import json

    from antenne.bot.matching.matcher import outcome_json

    matcher = matcher_for(settings())
    return lambda question: json.dumps(outcome_json(question, matcher.match(question)), ensure_ascii=False)


def _text_replies(separated: bool) -> Callable[[str], str]:
    """The answer as the console shows it; answers to questions from stdin are separated by a blank line."""
    from antenne.bot.answers.render_text import render_text

    antenne = antenne_for(settings())
    return lambda question: render_text(antenne.ask(question)) + ("\n" if separated else "")


def cmd_tip(args: argparse.Namespace) -> int:
    with kept_for_good():
        from antenne.bot.answers.render_text import render_text

        antenne = antenne_for(settings())
    say(render_text(antenne.tip(" ".join(args.topic)), show_actions=False))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    import yaml

    from antenne.bot.evaluation import evaluate, format_report, load_questions
    from antenne.bot.matching.matcher import Matcher

    config = settings()
    path = Path(args.file)
    try:
        questions = load_questions(path)
    except OSError as exc:
        raise UsageError(f"Kan de vragenset '{path}' niet lezen: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" (regel {where.line + 1}, kolom {where.column + 1})" if where is not None else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise UsageError(f"De vragenset '{path}' is geen geldige YAML{line}: {problem}") from exc
    except ValueError as exc:
        raise UsageError(f"Kan de vragenset niet gebruiken: {exc}") from exc
    matcher = Matcher(knowledge_base(config.content_dir), max_question_chars=config.max_question_chars)
    say(format_report(evaluate(matcher, questions)))
    return 0


def add_commands(add_parser: AddParser) -> None:
    ask = add_parser("ask", help="beantwoord één vraag (of '-' voor één vraag per regel van stdin)")
    ask.add_argument("--json", action="store_true", help="print JSON (stabiel formaat voor evaluaties)")
    ask.add_argument("question", nargs="+", help="de vraag, of '-' voor stdin")
    ask.set_defaults(func=cmd_ask)

    tip = add_parser("tip", help="een tip: willekeurig, over een onderwerp of voor een doelgroep")
    tip.add_argument("topic", nargs="*", help="onderwerp of doelgroep (ambtenaar, topambtenaar, bestuurder)")
    tip.set_defaults(func=cmd_tip)

    ev = add_parser("eval", help="meet top-1, top-3 en abstention op een vragenset")
    ev.add_argument("file", help="YAML in het formaat van shared/eval/public.yaml")
    ev.set_defaults(func=cmd_eval)
