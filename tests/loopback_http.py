"""A platform's end of the wire in tests: an aiohttp server on a free loopback port, run by its
own event loop in a thread, so synchronous tests can drive the assistant while it answers."""
from __future__ import annotations

import asyncio
import threading
from typing import TypeVar

from aiohttp import web

from bot.server.launcher import free_port

Server = TypeVar("Server", bound="LoopbackHttpServer")


class LoopbackHttpServer:
    """Subclasses add their routes in :meth:`add_routes`; ``start`` returns the server."""

    client_max_size = 1024**2

    def __init__(self) -> None:
        self.port = free_port()
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def add_routes(self, router: web.UrlDispatcher) -> None:
        raise NotImplementedError

    async def _start(self) -> None:
        app = web.Application(client_max_size=self.client_max_size)
        self.add_routes(app.router)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    def start(self: Server) -> Server:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=10)
        return self

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
