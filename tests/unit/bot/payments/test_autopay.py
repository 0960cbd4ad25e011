"""智能交费: sign-up, card change and cancel (each change behind an SMS code); the daily job
through the real demo gateway."""
from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import pytest
from sqlalchemy import delete, select

import bot.payments.cli  # noqa: F401  (registers "autopay run")
from bot.accounts.binding import NotBound
from bot.billing.bills import balance
from bot.cli import main
from bot.clock import FixedClock
from bot.db.enums import AutopayEventKind, PaymentPurpose, PaymentStatus
from bot.db.models import AccountBinding, AutopayMandate, ElectricityAccount, PaymentInstrument, User
from bot.db.session import SessionFactory
from bot.identity.sms import RecordingSmsGateway, last_message
from bot.identity.verification import (
    CODE_TTL,
    RESEND_INTERVAL,
    CodeAccepted,
    CodeIssued,
    CodePurpose,
    CodeRejected,
    check_code,
    issue_code,
)
from bot.payments.autopay import (
    AutopayChange,
    AutopayStatus,
    autopay_status,
    cancel,
    report_attempt,
    run_autopay,
    sign_up,
)
from bot.payments.autopay_events import mark_autopay_notices_delivered, pending_autopay_notices
from bot.settings import Settings
from tests.unit.conftest import FIXED_NOW
from tests.unit.db_factories import user_id_of
from tests.unit.gateway_fixtures import DemoGateway

ZHANG_WEI = "13800000001"  # owes the October bill of 3301000001


def _instrument(db: SessionFactory, token: str) -> int:
    with db.session_scope() as session:
        return session.scalar(select(PaymentInstrument.id).where(PaymentInstrument.token == token))


def send_autopay_code(db: SessionFactory, clock: FixedClock, phone: str = ZHANG_WEI) -> str:
    """Send an auto-debit code to ``phone`` as the form does; the code as the SMS says it.
    The clock then moves past the resend interval."""
    assert isinstance(issue_code(db, RecordingSmsGateway(db, clock), clock, phone=phone,
                                 purpose=CodePurpose.AUTOPAY), CodeIssued)
    clock.advance(RESEND_INTERVAL)
    with db.session_scope() as session:
        return re.search(r"\d{6}", last_message(session, phone).text).group()  # type: ignore[union-attr]


def enter_autopay_code(db: SessionFactory, clock: FixedClock, phone: str = ZHANG_WEI) -> None:
    """The code sent and typed right, as the form checks it."""
    code = send_autopay_code(db, clock, phone)
    assert isinstance(check_code(db, clock, phone=phone, purpose=CodePurpose.AUTOPAY, code=code), CodeAccepted)


def sign_up_with_code(
    db: SessionFactory, clock: FixedClock, token: str = "zw-card", account: str = "3301000001", phone: str = ZHANG_WEI
) -> AutopayChange | NotBound:
    enter_autopay_code(db, clock, phone)
    return sign_up(db, clock, user_id=user_id_of(db, phone), account_number=account,
                   instrument_id=_instrument(db, token))


_sign_up = sign_up_with_code


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
    settings = Settings(database_url=migrated_database_url, payment_gateway_secret=demo_gateway.secret, bot_env="demo",
                        payment_gateway=demo_gateway.url)

    assert main(["autopay", "run"], settings=settings, clock=fixed_clock) == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("3301000001  PY") and lines[0].endswith("succeeded")
    assert lines[-1] == "charged 1, nothing owed 0, skipped 0"


# --- the mandate belongs to its signer -------------------------------------------------------

LI_NA = "13800000002"  # binds 张伟's 3301000001 too in these tests


def bind_directly(db: SessionFactory, phone: str, account: str = "3301000001") -> None:
    """``phone``'s user has bound ``account`` (however: consent is not what these tests are about)."""
    with db.session_scope() as session:
        account_id = session.scalar(select(ElectricityAccount.id).where(ElectricityAccount.account_number == account))
        session.add(AccountBinding(user_id=user_id_of(db, phone), account_id=account_id, created_at=FIXED_NOW))


def _unbind(db: SessionFactory, phone: str, account: str = "3301000001") -> None:
    with db.session_scope() as session:
        account_id = session.scalar(select(ElectricityAccount.id).where(ElectricityAccount.account_number == account))
        session.execute(delete(AccountBinding).where(
            AccountBinding.user_id == user_id_of(db, phone), AccountBinding.account_id == account_id))


def _mandate_holder(db: SessionFactory) -> tuple[str, str] | None:
    """(signer's phone, instrument token) of 3301000001's active mandate."""
    with db.session_scope() as session:
        row = session.execute(
            select(User.phone, PaymentInstrument.token)
            .join(AutopayMandate, AutopayMandate.user_id == User.id)
            .join(PaymentInstrument, AutopayMandate.instrument_id == PaymentInstrument.id)
            .where(AutopayMandate.cancelled_at.is_(None))
        ).one_or_none()
        return (row[0], row[1]) if row else None


def _notices(db: SessionFactory, phone: str) -> list[tuple[AutopayEventKind, str, str | None]]:
    return [(n.kind, n.account_number, n.method_label)
            for n in pending_autopay_notices(db, user_id=user_id_of(db, phone))]


def test_another_binder_can_neither_see_change_nor_cancel_the_signers_auto_debit(demo_db, fixed_clock) -> None:
    assert sign_up_with_code(demo_db, fixed_clock) is AutopayChange.SIGNED_UP
    bind_directly(demo_db, LI_NA)
    li_na = user_id_of(demo_db, LI_NA)

    assert autopay_status(demo_db, user_id=li_na, account_number="3301000001") == AutopayStatus(
        "3301000001", None, None, held_by_other=True)
    assert sign_up_with_code(demo_db, fixed_clock, "ln-wallet", phone=LI_NA) is AutopayChange.HELD_BY_OTHER
    assert cancel(demo_db, fixed_clock, user_id=li_na, account_number="3301000001") is AutopayChange.HELD_BY_OTHER

    assert _mandate_holder(demo_db) == (ZHANG_WEI, "zw-card")
    assert autopay_status(demo_db, user_id=user_id_of(demo_db, ZHANG_WEI), account_number="3301000001").method_label \
        == "招商银行储蓄卡(尾号1234)"


def test_the_signer_is_told_of_another_users_attempts_once_until_read(demo_db, fixed_clock) -> None:
    sign_up_with_code(demo_db, fixed_clock)
    bind_directly(demo_db, LI_NA)
    li_na = user_id_of(demo_db, LI_NA)
    cancel(demo_db, fixed_clock, user_id=li_na, account_number="3301000001")
    report_attempt(demo_db, fixed_clock, user_id=li_na, account_number="3301000001")

    assert _notices(demo_db, ZHANG_WEI) == [
        (AutopayEventKind.REFUSED_OTHER_USER, "3301000001", "招商银行储蓄卡(尾号1234)")]
    assert _notices(demo_db, LI_NA) == []
    [notice] = pending_autopay_notices(demo_db, user_id=user_id_of(demo_db, ZHANG_WEI))
    mark_autopay_notices_delivered(demo_db, fixed_clock, user_id=li_na, notice_ids=[notice.id])  # not hers
    assert len(_notices(demo_db, ZHANG_WEI)) == 1
    mark_autopay_notices_delivered(demo_db, fixed_clock, user_id=user_id_of(demo_db, ZHANG_WEI),
                                   notice_ids=[notice.id])
    assert _notices(demo_db, ZHANG_WEI) == []

    cancel(demo_db, fixed_clock, user_id=li_na, account_number="3301000001")  # a new attempt: told again
    assert [kind for kind, _, _ in _notices(demo_db, ZHANG_WEI)] == [AutopayEventKind.REFUSED_OTHER_USER]


def test_the_signer_is_told_when_the_card_is_changed_or_the_auto_debit_cancelled(demo_db, fixed_clock) -> None:
    sign_up_with_code(demo_db, fixed_clock)
    assert _notices(demo_db, ZHANG_WEI) == []  # signing up is only recorded
    assert sign_up_with_code(demo_db, fixed_clock, "zw-wallet") is AutopayChange.CARD_CHANGED
    cancel(demo_db, fixed_clock, user_id=user_id_of(demo_db, ZHANG_WEI), account_number="3301000001")
    assert _notices(demo_db, ZHANG_WEI) == [
        (AutopayEventKind.CARD_CHANGED, "3301000001", "电e宝余额"),
        (AutopayEventKind.CANCELLED, "3301000001", "电e宝余额"),
    ]


def test_a_mandate_whose_signer_unbound_the_account_is_replaced_and_the_signer_told(demo_db, fixed_clock) -> None:
    sign_up_with_code(demo_db, fixed_clock)
    bind_directly(demo_db, LI_NA)
    _unbind(demo_db, ZHANG_WEI)
    li_na = user_id_of(demo_db, LI_NA)

    assert autopay_status(demo_db, user_id=li_na, account_number="3301000001") == AutopayStatus(
        "3301000001", None, None)
    assert sign_up_with_code(demo_db, fixed_clock, "ln-wallet", phone=LI_NA) is AutopayChange.SIGNED_UP
    assert _mandate_holder(demo_db) == (LI_NA, "ln-wallet")
    assert [kind for kind, _, _ in _notices(demo_db, ZHANG_WEI)] == [AutopayEventKind.REPLACED]


# --- a second factor for every sign-up and card change ----------------------------------------

def _sign_up_now(db: SessionFactory, clock: FixedClock, token: str = "zw-card") -> AutopayChange | NotBound:
    """Sign up with whatever code was (or was not) checked before."""
    return sign_up(db, clock, user_id=user_id_of(db, ZHANG_WEI), account_number="3301000001",
                   instrument_id=_instrument(db, token))


def test_no_code_no_mandate(demo_db, fixed_clock) -> None:
    assert _sign_up_now(demo_db, fixed_clock) is AutopayChange.CODE_REQUIRED
    send_autopay_code(demo_db, fixed_clock)  # sent but never typed
    assert _sign_up_now(demo_db, fixed_clock) is AutopayChange.CODE_REQUIRED
    assert _mandate_holder(demo_db) is None


def test_a_wrong_code_authorises_nothing(demo_db, fixed_clock) -> None:
    code = send_autopay_code(demo_db, fixed_clock)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    assert isinstance(check_code(demo_db, fixed_clock, phone=ZHANG_WEI, purpose=CodePurpose.AUTOPAY, code=wrong),
                      CodeRejected)
    assert _sign_up_now(demo_db, fixed_clock) is AutopayChange.CODE_REQUIRED
    assert _mandate_holder(demo_db) is None


def test_the_right_code_authorises_one_change(demo_db, fixed_clock) -> None:
    enter_autopay_code(demo_db, fixed_clock)
    assert _sign_up_now(demo_db, fixed_clock) is AutopayChange.SIGNED_UP
    assert _sign_up_now(demo_db, fixed_clock, "zw-wallet") is AutopayChange.CODE_REQUIRED  # that code is spent
    assert _mandate_holder(demo_db) == (ZHANG_WEI, "zw-card")
    enter_autopay_code(demo_db, fixed_clock)
    assert _sign_up_now(demo_db, fixed_clock, "zw-wallet") is AutopayChange.CARD_CHANGED
    assert _mandate_holder(demo_db) == (ZHANG_WEI, "zw-wallet")


def test_an_old_code_or_a_code_for_something_else_authorises_nothing(demo_db, fixed_clock) -> None:
    enter_autopay_code(demo_db, fixed_clock)
    fixed_clock.advance(CODE_TTL + timedelta(seconds=1))
    assert _sign_up_now(demo_db, fixed_clock) is AutopayChange.CODE_REQUIRED
    issued = issue_code(demo_db, RecordingSmsGateway(demo_db, fixed_clock), fixed_clock, phone=ZHANG_WEI,
                        purpose=CodePurpose.LOGIN)
    assert isinstance(issued, CodeIssued)
    with demo_db.session_scope() as session:
        login_code = re.search(r"\d{6}", last_message(session, ZHANG_WEI).text).group()  # type: ignore[union-attr]
    assert isinstance(check_code(demo_db, fixed_clock, phone=ZHANG_WEI, purpose=CodePurpose.LOGIN, code=login_code),
                      CodeAccepted)
    assert _sign_up_now(demo_db, fixed_clock) is AutopayChange.CODE_REQUIRED
    assert _mandate_holder(demo_db) is None


def test_another_users_code_authorises_nothing(demo_db, fixed_clock) -> None:
    enter_autopay_code(demo_db, fixed_clock, phone=LI_NA)
    assert _sign_up_now(demo_db, fixed_clock) is AutopayChange.CODE_REQUIRED
