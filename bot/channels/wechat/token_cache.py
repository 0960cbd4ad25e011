"""Where a 公众号's ``access_token`` is kept between API calls.

Each process keeps the token it uses in memory (:class:`~bot.channels.wechat.api.WeChatApi`).
With several replicas that alone is wasteful: every ``cgi-bin/token`` call issues a new token
and the previous one stops working five minutes later, so replicas that each fetch their own
keep invalidating each other (and the AppID may fetch only 2000 tokens a day). When
``REDIS_URL`` is set the token is also kept in Redis (:class:`RedisSharedToken`, key
``wechat:access_token:<AppID>``, expiring with the token): a replica takes the token there
before fetching one, and a replica whose token WeChat rejects takes the newer one there.

Two replicas that fetch at the same moment both get a token; the last one written wins, and
the other replica moves to it when WeChat rejects its own. If Redis does not answer, each
process fetches and keeps its own, as without Redis.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Protocol

import redis

__all__ = ["RedisSharedToken", "SharedToken"]

log = logging.getLogger(__name__)


class SharedToken(Protocol):
    async def get(self) -> tuple[str, float] | None:
        """The token every replica uses and the seconds it is still good for, or None."""

    async def put(self, token: str, keep_for_s: float) -> None:
        """Share ``token`` for ``keep_for_s`` seconds."""


class RedisSharedToken:
    """The token in Redis. The token is a credential: Redis must be the deployment's own."""

    def __init__(self, client: redis.Redis, key: str) -> None:
        self._client = client
        self._key = key

    @classmethod
    def from_url(cls, url: str, app_id: str, timeout_s: float = 1.0) -> RedisSharedToken:
        client = redis.Redis.from_url(url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s)
        return cls(client, f"wechat:access_token:{app_id}")

    def _get(self) -> tuple[str, float] | None:
        pipeline = self._client.pipeline()
        pipeline.get(self._key)
        pipeline.pttl(self._key)
        value, ttl_ms = pipeline.execute()
        if not value or ttl_ms is None or int(ttl_ms) <= 0:
            return None
        token = value.decode() if isinstance(value, bytes) else str(value)
        return token, int(ttl_ms) / 1000

    def _put(self, token: str, keep_for_s: float) -> None:
        self._client.set(self._key, token, px=max(1, int(keep_for_s * 1000)))

    async def get(self) -> tuple[str, float] | None:
        try:
            return await asyncio.to_thread(self._get)
        except redis.RedisError as error:
            log.warning("the WeChat access token is not shared: Redis does not answer (%s)", type(error).__name__)
            return None

    async def put(self, token: str, keep_for_s: float) -> None:
        try:
            await asyncio.to_thread(self._put, token, keep_for_s)
        except redis.RedisError as error:
            log.warning("the WeChat access token is not shared: Redis does not answer (%s)", type(error).__name__)
