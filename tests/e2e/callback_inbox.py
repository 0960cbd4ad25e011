"""The client end of Rasa's callback channel: a loopback HTTP server that receives what the
assistant posts (replies, and pushes nobody asked for), like a messaging platform would."""
from __future__ import annotations

import threading
import time
from collections import defaultdict
from typing import Any

from aiohttp import web

from tests.loopback_http import LoopbackHttpServer


class CallbackInbox(LoopbackHttpServer):
    """Collects the posted messages per recipient; runs its own event loop in a thread."""

    def __init__(self) -> None:
        super().__init__()
        self.url = f"http://127.0.0.1:{self.port}/bot"
        self._messages: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self._lock = threading.Lock()

    async def _receive(self, request: web.Request) -> web.Response:
        message = await request.json()
        with self._lock:
            self._messages[str(message.get("recipient_id"))].append(message)
        return web.json_response({"ok": True})

    def add_routes(self, router: web.UrlDispatcher) -> None:
        router.add_post("/bot", self._receive)

    def texts(self, recipient: str) -> list[str]:
        with self._lock:
            return [m["text"] for m in self._messages[recipient] if m.get("text")]

    def wait_for(self, recipient: str, fragment: str, timeout_s: float = 30.0) -> list[str]:
        """Every text received so far, once one contains ``fragment``."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            received = self.texts(recipient)
            if any(fragment in text for text in received):
                return received
            time.sleep(0.1)
        raise AssertionError(f"no message with {fragment!r} for {recipient}: {self.texts(recipient)}")
