"""A fake Telegram Bot API on loopback (aiohttp), for the real python-telegram-bot ``Bot`` to talk
to through ``base_url``: it answers ``getMe``, ``sendMessage``, ``sendPhoto``, ``sendDocument``,
``answerCallbackQuery``, ``editMessageReplyMarkup``, ``getFile`` (and the file download),
``setWebhook``, ``deleteWebhook`` and ``getUpdates``, and records every call.

Like the real API, editing the keyboard of a message that has none fails with
"Bad Request: message is not modified", a wrong token gets 401, and a method told to
:meth:`FakeTelegramApi.flood` answers 429 "Too Many Requests" with ``retry_after``.
"""
from __future__ import annotations

import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from aiohttp import web

from tests.e2e.conversation import last_sms_code
from tests.loopback_http import LoopbackHttpServer

if TYPE_CHECKING:  # conftest imports this module
    from tests.e2e.conftest import RunningAssistant

BOT_ID = 7000000001
BOT_USERNAME = "sgcc_e_bot"


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    result: Any = None  # what the fake answered
    status: int = 200  # how: anything else is an error (the result is its description)

    @property
    def chat_id(self) -> str:
        return str(self.params.get("chat_id", ""))


def _decoded(value: str) -> Any:
    """PTB sends strings as they are and everything else JSON-encoded."""
    try:
        return json.loads(value)
    except ValueError:
        return value


class FakeTelegramApi(LoopbackHttpServer):
    """Runs its own event loop in a thread; thread-safe readers for tests."""

    def __init__(self, token: str) -> None:
        self.token = token
        super().__init__()
        self.base_url = f"http://127.0.0.1:{self.port}/bot"
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []  # served by getUpdates
        self.webhook: dict[str, Any] = {}
        self._files: dict[str, bytes] = {}
        self._keyboards: dict[tuple[str, int], Any] = {}  # (chat, message id) → reply_markup
        self._message_ids = itertools.count(1000)
        self._floods: dict[str, list[int]] = {}  # method → the retry_after of its next refusals
        self._lock = threading.Lock()

    # --- what tests use -------------------------------------------------------------

    def add_file(self, data: bytes) -> str:
        """Make ``data`` downloadable like a file a user sent; its ``file_id``."""
        with self._lock:
            file_id = f"file-{len(self._files) + 1}"
            self._files[file_id] = data
        return file_id

    def flood(self, method: str, retry_after_s: int, times: int = 1) -> None:
        """The next ``times`` calls of ``method`` are refused with 429, retry after ``retry_after_s``."""
        with self._lock:
            self._floods.setdefault(method, []).extend([retry_after_s] * times)

    def calls_of(self, method: str, chat_id: int | str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method and (chat_id is None or c.chat_id == str(chat_id))]

    def texts(self, chat_id: int | str) -> list[str]:
        """The texts sent to the chat (refused calls did not send one)."""
        return texts(self.calls_of("sendMessage", chat_id))

    def wait_for(self, count: Callable[[], int], at_least: int, timeout_s: float = 30.0) -> None:
        deadline = time.monotonic() + timeout_s
        while count() < at_least:
            if time.monotonic() > deadline:
                raise AssertionError(f"the fake Bot API got {count()} calls, not {at_least}: {self.calls[-5:]}")
            time.sleep(0.05)

    def settle(self, quiet_s: float = 1.5, timeout_s: float = 60.0) -> None:
        """Wait until no call came for ``quiet_s`` (the bot has said all it will)."""
        deadline = time.monotonic() + timeout_s
        seen, since = -1, time.monotonic()
        while time.monotonic() < deadline:
            with self._lock:
                now = len(self.calls)
            if now != seen:
                seen, since = now, time.monotonic()
            elif time.monotonic() - since >= quiet_s:
                return
            time.sleep(0.05)
        raise AssertionError("the bot kept calling the fake Bot API")

    # --- the API --------------------------------------------------------------------

    def _message(self, chat_id: str, **content: Any) -> dict[str, Any]:
        return {"message_id": next(self._message_ids), "date": int(time.time()),
                "chat": {"id": int(chat_id), "type": "private" if int(chat_id) > 0 else "group"},
                "from": {"id": BOT_ID, "is_bot": True, "first_name": "小e", "username": BOT_USERNAME}, **content}

    def _answer(self, call: Call) -> tuple[int, Any]:
        p = call.params
        if call.method == "getMe":
            return 200, {"id": BOT_ID, "is_bot": True, "first_name": "小e", "username": BOT_USERNAME,
                         "can_join_groups": False, "can_read_all_group_messages": False,
                         "supports_inline_queries": False}
        if call.method == "sendMessage":
            message = self._message(call.chat_id, text=p["text"])
            if p.get("reply_markup"):
                message["reply_markup"] = p["reply_markup"]
                self._keyboards[(call.chat_id, message["message_id"])] = p["reply_markup"]
            return 200, message
        if call.method == "sendPhoto":
            return 200, self._message(call.chat_id, photo=[
                {"file_id": "sent-photo", "file_unique_id": "sp", "width": 800, "height": 600}])
        if call.method == "sendDocument":
            return 200, self._message(call.chat_id, document={"file_id": "sent-doc", "file_unique_id": "sd"})
        if call.method == "editMessageReplyMarkup":
            key = (call.chat_id, int(p["message_id"]))
            if not self._keyboards.get(key) and not p.get("reply_markup"):
                return 400, "Bad Request: message is not modified: specified new message content and reply " \
                            "markup are exactly the same as a current content and reply markup of the message"
            self._keyboards[key] = p.get("reply_markup")
            return 200, self._message(call.chat_id, text="…")
        if call.method == "getFile":
            data = self._files.get(str(p["file_id"]))
            if data is None:
                return 400, "Bad Request: invalid file_id"
            return 200, {"file_id": p["file_id"], "file_unique_id": f"u{p['file_id']}", "file_size": len(data),
                         "file_path": f"documents/{p['file_id']}"}
        if call.method == "setWebhook":
            self.webhook = dict(p)
            return 200, True
        if call.method == "deleteWebhook":
            self.webhook = {}
            return 200, True
        if call.method == "getUpdates":
            offset = int(p.get("offset") or 0)
            return 200, [u for u in self.updates if u["update_id"] >= offset]
        if call.method in ("answerCallbackQuery",):
            return 200, True
        return 404, "Not Found"

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        params: dict[str, Any] = {}
        files: dict[str, bytes] = {}
        if request.content_type.startswith("multipart/"):
            async for part in await request.multipart():
                body = await part.read()  # type: ignore[union-attr]
                if part.filename:  # type: ignore[union-attr]
                    files[str(part.name)] = bytes(body)  # type: ignore[union-attr]
                else:
                    params[str(part.name)] = _decoded(body.decode())  # type: ignore[union-attr]
        elif request.can_read_body:
            params = {k: _decoded(v) for k, v in (await request.post()).items() if isinstance(v, str)}
        call = Call(request.match_info["method"], params, files)
        with self._lock:
            self.calls.append(call)
            if self._floods.get(call.method):
                retry_after = self._floods[call.method].pop(0)
                call.result, call.status = f"Too Many Requests: retry after {retry_after}", 429
                return web.json_response({"ok": False, "error_code": 429, "description": call.result,
                                          "parameters": {"retry_after": retry_after}}, status=429)
            status, result = self._answer(call)
            call.result, call.status = result, status
        if status != 200:
            return web.json_response({"ok": False, "error_code": status, "description": result}, status=status)
        return web.json_response({"ok": True, "result": result})

    async def _download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        with self._lock:
            data = self._files.get(request.match_info["path"].rsplit("/", 1)[-1])
        return web.Response(body=data) if data is not None else web.Response(status=404)

    client_max_size = 50 * 1024 * 1024  # photos and documents the bot sends

    def add_routes(self, router: web.UrlDispatcher) -> None:
        router.add_post("/bot{token}/{method}", self._api)
        router.add_get("/file/bot{token}/{path:.+}", self._download)


class TelegramUser:
    """Real Update JSON, as Telegram posts it to a webhook, for one user in their private chat."""

    _update_ids = itertools.count(1)

    def __init__(self, chat_id: int, first_name: str = "测试") -> None:
        self.chat_id = chat_id
        self._user = {"id": chat_id, "is_bot": False, "first_name": first_name, "language_code": "zh-hans"}
        self._message_ids = itertools.count(1)

    def _update(self, **content: Any) -> dict[str, Any]:
        return {"update_id": next(self._update_ids), **content}

    def _message(self, **content: Any) -> dict[str, Any]:
        chat = {"id": self.chat_id, "type": "private", "first_name": self._user["first_name"]}
        return self._update(message={"message_id": next(self._message_ids), "date": int(time.time()),
                                     "chat": chat, "from": self._user, **content})

    def text(self, text: str) -> dict[str, Any]:
        if text.startswith("/"):
            command = text.split()[0]
            return self._message(text=text, entities=[{"type": "bot_command", "offset": 0, "length": len(command)}])
        return self._message(text=text)

    def photo(self, file_id: str, size: int) -> dict[str, Any]:
        return self._message(photo=[
            {"file_id": f"{file_id}-thumb", "file_unique_id": "thumb", "width": 90, "height": 90, "file_size": 1000},
            {"file_id": file_id, "file_unique_id": f"u{file_id}", "width": 1280, "height": 960, "file_size": size},
        ])

    def document(self, file_id: str, size: int, file_name: str) -> dict[str, Any]:
        return self._message(document={"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": size,
                                       "file_name": file_name, "mime_type": "application/octet-stream"})

    def contact(self, phone: str, *, own: bool = True) -> dict[str, Any]:
        card = {"phone_number": phone, "first_name": "张"}
        return self._message(contact={**card, "user_id": self.chat_id if own else self.chat_id + 1})

    def press(self, sent: Call, data: str) -> dict[str, Any]:
        """The user presses the button with ``data`` under the message the bot ``sent``."""
        return self._update(callback_query={"id": f"cb{next(self._message_ids)}", "from": self._user,
                                            "chat_instance": f"ci{self.chat_id}", "data": data,
                                            "message": sent.result})

    def in_group(self, group_id: int, text: str, *, kind: str = "group") -> dict[str, Any]:
        """``text`` said in the group (or supergroup) ``group_id`` (negative, as Telegram's are)."""
        update = self._message(text=text)
        update["message"]["chat"] = {"id": group_id, "type": kind, "title": "家庭群"}
        return update

    def edited(self, text: str) -> dict[str, Any]:
        update = self._message(text=text)
        return {"update_id": update["update_id"], "edited_message": {**update["message"], "edit_date": 1}}


def button_data(sent: Call) -> dict[str, str]:
    """Title → callback_data of the keyboard under a message the bot sent."""
    rows = (sent.params.get("reply_markup") or {}).get("inline_keyboard") or []
    return {button["text"]: button["callback_data"] for row in rows for button in row}


E2E_TOKEN = "7000000001:e2e-fake-bot-token"
E2E_WEBHOOK_SECRET = "e2e-telegram-webhook-secret"


@pytest.fixture(scope="session")
def telegram_api() -> Iterator[FakeTelegramApi]:
    """The fake Bot API the e2e assistant's Telegram channel talks to (TELEGRAM_API_BASE_URL)."""
    api = FakeTelegramApi(E2E_TOKEN).start()
    yield api
    api.stop()


def telegram_environment(api: FakeTelegramApi) -> dict[str, str]:
    return {"TELEGRAM_BOT_TOKEN": E2E_TOKEN, "TELEGRAM_WEBHOOK_SECRET": E2E_WEBHOOK_SECRET,
            "TELEGRAM_API_BASE_URL": api.base_url}


SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def post(assistant: RunningAssistant, body: bytes, secret: str | None = E2E_WEBHOOK_SECRET) -> int:
    request = urllib.request.Request(f"{assistant.rasa_url}/webhooks/telegram/webhook", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    if secret is not None:
        request.add_header(SECRET_HEADER, secret)
    try:
        with urllib.request.urlopen(request) as reply:  # noqa: S310 - loopback
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code


class TelegramChat:
    """One user's private chat with the bot: what they send, and what the bot sent back."""

    def __init__(self, assistant: RunningAssistant, api: FakeTelegramApi, chat_id: int) -> None:
        self.assistant, self.api, self.user = assistant, api, TelegramUser(chat_id)

    def _calls(self) -> list[Call]:
        return [c for c in self.api.calls if c.chat_id == str(self.user.chat_id)]

    def send(self, update: dict[str, Any]) -> list[Call]:
        """Post ``update``; the bot's calls for this chat once it has answered."""
        before = len(self._calls())
        assert post(self.assistant, json.dumps(update).encode()) == 200
        self.api.wait_for(lambda: len(self._calls()), before + 1)
        self.api.settle()
        return self._calls()[before:]

    def say(self, text: str) -> list[str]:
        return texts(self.send(self.user.text(text)))

    def log_in(self, phone: str) -> list[str]:
        """Answer the login form: the phone shared as a contact, then the SMS code."""
        self.assistant.advance_clock(timedelta(minutes=2))  # a phone gets one code a minute
        sent = texts(self.send(self.user.contact(f"+86{phone}")))
        assert any("验证码已发送" in t for t in sent), sent
        return self.say(last_sms_code(self.assistant.database_url, phone))


def texts(calls: list[Call]) -> list[str]:
    """The texts the bot sent with ``calls`` (refused calls did not send one)."""
    return [str(c.params["text"]) for c in calls if c.method == "sendMessage" and c.status == 200]
