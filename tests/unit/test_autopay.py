"""智能交费: sign-up, card change and cancel; the daily job through the real demo gateway."""
from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select

import bot.payment_cli  # noqa: F401  (registers "autopay run")
from bot.cli import main
from bot.db.enums import PaymentPurpose, PaymentStatus
from bot.db.models import PaymentInstrument
from bot.db.session import SessionFactory
from bot.services.accounts import NotBound
from bot.services.autopay import AutopayChange, AutopayStatus, autopay_status, cancel, run_autopay, sign_up
from bot.services.bills import balance
from bot.settings import Settings
from tests.unit.db_factories import user_id_of
from tests.unit.gateway_fixtures import DemoGateway

ZHANG_WEI = "13800000001"  # owes the October bill of 3301000001


def _instrument(db: SessionFactory, token: str) -> int:
    with db.session_scope() as session:
        return session.scalar(select(PaymentInstrument.id).where(PaymentInstrument.token == token))


def _sign_up(db, clock, token: str = "zw-card", account: str = "3301000001") -> AutopayChange | NotBound:
    return sign_up(db, clock, user_id=user_id_of(db, ZHANG_WEI), account_number=account,
                   instrument_id=_instrument(db, token))


def test_sign_up_change_the_card_and_cancel(demo_db, fixed_clock) -> None:
    user_id = user_id_of(demo_db, ZHANG_WEI)
    assert autopay_status(demo_db, user_id=user_id, account_number="3301000001") == AutopayStatus(
        "3301000001", None, None
    )
    assert _sign_up(demo_db, fixed_clock) is AutopayChange.SIGNED_UP
    assert _sign_up(demo_db, fixed_clock) is AutopayChange.UNCHANGED
    assert _sign_up(demo_db, fixed_clock, "zw-wallet") is AutopayChange.CARD_CHANGED
    status = autopay_status(demo_db, user_id=user_id, account_number="3301000001")
    assert status.method_label == "电e宝余额"
    assert cancel(demo_db, fixed_clock, user_id=user_id, account_number="3301000001") is AutopayChange.CANCELLED
    assert cancel(demo_db, fixed_clock, user_id=user_id, account_number="3301000001") is AutopayChange.NOT_SIGNED_UP
    assert _sign_up(demo_db, fixed_clock) is AutopayChange.SIGNED_UP  # signing up again after a cancel


def test_only_own_accounts_and_instruments(demo_db, fixed_clock) -> None:
    assert _sign_up(demo_db, fixed_clock, account="3301000002") == NotBound()
    assert _sign_up(demo_db, fixed_clock, token="ln-card") is AutopayChange.NOT_YOUR_INSTRUMENT


def test_the_job_charges_what_is_owed_once_a_day(demo_db, fixed_clock, demo_gateway: DemoGateway) -> None:
    user_id = user_id_of(demo_db, ZHANG_WEI)
    due = balance(demo_db, fixed_clock, user_id=user_id, account_number="3301000001").total_due_fen
    _sign_up(demo_db, fixed_clock)
    card_before = demo_gateway.bank.balance("zw-card")

    first = asyncio.run(run_autopay(demo_db, fixed_clock, demo_gateway.client()))
    again = asyncio.run(run_autopay(demo_db, fixed_clock, demo_gateway.client()))

    [charged] = first.charged
    assert charged.status is PaymentStatus.SUCCEEDED and charged.purpose is PaymentPurpose.AUTOPAY
    assert charged.amount_fen == due and charged.account_due_fen == 0
    assert again.charged == [] and again.nothing_owed == 1
    assert demo_gateway.bank.balance("zw-card") == card_before - due


def test_a_declined_charge_is_tried_again_the_next_day_not_the_same_day(
    demo_db, fixed_clock, demo_gateway: DemoGateway
) -> None:
    _sign_up(demo_db, fixed_clock, "zw-wallet")  # 30.00 is not enough for the October bill
    [declined] = asyncio.run(run_autopay(demo_db, fixed_clock, demo_gateway.client())).charged
    assert (declined.status, declined.failure_reason) == (PaymentStatus.DECLINED, "insufficient_funds")

    [same_day] = asyncio.run(run_autopay(demo_db, fixed_clock, demo_gateway.client())).charged
    assert same_day.existing and same_day.order_id == declined.order_id

    fixed_clock.advance(timedelta(days=1))
    [next_day] = asyncio.run(run_autopay(demo_db, fixed_clock, demo_gateway.client())).charged
    assert next_day.order_id != declined.order_id and not next_day.existing
    assert demo_gateway.bank.order_count("zw-wallet") == 2


def test_the_cli_job_reports_what_it_charged(
    demo_db, fixed_clock, demo_gateway: DemoGateway, migrated_database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _sign_up(demo_db, fixed_clock)
    settings = Settings(database_url=migrated_database_url, payment_gateway_secret=demo_gateway.secret,
                        payment_gateway=demo_gateway.url)

    assert main(["autopay", "run"], settings=settings, clock=fixed_clock) == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("3301000001  PY") and lines[0].endswith("succeeded")
    assert lines[-1] == "charged 1, nothing owed 0, skipped 0"
