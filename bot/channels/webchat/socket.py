"""The open WebSockets of this process, per sender, and the relay that reaches them from anywhere.

:class:`Sockets` holds every socket open on this process by sender id (one widget session may be
open in several tabs). :class:`Relay` delivers a frame to all of a sender's sockets: those here
directly, and — when REDIS_URL is set — those on other replicas through Redis pub/sub (channel
``webchat:frames``): every replica subscribes and delivers the frames another replica published
to the sockets it holds. So a reply or a push (Rasa's ``trigger_intent`` may run on any replica)
reaches the page wherever its socket is. Without Redis there is one process and delivery is
in-process. A page that is closed gets nothing: the messages stay in the tracker and come back
with the history when it opens again.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections import defaultdict
from typing import Any, Protocol

import redis
import redis.asyncio as aioredis

__all__ = ["PUBSUB_CHANNEL", "Relay", "Sockets", "WebSocket"]

log = logging.getLogger(__name__)

PUBSUB_CHANNEL = "webchat:frames"
_RETRY_S = 2.0


class WebSocket(Protocol):
    async def send(self, message: str) -> None: ...


class Sockets:
    """The sockets open on this process, by sender id."""

    def __init__(self) -> None:
        self._open: dict[str, set[WebSocket]] = defaultdict(set)

    def add(self, sender_id: str, socket: WebSocket) -> None:
        self._open[sender_id].add(socket)

    def discard(self, sender_id: str, socket: WebSocket) -> None:
        sockets = self._open.get(sender_id)
        if sockets is not None:
            sockets.discard(socket)
            if not sockets:
                del self._open[sender_id]

    def count(self, sender_id: str) -> int:
        return len(self._open.get(sender_id, ()))

    async def send(self, sender_id: str, frame: str) -> int:
        """Send ``frame`` to every socket of ``sender_id`` here; how many took it. A socket that
        fails is closed already (its handler removes it) and is skipped."""
        delivered = 0
        for socket in list(self._open.get(sender_id, ())):
            try:
                await socket.send(frame)
                delivered += 1
            except Exception as error:  # noqa: BLE001 - a closing socket; the others still get it
                log.debug("a widget socket did not take a frame: %s", type(error).__name__)
        return delivered


class Relay:
    """Delivers frames to a sender's sockets on this process and, with Redis, on every replica."""

    def __init__(self, sockets: Sockets, redis_url: str | None = None, channel: str = PUBSUB_CHANNEL) -> None:
        self.sockets = sockets
        self._redis_url = redis_url
        self._channel = channel
        self._origin = secrets.token_hex(8)  # this process: it ignores what it published itself
        self._client: aioredis.Redis | None = None
        self._listener: asyncio.Task[None] | None = None
        self._subscribed = asyncio.Event()

    async def deliver(self, sender_id: str, frame: str) -> None:
        await self.sockets.send(sender_id, frame)
        if self._client is None:
            return
        message = json.dumps({"origin": self._origin, "sender": sender_id, "frame": frame}, ensure_ascii=False)
        try:
            await self._client.publish(self._channel, message)
        except (redis.RedisError, OSError) as error:
            log.warning("a widget frame reached this replica's sockets only: Redis does not answer (%s)",
                        type(error).__name__)

    async def start(self) -> None:
        """Subscribe to the other replicas' frames (no-op without Redis); returns once subscribed
        or after the first failed attempt (the listener keeps retrying)."""
        if not self._redis_url or self._listener is not None:
            return
        self._client = aioredis.from_url(self._redis_url)
        self._listener = asyncio.create_task(self._listen())
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._subscribed.wait(), timeout=5)

    async def stop(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._listener
            self._listener = None
        if self._client is not None:
            with contextlib.suppress(Exception):
                await self._client.close()
            self._client = None

    async def _listen(self) -> None:
        assert self._client is not None
        while True:
            pubsub = self._client.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self._channel)
                self._subscribed.set()
                async for message in pubsub.listen():
                    await self._received(message)
            except (redis.RedisError, OSError) as error:
                self._subscribed.set()
                log.warning("widget frames from other replicas paused: Redis does not answer (%s)",
                            type(error).__name__)
                await asyncio.sleep(_RETRY_S)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.close()

    async def _received(self, message: Any) -> None:
        if not isinstance(message, dict) or message.get("type") != "message":
            return
        try:
            data = json.loads(message["data"])
            origin, sender_id, frame = data["origin"], data["sender"], data["frame"]
        except (ValueError, KeyError, TypeError):
            return
        if origin != self._origin and isinstance(sender_id, str) and isinstance(frame, str):
            await self.sockets.send(sender_id, frame)
