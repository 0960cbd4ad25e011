"""WeChat's side of the 公众号 connector, on loopback.

:class:`FakeWeChatApi` fakes the WeChat API the connector calls (``WECHAT_API_BASE_URL``):
``cgi-bin/token``, ``message/custom/send``, ``media/upload``, ``media/get`` and ``menu/create``.
It checks the AppID, the secret and the access token as WeChat does (errcode 40001 for a
token it did not issue or has expired) and records every customer-service message.
:class:`WeChatPush` posts users' messages to the webhook as WeChat's server does, and
:class:`WeChatUser` is one follower talking through it.
"""
from __future__ import annotations

import asyncio
import itertools
import json
import secrets
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import aiohttp
import pytest
import xmltodict
from aiohttp import web
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

from tests.e2e.conversation import PAST_RESEND_WAIT, Conversation, last_sms_code
from tests.loopback_http import LoopbackHttpServer

if TYPE_CHECKING:  # conftest imports this module
    from tests.e2e.conftest import RunningAssistant

APP_ID = "wx-e2e-app-id"
APP_SECRET = "e2e-app-secret-" + "s" * 17
_MSG_IDS = itertools.count(int(time.time() * 1000))


class FakeWeChatApi(LoopbackHttpServer):
    """Runs its own event loop in a thread; ``url`` is the base URL for WECHAT_API_BASE_URL."""

    def __init__(self, app_id: str = APP_ID, app_secret: str = APP_SECRET) -> None:
        self.app_id = app_id
        self.app_secret = app_secret
        super().__init__()
        self.url = f"http://127.0.0.1:{self.port}"
        self.token_requests = 0
        self.menus: list[dict[str, Any]] = []
        self.uploads: list[tuple[str, bytes]] = []  # (type, bytes)
        self.media: dict[str, bytes] = {}  # what users "sent": media_id → bytes, for media/get
        self._valid_tokens: set[str] = set()
        self._sent: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self._lock = threading.Lock()

    # -- what tests use ------------------------------------------------------------------
    def expire_tokens(self) -> None:
        """Every access token issued so far stops working (as after 7200 s, or a new token elsewhere)."""
        with self._lock:
            self._valid_tokens.clear()

    def sent(self, openid: str) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._sent[openid])

    def texts(self, openid: str) -> list[str]:
        return [m["text"]["content"] for m in self.sent(openid) if m["msgtype"] == "text"]

    def wait_for(self, openid: str, fragment: str, timeout_s: float = 30.0) -> list[str]:
        """Every text sent to ``openid`` so far, once one contains ``fragment``."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if any(fragment in text for text in self.texts(openid)):
                return self.texts(openid)
            time.sleep(0.1)
        raise AssertionError(f"no customer-service message with {fragment!r} for {openid}: {self.texts(openid)}")

    # -- the API -------------------------------------------------------------------------
    async def _token(self, request: web.Request) -> web.Response:
        query = request.query
        if query.get("grant_type") != "client_credential" or query.get("appid") != self.app_id:
            return web.json_response({"errcode": 40013, "errmsg": "invalid appid"})
        if query.get("secret") != self.app_secret:
            return web.json_response({"errcode": 40001, "errmsg": "invalid credential"})
        token = secrets.token_urlsafe(24)
        with self._lock:
            self.token_requests += 1
            self._valid_tokens.add(token)
        return web.json_response({"access_token": token, "expires_in": 7200})

    def _refused(self, request: web.Request) -> web.Response | None:
        with self._lock:
            valid = request.query.get("access_token") in self._valid_tokens
        return None if valid else web.json_response({"errcode": 40001, "errmsg": "invalid credential"})

    async def _custom_send(self, request: web.Request) -> web.Response:
        if (refusal := self._refused(request)) is not None:
            return refusal
        message = json.loads(await request.read())
        kind = message.get("msgtype")
        if not message.get("touser") or kind not in ("text", "image") or not isinstance(message.get(kind), dict):
            return web.json_response({"errcode": 40008, "errmsg": "invalid message type"})
        if kind == "text" and len(message["text"]["content"].encode()) > 2048:
            return web.json_response({"errcode": 45002, "errmsg": "content size out of limit"})
        with self._lock:
            self._sent[message["touser"]].append(message)
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    async def _upload(self, request: web.Request) -> web.Response:
        if (refusal := self._refused(request)) is not None:
            return refusal
        form = await request.post()
        media = form.get("media")
        if not isinstance(media, web.FileField):
            return web.json_response({"errcode": 41005, "errmsg": "media data missing"})
        kind = request.query.get("type", "")
        with self._lock:
            self.uploads.append((kind, media.file.read()))
        media_id = f"media-{secrets.token_hex(6)}"
        return web.json_response({"type": kind, "media_id": media_id, "created_at": int(time.time())})

    async def _media_get(self, request: web.Request) -> web.Response:
        if (refusal := self._refused(request)) is not None:
            return refusal
        body = self.media.get(request.query.get("media_id", ""))
        if body is None:
            return web.json_response({"errcode": 40007, "errmsg": "invalid media_id"})
        return web.Response(body=body, content_type="image/jpeg")

    async def _menu_create(self, request: web.Request) -> web.Response:
        if (refusal := self._refused(request)) is not None:
            return refusal
        with self._lock:
            self.menus.append(json.loads(await request.read()))
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    # -- running -------------------------------------------------------------------------
    def add_routes(self, router: web.UrlDispatcher) -> None:
        router.add_get("/cgi-bin/token", self._token)
        router.add_post("/cgi-bin/message/custom/send", self._custom_send)
        router.add_post("/cgi-bin/media/upload", self._upload)
        router.add_get("/cgi-bin/media/get", self._media_get)
        router.add_post("/cgi-bin/menu/create", self._menu_create)


class WeChatPush:
    """What WeChat's server does with a user's message: XML signed with the 公众号's token (and,
    in 安全模式, encrypted with wechatpy's ``WeChatCrypto``), POSTed to the webhook; the answer
    is read back the same way (decrypted, its signature checked, parsed by wechatpy)."""

    def __init__(self, webhook_url: str, token: str, *, aes_key: str | None = None, app_id: str = APP_ID) -> None:
        self.webhook_url = webhook_url
        self.token = token
        self.crypto = WeChatCrypto(token, aes_key, app_id) if aes_key else None
        self.account = "gh_e2e_account"  # the 公众号's own id (ToUserName)
        self._times = itertools.count(int(time.time()))

    def signed_query(self, *, signature: str | None = None, age_s: int = 0, **extra: str) -> dict[str, str]:
        """The query WeChat signs a request with (sent ``age_s`` seconds ago)."""
        timestamp, nonce = str(int(time.time()) - age_s), secrets.token_hex(5)
        signer = WeChatSigner()
        signer.add_data(self.token, timestamp, nonce)
        return {"signature": signature or signer.signature, "timestamp": timestamp, "nonce": nonce, **extra}

    def xml(self, openid: str, msg_type: str, *, msg_id: str | None = None, **fields: str) -> str:
        """A message as WeChat sends it; a text or voice gets a fresh MsgId unless one is given."""
        created = str(next(self._times))
        if msg_type != "event" and msg_id is None:
            msg_id = str(next(_MSG_IDS))
        parts = [f"<ToUserName><![CDATA[{self.account}]]></ToUserName>",
                 f"<FromUserName><![CDATA[{openid}]]></FromUserName>",
                 f"<CreateTime>{created}</CreateTime>", f"<MsgType><![CDATA[{msg_type}]]></MsgType>"]
        parts += [f"<{name}><![CDATA[{value}]]></{name}>" for name, value in fields.items()]
        if msg_id is not None:
            parts.append(f"<MsgId>{msg_id}</MsgId>")
        return "<xml>" + "".join(parts) + "</xml>"

    async def post(self, http: Any, xml: str, *, forge: bool = False) -> tuple[int, str]:
        """POST ``xml`` (``http``: an aiohttp session) signed, or with a wrong signature; the
        status and the answer, decrypted in 安全模式."""
        query = self.signed_query(signature="0" * 40 if forge else None)
        body = xml
        if self.crypto is not None:
            envelope = xmltodict.parse(self.crypto.encrypt_message(xml, query["nonce"], query["timestamp"]))["xml"]
            query.update(encrypt_type="aes", msg_signature=envelope["MsgSignature"], openid="o")
            body = (f"<xml><ToUserName><![CDATA[{self.account}]]></ToUserName>"
                    f"<Encrypt><![CDATA[{envelope['Encrypt']}]]></Encrypt></xml>")
        async with http.post(self.webhook_url, params=query, data=body.encode()) as reply:
            answer = await reply.text()
            status = reply.status
        if self.crypto is not None and status == 200 and answer not in ("", "success"):
            envelope = xmltodict.parse(answer)["xml"]
            answer = self.crypto.decrypt_message(
                answer, envelope["MsgSignature"], envelope["TimeStamp"], envelope["Nonce"]
            )
        return status, answer

    @staticmethod
    def reply_text(answer: str) -> str | None:
        """The text of a passive reply (wechatpy parses it), or None for ``success``."""
        if answer == "success":
            return None
        return str(parse_message(answer).content)


E2E_TOKEN = "e2e-wechat-token"
E2E_AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # 43 characters, as WeChat shows it


@pytest.fixture(scope="session")
def wechat_api() -> Iterator[FakeWeChatApi]:
    """The fake WeChat API the assistant's WeChat channel talks to, for the whole session."""
    api = FakeWeChatApi()
    api.start()
    yield api
    api.stop()


def wechat_environment(api: FakeWeChatApi) -> dict[str, str]:
    """The assistant's WeChat settings: 兼容模式 (plain, and 安全模式 when asked), the fake API."""
    return {
        "WECHAT_TOKEN": E2E_TOKEN, "WECHAT_APP_ID": api.app_id, "WECHAT_APP_SECRET": api.app_secret,
        "WECHAT_ENCODING_AES_KEY": E2E_AES_KEY, "WECHAT_API_BASE_URL": api.url,
    }


class WeChatUser:
    """One follower of the 公众号 (openid), talking through WeChat's server (to the assistant's
    Rasa server, or to ``rasa_url``: another replica of it)."""

    def __init__(
        self, assistant: RunningAssistant, openid: str, *, encrypted: bool = False, rasa_url: str | None = None
    ) -> None:
        self.assistant = assistant
        self.openid = openid
        self.wechat = WeChatPush(f"{rasa_url or assistant.rasa_url}/webhooks/wechat/webhook", E2E_TOKEN,
                                 aes_key=E2E_AES_KEY if encrypted else None)

    def post(self, *xmls: str, forge: bool = False) -> list[tuple[int, str]]:
        """POST each message at once (several: concurrently, as retries arrive)."""
        async def send() -> list[tuple[int, str]]:
            async with aiohttp.ClientSession() as http:
                return list(await asyncio.gather(*(self.wechat.post(http, xml, forge=forge) for xml in xmls)))

        return asyncio.run(send())

    def say(self, text: str) -> str | None:
        """The passive answer's text to a text message (None for ``success``)."""
        [(status, answer)] = self.post(self.wechat.xml(self.openid, "text", Content=text))
        assert status == 200, answer
        return WeChatPush.reply_text(answer)

    def log_in(self, phone: str, *, registers: bool = False) -> str:
        """Answer the login form (already asking for the phone): the phone, then the SMS code;
        the answer to the code (for a phone not registered yet, ``registers``: it is registered)."""
        self.assistant.advance_clock(PAST_RESEND_WAIT)  # a phone gets one code a minute
        code_sent = self.say(phone)
        assert code_sent is not None and "验证码已发送" in code_sent, code_sent
        logged_in = self.say(last_sms_code(self.assistant.database_url, phone))
        expected = "该手机号尚未注册，已为您自动注册网上国网账号并登录" if registers else "登录成功"
        assert logged_in is not None and logged_in.startswith(expected), logged_in
        return logged_in

    def photo(self, api: FakeWeChatApi, data: bytes) -> str | None:
        """Send a photo as WeChat does: the picture kept by WeChat (``media/get`` on the fake
        serves it) and a message with its PicUrl and MediaId; the passive answer's text."""
        media_id = f"e2e-photo-{secrets.token_hex(6)}"
        api.media[media_id] = data
        xml = self.wechat.xml(self.openid, "image", PicUrl=f"http://mmbiz.qpic.cn/mmbiz_jpg/{media_id}/0",
                              MediaId=media_id)
        [(status, answer)] = self.post(xml)
        assert status == 200, answer
        return WeChatPush.reply_text(answer)

    def event(self, event: str, key: str = "") -> str | None:
        fields = {"Event": event, **({"EventKey": key} if key else {})}
        [(status, answer)] = self.post(self.wechat.xml(self.openid, "event", **fields))
        assert status == 200, answer
        return WeChatPush.reply_text(answer)

    def user_texts_in_tracker(self) -> list[str]:
        events: list[dict[str, Any]] = self._tracker()["events"]
        return [e.get("text") or "" for e in events if e["event"] == "user"]

    def wait_until_answered(self, text: str, timeout_s: float = 60.0) -> None:
        """Wait until the conversation's last message is ``text`` and its turn is over (the bot
        listens again): a turn answered through the API may still be running after its first
        message arrived, and another replica must not take the next message meanwhile."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            tracker = self._tracker()
            users = [e.get("text") for e in tracker["events"] if e["event"] == "user"]
            if users and users[-1] == text and tracker.get("latest_action_name") == "action_listen":
                return
            time.sleep(0.1)
        raise AssertionError(f"the turn answering {text!r} did not end within {timeout_s} s")

    def _tracker(self) -> dict[str, Any]:
        return Conversation(self.assistant.rasa_url, self.openid).tracker(self.assistant.api_token)
