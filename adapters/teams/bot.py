"""The Teams activity handler: Bot Framework activities in, a turn through the conversation door, cards out."""

from __future__ import annotations

import logging
from typing import Any

from antenne.adapters.teams.cards import DATA_KEY, render_card
from antenne.adapters.teams.markup import plain_text
from antenne.bot.answers.model import Answer
from antenne.bot.conversation import Conversation, Did, Turn, Words
from antenne.bot.places import Place
from antenne.bot.store.references import ReferenceStore
from botbuilder.core import ActivityHandler, CardFactory, MessageFactory, TurnContext
from botbuilder.schema import Activity, ChannelAccount
from botframework.connector.auth import AuthenticationConstants

log = logging.getLogger("antenne.teams")

WELCOME = (
    "Hallo, ik ben Antenne. Ik help je met bestuurlijke sensitiviteit: samenwerken met de raad, het college, "
    "de wethouder en andere bestuurders. Stel me een vraag in gewone woorden (in een kanaal: noem @Antenne), "
    "of typ 'tip' of 'help'."
)


def answer_activity(answer: Answer) -> Activity:
    activity = MessageFactory.attachment(CardFactory.adaptive_card(render_card(answer)))
    activity.summary = answer.fallback_text[:200]
    return activity


def error_status(exc: Exception) -> int | None:
    """The HTTP status of a failed Bot Connector call, whatever the exception type."""
    for holder in (exc, getattr(exc, "response", None), getattr(exc, "inner_exception", None)):
        status = getattr(holder, "status_code", None) or getattr(holder, "status", None)
        if isinstance(status, int):
            return status
    return None


PLATFORM = "teams"
WORDS = Words(command="tip", digest="digest")  # Teams has no slash commands


def teams_place(activity: Activity) -> Place:
    """Where to post later: the channel's top level (not one reply thread), with its tenant."""
    reference = TurnContext.get_conversation_reference(activity)
    if reference.conversation is not None and reference.conversation.id:
        reference.conversation.id = reference.conversation.id.split(";messageid=")[0]
    reference.activity_id = None
    reference.user = None  # who typed the command: not needed to post, so not stored
    channel_data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant = (activity.conversation.tenant_id if activity.conversation else None) or (
        channel_data.get("tenant") or {}
    ).get("id", "")
    return Place(PLATFORM, tenant or "", reference.conversation.id, reference.serialize())


def authenticated(turn_context: TurnContext) -> bool:
    """Only a request the Bot Framework signed may make us post somewhere later."""
    identity = turn_context.turn_state.get(turn_context.adapter.BOT_IDENTITY_KEY)
    anonymous = getattr(identity, "authentication_type", None) == AuthenticationConstants.ANONYMOUS_AUTH_TYPE
    return identity is not None and identity.is_authenticated and not anonymous


class AntenneTeamsBot(ActivityHandler):
    def __init__(self, conversation: Conversation, references: ReferenceStore) -> None:
        self._conversation = conversation
        self._references = references

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        answer = await self._conversation.handle(self._turn(turn_context))
        await self._send(turn_context, answer_activity(answer), answer.kind.value)

    @staticmethod
    def _turn(turn_context: TurnContext) -> Turn:
        """A card button (Action.Submit) or a typed message; the place only from a signed request."""
        activity = turn_context.activity
        place = teams_place(activity) if authenticated(turn_context) else None
        value: Any = activity.value
        if isinstance(value, dict) and isinstance(value.get(DATA_KEY), str):
            return Turn(Did.CLICK, value[DATA_KEY], place, WORDS)
        # "<at>Antenne</at> vraag": the mention would otherwise be matched as words.
        text = (TurnContext.remove_recipient_mention(activity) if activity.entities else activity.text) or ""
        return Turn(Did.MESSAGE, plain_text(text), place, WORDS)

    async def on_members_added_activity(self, members_added: list[ChannelAccount], turn_context: TurnContext) -> None:
        bot_id = turn_context.activity.recipient.id if turn_context.activity.recipient else None
        if not any(member.id == bot_id for member in members_added):
            return
        await self._remember(turn_context)
        await self._send(turn_context, MessageFactory.text(WELCOME), "welcome")

    async def _remember(self, turn_context: TurnContext) -> None:
        """Keep where the bot was added, for the digest; only from authenticated requests."""
        if not authenticated(turn_context):
            log.info("teams_reference_not_stored", extra={"reason": "unauthenticated"})
            return
        activity = turn_context.activity
        try:
            await self._references.save(teams_place(activity))
        except Exception as exc:  # the database is away: still say hello
            log.error("teams_reference_not_stored", extra={"reason": type(exc).__name__})
            return
        log.info("teams_reference_stored", extra={"conversation_type": activity.conversation.conversation_type})

    async def _send(self, turn_context: TurnContext, activity: Activity, kind: str) -> None:
        try:
            await turn_context.send_activity(activity)
        except Exception as exc:  # the Bot Connector may refuse (403), throttle (429) or fail (5xx)
            log.warning(
                "teams_reply_failed", extra={"status": error_status(exc), "error": type(exc).__name__, "kind": kind}
            )
            return
        log.info("teams_answer_sent", extra={"answer_kind": kind})
