"""slack-bolt listeners: Slack events in, a turn through the conversation door, Block Kit out.

Slack has its acknowledgement before any of this runs (adapters/slack/http.py,
adapters/slack/socket_mode.py). Answers for a channel go to the outbox, which
posts them without holding up the next event; replies to commands and to
buttons only the clicker should see go to Slack's response_url.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from antenne.adapters.slack.blocks import ACTION_PREFIX, SHARE_ACTION_ID, fallback_text, render_blocks
from antenne.adapters.slack.markup import plain_text
from antenne.adapters.slack.outbox import Outbox, Post
from antenne.bot.answers.model import ActionKind, Answer
from antenne.bot.conversation import Conversation, Did, Turn, Words
from antenne.bot.places import Place
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger("antenne.slack")

PLATFORM = "slack"
WORDS = Words(command="/tip", digest="/tip digest")
# Button results that concern only the person who clicked.
PRIVATE_ACTIONS = {ActionKind.WHY, ActionKind.FEEDBACK_UP, ActionKind.FEEDBACK_DOWN, ActionKind.DIGEST_OFF}
BUTTON = re.compile(rf"^{ACTION_PREFIX}(?P<kind>[a-z_]+?)_(?P<index>\d+)$")


def action_kind(action_id: str) -> ActionKind | None:
    match = BUTTON.match(action_id)
    if match is None:
        return None
    try:
        return ActionKind(match.group("kind"))
    except ValueError:
        return None


def slack_place(team: str, channel: str) -> Place:
    return Place(PLATFORM, team, channel, {"team": team, "channel": channel})


def turn(did: Did, text: str, team: str, channel: str | None) -> Turn:
    return Turn(did, plain_text(text), slack_place(team, channel) if channel else None, WORDS)


async def respond_privately(respond: Any, answer: Answer, **extra: Any) -> None:
    """An ephemeral reply only the person who typed or clicked sees."""
    await respond(
        response_type="ephemeral",
        replace_original=False,
        blocks=render_blocks(answer, **extra),
        text=fallback_text(answer),
    )


class SlackListeners:
    """One method per kind of Slack event; each builds a turn and renders the answer."""

    def __init__(self, conversation: Conversation, outbox: Outbox) -> None:
        self._conversation = conversation
        self._outbox = outbox

    def register(self, app: AsyncApp) -> None:
        app.event("app_mention")(self.on_mention)
        app.event("message")(self.on_message)
        app.command("/tip")(self.on_tip)
        app.action(SHARE_ACTION_ID)(self.on_share)
        app.action(re.compile(rf"^{ACTION_PREFIX}"))(self.on_button)
        app.error(self.on_error)

    async def on_mention(self, event: dict[str, Any], body: dict[str, Any]) -> None:
        if event.get("bot_id"):
            return
        await self._answer_in_channel(event, str(body.get("team_id", "")), event.get("thread_ts") or event["ts"])

    async def on_message(self, event: dict[str, Any], body: dict[str, Any]) -> None:
        # Only people writing in a direct message; edits, joins and bots are ignored.
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return
        await self._answer_in_channel(event, str(body.get("team_id", "")), event.get("thread_ts"))

    async def _answer_in_channel(self, event: dict[str, Any], team: str, thread_ts: str | None) -> None:
        answer = await self._conversation.handle(turn(Did.MESSAGE, event.get("text", ""), team, event["channel"]))
        self._outbox.send(Post(team, event["channel"], answer, thread_ts))

    async def on_tip(self, ack: Any, command: dict[str, Any], respond: Any) -> None:
        await ack()
        asked = turn(Did.COMMAND, command.get("text", ""), command.get("team_id", ""), command.get("channel_id"))
        answer = await self._conversation.handle(asked)
        await respond_privately(respond, answer, share_value=answer.item_id or None)

    async def on_share(self, ack: Any, action: dict[str, Any], respond: Any) -> None:
        await ack()
        answer = await self._conversation.handle(Turn(Did.SHARE, action.get("value", ""), None, WORDS))
        await respond(
            response_type="in_channel", delete_original=True, blocks=render_blocks(answer), text=fallback_text(answer)
        )

    async def on_button(self, ack: Any, body: dict[str, Any], action: dict[str, Any], respond: Any) -> None:
        await ack()
        channel = (body.get("channel") or {}).get("id")
        team = (body.get("team") or {}).get("id", "")
        answer = await self._conversation.handle(turn(Did.CLICK, action.get("value", ""), team, channel))
        kind = action_kind(action.get("action_id", ""))
        private = (body.get("container") or {}).get("is_ephemeral") or kind in PRIVATE_ACTIONS
        if private or not channel:
            await respond_privately(respond, answer)
            return
        message = body.get("message") or {}
        thread = message.get("thread_ts") or (None if channel.startswith("D") else message.get("ts"))
        self._outbox.send(Post(team, channel, answer, thread))

    async def on_error(self, error: Exception, body: dict[str, Any]) -> None:
        log.error("slack_handler_failed", extra={"error": type(error).__name__, "request_type": body.get("type")})


def build_slack_app(conversation: Conversation, client: AsyncWebClient, outbox: Outbox) -> AsyncApp:
    bolt_logger = logging.getLogger("antenne.slack.bolt")
    bolt_logger.setLevel(logging.ERROR)  # bolt's warnings can quote whole payloads
    app = AsyncApp(
        client=client,
        # Signatures are verified in adapters/slack/http.py, before bolt sees a request.
        request_verification_enabled=False,
        # The endpoint answers Slack's certificate probe and URL check itself and never queues
        # them (Socket Mode has neither); bolt's copies would only look again at every request,
        # and its ssl_check would swallow a signed command that happens to carry ssl_check=1.
        ssl_check_enabled=False,
        url_verification_enabled=False,
        # Our listeners take neither say/set_status nor a workflow function's token: bolt
        # would build those helpers for every event only to throw them away.
        attaching_conversation_kwargs_enabled=False,
        attaching_function_token_enabled=False,
        # Slack was acked before bolt runs (the dispatcher), so bolt may finish each
        # listener before returning: that keeps the dispatcher's queue bound real.
        process_before_response=True,
        logger=bolt_logger,
    )
    SlackListeners(conversation, outbox).register(app)
    return app
