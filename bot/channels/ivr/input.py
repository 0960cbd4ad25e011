"""The hotline IVR channel, Rasa channel ``ivr``: the AudioCodes VoiceAI Connect Bot API (HTTP mode).

Every request carries ``Authorization: Bearer <IVR_TOKEN>`` (compared in constant time; 401
without it or with another); without IVR_TOKEN the routes answer 503 and the rest of the
server runs as before. A body that is not the contract's JSON gets 400, never 500.

* ``POST /webhooks/ivr/webhook`` ``{"conversation": "<id>"}`` opens a call and answers
  ``{"activitiesURL", "refreshURL", "disconnectURL", "expiresSeconds"}`` (paths on this server);
* ``POST …/conversation/<id>/activities`` ``{"conversation", "activities": [...]}`` answers
  ``{"activities": [...]}`` (:mod:`bot.channels.ivr.dialogue`);
* ``POST …/conversation/<id>/refresh`` keeps the call alive, ``…/disconnect`` ends it.

A call not opened is 404, one disconnected or expired 410 (:mod:`bot.channels.ivr.calls`). The
Rasa sender id is the gateway's conversation id; an activity id seen twice is processed once
(:mod:`bot.channels.seen_once`, shared by the replicas). The caller's number is never logged.
"""
from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from functools import cached_property
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.ivr.activities import BadRequest, conversation_id, parse_activities
from bot.channels.ivr.calls import Calls, CallStatus
from bot.channels.ivr.dialogue import IvrDialogue
from bot.channels.ivr.output import CHANNEL
from bot.channels.rendering.numbered_options import NumberedOptions
from bot.channels.seen_once import SeenOnce
from bot.container import services
from bot.settings import Settings

__all__ = ["MAX_BODY_BYTES", "IvrInput", "bearer_matches"]

log = logging.getLogger(__name__)
OnNewMessage = Callable[[UserMessage], Awaitable[Any]]

MAX_BODY_BYTES = 64 * 1024
SEEN_PREFIX = "ivr:"


def bearer_matches(header: str | None, token: str | None) -> bool:
    """Whether ``Authorization`` is ``Bearer <token>``; never true without a configured token."""
    if not token or not header:
        return False
    scheme, _, sent = header.partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(sent.strip().encode("utf-8"), token.encode("utf-8"))


def _error(status: int, problem: str) -> HTTPResponse:
    return response.json({"error": problem}, status=status)


def _json_body(request: Request) -> Any:
    if len(request.body) > MAX_BODY_BYTES:
        raise BadRequest("the body is too large")
    try:
        return json.loads(request.body)
    except (ValueError, UnicodeDecodeError) as error:
        raise BadRequest("the body is not JSON") from error


def _gone(status: CallStatus) -> HTTPResponse:
    if status is CallStatus.UNKNOWN:
        return _error(404, "no such conversation")
    return _error(410, "the conversation has ended")


class IvrInput(InputChannel):
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.token = settings.ivr_token

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls(Settings.from_env())  # credentials.yml cannot read the environment

    @cached_property
    def calls(self) -> Calls:
        deps = services()
        return Calls(deps.session_factory, deps.clock)

    def dialogue(self, request: Request, on_new_message: OnNewMessage) -> IvrDialogue:
        deps = services()
        agent = getattr(request.app.ctx, "agent", None)

        async def classify(text: str) -> str | None:
            if agent is None or not agent.is_ready():
                return None
            parsed = await agent.parse_message(text)
            return (parsed.get("intent") or {}).get("name")

        async def history(sender: str) -> Sequence[Mapping[str, Any]]:
            if agent is None or agent.tracker_store is None:
                return []
            tracker = await agent.tracker_store.retrieve(sender)
            return [event.as_dict() for event in tracker.events] if tracker is not None else []

        return IvrDialogue(
            on_new_message, calls=self.calls, options=NumberedOptions(deps.session_factory, deps.clock),
            seen=self.seen, settings=self.settings, clock=deps.clock, session_factory=deps.session_factory,
            classify=classify, history=history,
        )

    @cached_property
    def seen(self) -> SeenOnce:
        deps = services()
        return SeenOnce.from_settings(self.settings, deps.session_factory, deps.clock, prefix=SEEN_PREFIX)

    def _refusal(self, request: Request) -> HTTPResponse | None:
        if self.token is None:
            return _error(503, "the IVR channel is not configured")
        if not bearer_matches(request.headers.get("authorization"), self.token):
            log.warning("an IVR request without the right bearer token was refused")
            return _error(401, "unauthorized")
        return None

    def _call_of(self, request: Request, conversation: str) -> str | HTTPResponse:
        """The checked conversation id of a call's route, or the answer refusing the request."""
        if (refused := self._refusal(request)) is not None:
            return refused
        try:
            return conversation_id(conversation)
        except BadRequest as error:
            return _error(400, str(error))

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/webhook", methods=["POST"])
        async def start(request: Request) -> HTTPResponse:
            if (refused := self._refusal(request)) is not None:
                return refused
            try:
                body = _json_body(request)
                conversation = conversation_id(body.get("conversation") if isinstance(body, dict) else None)
            except BadRequest as error:
                return _error(400, str(error))
            status = await _off_loop(self.calls.open, conversation)
            if status is not CallStatus.LIVE:
                return _gone(status)
            base = request.path.rsplit("/", 1)[0]
            return response.json({
                "activitiesURL": f"{base}/conversation/{conversation}/activities",
                "refreshURL": f"{base}/conversation/{conversation}/refresh",
                "disconnectURL": f"{base}/conversation/{conversation}/disconnect",
                "expiresSeconds": int(self.calls.expires.total_seconds()),
            })

        @webhook.route("/conversation/<conversation>/activities", methods=["POST"])
        async def activities(request: Request, conversation: str) -> HTTPResponse:
            if (refused := self._refusal(request)) is not None:
                return refused
            try:
                conversation = conversation_id(conversation)
                parsed = parse_activities(_json_body(request), conversation)
            except BadRequest as error:
                return _error(400, str(error))
            answer = await self.dialogue(request, on_new_message).answer(conversation, parsed)
            if isinstance(answer, CallStatus):
                return _gone(answer)
            return response.json({"activities": answer})

        @webhook.route("/conversation/<conversation>/refresh", methods=["POST"])
        async def refresh(request: Request, conversation: str) -> HTTPResponse:
            call = self._call_of(request, conversation)
            if isinstance(call, HTTPResponse):
                return call
            state = await _off_loop(self.calls.touch, call)
            if isinstance(state, CallStatus):
                return _gone(state)
            return response.json({"expiresSeconds": int(self.calls.expires.total_seconds())})

        @webhook.route("/conversation/<conversation>/disconnect", methods=["POST"])
        async def disconnect(request: Request, conversation: str) -> HTTPResponse:
            call = self._call_of(request, conversation)
            if isinstance(call, HTTPResponse):
                return call
            status = await _off_loop(self.calls.end, call)
            if status is CallStatus.UNKNOWN:
                return _gone(status)
            return response.json({})

        return webhook


async def _off_loop(function: Callable[[str], Any], argument: str) -> Any:
    return await asyncio.to_thread(function, argument)  # database I/O off the event loop
