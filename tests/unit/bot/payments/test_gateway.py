"""The HTTP client against the real demo gateway on loopback: declines, lost and slow answers,
idempotency, signatures, and concurrent charges."""
from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
import pytest

from bot.clock import SystemClock
from bot.db.session import SessionFactory
from bot.payments.gateway import (
    SIGNATURE_HEADER,
    ChargeResult,
    ChargeStatus,
    DeclineReason,
    GatewayError,
    GatewayOutcomeUnknown,
    HttpPaymentGateway,
    encode_body,
    gateway_from_settings,
    sign,
)
from bot.server.launcher import free_port
from bot.settings import PROJECT_ROOT, Settings
from tests.unit.gateway_fixtures import DemoGateway

T = TypeVar("T")
PATIENT_S = 5.0  # a client timeout no demo rule outlasts


def run(call: Coroutine[Any, Any, T]) -> T:
    """Each call on a new event loop, as the CLI and tests do (the client must not care)."""
    return asyncio.run(call)


async def raw(gateway: DemoGateway, method: str, path: str, body: bytes = b"",
              signature: str | None = None) -> tuple[int, Any]:
    """A hand-made request; signed correctly unless ``signature`` is given."""
    headers = {SIGNATURE_HEADER: sign(gateway.secret, method, path, body) if signature is None else signature}
    async with aiohttp.ClientSession() as session, session.request(
        method, gateway.url + path, data=body, headers=headers
    ) as response:
        return response.status, await response.json(content_type=None)


def test_health_needs_no_signature(demo_gateway: DemoGateway) -> None:
    with urllib.request.urlopen(f"{demo_gateway.url}/health", timeout=5) as response:  # noqa: S310
        assert json.load(response) == {"ok": True}


def test_a_successful_charge_lowers_the_balance(demo_gateway: DemoGateway) -> None:
    client = demo_gateway.client()
    result = run(client.charge(order_id="PAY-1", instrument="zw-card", amount_fen=12_345,
                               description="电费 3301000001"))
    assert (result.order_id, result.status, result.reason) == ("PAY-1", ChargeStatus.SUCCEEDED, None)
    assert result.transaction_id and result.transaction_id.startswith("TX") and len(result.transaction_id) == 20
    assert run(client.balance("zw-card")) == 5_000_000 - 12_345
    assert run(client.query("PAY-1")) == result


@pytest.mark.parametrize(
    ("instrument", "reason"),
    [("u3-card", DeclineReason.INSUFFICIENT_FUNDS), ("ln-card", DeclineReason.CARD_FROZEN),
     ("nobody-card", DeclineReason.UNKNOWN_INSTRUMENT)],
)
def test_declines_carry_their_reason(demo_gateway: DemoGateway, instrument: str, reason: DeclineReason) -> None:
    client = demo_gateway.client()
    result = run(client.charge(order_id="PAY-1", instrument=instrument, amount_fen=1000, description="电费"))
    assert result == ChargeResult("PAY-1", ChargeStatus.DECLINED, reason)
    assert demo_gateway.bank.balance(instrument) in (None, 800, 300_000)  # untouched


def test_a_slow_answer_is_unknown_but_the_charge_happened_once(demo_gateway: DemoGateway) -> None:
    client = demo_gateway.client()
    started = time.monotonic()
    with pytest.raises(GatewayOutcomeUnknown):
        run(client.charge(order_id="PAY-SLOW", instrument="zq-card", amount_fen=5000, description="电费"))
    assert time.monotonic() - started < demo_gateway.slow_seconds
    queried = run(client.query("PAY-SLOW"))
    assert queried.status is ChargeStatus.SUCCEEDED and queried.transaction_id
    assert run(client.close("PAY-SLOW")) == queried  # too late to close: it happened
    retried = run(demo_gateway.client(PATIENT_S).charge(
        order_id="PAY-SLOW", instrument="zq-card", amount_fen=5000, description="电费"))
    assert retried == queried
    assert run(client.balance("zq-card")) == 2_000_000 - 5000
    assert demo_gateway.bank.order_count("zq-card") == 1


def test_a_lost_request_is_closed_and_a_late_arrival_refused(demo_gateway: DemoGateway) -> None:
    client = demo_gateway.client()
    with pytest.raises(GatewayOutcomeUnknown):
        run(client.charge(order_id="PAY-LOST", instrument="u9-card", amount_fen=5000, description="电费"))
    assert run(client.query("PAY-LOST")) == ChargeResult("PAY-LOST", ChargeStatus.NOT_FOUND)
    assert run(client.close("PAY-LOST")) == ChargeResult("PAY-LOST", ChargeStatus.CLOSED)
    late = run(demo_gateway.client(PATIENT_S).charge(
        order_id="PAY-LOST", instrument="u9-card", amount_fen=5000, description="电费"))
    assert late == ChargeResult("PAY-LOST", ChargeStatus.CLOSED)
    assert run(client.close("PAY-LOST")).status is ChargeStatus.CLOSED
    assert run(client.balance("u9-card")) == 100_000
    assert demo_gateway.bank.order_count("u9-card") == 0


def test_a_503_is_an_unknown_outcome_too(demo_gateway: DemoGateway) -> None:
    patient = demo_gateway.client(PATIENT_S)
    with pytest.raises(GatewayOutcomeUnknown, match="HTTP 503"):
        run(patient.charge(order_id="PAY-LOST", instrument="u9-card", amount_fen=100, description="电费"))
    assert run(patient.query("PAY-LOST")).status is ChargeStatus.NOT_FOUND


def test_no_gateway_listening_is_an_unknown_outcome() -> None:
    client = HttpPaymentGateway(f"http://127.0.0.1:{free_port()}", "secret", 1.0)
    with pytest.raises(GatewayOutcomeUnknown):
        run(client.charge(order_id="PAY-1", instrument="zw-card", amount_fen=100, description="电费"))


def test_retrying_an_order_charges_once(demo_gateway: DemoGateway) -> None:
    client = demo_gateway.client()
    first = run(client.charge(order_id="PAY-1", instrument="zw-wallet", amount_fen=1000, description="预存"))
    second = run(client.charge(order_id="PAY-1", instrument="zw-wallet", amount_fen=1000, description="预存"))
    assert first == second and first.status is ChargeStatus.SUCCEEDED
    assert run(client.balance("zw-wallet")) == 2000
    assert demo_gateway.bank.order_count() == 1


def test_reusing_an_order_id_for_another_amount_is_an_error(demo_gateway: DemoGateway) -> None:
    client = demo_gateway.client()
    run(client.charge(order_id="PAY-1", instrument="zw-wallet", amount_fen=1000, description="预存"))
    with pytest.raises(GatewayError, match="409"):
        run(client.charge(order_id="PAY-1", instrument="zw-wallet", amount_fen=2000, description="预存"))
    assert run(client.balance("zw-wallet")) == 2000


def test_a_wrong_secret_is_refused(demo_gateway: DemoGateway) -> None:
    body = encode_body({"order_id": "PAY-1", "instrument": "zw-card", "amount_fen": 100, "description": "电费"})
    assert run(raw(demo_gateway, "POST", "/v1/charges", body,
                   signature=sign("guessed", "POST", "/v1/charges", body)))[0] == 401
    intruder = demo_gateway.client(secret="guessed")  # cannot authenticate the 401 either
    with pytest.raises(GatewayOutcomeUnknown, match="bad_signature"):
        run(intruder.charge(order_id="PAY-1", instrument="zw-card", amount_fen=100, description="电费"))
    with pytest.raises(GatewayOutcomeUnknown, match="bad_signature"):
        run(intruder.query("PAY-1"))
    assert demo_gateway.bank.order_count() == 0


def test_unsigned_and_tampered_requests_are_refused(demo_gateway: DemoGateway) -> None:
    body = encode_body({"order_id": "PAY-1", "instrument": "zw-card", "amount_fen": 100, "description": "电费"})
    assert run(raw(demo_gateway, "POST", "/v1/charges", body, signature=""))[0] == 401
    signed_for_less = sign(demo_gateway.secret, "POST", "/v1/charges", body)
    more = body.replace(b'"amount_fen":100', b'"amount_fen":100000')
    assert run(raw(demo_gateway, "POST", "/v1/charges", more, signature=signed_for_less))[0] == 401
    assert run(raw(demo_gateway, "GET", "/v1/instruments/zw-card", signature=signed_for_less))[0] == 401
    assert run(raw(demo_gateway, "GET", "/v1/charges/PAY-1", signature="签名"))[0] == 401
    assert demo_gateway.bank.order_count() == 0


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1, 2]",
        '{"order_id":"PAY-1","instrument":"zw-card","amount_fen":"100","description":"电费"}'.encode(),
        b'{"order_id":"PAY-1","instrument":"zw-card","amount_fen":1.5,"description":""}',
        b'{"order_id":"PAY-1","instrument":"zw-card","amount_fen":0,"description":""}',
        b'{"order_id":"PAY-1","instrument":"zw-card","amount_fen":-100,"description":""}',
        b'{"order_id":"PAY-1","instrument":"zw-card","amount_fen":true,"description":""}',
        b'{"order_id":"PAY 1/x","instrument":"zw-card","amount_fen":100,"description":""}',
        b'{"instrument":"zw-card","amount_fen":100,"description":""}',
        b'{"order_id":"PAY-1","amount_fen":100,"description":""}',
    ],
)
def test_malformed_charges_are_400(demo_gateway: DemoGateway, body: bytes) -> None:
    status, answer = run(raw(demo_gateway, "POST", "/v1/charges", body))
    assert status == 400 and answer["error"]
    assert demo_gateway.bank.order_count() == 0


def test_closing_needs_a_well_formed_order_id(demo_gateway: DemoGateway) -> None:
    assert run(raw(demo_gateway, "POST", "/v1/charges/PAY%20ONE/close"))[0] == 400
    assert demo_gateway.bank.order_count() == 0


def test_unknown_orders_and_instruments(demo_gateway: DemoGateway) -> None:
    client = demo_gateway.client()
    assert run(client.query("PAY-NONE")) == ChargeResult("PAY-NONE", ChargeStatus.NOT_FOUND)
    assert run(raw(demo_gateway, "GET", "/v1/charges/PAY-NONE")) == (404, {"status": "not_found"})
    with pytest.raises(GatewayError, match="404"):
        run(client.balance("nobody-card"))
    assert run(raw(demo_gateway, "GET", "/v1/instruments/zw-card")) == (
        200, {"token": "zw-card", "balance_fen": 5_000_000})


def test_the_client_refuses_bad_arguments_before_sending(demo_gateway: DemoGateway) -> None:
    client = demo_gateway.client()
    with pytest.raises(ValueError):
        run(client.charge(order_id="PAY 1", instrument="zw-card", amount_fen=100, description=""))
    with pytest.raises(ValueError):
        run(client.charge(order_id="PAY-1", instrument="zw-card", amount_fen=0, description=""))
    with pytest.raises(ValueError):
        run(client.query("../instruments/zw-card"))
    assert demo_gateway.bank.order_count() == 0


def test_fifty_concurrent_charges_on_one_card(demo_gateway: DemoGateway) -> None:
    client = demo_gateway.client(PATIENT_S)

    async def pay_all() -> list[ChargeResult]:
        return await asyncio.gather(*(
            client.charge(order_id=f"PAY-{n:02d}", instrument="zw-card", amount_fen=100, description="电费")
            for n in range(50)
        ))

    results = run(pay_all())
    assert [r.status for r in results] == [ChargeStatus.SUCCEEDED] * 50
    assert len({r.transaction_id for r in results}) == 50
    assert run(client.balance("zw-card")) == 5_000_000 - 5000
    assert demo_gateway.bank.order_count("zw-card") == 50


def test_one_client_works_across_event_loops(demo_gateway: DemoGateway) -> None:
    client = demo_gateway.client()
    assert run(client.balance("zw-wallet")) == asyncio.run(client.balance("zw-wallet")) == 3000


def test_gateway_from_settings_uses_the_configured_url(session_factory: SessionFactory) -> None:
    settings = Settings(payment_gateway_port=6001, payment_gateway_secret="s", payment_gateway_timeout_s=1.5)
    gateway = gateway_from_settings(settings, session_factory, SystemClock())
    assert isinstance(gateway, HttpPaymentGateway) and gateway.base_url == "http://127.0.0.1:6001"
    other = gateway_from_settings(Settings(payment_gateway="http://pay.internal/"), session_factory, SystemClock())
    assert other.base_url == "http://pay.internal"


def test_python_m_bot_gateway_serves_until_ctrl_c(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "PAYMENT_GATEWAY_PORT": str(port), "DEMO_GATEWAY_DB": str(tmp_path / "gateway.db"),
           "PAYMENT_GATEWAY_SECRET": "cli-secret", "PYTHONPATH": str(PROJECT_ROOT)}
    env.pop("PAYMENT_GATEWAY_URL", None)
    process = subprocess.Popen([sys.executable, "-m", "bot", "gateway"], cwd=PROJECT_ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        settings = Settings.from_env(env)
        client = HttpPaymentGateway(settings.payment_gateway_url, settings.payment_gateway_secret, 3.0)
        deadline = time.monotonic() + 30
        while True:
            try:
                balance = run(client.balance("zw-card"))
                break
            except GatewayOutcomeUnknown:
                assert process.poll() is None and time.monotonic() < deadline, process.stdout.read()  # type: ignore
                time.sleep(0.2)
        assert balance == 5_000_000
        paid = run(client.charge(order_id="PAY-CLI", instrument="zw-card", amount_fen=100, description="电费"))
        assert paid.status is ChargeStatus.SUCCEEDED
    finally:
        os.killpg(process.pid, signal.SIGINT)
        output = process.communicate(timeout=20)[0].decode()
    assert process.returncode == 0, output
    assert f"demo payment gateway on http://127.0.0.1:{port}" in output
    assert "6225880000001234" not in output


def test_the_launcher_gives_every_server_the_same_gateway_settings(tmp_path: Path) -> None:
    from bot.server.launcher import Servers, server_environment

    settings = Settings(payment_gateway_port=6077, payment_gateway_secret="shared", demo_gateway_db=tmp_path / "g.db",
                        payment_gateway_timeout_s=2.5, demo_gateway_slow_s=4.0)
    env = server_environment(settings, base={"PAYMENT_GATEWAY_URL": "http://stale:1"})
    assert Settings.from_env(env).payment_gateway_url == "http://127.0.0.1:6077"
    assert {name: env[name] for name in env if "GATEWAY" in name} == {
        "PAYMENT_GATEWAY_HOST": "127.0.0.1", "PAYMENT_GATEWAY_PORT": "6077",
        "PAYMENT_GATEWAY_URL": "http://127.0.0.1:6077", "PAYMENT_GATEWAY_SECRET": "shared",
        "PAYMENT_GATEWAY_TIMEOUT_S": "2.5", "DEMO_GATEWAY_DB": str(tmp_path / "g.db"), "DEMO_GATEWAY_SLOW_S": "4.0",
    }
    assert Servers(settings).gateway_url == "http://127.0.0.1:6077"
