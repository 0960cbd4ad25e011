"""The WeChat API calls the connector makes: ``access_token`` (cached, refreshed on expiry),
customer-service messages (``message/custom/send``), temporary media and the 自定义菜单.

The base URL is ``WECHAT_API_BASE_URL`` (tests point it at a local fake). The access token
and the AppSecret travel in query strings, so no URL is ever logged, only the path.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

import aiohttp

from bot.settings import Settings

__all__ = ["WeChatApi", "WeChatApiError"]

log = logging.getLogger(__name__)

# Refetch the token this long before WeChat says it expires (it lives 7200 s).
EXPIRY_MARGIN_S = 300
# Error codes meaning "this token is no longer valid": fetch a new one and retry once.
TOKEN_ERRORS = frozenset({40001, 40014, 42001})
TIMEOUT = aiohttp.ClientTimeout(total=10)


class WeChatApiError(Exception):
    def __init__(self, path: str, errcode: int, errmsg: str) -> None:
        super().__init__(f"WeChat API {path}: {errcode} {errmsg}")
        self.errcode = errcode


class WeChatApi:
    """One 公众号's API client; one per process (it owns the cached token)."""

    def __init__(self, base_url: str, app_id: str, app_secret: str) -> None:
        self._base_url = base_url.rstrip("/")
        self._app_id = app_id
        self._app_secret = app_secret
        self._token: str | None = None
        self._token_expires_at = 0.0
        self._token_lock = asyncio.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> WeChatApi | None:
        """The client, or None when the AppID or AppSecret is not configured."""
        if not (settings.wechat_app_id and settings.wechat_app_secret):
            return None
        return cls(settings.wechat_api_base_url, settings.wechat_app_id, settings.wechat_app_secret)

    async def access_token(self, *, refresh: bool = False) -> str:
        async with self._token_lock:
            if refresh or self._token is None or time.monotonic() >= self._token_expires_at:
                params = {"grant_type": "client_credential", "appid": self._app_id, "secret": self._app_secret}
                answer = await self._request("GET", "/cgi-bin/token", params=params)
                self._token = str(answer["access_token"])
                lifetime = float(answer.get("expires_in", 7200))
                self._token_expires_at = time.monotonic() + max(lifetime - EXPIRY_MARGIN_S, lifetime / 2)
            return self._token

    async def call(self, method: str, path: str, **request: Any) -> dict[str, Any]:
        """An API call with the access token; a rejected token is refreshed and the call retried once."""
        for attempt in range(2):
            token = await self.access_token(refresh=attempt > 0)
            params = {**request.pop("params", {}), "access_token": token}
            try:
                return await self._request(method, path, params=params, **request)
            except WeChatApiError as error:
                if error.errcode not in TOKEN_ERRORS or attempt > 0:
                    raise
                log.info("WeChat refused the access token (%d): fetching a new one", error.errcode)
        raise AssertionError("unreachable")

    async def send_text(self, openid: str, text: str) -> None:
        await self._send(openid, "text", {"content": text})

    async def send_image(self, openid: str, media_id: str) -> None:
        await self._send(openid, "image", {"media_id": media_id})

    async def upload_media(self, kind: str, filename: str, data: bytes, content_type: str) -> str:
        """Upload temporary media (``image``, ``file``…: kept 3 days by WeChat); its media_id."""
        form = aiohttp.FormData()
        form.add_field("media", data, filename=filename, content_type=content_type)
        answer = await self.call("POST", "/cgi-bin/media/upload", params={"type": kind}, data=form)
        return str(answer["media_id"])

    async def download_media(self, media_id: str, max_bytes: int) -> bytes:
        """A user's upload (a photo) by its media_id; at most ``max_bytes`` + 1 bytes are read
        (the upload check refuses anything longer)."""
        token = await self.access_token()
        url = f"{self._base_url}/cgi-bin/media/get"
        async with aiohttp.ClientSession(timeout=TIMEOUT) as session, session.get(
            url, params={"access_token": token, "media_id": media_id}
        ) as reply:
            body = await reply.content.read(max_bytes + 1)
            if reply.status != 200 or reply.content_type in ("application/json", "text/plain"):
                raise WeChatApiError("/cgi-bin/media/get", reply.status, "no media")
            return body

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


def _json_body(value: dict[str, Any]) -> bytes:
    """WeChat wants UTF-8 Chinese as is, not \\u escapes (they count against length limits)."""
    return json.dumps(value, ensure_ascii=False).encode()
