"""A stand-in for the two calls of Rasa's HTTP API a push makes (GET …/tracker, POST
…/trigger_intent) on a loopback port: served by the test's own event loop (:func:`serving`), or
by a thread of its own (:class:`ThreadedRasaApi`) for code that runs its own loop (CLI commands).
Like Rasa with ``--auth-token``, it answers 401 to a call without the right ``?token=``."""
from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiohttp import web

from bot.server.launcher import free_port
from tests.loopback_http import LoopbackHttpServer

TOKEN = "api-token-0123456789"


@dataclass(frozen=True)
class Triggered:
    sender: str
    output_channel: str
    intent: str


class RecordingRasaApi:
    """Records each intent triggered; ``gate`` (set by the test) holds the trigger's answer back."""

    def __init__(self, *, token: str = TOKEN, gated: bool = False) -> None:
        self.token = token
        self.triggered: list[Triggered] = []
        self.gated = gated
        self._gate: asyncio.Event | None = None
        self._lock = threading.Lock()

    def gate(self) -> asyncio.Event:
        """The event a gated trigger waits for (made on the loop that serves the API)."""
        if self._gate is None:
            self._gate = asyncio.Event()
        return self._gate

    def _refused(self, request: web.Request) -> web.Response | None:
        if request.query.get("token") != self.token:
            return web.json_response({"reason": "NotAuthenticated"}, status=401)
        return None

    async def tracker(self, request: web.Request) -> web.Response:
        return self._refused(request) or web.json_response(
            {"sender_id": request.match_info["sender"], "active_loop": {}})

    async def trigger(self, request: web.Request) -> web.Response:
        refused = self._refused(request)
        if refused is not None:
            return refused
        if self.gated:
            await self.gate().wait()
        body = await request.json()
        with self._lock:
            self.triggered.append(Triggered(request.match_info["sender"], request.query["output_channel"],
                                            body["name"]))
        return web.json_response({})

    def add_routes(self, router: web.UrlDispatcher) -> None:
        router.add_get("/conversations/{sender}/tracker", self.tracker)
        router.add_post("/conversations/{sender}/trigger_intent", self.trigger)


@asynccontextmanager
async def serving(api: RecordingRasaApi, port: int | None = None) -> AsyncIterator[str]:
    """Serve ``api`` on the running loop at 127.0.0.1:``port`` (a free one by default); its URL."""
    app = web.Application()
    api.add_routes(app.router)
    runner = web.AppRunner(app)
    await runner.setup()
    port = port or free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


class ThreadedRasaApi(LoopbackHttpServer):
    """``api`` served by its own loop in a thread."""

    def __init__(self, api: RecordingRasaApi) -> None:
        self.api = api
        super().__init__()

    def add_routes(self, router: web.UrlDispatcher) -> None:
        self.api.add_routes(router)
