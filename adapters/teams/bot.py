"""The Teams activity handler: Bot Framework activities in, core calls, cards out."""

from __future__ import annotations

import logging
from typing import Any

from botbuilder.core import ActivityHandler, CardFactory, MessageFactory, TurnContext
from botbuilder.schema import Activity, ChannelAccount
from botframework.connector.auth import AuthenticationConstants

from adapters.teams.cards import DATA_KEY, render_card
from bot.answers.model import Answer
from bot.references import ConversationReference, ReferenceStore
from bot.service import Antenne

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


class AntenneTeamsBot(ActivityHandler):
    def __init__(self, antenne: Antenne, references: ReferenceStore) -> None:
        self._antenne = antenne
        self._references = references

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        value: Any = activity.value
        if isinstance(value, dict) and isinstance(value.get(DATA_KEY), str):
            answer = self._antenne.act(value[DATA_KEY])  # an Action.Submit button
        else:
            # "<at>Antenne</at> vraag": the mention would otherwise be matched as words.
            text = TurnContext.remove_recipient_mention(activity) if activity.entities else activity.text
            answer = self._antenne.reply(text or "", command="tip")
        await self._send(turn_context, answer_activity(answer), answer.kind.value)

    async def on_members_added_activity(self, members_added: list[ChannelAccount], turn_context: TurnContext) -> None:
        bot_id = turn_context.activity.recipient.id if turn_context.activity.recipient else None
        if not any(member.id == bot_id for member in members_added):
            return
        await self._remember(turn_context)
        await self._send(turn_context, MessageFactory.text(WELCOME), "welcome")

    async def _remember(self, turn_context: TurnContext) -> None:
        """Keep where the bot was added, for the digest; only from authenticated requests."""
        identity = turn_context.turn_state.get(turn_context.adapter.BOT_IDENTITY_KEY)
        anonymous = getattr(identity, "authentication_type", None) == AuthenticationConstants.ANONYMOUS_AUTH_TYPE
        if identity is None or not identity.is_authenticated or anonymous:
            log.info("teams_reference_not_stored", extra={"reason": "unauthenticated"})
            return
        activity = turn_context.activity
        reference = TurnContext.get_conversation_reference(activity)
        channel_data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
        tenant = (activity.conversation.tenant_id if activity.conversation else None) or (
            channel_data.get("tenant") or {}
        ).get("id", "")
        await self._references.save(
            ConversationReference("teams", tenant, reference.conversation.id, reference.serialize())
        )
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
