"""Interactive terminal chat: typed lines in, plain-text answers out.

The terminal has no buttons: a shortcut word or a number presses one. Feedback
(+ or -) goes to the same store the platforms write to, so `antenne report`
counts it; when there is no store for it, the chat says so instead of thanking.
"""

from __future__ import annotations

import contextlib
import dataclasses
import textwrap
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from antenne.bot.answers.actions import decode
from antenne.bot.answers.compose import notice
from antenne.bot.answers.model import ActionKind, Answer
from antenne.bot.answers.render_text import WIDTH, render_text
from antenne.bot.errors import AntenneError
from antenne.bot.service import HELP_WORDS, Antenne

if TYPE_CHECKING:
    from antenne.bot.config import Settings

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
FEEDBACK = {ActionKind.FEEDBACK_UP: 1, ActionKind.FEEDBACK_DOWN: -1}
STOP_WORDS = {"stop", "exit", "quit", "doei", "q"}
NONE_OF_THESE = "Geen van deze"
PROMPT = "\njij> "

NO_DIGEST = notice(
    "Digest niet in de terminal",
    "De wekelijkse digest komt in een Slack-kanaal of Teams-gesprek. Zet hem daar aan met "
    "'/tip digest aan' (Slack) of 'digest aan' (Teams).",
)
NOT_STORED = notice(
    "Feedback niet bewaard",
    "In deze chat bewaar ik geen feedback (--no-store). Geef je duimpje gerust in Slack of Teams.",
)

FeedbackStore = Callable[[str, int], None]  # raises AntenneError when the vote cannot be kept


def welcome() -> str:
    return textwrap.fill("Antenne — je bestuurlijke antenne. " + CHAT_HELP, WIDTH, break_on_hyphens=False)


def chat_help(antenne: Antenne) -> Answer:
    """The bot's help without what only a channel can do (the digest), plus the terminal's shortcuts."""
    full = antenne.help("tip")
    sections = tuple(
        dataclasses.replace(s, bullets=tuple(b for b in s.bullets if "digest" not in b.lower())) for s in full.sections
    )
    return dataclasses.replace(full, sections=sections, intro=CHAT_HELP, actions=())


def numbered(answer: Answer) -> Answer:
    """An ambiguous answer lists its options; 'Geen van deze' gets the next number."""
    if answer.offers_options and any(a.kind is ActionKind.NONE_OF_THESE for a in answer.actions):
        return dataclasses.replace(answer, suggestions=(*answer.suggestions, NONE_OF_THESE))
    return answer


def _choices(last: Answer) -> list[Callable[[Antenne], Answer]]:
    """What each number of `last` does, in the order shown."""
    if last.offers_options:
        options = [a for a in last.actions if a.kind in (ActionKind.CHOOSE, ActionKind.NONE_OF_THESE)]
        return [lambda antenne, value=a.value: antenne.act(value) for a in options]
    return [lambda antenne, q=q: antenne.ask(q) for q in last.suggestions]


class Session:
    """One conversation: the last answer (whose buttons the next line may press) and where votes go."""

    def __init__(self, antenne: Antenne, feedback: FeedbackStore | None) -> None:
        self.antenne = antenne
        self.feedback = feedback
        self.last: Answer | None = None

    def respond(self, typed: str) -> Answer:
        lowered = typed.lower()
        if lowered in HELP_WORDS:
            return chat_help(self.antenne)
        if lowered.split()[:1] == ["digest"]:
            return NO_DIGEST
        button = self._button(lowered)
        if button is not None:
            return button
        if lowered in ("+", "-"):
            return notice("Feedback", "Waarover? Stel eerst een vraag; '+' of '-' gaat over het laatste antwoord.")
        return self.antenne.reply(typed, command="tip")

    def _button(self, typed: str) -> Answer | None:
        """The answer to pressing a button of the last answer by its shortcut or number; None: not a button."""
        last = self.last
        if last is None:
            return None
        if typed in SHORTCUTS:
            action = next((a for a in last.actions if a.kind is SHORTCUTS[typed]), None)
            if action is None:
                return None
            if action.kind in FEEDBACK:
                return self._vote(decode(action.value).item_id, FEEDBACK[action.kind])
            return self.antenne.act(action.value)
        if typed.isdigit():
            choices = _choices(last)
            if not choices:
                return None
            if not 1 <= int(typed) <= len(choices):
                return notice("Kies een nummer", f"Kies 1 t/m {len(choices)}, of stel een nieuwe vraag.")
            return choices[int(typed) - 1](self.antenne)
        return None

    def _vote(self, item_id: str, vote: int) -> Answer:
        if self.feedback is None:
            return NOT_STORED
        try:
            self.feedback(item_id, vote)
        except AntenneError as exc:
            return notice("Feedback niet bewaard", f"Je feedback kon ik niet bewaren: {exc}")
        return self.antenne.feedback(item_id, vote)


def read_line(stdin: TextIO, stdout: TextIO, interactive: bool) -> str | None:
    """One typed line, None at the end. In a terminal, input() with readline gives arrow keys and history."""
    if not interactive:
        line = stdin.readline()
        return line if line else None
    try:
        return input(PROMPT)
    except EOFError:
        return None


def enable_line_editing() -> None:
    # Importing readline is what gives input() line editing and history; it is not on every
    # platform, and typing still works without it.
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401


def chat(
    antenne: Antenne, stdin: TextIO, stdout: TextIO, interactive: bool, *, feedback: FeedbackStore | None = None
) -> int:
    def say(text: str) -> None:
        stdout.write(text + "\n")
        stdout.flush()

    if interactive:
        enable_line_editing()
    say(welcome())
    session = Session(antenne, feedback)
    while True:
        line = read_line(stdin, stdout, interactive)
        if line is None:
            say("")
            return 0
        typed = line.strip()
        if not typed:
            continue
        if typed.lower() in STOP_WORDS:
            say("Tot ziens!")
            return 0
        answer = numbered(session.respond(typed))
        say("\n" + render_text(answer))
        if answer.actions:
            session.last = answer


def stored_feedback(settings: Settings) -> tuple[FeedbackStore, Callable[[], None]]:
    """Votes written to the configured database, opened on the first vote; and how to close it."""
    import asyncio

    from antenne.bot.store.store import Store

    loop = asyncio.new_event_loop()
    opened: list[Store] = []

    async def record(item_id: str, vote: int) -> None:
        if not opened:
            store = Store.from_settings(settings)
            await store.start()
            opened.append(store)
        await opened[0].feedback.record(item_id, vote)

    def keep(item_id: str, vote: int) -> None:
        from antenne.cli.common import store_errors, unavailable

        try:
            loop.run_until_complete(record(item_id, vote))
        except store_errors() as exc:
            raise unavailable(exc, settings) from exc

    def close() -> None:
        if opened:
            loop.run_until_complete(opened[0].close())
        loop.close()

    return keep, close
