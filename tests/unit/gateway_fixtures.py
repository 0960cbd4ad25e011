"""The ``demo_gateway`` fixture: the real demo payment gateway on a loopback port.

The aiohttp server runs in a background thread with its own event loop, so tests drive
the real :class:`HttpPaymentGateway` client with plain ``asyncio.run``. The bank is a
fresh SQLite file seeded from ``data/demo_gateway.yml``; slow and lost cards answer after
``SLOW_S``, well past the client's default ``CLIENT_TIMEOUT_S``. The gateway signs its answers
with the bank's clock (``BANK_NOW``), which the clients share.
"""
from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from aiohttp import web

from bot.clock import CHINA_TZ, FixedClock
from bot.payments.demo_bank import DemoBank
from bot.payments.demo_gateway_server import make_app
from bot.payments.gateway import HttpPaymentGateway
from bot.payments.response_auth import NonceStore

SECRET = "test-gateway-secret"
SLOW_S = 0.6
CLIENT_TIMEOUT_S = 0.2
BANK_NOW = datetime(2026, 11, 23, 9, 0, tzinfo=CHINA_TZ)


@dataclass
class DemoGateway:
    url: str
    secret: str
    bank: DemoBank
    slow_seconds: float
    clock: FixedClock

    def client(
        self, timeout_s: float = CLIENT_TIMEOUT_S, *, secret: str | None = None, nonces: NonceStore | None = None
    ) -> HttpPaymentGateway:
        """A client on the gateway's clock; ``nonces`` default to a store of the client's own."""
        return HttpPaymentGateway(self.url, self.secret if secret is None else secret, timeout_s,
                                  clock=self.clock, nonces=nonces)


class _ServerThread(threading.Thread):
    """Serves ``app`` on 127.0.0.1 (a free port) until :meth:`stop`."""

    def __init__(self, app: web.Application) -> None:
        super().__init__(name="demo-gateway", daemon=True)
        self._app = app
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._start())
        except BaseException as error:  # noqa: BLE001 - reported to the test thread
            self.error = error
            self._ready.set()
            return
        self._ready.set()
        self._loop.run_forever()
        self._loop.close()

    async def _start(self) -> None:
        # A short shutdown timeout: a slow card's handler may still be sleeping at teardown.
        self._runner = web.AppRunner(self._app, access_log=None, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    def wait_started(self) -> None:
        if not self._ready.wait(10) or self.error is not None:
            raise RuntimeError(f"demo gateway did not start: {self.error!r}")

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self.join(10)


@pytest.fixture
def demo_gateway(tmp_path: Path) -> Iterator[DemoGateway]:
    clock = FixedClock(BANK_NOW)
    bank = DemoBank.open(tmp_path / "gateway.db", clock=clock)
    server = _ServerThread(make_app(bank, secret=SECRET, slow_seconds=SLOW_S, clock=clock))
    server.start()
    server.wait_started()
    try:
        yield DemoGateway(f"http://127.0.0.1:{server.port}", SECRET, bank, SLOW_S, clock)
    finally:
        server.stop()
