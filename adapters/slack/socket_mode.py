"""Socket Mode: Slack's events over a websocket we open, for networks that take no inbound HTTP.

The client is created on the running event loop (at server start-up): slack_sdk's
aiohttp client opens its session when it is made. Each envelope is queued for
bolt and acked the moment it arrives, like an HTTP request, so a slow or
rate-limited Web API never delays the ack past Slack's 3 seconds.
"""

from __future__ import annotations

import logging

from antenne.adapters.slack.dispatch import AckFirstDispatcher, Work, event_key
from slack_bolt.adapter.socket_mode.internals import build_headers
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger("antenne.slack")


class SocketModeLink:
    def __init__(self, app_token: str, web_client: AsyncWebClient, dispatcher: AckFirstDispatcher) -> None:
        self._app_token = app_token
        self._web_client = web_client
        self._dispatcher = dispatcher
        self._client: SocketModeClient | None = None

    async def connect(self) -> None:
        """Must run inside the event loop that will serve the link."""
        logger = logging.getLogger("antenne.slack.socket_mode")
        logger.setLevel(logging.ERROR)  # its debug and info lines quote whole payloads
        self._client = SocketModeClient(self._app_token, logger=logger, web_client=self._web_client)
        self._client.socket_mode_request_listeners.append(self._on_request)
        await self._client.connect()

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()

    async def _on_request(self, client: SocketModeClient, request: SocketModeRequest) -> None:
        bolt_request = AsyncBoltRequest(mode="socket_mode", body=request.payload, headers=build_headers(request))
        if not self._dispatcher.submit(Work(bolt_request, event_key(request.payload))):
            log.error("slack_queue_full")  # not acked: Slack delivers it again later
            return
        await client.send_socket_mode_response(SocketModeResponse(envelope_id=request.envelope_id))
