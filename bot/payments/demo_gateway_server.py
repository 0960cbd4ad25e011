"""The demo payment gateway: a real HTTP service (aiohttp) over the :class:`DemoBank` ledger.

``python -m bot gateway`` serves it on PAYMENT_GATEWAY_HOST:PAYMENT_GATEWAY_PORT; ``make run``
starts it with the other servers. Requests are signed (see :mod:`bot.payments.gateway`);
``/health`` is not. Every answer, errors included, is signed with a timestamp and a nonce
(:mod:`bot.payments.response_auth`). The slow and lost cards misbehave here, where the network would.
"""
from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.clock import Clock, SystemClock, clock_from_env
from bot.payments.demo_bank import DemoBank, OrderConflict, Rule
from bot.payments.gateway import ORDER_ID_PATTERN, SIGNATURE_HEADER, ChargeResult, sign
from bot.payments.response_auth import signed_headers
from bot.privacy.masking import install_log_redaction
from bot.settings import Settings

log = logging.getLogger(__name__)

BANK_KEY = web.AppKey("bank", DemoBank)
MAX_ID_LENGTH = 64
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class BadRequest(ValueError):
    """A malformed request body (HTTP 400)."""


def make_app(bank: DemoBank, *, secret: str, slow_seconds: float, clock: Clock | None = None) -> web.Application:
    """The gateway's routes over ``bank``; ``slow_seconds`` is how late slow and lost cards answer;
    ``clock`` stamps the answers (the clients' clocks must agree within 300 s)."""
    stamp = clock or SystemClock()

    @web.middleware
    async def sign_response(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            response = await handler(request)
        except web.HTTPException as error:  # e.g. no such route
            response = _error(error.status, error.reason)
        if isinstance(response, web.Response):
            body = response.body if isinstance(response.body, bytes) else b""
            response.headers.update(signed_headers(
                secret, stamp, status=response.status, method=request.method,
                path=request.raw_path.split("?", 1)[0], body=body,
            ))
        return response

    @web.middleware
    async def verify_signature(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path == "/health":
            return await handler(request)
        body = await request.read()
        expected = sign(secret, request.method, request.raw_path.split("?", 1)[0], body)
        given = request.headers.get(SIGNATURE_HEADER, "").encode("utf-8", "replace")
        if not hmac.compare_digest(given, expected.encode("ascii")):
            log.warning("demo gateway: bad signature on %s %s", request.method, request.path)
            return _error(401, "bad or missing signature")
        return await handler(request)

    async def health(_request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    async def charge(request: web.Request) -> web.Response:
        try:
            order_id, instrument, amount_fen = _charge_request(await request.read())
        except BadRequest as error:
            return _error(400, str(error))
        known = await asyncio.to_thread(bank.query, order_id)
        rule = await asyncio.to_thread(bank.rule_of, instrument)
        if known is None and rule is Rule.LOST:
            await asyncio.sleep(slow_seconds)
            log.info("demo gateway: order %s lost on the way (lost card)", order_id)
            return _error(503, "upstream bank unavailable")
        try:
            result = await asyncio.to_thread(
                bank.charge, order_id=order_id, instrument=instrument, amount_fen=amount_fen
            )
        except OrderConflict as error:
            return _error(409, str(error))
        log.info("demo gateway: order %s of %d fen -> %s %s", order_id, amount_fen, result.status,
                 result.reason or "")
        if known is None and rule is Rule.SLOW:
            await asyncio.sleep(slow_seconds)  # charged already: only the answer is late
        return _ok(result)

    async def query(request: web.Request) -> web.Response:
        result = await asyncio.to_thread(bank.query, request.match_info["order_id"])
        return _ok(result) if result else web.json_response({"status": "not_found"}, status=404)

    async def close(request: web.Request) -> web.Response:
        order_id = request.match_info["order_id"]
        if not ORDER_ID_PATTERN.fullmatch(order_id):
            return _error(400, "order_id must be 1-64 letters, digits and _-.:")
        result = await asyncio.to_thread(bank.close, order_id)
        log.info("demo gateway: close %s -> %s", result.order_id, result.status)
        return _ok(result)

    async def instrument(request: web.Request) -> web.Response:
        token = request.match_info["token"]
        balance_fen = await asyncio.to_thread(bank.balance, token)
        if balance_fen is None:
            return _error(404, "unknown instrument")
        return web.json_response({"token": token, "balance_fen": balance_fen})

    app = web.Application(middlewares=[sign_response, verify_signature])
    app[BANK_KEY] = bank
    app.router.add_get("/health", health)
    app.router.add_post("/v1/charges", charge)
    app.router.add_get("/v1/charges/{order_id}", query)
    app.router.add_post("/v1/charges/{order_id}/close", close)
    app.router.add_get("/v1/instruments/{token}", instrument)
    return app


def _charge_request(body: bytes) -> tuple[str, str, int]:
    """(order_id, instrument, amount_fen) of a charge body, or :class:`BadRequest`."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BadRequest("body must be a JSON object") from None
    if not isinstance(data, dict):
        raise BadRequest("body must be a JSON object")
    order_id, instrument, amount_fen = data.get("order_id"), data.get("instrument"), data.get("amount_fen")
    if not isinstance(order_id, str) or not ORDER_ID_PATTERN.fullmatch(order_id):
        raise BadRequest("order_id must be 1-64 letters, digits and _-.:")
    if not isinstance(instrument, str) or not instrument.strip() or len(instrument) > MAX_ID_LENGTH:
        raise BadRequest(f"instrument must be a non-empty string of at most {MAX_ID_LENGTH} characters")
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool) or amount_fen <= 0:
        raise BadRequest("amount_fen must be a positive integer (fen)")
    if not isinstance(data.get("description", ""), str):
        raise BadRequest("description must be a string")
    return order_id, instrument, amount_fen


def _ok(result: ChargeResult) -> web.Response:
    return web.json_response(result.to_json(), dumps=_dumps)


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status, dumps=_dumps)


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)


def serve(settings: Settings, clock: Clock | None = None) -> None:
    """Serve the demo gateway until SIGINT/SIGTERM (an entry point: it sets up logging)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    install_log_redaction()
    clock = clock or clock_from_env()
    bank = DemoBank.open(settings.demo_gateway_db, clock=clock)
    app = make_app(bank, secret=settings.payment_gateway_secret, slow_seconds=settings.demo_gateway_slow_s,
                   clock=clock)
    host, port = settings.payment_gateway_host, settings.payment_gateway_port
    web.run_app(
        app, host=host, port=port, access_log=None, shutdown_timeout=settings.demo_gateway_slow_s + 1,
        print=lambda _message: print(f"demo payment gateway on http://{host}:{port}", flush=True),
    )


def main() -> None:
    serve(Settings.from_env())


if __name__ == "__main__":
    main()
