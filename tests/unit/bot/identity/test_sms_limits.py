"""SMS pumping and code guessing from one chat, across phones: the per-chat daily limits on
top of the per-phone ones (bot/identity/verification.py), on SQLite and PostgreSQL."""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.clock import FixedClock
from bot.db.models import SmsMessage
from bot.db.session import SessionFactory
from bot.identity.login import LoggedIn, complete_login
from bot.identity.sms import RecordingSmsGateway
from bot.identity.verification import (
    CODES_PER_CHAT_PER_DAY,
    MAX_WRONG_TRIES,
    PHONES_PER_CHAT_PER_DAY,
    RESEND_INTERVAL,
    WRONG_CODES_PER_CHAT_PER_DAY,
    CodeAccepted,
    CodeIssued,
    CodeRefused,
    CodeRejected,
    CodeRejection,
    IssueRefusal,
    check_code,
    issue_code,
)
from bot.limits.windows import chat_key
from tests.unit.bot.identity.test_verification import _code_in_last_sms, _other_code, _race

CHAT = chat_key("rest", "pumper")
OTHER_CHAT = chat_key("rest", "someone-else")
LOGIN = "login"
PHONES = [f"1390000{n:04d}" for n in range(10)]


@pytest.fixture
def gateway(session_factory: SessionFactory, fixed_clock: FixedClock) -> RecordingSmsGateway:
    return RecordingSmsGateway(session_factory, fixed_clock)


def _issue(sf: SessionFactory, gateway: RecordingSmsGateway, clock: FixedClock, phone: str,
           requester: str | None = CHAT, purpose: str = LOGIN) -> CodeIssued | CodeRefused:
    return issue_code(sf, gateway, clock, phone=phone, purpose=purpose, requester=requester)


def _sent(sf: SessionFactory) -> int:
    with sf.session_scope() as session:
        return session.scalar(select(func.count()).select_from(SmsMessage))


def test_the_limits() -> None:
    assert (CODES_PER_CHAT_PER_DAY, PHONES_PER_CHAT_PER_DAY, WRONG_CODES_PER_CHAT_PER_DAY) == (20, 5, 20)


def test_one_chat_cannot_text_more_than_five_phones_a_day(
    session_factory: SessionFactory, gateway: RecordingSmsGateway, fixed_clock: FixedClock
) -> None:
    for phone in PHONES[:5]:
        assert isinstance(_issue(session_factory, gateway, fixed_clock, phone), CodeIssued)
    refused = _issue(session_factory, gateway, fixed_clock, PHONES[5], purpose="rename_transfer")
    assert isinstance(refused, CodeRefused) and refused.reason is IssueRefusal.TOO_MANY_PHONES
    assert _sent(session_factory) == 5
    # A phone the chat already used goes on working; other chats and the next day are not affected.
    fixed_clock.advance(RESEND_INTERVAL)
    assert isinstance(_issue(session_factory, gateway, fixed_clock, PHONES[0]), CodeIssued)
    assert isinstance(_issue(session_factory, gateway, fixed_clock, PHONES[5], requester=OTHER_CHAT), CodeIssued)
    fixed_clock.advance(timedelta(days=1))
    assert isinstance(_issue(session_factory, gateway, fixed_clock, PHONES[6]), CodeIssued)


def test_one_chat_asks_for_at_most_twenty_codes_a_day(
    session_factory: SessionFactory, gateway: RecordingSmsGateway, fixed_clock: FixedClock
) -> None:
    for _ in range(4):  # 4 rounds of 5 phones: each phone stays under its own 10 a day
        for phone in PHONES[:5]:
            assert isinstance(_issue(session_factory, gateway, fixed_clock, phone), CodeIssued)
        fixed_clock.advance(RESEND_INTERVAL)
    refused = _issue(session_factory, gateway, fixed_clock, PHONES[0])
    assert isinstance(refused, CodeRefused) and refused.reason is IssueRefusal.CHAT_DAILY_LIMIT
    assert refused.seconds_left is not None and 0 < refused.seconds_left <= 86_400
    assert _sent(session_factory) == 20
    # Without a chat (e.g. an operator's tool) only the per-phone limits apply.
    assert isinstance(_issue(session_factory, gateway, fixed_clock, PHONES[0], requester=None), CodeIssued)


def test_concurrent_requests_from_one_chat_for_many_phones_stop_at_five(
    session_factory: SessionFactory, gateway: RecordingSmsGateway, fixed_clock: FixedClock
) -> None:
    phones = iter(PHONES[:8])
    outcomes = _race(lambda: _issue(session_factory, gateway, fixed_clock, next(phones)))
    assert Counter(type(outcome) for outcome in outcomes) == {CodeIssued: 5, CodeRefused: 3}
    assert _sent(session_factory) == 5


def test_twenty_wrong_codes_from_one_chat_stop_its_checks_for_the_day(
    session_factory: SessionFactory, gateway: RecordingSmsGateway, fixed_clock: FixedClock
) -> None:
    def check(phone: str, code: str, requester: str = CHAT) -> CodeAccepted | CodeRejected:
        return check_code(session_factory, fixed_clock, phone=phone, purpose=LOGIN, code=code, requester=requester)

    for phone in PHONES[:5]:  # 4 wrong tries for each of 5 phones: 20 wrong codes, no code used up
        assert isinstance(_issue(session_factory, gateway, fixed_clock, phone), CodeIssued)
        right = _code_in_last_sms(session_factory, phone)
        for _ in range(MAX_WRONG_TRIES - 1):
            assert check(phone, _other_code(right)).reason is CodeRejection.WRONG  # type: ignore[union-attr]
    right = _code_in_last_sms(session_factory, PHONES[0])
    # Even the right code is not looked at any more: guessing gets no answer.
    assert check(PHONES[0], right) == CodeRejected(CodeRejection.CHAT_GUESS_LIMIT, 0)
    assert check(PHONES[0], "12345x").reason is CodeRejection.BAD_FORMAT  # type: ignore[union-attr]
    # Another chat holding the phone and its code can use it; the next day this chat can again.
    assert check(PHONES[0], right, requester=OTHER_CHAT) == CodeAccepted(PHONES[0], LOGIN)
    fixed_clock.advance(timedelta(days=1))
    assert isinstance(_issue(session_factory, gateway, fixed_clock, PHONES[1]), CodeIssued)
    assert check(PHONES[1], _code_in_last_sms(session_factory, PHONES[1])) == CodeAccepted(PHONES[1], LOGIN)


def test_login_counts_wrong_codes_per_chat(
    session_factory: SessionFactory, gateway: RecordingSmsGateway, fixed_clock: FixedClock
) -> None:
    def log_in(phone: str, code: str) -> LoggedIn | CodeRejected:
        return complete_login(session_factory, fixed_clock, channel="rest", sender_id="pumper", phone=phone, code=code)

    for phone in PHONES[:5]:
        _issue(session_factory, gateway, fixed_clock, phone)
        right = _code_in_last_sms(session_factory, phone)
        for _ in range(MAX_WRONG_TRIES - 1):
            log_in(phone, _other_code(right))
    assert log_in(PHONES[0], _code_in_last_sms(session_factory, PHONES[0])) == CodeRejected(
        CodeRejection.CHAT_GUESS_LIMIT, 0
    )
