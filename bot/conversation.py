"""The one door into the core: what a person did in a chat, in platform-neutral terms.

An adapter translates its platform's event into a `Turn` (a message, a command, a
button click or a share), says where it happened and which words the platform
uses, and renders the `Answer` it gets back. Questions, `tip`, the digest
commands and every button go through `Conversation.handle`; no adapter decides
between the question service and the digest desk itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from antenne.bot.answers.compose import notice
from antenne.bot.answers.model import Answer
from antenne.bot.digest.desk import DigestDesk
from antenne.bot.places import Place
from antenne.bot.service import Antenne


class Did(Enum):
    """What the person did."""

    MESSAGE = "message"  # typed in a conversation with the bot (a mention, a direct message)
    COMMAND = "command"  # used the platform's command for us (a slash command)
    CLICK = "click"  # pressed one of our buttons; the text is the button's value
    SHARE = "share"  # asked to show an item to the whole conversation; the text is its id


@dataclass(frozen=True)
class Words:
    """How the people on a platform type our command, for help and confirmation texts."""

    command: str = "tip"  # '/tip' where the platform has slash commands
    digest: str = "digest"  # how a digest command starts: '/tip digest' or 'digest'


@dataclass(frozen=True)
class Turn:
    """One thing a person did, and where.

    `place` is None when the platform could not vouch for where the request came
    from (an unauthenticated development set-up): questions are answered, but
    nothing is stored for that place.
    """

    did: Did
    text: str
    place: Place | None
    words: Words = Words()


NOT_VERIFIED = notice(
    "Digest niet beschikbaar",
    "De digest kan ik alleen instellen vanuit het chatplatform zelf, met een geverifieerd verzoek.",
)


class Conversation:
    """Routes a turn to the question service or the digest desk and returns the answer model."""

    def __init__(self, antenne: Antenne, desk: DigestDesk | None = None) -> None:
        self.antenne = antenne
        self._desk = desk

    async def handle(self, turn: Turn) -> Answer:
        if turn.did is Did.CLICK:
            return await self._click(turn)
        if turn.did is Did.SHARE:
            return self.antenne.item(turn.text)
        if DigestDesk.is_command(turn.text):
            return await self._digest(turn)
        if turn.did is Did.COMMAND:
            return self.antenne.slash(turn.text, command=turn.words.command, digest=turn.words.digest)
        return self.antenne.reply(turn.text, command=turn.words.command, digest=turn.words.digest)

    async def _click(self, turn: Turn) -> Answer:
        if not DigestDesk.is_off_button(turn.text):
            return self.antenne.act(turn.text)
        if self._desk is None or turn.place is None:
            return NOT_VERIFIED
        return await self._desk.turn_off(turn.place, turn.words.digest)

    async def _digest(self, turn: Turn) -> Answer:
        if self._desk is None or turn.place is None:
            return NOT_VERIFIED
        return await self._desk.command(turn.place, turn.text, prefix=turn.words.digest)
