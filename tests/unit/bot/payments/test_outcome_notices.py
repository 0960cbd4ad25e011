"""Outcome notices of payments settled by the background job (bot.payments.outcome_notices):
left in the same transaction as the settlement for a payment made in chat, listed for its payer
until told, and never for a payer who resolved it by asking, nor for an auto-debit charge. The
``payments resolve`` command pushes each payer it settled (Rasa's API: a loopback stand-in)."""
from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

import bot.payments.cli  # noqa: F401 (registers "payments resolve")
from bot.cli import main
from bot.clock import FixedClock
from bot.db.enums import InstrumentKind, PaymentPurpose, PaymentStatus
from bot.db.models import Payment, PaymentInstrument
from bot.db.session import SessionFactory
from bot.notify.push import NOTICES_INTENT
from bot.payments.checkout import resolve_pending
from bot.payments.gateway import ChargeResult, ChargeStatus
from bot.payments.ledger import PaymentRecord, settle
from bot.payments.outcome_notices import (
    PaymentOutcomeNotice,
    mark_payment_outcomes_told,
    payers_to_tell,
    pending_payment_outcomes,
)
from bot.settings import Settings
from tests.unit.bot.applications.test_order_push import _chat
from tests.unit.bot.notify.rasa_api_stub import TOKEN, RecordingRasaApi, ThreadedRasaApi, Triggered
from tests.unit.bot.payments.test_checkout import ZHAO_QIANG, _bind, _pay, _request
from tests.unit.conftest import FIXED_NOW
from tests.unit.db_factories import add_user, user_id_of
from tests.unit.gateway_fixtures import SECRET, DemoGateway

LOST = "13900000009"  # a card the bank never heard of: the order never reaches it


def _pending(db: SessionFactory, clock: FixedClock, gateway: DemoGateway, request) -> PaymentRecord:
    record = _pay(db, clock, gateway, request)
    assert record.status is PaymentStatus.PENDING
    return record


def _slow_payment(db: SessionFactory, clock: FixedClock, gateway: DemoGateway, **changes) -> PaymentRecord:
    """赵强 prepays ¥20.00 on 3301000003 with his slow card: still being confirmed."""
    return _pending(db, clock, gateway, replace(_request(db, ZHAO_QIANG, "3301000003", 2000, "zq-card"), **changes))


def _flags(db: SessionFactory) -> list[bool]:
    with db.session_scope() as session:
        return list(session.scalars(select(Payment.outcome_notice_due).where(~Payment.order_id.like("SD%"))))


def test_a_payment_the_job_settles_is_a_notice_for_its_payer_until_told(
    demo_db: SessionFactory, fixed_clock: FixedClock, demo_gateway: DemoGateway
) -> None:
    payer = user_id_of(demo_db, ZHAO_QIANG)
    pending = _slow_payment(demo_db, fixed_clock, demo_gateway)
    assert pending_payment_outcomes(demo_db, user_id=payer) == []  # nothing to tell while it is pending

    [settled] = asyncio.run(resolve_pending(demo_db, fixed_clock, demo_gateway.client()))

    assert settled.status is PaymentStatus.SUCCEEDED and settled.receipt_no
    [notice] = pending_payment_outcomes(demo_db, user_id=payer)
    assert notice == PaymentOutcomeNotice(notice.payment_id, "3301000003", 2000, True, settled.receipt_no,
                                          FIXED_NOW)
    assert payers_to_tell(demo_db, order_ids=[pending.order_id, "PYUNKNOWN"]) == [payer]
    assert pending_payment_outcomes(demo_db, user_id=user_id_of(demo_db, "13800000001")) == []

    other = user_id_of(demo_db, "13800000001")
    assert mark_payment_outcomes_told(demo_db, user_id=other, payment_ids=[notice.payment_id]) == 0
    assert mark_payment_outcomes_told(demo_db, user_id=payer, payment_ids=[notice.payment_id]) == 1
    assert pending_payment_outcomes(demo_db, user_id=payer) == []
    assert payers_to_tell(demo_db, order_ids=[pending.order_id]) == []
    assert mark_payment_outcomes_told(demo_db, user_id=payer, payment_ids=[notice.payment_id]) == 0
    # Settling an already settled payment again (another worker, a late answer) raises no new notice.
    late = ChargeResult(pending.order_id, ChargeStatus.SUCCEEDED, transaction_id="TX1")
    settle(demo_db, fixed_clock, late, tell_payer=True)
    assert _flags(demo_db) == [False]


def test_an_order_the_bank_never_received_is_told_as_not_charged(
    demo_db: SessionFactory, fixed_clock: FixedClock, demo_gateway: DemoGateway
) -> None:
    with demo_db.session_scope() as session:
        user = add_user(session, LOST)
        session.add(PaymentInstrument(
            user_id=user.id, kind=InstrumentKind.BANK_CARD, bank_name="中国银行", card_type="储蓄卡",
            last4="9990", token="u9-card", created_at=fixed_clock.now(),
        ))
    _bind(demo_db, LOST, "3301000004")
    _pending(demo_db, fixed_clock, demo_gateway, _request(demo_db, LOST, "3301000004", 3000, "u9-card"))
    fixed_clock.advance(timedelta(minutes=1))

    asyncio.run(resolve_pending(demo_db, fixed_clock, demo_gateway.client()))

    [notice] = pending_payment_outcomes(demo_db, user_id=user_id_of(demo_db, LOST))
    assert (notice.account_number, notice.amount_fen, notice.succeeded, notice.receipt_no) == (
        "3301000004", 3000, False, None)


def test_a_payer_who_asks_sees_the_outcome_in_the_answer_and_gets_no_notice(
    demo_db: SessionFactory, fixed_clock: FixedClock, demo_gateway: DemoGateway
) -> None:
    payer = user_id_of(demo_db, ZHAO_QIANG)
    _slow_payment(demo_db, fixed_clock, demo_gateway)
    [settled] = asyncio.run(resolve_pending(demo_db, fixed_clock, demo_gateway.client(), user_id=payer,
                                            account_number="3301000003"))
    assert settled.status is PaymentStatus.SUCCEEDED
    assert pending_payment_outcomes(demo_db, user_id=payer) == [] and _flags(demo_db) == [False]


def test_an_auto_debit_charge_settled_later_is_no_notice(
    demo_db: SessionFactory, fixed_clock: FixedClock, demo_gateway: DemoGateway
) -> None:
    _slow_payment(demo_db, fixed_clock, demo_gateway, purpose=PaymentPurpose.AUTOPAY)
    [settled] = asyncio.run(resolve_pending(demo_db, fixed_clock, demo_gateway.client()))
    assert settled.status is PaymentStatus.SUCCEEDED
    assert pending_payment_outcomes(demo_db, user_id=user_id_of(demo_db, ZHAO_QIANG)) == []


def test_payments_resolve_pushes_each_payer_it_settled(
    demo_db: SessionFactory, migrated_database_url: str, fixed_clock: FixedClock, demo_gateway: DemoGateway,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _chat(demo_db, fixed_clock, ZHAO_QIANG, "callback", "zhaoqiang-app")
    pending = _slow_payment(demo_db, fixed_clock, demo_gateway)
    api = ThreadedRasaApi(RecordingRasaApi()).start()
    try:
        settings = Settings(database_url=migrated_database_url, payment_gateway=demo_gateway.url,
                            payment_gateway_secret=SECRET, rasa_port=api.port, rasa_api_token=TOKEN, bot_env="demo")
        assert main(["payments", "resolve"], settings=settings, clock=fixed_clock) == 0
    finally:
        api.stop()
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"3301000003  {pending.order_id}  ¥20.00  succeeded")
    assert out[1:] == ["resolved 1", "    pushed to 1 chat(s); other payers hear it with their next message"]
    assert api.api.triggered == [Triggered("zhaoqiang-app", "callback", NOTICES_INTENT)]
    assert payers_to_tell(demo_db, order_ids=[pending.order_id]) == [user_id_of(demo_db, ZHAO_QIANG)]
