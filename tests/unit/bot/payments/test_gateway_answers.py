"""Gateway answers are authenticated: fake gateways on loopback answer a forged "paid", an
unsigned answer, a stale one and a replayed genuine one; none is taken, and a payment through
a forged "paid" stays pending until the real gateway settles it (nothing charged twice)."""
from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import func, select

from bot.billing.bills import balance
from bot.clock import FixedClock
from bot.db.enums import PaymentStatus
from bot.db.models import GatewayNonce
from bot.db.session import SessionFactory
from bot.payments.autopay import run_autopay
from bot.payments.checkout import resolve_pending
from bot.payments.gateway import SIGNATURE_HEADER, ChargeStatus, GatewayOutcomeUnknown, HttpPaymentGateway, sign
from bot.payments.response_auth import (
    MAX_SKEW,
    NONCE_HEADER,
    NONCE_TTL,
    TIMESTAMP_HEADER,
    MemoryNonceStore,
    RedisNonceStore,
    SqlNonceStore,
    signed_headers,
)
from tests.unit.bot.payments.test_autopay import ZHANG_WEI, sign_up_with_code
from tests.unit.db_factories import user_id_of
from tests.unit.gateway_fixtures import BANK_NOW, SECRET, DemoGateway, _ServerThread

Answer = Callable[[web.Request], Awaitable[web.Response]]
PAID = {"order_id": "PAY-1", "status": "succeeded", "reason": None, "transaction_id": "TX202611230000000001"}
REDIS_URL = "redis://127.0.0.1:6379/15"


@contextmanager
def fake_gateway(answer: Answer) -> Iterator[str]:
    """A server on loopback that answers every request with ``answer``; its URL."""
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", answer)
    server = _ServerThread(app)
    server.start()
    server.wait_started()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.stop()


def _paid_answer(*, secret: str | None, clock: FixedClock, order_id: str | None = None) -> Answer:
    """"succeeded" for the order asked about, signed with ``secret`` (None: unsigned)."""

    async def answer(request: web.Request) -> web.Response:
        sent = json.loads(await request.read() or b"{}")
        body = json.dumps({**PAID, "order_id": order_id or sent.get("order_id", "PAY-1")}).encode()
        headers = {} if secret is None else signed_headers(
            secret, clock, status=200, method=request.method, path=request.raw_path, body=body)
        return web.Response(body=body, status=200, headers=headers, content_type="application/json")

    return answer


def _client(url: str, clock: FixedClock, nonces: object = None) -> HttpPaymentGateway:
    return HttpPaymentGateway(url, SECRET, 1.0, clock=clock, nonces=nonces)  # type: ignore[arg-type]


@pytest.mark.parametrize("secret", [None, "guessed-secret"], ids=["unsigned", "forged"])
def test_a_paid_answer_not_signed_by_the_gateway_is_not_taken(secret: str | None) -> None:
    clock = FixedClock(BANK_NOW)
    refused = pytest.raises(GatewayOutcomeUnknown, match="unsigned" if secret is None else "bad_signature")
    with fake_gateway(_paid_answer(secret=secret, clock=clock)) as url, refused:
        asyncio.run(_client(url, clock).charge(order_id="PAY-1", instrument="zw-card", amount_fen=100,
                                               description="电费"))


def test_a_signature_for_another_request_is_not_taken() -> None:
    """A genuine signature over the same body but for another path (e.g. a query) is refused."""
    clock = FixedClock(BANK_NOW)

    async def answer(request: web.Request) -> web.Response:
        body = json.dumps(PAID).encode()
        headers = signed_headers(SECRET, clock, status=200, method="GET", path="/v1/charges/PAY-1", body=body)
        return web.Response(body=body, headers=headers, content_type="application/json")

    with fake_gateway(answer) as url, pytest.raises(GatewayOutcomeUnknown, match="bad_signature"):
        asyncio.run(_client(url, clock).charge(order_id="PAY-1", instrument="zw-card", amount_fen=100,
                                               description="电费"))


@pytest.mark.parametrize("offset", [MAX_SKEW + timedelta(seconds=1), -MAX_SKEW - timedelta(seconds=1)])
def test_a_stale_answer_is_not_taken_a_timely_one_is(offset: timedelta) -> None:
    gateway_clock, client_clock = FixedClock(BANK_NOW + offset), FixedClock(BANK_NOW)
    with fake_gateway(_paid_answer(secret=SECRET, clock=gateway_clock)) as url:
        with pytest.raises(GatewayOutcomeUnknown, match="stale"):
            asyncio.run(_client(url, client_clock).query("PAY-1"))
        client_clock.advance(offset - timedelta(seconds=2 if offset > timedelta(0) else -2))  # 2 s apart now
        assert asyncio.run(_client(url, client_clock).query("PAY-1")).status is ChargeStatus.SUCCEEDED


@contextmanager
def _recording_proxy(demo_gateway: DemoGateway) -> Iterator[str]:
    """Forwards the first request to the real demo gateway and keeps its genuine answer; every
    later request gets that answer again (an attacker replaying what they saw)."""
    recorded: list[tuple[int, bytes, dict[str, str]]] = []

    async def answer(request: web.Request) -> web.Response:
        if not recorded:
            async with aiohttp.ClientSession() as session, session.request(
                request.method, demo_gateway.url + request.raw_path, data=await request.read() or None,
                headers={SIGNATURE_HEADER: request.headers.get(SIGNATURE_HEADER, "")},
            ) as genuine:
                recorded.append((genuine.status, await genuine.read(), dict(genuine.headers)))
        status, body, headers = recorded[0]
        kept = {name: headers[name] for name in headers if name.startswith("X-Response-")}
        return web.Response(status=status, body=body, headers=kept, content_type="application/json")

    with fake_gateway(answer) as url:
        yield url


def test_a_replayed_genuine_answer_is_not_taken(demo_gateway: DemoGateway) -> None:
    run = asyncio.run
    run(demo_gateway.client().charge(order_id="PAY-1", instrument="zw-card", amount_fen=100, description="电费"))
    with _recording_proxy(demo_gateway) as url:
        client = _client(url, demo_gateway.clock, MemoryNonceStore())
        assert run(client.query("PAY-1")).status is ChargeStatus.SUCCEEDED  # genuine, first time
        with pytest.raises(GatewayOutcomeUnknown, match="replayed"):
            run(client.query("PAY-1"))


def test_replicas_share_the_replay_memory_in_the_database(
    demo_gateway: DemoGateway, session_factory: SessionFactory
) -> None:
    """Two action-server replicas (two clients, two stores over one database): the answer one
    took is refused by the other."""
    with _recording_proxy(demo_gateway) as url:
        first = _client(url, demo_gateway.clock, SqlNonceStore(session_factory))
        second = _client(url, demo_gateway.clock, SqlNonceStore(session_factory))
        assert asyncio.run(first.query("PAY-1")).status is ChargeStatus.NOT_FOUND
        with pytest.raises(GatewayOutcomeUnknown, match="replayed"):
            asyncio.run(second.query("PAY-1"))


def test_replicas_share_the_replay_memory_in_redis(demo_gateway: DemoGateway) -> None:
    with _recording_proxy(demo_gateway) as url:
        first = _client(url, demo_gateway.clock, RedisNonceStore(REDIS_URL))
        second = _client(url, demo_gateway.clock, RedisNonceStore(REDIS_URL))
        assert asyncio.run(first.query("PAY-1")).status is ChargeStatus.NOT_FOUND
        with pytest.raises(GatewayOutcomeUnknown, match="replayed"):
            asyncio.run(second.query("PAY-1"))


def test_the_nonce_table_stays_bounded(session_factory: SessionFactory) -> None:
    store = SqlNonceStore(session_factory)
    assert store.first_use("a" * 32, BANK_NOW) and not store.first_use("a" * 32, BANK_NOW)
    assert store.first_use("b" * 32, BANK_NOW + NONCE_TTL + timedelta(seconds=1))
    with session_factory.session_scope() as session:
        assert session.scalars(select(GatewayNonce.nonce)).all() == ["b" * 32]
        assert session.scalar(select(func.count()).select_from(GatewayNonce)) == 1


def test_redis_nonces_expire() -> None:
    import redis

    store, nonce = RedisNonceStore(REDIS_URL), uuid.uuid4().hex
    assert store.first_use(nonce, BANK_NOW) and not store.first_use(nonce, BANK_NOW)
    ttl = redis.Redis.from_url(REDIS_URL).ttl(f"gateway-nonce:{nonce}")
    assert 0 < ttl <= NONCE_TTL.total_seconds()


def test_the_demo_gateway_signs_its_errors_too(demo_gateway: DemoGateway) -> None:
    async def unknown_route() -> tuple[int, dict[str, str]]:
        path = "/v1/nothing"
        async with aiohttp.ClientSession() as session, session.get(
            demo_gateway.url + path, headers={SIGNATURE_HEADER: sign(SECRET, "GET", path, b"")}
        ) as response:
            return response.status, dict(response.headers)

    status, headers = asyncio.run(unknown_route())
    assert status == 404 and len(headers[NONCE_HEADER]) == 32 and headers[TIMESTAMP_HEADER].isdigit()


def test_a_forged_paid_leaves_the_auto_debit_pending_until_the_real_gateway_says(
    demo_db: SessionFactory, fixed_clock: FixedClock, demo_gateway: DemoGateway
) -> None:
    """The job meets a forged "succeeded": the payment stays pending and the bill unpaid; the
    real gateway, asked by order id, never got the order, so it is closed and nothing is charged."""
    user_id = user_id_of(demo_db, ZHANG_WEI)
    due = balance(demo_db, fixed_clock, user_id=user_id, account_number="3301000001").total_due_fen
    sign_up_with_code(demo_db, fixed_clock)
    with fake_gateway(_paid_answer(secret="guessed-secret", clock=fixed_clock)) as url:
        [record] = asyncio.run(run_autopay(demo_db, fixed_clock, _client(url, fixed_clock))).charged
    assert record.status is PaymentStatus.PENDING
    assert balance(demo_db, fixed_clock, user_id=user_id, account_number="3301000001").total_due_fen == due

    [settled] = asyncio.run(resolve_pending(demo_db, fixed_clock, demo_gateway.client(nonces=SqlNonceStore(demo_db))))
    assert settled.order_id == record.order_id and settled.status is not PaymentStatus.SUCCEEDED
    assert demo_gateway.bank.order_count() == 1 and demo_gateway.bank.balance("zw-card") == 5_000_000
    assert balance(demo_db, fixed_clock, user_id=user_id, account_number="3301000001").total_due_fen == due
