"""Interactive terminal chat: typed lines in, plain-text answers out."""

from __future__ import annotations

from typing import TextIO

from antenne.bot.answers.model import ActionKind, Answer
from antenne.bot.answers.render_text import render_text
from antenne.bot.service import Antenne

CHAT_HELP = (
    "Typ je vraag. Verder: 'tip [onderwerp]', 'meer', 'andere tip', 'waarom', een nummer om een "
    "keuze of voorbeeldvraag te kiezen, '+' of '-' als feedback, 'help', of 'stop'."
)
# Words typed in the console that press a button of the previous answer.
SHORTCUTS = {
    "meer": ActionKind.MORE,
    "andere tip": ActionKind.OTHER_TIP,
    "waarom": ActionKind.WHY,
    "+": ActionKind.FEEDBACK_UP,
    "-": ActionKind.FEEDBACK_DOWN,
}
STOP_WORDS = {"stop", "exit", "quit", "doei", "q"}


def _button(antenne: Antenne, last: Answer | None, typed: str) -> Answer | None:
    """The answer to pressing a button of `last` by typing its shortcut or number."""
    if last is None:
        return None
    if typed in SHORTCUTS:
        action = next((a for a in last.actions if a.kind is SHORTCUTS[typed]), None)
        return antenne.act(action.value) if action else None
    if typed.isdigit():
        index = int(typed) - 1
        if last.offers_options:
            options = [a for a in last.actions if a.kind in (ActionKind.CHOOSE, ActionKind.NONE_OF_THESE)]
            return antenne.act(options[index].value) if 0 <= index < len(options) else None
        if 0 <= index < len(last.suggestions):
            return antenne.ask(last.suggestions[index])
    return None


def chat(antenne: Antenne, stdin: TextIO, stdout: TextIO, interactive: bool) -> int:
    def say(text: str) -> None:
        stdout.write(text + "\n")
        stdout.flush()

    say("Antenne — je bestuurlijke antenne. " + CHAT_HELP)
    last: Answer | None = None
    while True:
        if interactive:
            stdout.write("\njij> ")
            stdout.flush()
        line = stdin.readline()
        if not line:
            say("")
            return 0
        typed = line.strip()
        if typed.lower() in STOP_WORDS:
            say("Tot ziens!")
            return 0
        answer = _button(antenne, last, typed.lower()) or antenne.reply(typed)
        say("\n" + render_text(answer))
        if answer.actions:
            last = answer
