"""One-time SMS codes: limits, expiry, tries, single use and concurrency, on both backends."""
from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

import pytest
from sqlalchemy import select

from bot.clock import CHINA_TZ, FixedClock
from bot.db.models import SmsMessage, VerificationCode
from bot.db.session import SessionFactory
from bot.identity.sms import RecordingSmsGateway, last_message
from bot.identity.verification import (
    CODE_TTL,
    CODES_PER_DAY,
    SMS_TEMPLATE,
    CodeAccepted,
    CodeIssued,
    CodeRefused,
    CodeRejected,
    CodeRejection,
    IssueRefusal,
    check_code,
    issue_code,
)

PHONE = "13800000001"
LOGIN = "login"
T = TypeVar("T")


@pytest.fixture
def gateway(session_factory: SessionFactory, fixed_clock: FixedClock) -> RecordingSmsGateway:
    return RecordingSmsGateway(session_factory, fixed_clock)


@pytest.fixture
def issue(
    session_factory: SessionFactory, gateway: RecordingSmsGateway, fixed_clock: FixedClock
) -> Callable[..., str]:
    """Issue a code and return it, read back from the recorded SMS."""

    def issue_(phone: str = PHONE, purpose: str = LOGIN) -> str:
        outcome = issue_code(session_factory, gateway, fixed_clock, phone=phone, purpose=purpose)
        assert isinstance(outcome, CodeIssued), outcome
        return _code_in_last_sms(session_factory, phone)

    return issue_


@pytest.fixture
def check(session_factory: SessionFactory, fixed_clock: FixedClock) -> Callable[..., CodeAccepted | CodeRejected]:
    def check_(code: str, phone: str = PHONE, purpose: str = LOGIN) -> CodeAccepted | CodeRejected:
        return check_code(session_factory, fixed_clock, phone=phone, purpose=purpose, code=code)

    return check_


def _code_in_last_sms(session_factory: SessionFactory, phone: str) -> str:
    with session_factory.session_scope() as session:
        message = last_message(session, phone)
        assert message is not None
        match = re.search(r"\d{6}", message.text)
        assert match is not None
        return match.group()


def _other_code(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def _codes(session_factory: SessionFactory) -> list[VerificationCode]:
    with session_factory.session_scope() as session:
        return list(session.scalars(select(VerificationCode).order_by(VerificationCode.id)))


# --- issuing -------------------------------------------------------------------------


def test_the_sms_carries_the_code_and_only_its_hash_is_stored(
    session_factory: SessionFactory,
    gateway: RecordingSmsGateway,
    fixed_clock: FixedClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    outcome = issue_code(session_factory, gateway, fixed_clock, phone=PHONE, purpose=LOGIN)

    assert outcome == CodeIssued(PHONE, LOGIN, fixed_clock.now() + CODE_TTL)
    with session_factory.session_scope() as session:
        message = session.scalars(select(SmsMessage)).one()
    code = _code_in_last_sms(session_factory, PHONE)
    assert (message.phone, message.purpose, message.sent_at) == (PHONE, LOGIN, fixed_clock.now())
    assert message.text == SMS_TEMPLATE.format(code=code, minutes=5)
    assert message.text == f"【国家电网】您的验证码为{code}，5分钟内有效。请勿泄露给他人。"

    [row] = _codes(session_factory)
    assert len(row.code_hash) == 64 and code not in row.code_hash
    assert (row.attempts, row.consumed_at, row.invalidated) == (0, None, False)

    check_code(session_factory, fixed_clock, phone=PHONE, purpose=LOGIN, code=_other_code(code))
    check_code(session_factory, fixed_clock, phone=PHONE, purpose=LOGIN, code=code)
    assert caplog.records, "issuing and checking should log something"
    for record in caplog.records:
        logged = record.getMessage() + repr(record.args)
        assert code not in logged and _other_code(code) not in logged
        assert PHONE not in logged


def test_codes_are_random(issue: Callable[..., str], fixed_clock: FixedClock) -> None:
    codes = set()
    for _ in range(CODES_PER_DAY):
        codes.add(issue())
        fixed_clock.advance(timedelta(seconds=60))
    assert len(codes) > 1
    assert all(re.fullmatch(r"\d{6}", code) for code in codes)


@pytest.mark.parametrize("phone", ["", "1380000000", "+8613800000001", "138 0000 0001"])
def test_only_normalised_mobile_numbers_get_a_code(
    session_factory: SessionFactory, gateway: RecordingSmsGateway, fixed_clock: FixedClock, phone: str
) -> None:
    outcome = issue_code(session_factory, gateway, fixed_clock, phone=phone, purpose=LOGIN)
    assert outcome == CodeRefused(IssueRefusal.INVALID_PHONE)
    assert _codes(session_factory) == []


def test_resending_waits_60_seconds_per_phone_whatever_the_purpose(
    session_factory: SessionFactory, gateway: RecordingSmsGateway, fixed_clock: FixedClock, issue: Callable[..., str]
) -> None:
    issue()
    fixed_clock.advance(timedelta(seconds=59))
    for purpose in (LOGIN, "rename_transfer"):
        assert issue_code(session_factory, gateway, fixed_clock, phone=PHONE, purpose=purpose) == CodeRefused(
            IssueRefusal.RESEND_TOO_SOON, seconds_left=1
        )
    issue("13800000002")  # another phone is not held up
    fixed_clock.advance(timedelta(seconds=1))
    issue()
    assert len(_codes(session_factory)) == 3


def test_the_eleventh_code_of_a_china_day_waits_for_the_next_day(
    session_factory: SessionFactory, gateway: RecordingSmsGateway, fixed_clock: FixedClock, issue: Callable[..., str]
) -> None:
    for _ in range(CODES_PER_DAY):
        issue()
        fixed_clock.advance(timedelta(minutes=1))
    refused = issue_code(session_factory, gateway, fixed_clock, phone=PHONE, purpose=LOGIN)
    midnight = datetime(2026, 11, 24, 0, 0, tzinfo=CHINA_TZ)
    assert refused == CodeRefused(
        IssueRefusal.DAILY_LIMIT, seconds_left=int((midnight - fixed_clock.now()).total_seconds())
    )

    # 23:59:59 in China is still the same day; China's midnight is 16:00 UTC, so a UTC
    # "day" would still refuse at 00:00 China time.
    fixed_clock.set(midnight - timedelta(seconds=1))
    assert issue_code(session_factory, gateway, fixed_clock, phone=PHONE, purpose=LOGIN) == CodeRefused(
        IssueRefusal.DAILY_LIMIT, seconds_left=1
    )
    fixed_clock.set(midnight)
    issue()
    assert len(_codes(session_factory)) == CODES_PER_DAY + 1


def test_a_code_the_gateway_could_not_send_does_not_count(
    session_factory: SessionFactory, fixed_clock: FixedClock, issue: Callable[..., str]
) -> None:
    class BrokenGateway:
        def send(self, phone: str, text: str, purpose: str) -> None:
            raise ConnectionError("SMS provider down")

    with pytest.raises(ConnectionError):
        issue_code(session_factory, BrokenGateway(), fixed_clock, phone=PHONE, purpose=LOGIN)
    assert _codes(session_factory) == []
    issue()  # no RESEND_TOO_SOON


# --- checking ------------------------------------------------------------------------


def test_a_correct_code_is_accepted_once(issue: Callable[..., str], check: Callable[..., object]) -> None:
    code = issue()
    assert check(code) == CodeAccepted(PHONE, LOGIN)
    assert check(code) == CodeRejected(CodeRejection.NO_CODE)


def test_without_a_code_there_is_nothing_to_check(check: Callable[..., object]) -> None:
    assert check("123456") == CodeRejected(CodeRejection.NO_CODE)


def test_codes_are_bound_to_phone_and_purpose(issue: Callable[..., str], check: Callable[..., object]) -> None:
    code = issue()
    assert check(code, purpose="rename_transfer") == CodeRejected(CodeRejection.NO_CODE)
    assert check(code, phone="13800000002") == CodeRejected(CodeRejection.NO_CODE)
    assert check(code) == CodeAccepted(PHONE, LOGIN)


@pytest.mark.parametrize(
    ("after", "accepted"),
    [(timedelta(minutes=4, seconds=59), True), (timedelta(minutes=5), True), (timedelta(minutes=5, seconds=1), False)],
)
def test_a_code_lives_five_minutes(
    issue: Callable[..., str], check: Callable[..., object], fixed_clock: FixedClock, after: timedelta, accepted: bool
) -> None:
    code = issue()
    fixed_clock.advance(after)
    assert check(code) == (CodeAccepted(PHONE, LOGIN) if accepted else CodeRejected(CodeRejection.EXPIRED))


def test_the_fifth_wrong_try_retires_the_code_until_a_new_one_is_issued(
    issue: Callable[..., str], check: Callable[..., object], fixed_clock: FixedClock
) -> None:
    code = issue()
    wrong = _other_code(code)
    assert [check(wrong) for _ in range(4)] == [
        CodeRejected(CodeRejection.WRONG, tries_left=n) for n in (4, 3, 2, 1)
    ]
    assert check(wrong) == CodeRejected(CodeRejection.TOO_MANY_ATTEMPTS, tries_left=0)
    assert check(code) == CodeRejected(CodeRejection.TOO_MANY_ATTEMPTS, tries_left=0)
    assert check(wrong) == CodeRejected(CodeRejection.TOO_MANY_ATTEMPTS, tries_left=0)

    fixed_clock.advance(timedelta(minutes=1))
    new_code = issue()
    assert check(new_code) == CodeAccepted(PHONE, LOGIN)


@pytest.mark.parametrize("bad", ["", "12345", "1234567", "12345a", "abcdef", "12 345", "-12345"])
def test_a_malformed_code_is_not_a_try(
    issue: Callable[..., str], check: Callable[..., object], bad: str
) -> None:
    code = issue()
    for _ in range(10):
        assert check(bad) == CodeRejected(CodeRejection.BAD_FORMAT)
    assert check(_other_code(code)) == CodeRejected(CodeRejection.WRONG, tries_left=4)
    assert check(code) == CodeAccepted(PHONE, LOGIN)


def test_surrounding_spaces_and_full_width_digits_are_fine(
    issue: Callable[..., str], check: Callable[..., object], fixed_clock: FixedClock
) -> None:
    assert check(f" {issue()} ") == CodeAccepted(PHONE, LOGIN)
    fixed_clock.advance(timedelta(minutes=1))
    full_width = issue().translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert check(full_width) == CodeAccepted(PHONE, LOGIN)


def test_a_new_code_retires_the_old_one(
    session_factory: SessionFactory, issue: Callable[..., str], check: Callable[..., object], fixed_clock: FixedClock
) -> None:
    old = issue()
    fixed_clock.advance(timedelta(minutes=1))
    new = issue()
    if old == new:  # one chance in a million
        pytest.skip("the two random codes happen to be equal")
    assert [row.invalidated for row in _codes(session_factory)] == [True, False]
    assert check(old) == CodeRejected(CodeRejection.WRONG, tries_left=4)
    assert check(new) == CodeAccepted(PHONE, LOGIN)


def test_a_new_code_for_another_purpose_leaves_the_first_valid(
    issue: Callable[..., str], check: Callable[..., object], fixed_clock: FixedClock
) -> None:
    login_code = issue()
    fixed_clock.advance(timedelta(minutes=1))
    transfer_code = issue(purpose="rename_transfer")
    assert check(login_code) == CodeAccepted(PHONE, LOGIN)
    assert check(transfer_code, purpose="rename_transfer") == CodeAccepted(PHONE, "rename_transfer")


# --- concurrency ---------------------------------------------------------------------

THREADS = 8


def _race(work: Callable[[], T]) -> list[T]:
    """Run ``work`` in THREADS threads released at the same moment."""
    barrier = threading.Barrier(THREADS)
    results: list[T] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            barrier.wait()
            outcome = work()
            with lock:
                results.append(outcome)
        except BaseException as error:  # reported below, in the test's thread
            with lock:
                errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert len(results) == THREADS
    return results


def test_concurrent_checks_of_one_code_accept_it_once(
    session_factory: SessionFactory, issue: Callable[..., str], fixed_clock: FixedClock
) -> None:
    code = issue()
    outcomes = _race(lambda: check_code(session_factory, fixed_clock, phone=PHONE, purpose=LOGIN, code=code))
    assert Counter(outcomes) == {
        CodeAccepted(PHONE, LOGIN): 1,
        CodeRejected(CodeRejection.NO_CODE): THREADS - 1,
    }


def test_concurrent_wrong_tries_are_all_counted(
    session_factory: SessionFactory, issue: Callable[..., str], fixed_clock: FixedClock
) -> None:
    wrong = _other_code(issue())
    outcomes = _race(lambda: check_code(session_factory, fixed_clock, phone=PHONE, purpose=LOGIN, code=wrong))
    assert Counter(outcomes) == {
        **{CodeRejected(CodeRejection.WRONG, tries_left=n): 1 for n in (4, 3, 2, 1)},
        CodeRejected(CodeRejection.TOO_MANY_ATTEMPTS, tries_left=0): THREADS - 4,
    }
    assert [row.attempts for row in _codes(session_factory)] == [5]


def test_concurrent_requests_send_one_code(
    session_factory: SessionFactory, gateway: RecordingSmsGateway, fixed_clock: FixedClock
) -> None:
    outcomes = _race(lambda: issue_code(session_factory, gateway, fixed_clock, phone=PHONE, purpose=LOGIN))
    assert Counter(type(outcome) for outcome in outcomes) == {CodeIssued: 1, CodeRefused: THREADS - 1}
    assert {outcome.reason for outcome in outcomes if isinstance(outcome, CodeRefused)} == {
        IssueRefusal.RESEND_TOO_SOON
    }
    with session_factory.session_scope() as session:
        assert len(session.scalars(select(SmsMessage)).all()) == 1
    assert len(_codes(session_factory)) == 1
