"""A real Sanic server on a free loopback port, inside a test's event loop (not sanic-testing).

Sanic 21.12 rewrites its protocol methods when a server starts ("touch-up") and cannot do it
twice in one process unless ``Sanic.test_mode`` keeps the originals; so every in-process server
of the test session goes through :func:`serving`, which sets it.
"""
from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sanic import Sanic

from bot.server.launcher import free_port


def new_app(prefix: str) -> Sanic:
    """A Sanic app with a name no other test uses (Sanic keeps a registry of names)."""
    Sanic.test_mode = True
    return Sanic(f"{prefix}-{uuid.uuid4().hex}")


@asynccontextmanager
async def serving(app: Sanic) -> AsyncIterator[str]:
    """Serve ``app`` on 127.0.0.1; yields its base URL."""
    Sanic.test_mode = True
    port = free_port()
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True)
    await server.startup()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.close()
        await server.wait_closed()
