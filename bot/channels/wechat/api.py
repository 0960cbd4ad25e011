"""The WeChat API calls the connector makes: ``access_token``, customer-service messages
(``message/custom/send``), temporary media and the 自定义菜单.

The access token is fetched once and kept by the process's one :class:`WeChatApi` (the
channel's: replies, late replies and pushes share it) until shortly before it expires; a call
WeChat answers with a token error (40001 and the like: the token was replaced or revoked) fetches
a new one, once for all the calls that were refused the same token, and is retried once. With
several replicas each process keeps its own token, or with ``REDIS_URL`` they share one
(:mod:`bot.channels.wechat.token_cache`).

The base URL is ``WECHAT_API_BASE_URL`` (tests point it at a local fake). The access token
and the AppSecret travel in query strings, so no URL is ever logged, only the path.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import aiohttp

from bot.channels.wechat.token_cache import RedisSharedToken, SharedToken
from bot.settings import Settings

__all__ = ["WeChatApi", "WeChatApiError"]

log = logging.getLogger(__name__)

# Refetch the token this long before WeChat says it expires (it lives 7200 s).
EXPIRY_MARGIN_S = 300
# Error codes meaning "this token is no longer valid": fetch a new one and retry once.
TOKEN_ERRORS = frozenset({40001, 40014, 42001})
TIMEOUT = aiohttp.ClientTimeout(total=10)
Result = TypeVar("Result")


class WeChatApiError(Exception):
    def __init__(self, path: str, errcode: int, errmsg: str) -> None:
        super().__init__(f"WeChat API {path}: {errcode} {errmsg}")
        self.errcode = errcode


class WeChatApi:
    """One 公众号's API client; one per process (it owns the cached token)."""

    def __init__(
        self, base_url: str, app_id: str, app_secret: str, *, shared: SharedToken | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._app_id = app_id
        self._app_secret = app_secret
        self._shared = shared
        self._monotonic = monotonic
        self._token: str | None = None
        self._token_expires_at = 0.0
        self._token_lock = asyncio.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> WeChatApi | None:
        """The client, or None when the AppID or AppSecret is not configured."""
        if not (settings.wechat_app_id and settings.wechat_app_secret):
            return None
        shared = RedisSharedToken.from_url(settings.redis_url, settings.wechat_app_id) if settings.redis_url else None
        return cls(settings.wechat_api_base_url, settings.wechat_app_id, settings.wechat_app_secret, shared=shared)

    async def access_token(self, *, rejected: str | None = None) -> str:
        """The token to call with: the one kept, unless it has expired or is the ``rejected``
        one (WeChat refused it); then the shared one (other replicas'), else a new one."""
        async with self._token_lock:
            now = self._monotonic()
            if self._token is not None and self._token != rejected and now < self._token_expires_at:
                return self._token
            found = await self._shared.get() if self._shared is not None else None
            if found is not None and found[0] != rejected:
                self._token, self._token_expires_at = found[0], now + found[1]
                return found[0]
            params = {"grant_type": "client_credential", "appid": self._app_id, "secret": self._app_secret}
            answer = await self._request("GET", "/cgi-bin/token", params=params)
            lifetime = float(answer.get("expires_in", 7200))
            keep_for = max(lifetime - EXPIRY_MARGIN_S, lifetime / 2)
            self._token, self._token_expires_at = str(answer["access_token"]), now + keep_for
            if self._shared is not None:
                await self._shared.put(self._token, keep_for)
            return self._token

    async def _with_token(self, call: Callable[[str], Awaitable[Result]]) -> Result:
        """``call(token)``; when WeChat rejects the token, again with a new one (once)."""
        token = await self.access_token()
        try:
            return await call(token)
        except WeChatApiError as error:
            if error.errcode not in TOKEN_ERRORS:
                raise
            log.info("WeChat refused the access token (%d): taking a new one", error.errcode)
        return await call(await self.access_token(rejected=token))

    async def call(self, method: str, path: str, **request: Any) -> dict[str, Any]:
        """An API call with the access token (a rejected token is replaced and the call retried
        once): ``request`` is sent twice then, so it holds bytes, not a stream or a form."""
        params = request.pop("params", {})

        async def with_token(token: str) -> dict[str, Any]:
            return await self._request(method, path, params={**params, "access_token": token}, **request)

        return await self._with_token(with_token)

    async def send_text(self, openid: str, text: str) -> None:
        await self._send(openid, "text", {"content": text})

    async def send_image(self, openid: str, media_id: str) -> None:
        await self._send(openid, "image", {"media_id": media_id})

    async def upload_media(self, kind: str, filename: str, data: bytes, content_type: str) -> str:
        """Upload temporary media (``image``, ``file``…: kept 3 days by WeChat); its media_id."""
        async def with_token(token: str) -> dict[str, Any]:
            form = aiohttp.FormData()  # a form is sent once: a retry needs its own
            form.add_field("media", data, filename=filename, content_type=content_type)
            return await self._request("POST", "/cgi-bin/media/upload", params={"type": kind, "access_token": token},
                                       data=form)

        return str((await self._with_token(with_token))["media_id"])

    async def download_media(self, media_id: str, max_bytes: int) -> bytes:
        """A user's upload (a photo) by its media_id; at most ``max_bytes`` + 1 bytes are read
        (the upload check refuses anything longer)."""
        url = f"{self._base_url}/cgi-bin/media/get"

        async def with_token(token: str) -> bytes:
            async with aiohttp.ClientSession(timeout=TIMEOUT) as session, session.get(
                url, params={"access_token": token, "media_id": media_id}
            ) as reply:
                body = await reply.content.read(max_bytes + 1)
                if reply.status != 200:
                    raise WeChatApiError("/cgi-bin/media/get", reply.status, "HTTP status")
                if reply.content_type in ("application/json", "text/plain"):  # an error, not media
                    raise WeChatApiError("/cgi-bin/media/get", _errcode_of(body), "no media")
                return body

        return await self._with_token(with_token)

    async def create_menu(self, menu: dict[str, Any]) -> None:
        await self.call("POST", "/cgi-bin/menu/create", data=_json_body(menu),
                        headers={"Content-Type": "application/json"})

    async def _send(self, openid: str, msgtype: str, content: dict[str, str]) -> None:
        body = {"touser": openid, "msgtype": msgtype, msgtype: content}
        await self.call("POST", "/cgi-bin/message/custom/send", data=_json_body(body),
                        headers={"Content-Type": "application/json"})

    async def _request(self, method: str, path: str, **request: Any) -> dict[str, Any]:
        async with aiohttp.ClientSession(timeout=TIMEOUT) as session, session.request(
            method, self._base_url + path, **request
        ) as reply:
            if reply.status != 200:
                raise WeChatApiError(path, reply.status, "HTTP status")
            answer = json.loads(await reply.read())
        if not isinstance(answer, dict):
            raise WeChatApiError(path, -1, "not a JSON object")
        errcode = int(answer.get("errcode") or 0)
        if errcode:
            raise WeChatApiError(path, errcode, str(answer.get("errmsg", "")))
        return answer


def _errcode_of(body: bytes) -> int:
    """The errcode of a JSON error answer; -1 when there is none."""
    try:
        answer = json.loads(body)
    except ValueError:
        return -1
    return int(answer.get("errcode") or -1) if isinstance(answer, dict) else -1


def _json_body(value: dict[str, Any]) -> bytes:
    """WeChat wants UTF-8 Chinese as is, not \\u escapes (they count against length limits)."""
    return json.dumps(value, ensure_ascii=False).encode()
