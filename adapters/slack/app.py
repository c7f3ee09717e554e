"""slack-bolt handlers: translate Slack events into core calls and post the answers.

Slack gets its 200 before any of this runs (HTTP: adapters/slack/http.py; Socket
Mode acks each envelope after its short handler). Slack API failures are logged by error code only and
never stop the app.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from antenne.adapters.slack.blocks import ACTION_PREFIX, SHARE_ACTION_ID, fallback_text, render_blocks
from antenne.bot.answers.model import ActionKind, Answer
from antenne.bot.digest.desk import DigestDesk
from antenne.bot.logs import quiet_libraries
from antenne.bot.service import Antenne
from antenne.bot.store.dedupe import Deduplicator
from antenne.bot.store.subscriptions import Place
from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger("antenne.slack")

# Errors that mean "this channel cannot be posted to": expected, not a bug.
CHANNEL_ERRORS = {"channel_not_found", "not_in_channel", "is_archived"}
# Button results that concern only the person who clicked.
PRIVATE_ACTIONS = {ActionKind.WHY, ActionKind.FEEDBACK_UP, ActionKind.FEEDBACK_DOWN}
BUTTON = re.compile(rf"^{ACTION_PREFIX}(?P<kind>[a-z_]+?)_(?P<index>\d+)$")


def action_kind(action_id: str) -> ActionKind | None:
    match = BUTTON.match(action_id)
    if match is None:
        return None
    try:
        return ActionKind(match.group("kind"))
    except ValueError:
        return None


async def post_answer(client: AsyncWebClient, channel: str, answer: Answer, thread_ts: str | None) -> bool:
    """chat.postMessage; a channel we cannot post to is logged, never raised."""
    try:
        await client.chat_postMessage(
            channel=channel, thread_ts=thread_ts, blocks=render_blocks(answer), text=fallback_text(answer)
        )
    except SlackApiError as exc:
        error = exc.response.get("error", "unknown") if exc.response is not None else "unknown"
        level = logging.WARNING if error in CHANNEL_ERRORS else logging.ERROR
        log.log(level, "slack_post_failed", extra={"error": error, "answer_kind": answer.kind.value})
        return False
    log.info("slack_answer_posted", extra={"answer_kind": answer.kind.value, "item_id": answer.item_id})
    return True


async def respond_privately(respond: Any, answer: Answer) -> None:
    """An ephemeral reply only the person who typed or clicked sees."""
    await respond(
        response_type="ephemeral", replace_original=False, blocks=render_blocks(answer), text=fallback_text(answer)
    )


def slack_place(team: str, channel: str) -> Place:
    return Place("slack", team, channel, {"team": team, "channel": channel})


def build_slack_app(antenne: Antenne, client: AsyncWebClient, dedupe: Deduplicator, desk: DigestDesk) -> AsyncApp:
    quiet_libraries()
    bolt_logger = logging.getLogger("antenne.slack.bolt")
    bolt_logger.setLevel(logging.ERROR)  # bolt's warnings can quote whole payloads
    app = AsyncApp(
        client=client,
        # Signatures are verified in adapters/slack/http.py, before bolt sees a request,
        # so forged requests get a 401 and never a 500.
        request_verification_enabled=False,
        # The HTTP endpoint acks before bolt runs (adapters/slack/http.py), so bolt may
        # finish each listener before returning: that keeps the work queue's bound real.
        process_before_response=True,
        logger=bolt_logger,
    )

    async def first_delivery(scope: str, event_id: str) -> bool:
        try:
            return await dedupe.first_delivery(scope, event_id)
        except Exception as exc:  # the database is away: answering twice beats not answering
            log.error("slack_dedupe_failed", extra={"error": type(exc).__name__})
            return True

    @app.middleware
    async def deduplicate_events(body: dict[str, Any], next: Any) -> BoltResponse | None:
        if body.get("type") == "event_callback":
            team, event_id = str(body.get("team_id", "")), str(body.get("event_id", ""))
            if event_id and not await first_delivery(f"slack:{team}", event_id):
                log.info("slack_retry_ignored")
                return BoltResponse(status=200, body="", headers={"X-Slack-No-Retry": "1"})
        return await next()

    async def reply(event: dict[str, Any], team: str) -> Answer:
        text = event.get("text", "")
        if DigestDesk.is_command(text):  # "@Antenne digest aan" works like "/tip digest aan"
            return await desk.command(slack_place(team, event["channel"]), text, prefix="/tip digest")
        return antenne.reply(text, command="/tip")

    @app.event("app_mention")
    async def on_mention(event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient) -> None:
        if event.get("bot_id"):
            return
        answer = await reply(event, str(body.get("team_id", "")))
        await post_answer(client, event["channel"], answer, event.get("thread_ts") or event["ts"])

    @app.event("message")
    async def on_message(event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient) -> None:
        # Only people writing in a direct message; edits, joins and bots are ignored.
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return
        answer = await reply(event, str(body.get("team_id", "")))
        await post_answer(client, event["channel"], answer, event.get("thread_ts"))

    @app.command("/tip")
    async def on_tip(ack: Any, command: dict[str, Any], respond: Any) -> None:
        await ack()
        text = command.get("text", "")
        if DigestDesk.is_command(text):
            place = slack_place(command.get("team_id", ""), command.get("channel_id", ""))
            await respond_privately(respond, await desk.command(place, text, prefix="/tip digest"))
            return
        answer = antenne.slash(text)
        share = answer.item_id if answer.item_id else None
        await respond(
            response_type="ephemeral", blocks=render_blocks(answer, share_value=share), text=fallback_text(answer)
        )

    @app.action(SHARE_ACTION_ID)
    async def on_share(ack: Any, action: dict[str, Any], respond: Any) -> None:
        await ack()
        answer = antenne.item(action.get("value", ""))
        await respond(
            response_type="in_channel", delete_original=True, blocks=render_blocks(answer), text=fallback_text(answer)
        )

    @app.action(re.compile(rf"^{ACTION_PREFIX}"))
    async def on_button(
        ack: Any, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, respond: Any
    ) -> None:
        await ack()
        value = action.get("value", "")
        container = body.get("container", {})
        channel = (body.get("channel") or {}).get("id")
        if DigestDesk.is_off_button(value) and channel:
            team = (body.get("team") or {}).get("id", "")
            answer = await desk.turn_off(slack_place(team, channel), "/tip digest")
            await respond_privately(respond, answer)
            return
        answer = antenne.act(value)
        kind = action_kind(action.get("action_id", ""))
        if container.get("is_ephemeral") or kind in PRIVATE_ACTIONS or not channel:
            await respond_privately(respond, answer)
            return
        message = body.get("message") or {}
        thread = message.get("thread_ts") or (None if channel.startswith("D") else message.get("ts"))
        await post_answer(client, channel, answer, thread)

    @app.error
    async def on_error(error: Exception, body: dict[str, Any]) -> None:
        log.error("slack_handler_failed", extra={"error": type(error).__name__, "request_type": body.get("type")})

    return app
