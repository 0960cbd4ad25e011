"""The WeChat 公众号 connector, Rasa channel ``wechat``: ``GET/POST /webhooks/wechat/webhook``.

* ``GET`` is WeChat's URL verification: ``echostr`` back when ``signature`` is the sha1 of the
  sorted token, ``timestamp`` and ``nonce``; 403 otherwise.
* ``POST`` carries a message. Nothing reaches Rasa before its ``signature`` is checked (403);
  with ``encrypt_type=aes`` the body is checked by ``msg_signature`` too, decrypted, and the
  answer encrypted (:mod:`safe_mode`). The XML is parsed safely (:mod:`messages`); a bad body
  gets 400. Retries of a message are answered ``success`` and never reach the dialogue twice
  (:mod:`bot.channels.seen_once`). The answer is the passive reply with what Rasa said within the wait
  (:mod:`passive`), else ``success``; the rest goes through the customer-service API.
* Without ``WECHAT_TOKEN`` both answer 503 and the rest of the server runs as before.

The sender id is the user's openid; every text passes
:func:`bot.channels.inbound_guard.screen_inbound` like REST's.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from functools import cached_property
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.inbound_guard import Refused, screen_inbound
from bot.channels.replies import domain_text
from bot.channels.seen_once import SeenOnce
from bot.channels.wechat.api import WeChatApi
from bot.channels.wechat.inbound import dialogue_text
from bot.channels.wechat.messages import MAX_BODY_BYTES, BadXml, Inbound, parse_inbound
from bot.channels.wechat.output import WeChatOutput, passive_answer
from bot.channels.wechat.passive import converse, in_background
from bot.channels.wechat.safe_mode import ForgedRequest, SafeMode
from bot.channels.wechat.signature import signed
from bot.container import services
from bot.settings import Settings

__all__ = ["WeChatInput"]

log = logging.getLogger(__name__)
OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
# Wall-clock time, not the business clock (which demos and tests move): WeChat stamps requests with it.
MAX_REQUEST_AGE_S = 300
SUCCESS = "success"  # the only answer besides a reply that WeChat does not show as an error


class WeChatInput(InputChannel):
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.token = settings.wechat_token
        self.safe_mode = (
            SafeMode(settings.wechat_token, settings.wechat_encoding_aes_key, settings.wechat_app_id or "")
            if settings.wechat_token and settings.wechat_encoding_aes_key else None
        )
        self.api = WeChatApi.from_settings(settings)

    @classmethod
    def name(cls) -> str:
        return "wechat"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls(Settings.from_env())  # credentials.yml cannot read the environment

    def get_output_channel(self) -> OutputChannel | None:
        """What pushes and Rasa's ``output_channel=wechat`` use: the customer-service API."""
        return WeChatOutput(self.api) if self.api is not None else None

    @cached_property
    def deduplicator(self) -> SeenOnce:
        deps = services()
        return SeenOnce.from_settings(self.settings, deps.session_factory, deps.clock, prefix="wechat:")

    def _signed(self, request: Request) -> bool:
        """Signed with the token, and recent: a request replayed later than a retry would come
        (and than :data:`~bot.channels.seen_once.DEFAULT_SEEN_FOR` remembers it) is refused."""
        args = request.args
        timestamp = args.get("timestamp") or ""
        return (
            self.token is not None
            and signed(self.token, args.get("signature"), timestamp, args.get("nonce"))
            and timestamp.isdigit()
            and abs(time.time() - int(timestamp)) <= MAX_REQUEST_AGE_S
        )

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/webhook", methods=["GET"])
        async def verify_url(request: Request) -> HTTPResponse:
            if self.token is None:
                return response.text("WeChat is not configured", status=503)
            if not self._signed(request):
                return response.text("forbidden", status=403)
            return response.text(request.args.get("echostr") or "")

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if self.token is None:
                return response.text("WeChat is not configured", status=503)
            if not self._signed(request):
                log.warning("a WeChat request with a forged or missing signature was refused")
                return response.text("forbidden", status=403)
            if len(request.body) > MAX_BODY_BYTES:
                return response.text("too large", status=413)
            encrypted = request.args.get("encrypt_type") == "aes"
            try:
                message = self._message(request, encrypted)
            except ForgedRequest as error:
                log.warning("a WeChat request was refused: %s", error)
                return response.text("forbidden", status=403)
            except BadXml as error:
                log.info("a WeChat request with a bad body: %s", error)
                return response.text("bad request", status=400)
            answer = await self.answer(on_new_message, message)
            if answer is None:
                return response.text(SUCCESS)
            if encrypted and self.safe_mode is not None:
                answer = self.safe_mode.encrypt(answer)
            return response.text(answer, content_type="application/xml")

        return webhook

    def _message(self, request: Request, encrypted: bool) -> Inbound:
        if not encrypted:
            return parse_inbound(request.body)
        if self.safe_mode is None:
            raise BadXml("an encrypted message, but WECHAT_ENCODING_AES_KEY is not set")
        args = request.args
        plain = self.safe_mode.decrypt(
            request.body, args.get("msg_signature"), args.get("timestamp"), args.get("nonce")
        )
        return parse_inbound(plain)

    async def answer(self, on_new_message: OnNewMessage, message: Inbound) -> str | None:
        """The passive reply XML to ``message``, or None for ``success``."""
        if not await asyncio.to_thread(self.deduplicator.first_time, message.dedup_key):
            log.info("a WeChat retry was acknowledged without reaching the dialogue")
            return None
        text = await dialogue_text(message, self.api)
        if text is None and message.msg_type == "voice":  # 语音识别 is off: say how to get through
            passive, _rest = await passive_answer(
                message, [{"text": domain_text("utter_voice_not_recognised")}], int(time.time()), whole_turn=True
            )
            return passive
        if text is None:
            return None
        sender = message.from_user
        late = self.get_output_channel()
        screened = await screen_inbound(self.name(), sender, text)
        if isinstance(screened, Refused):
            ready, whole_turn = [{"text": screened.text}], True
        else:
            ready, whole_turn = await converse(
                on_new_message, sender, screened.text, late, self.settings.wechat_passive_wait_s
            )
        passive, rest = await passive_answer(message, ready, int(time.time()), whole_turn=whole_turn)
        if rest and isinstance(late, WeChatOutput):
            in_background(late.send_parts(sender, rest))
        elif rest:
            log.warning("WeChat replies beyond the passive one are lost: WECHAT_APP_ID / WECHAT_APP_SECRET are not set")
        return passive
