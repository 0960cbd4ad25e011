"""Phone + SMS code login of chat identities, registering new phones on the way."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.clock import FixedClock
from bot.db.models import ChatIdentity, RealNameRecord, SmsMessage, User
from bot.db.session import SessionFactory
from bot.identity.login import (
    LoggedIn,
    LoggedInUser,
    LoginRefused,
    LoginStarted,
    complete_login,
    current_user,
    logout,
    start_login,
)
from bot.identity.sms import RecordingSmsGateway, last_message
from bot.identity.verification import CodeRejected, CodeRejection, IssueRefusal
from tests.unit.conftest import FIXED_NOW
from tests.unit.db_factories import add_user

PHONE = "13800000001"
OTHER_PHONE = "13900000002"
CHANNEL = "rest"
SENDER = "sender-1"


@pytest.fixture
def gateway(session_factory: SessionFactory, fixed_clock: FixedClock) -> RecordingSmsGateway:
    return RecordingSmsGateway(session_factory, fixed_clock)


def _login(
    session_factory: SessionFactory,
    gateway: RecordingSmsGateway,
    clock: FixedClock,
    phone_text: str,
    *,
    sender_id: str = SENDER,
) -> LoggedIn:
    started = start_login(session_factory, gateway, clock, phone_text=phone_text)
    assert isinstance(started, LoginStarted), started
    with session_factory.session_scope() as session:
        message = last_message(session, started.phone)
        assert message is not None
        code = re.search(r"\d{6}", message.text).group()  # type: ignore[union-attr]
    outcome = complete_login(
        session_factory, clock, channel=CHANNEL, sender_id=sender_id, phone=started.phone, code=code
    )
    assert isinstance(outcome, LoggedIn), outcome
    return outcome


def _identities(session_factory: SessionFactory) -> list[tuple[str, str, int | None]]:
    with session_factory.session_scope() as session:
        rows = session.scalars(select(ChatIdentity).order_by(ChatIdentity.id))
        return [(row.channel, row.sender_id, row.user_id) for row in rows]


def test_a_new_phone_is_registered_on_its_first_login(
    session_factory: SessionFactory, gateway: RecordingSmsGateway, fixed_clock: FixedClock
) -> None:
    assert current_user(session_factory, fixed_clock, channel=CHANNEL, sender_id=SENDER) is None
    outcome = _login(session_factory, gateway, fixed_clock, "+86 138-0000-0001")

    assert outcome.newly_registered
    assert outcome.user.phone == PHONE
    assert outcome.user.masked_phone == "138****0001"
    assert not outcome.user.real_name_verified
    with session_factory.session_scope() as session:
        user = session.scalars(select(User)).one()
        assert (user.id, user.phone, user.registered_at) == (outcome.user.user_id, PHONE, fixed_clock.now())
        identity = session.scalars(select(ChatIdentity)).one()
        assert (identity.created_at, identity.last_seen_at) == (fixed_clock.now(), fixed_clock.now())
    assert _identities(session_factory) == [(CHANNEL, SENDER, outcome.user.user_id)]
    assert current_user(session_factory, fixed_clock, channel=CHANNEL, sender_id=SENDER) == outcome.user


def test_an_existing_user_logs_in_without_registering_again(
    session_factory: SessionFactory, gateway: RecordingSmsGateway, fixed_clock: FixedClock
) -> None:
    with session_factory.session_scope() as session:
        user = add_user(session, PHONE)
        session.add(
            RealNameRecord(
                user_id=user.id, name="张伟", id_number_hash="0" * 64,
                id_number_masked="3301**********123X", verified_at=FIXED_NOW,
            )
        )
        user_id = user.id
    fixed_clock.advance(timedelta(days=3))

    outcome = _login(session_factory, gateway, fixed_clock, PHONE)

    expected = LoggedInUser(user_id, PHONE, real_name_verified=True, logged_in_at=fixed_clock.now())
    assert outcome == LoggedIn(expected, newly_registered=False)
    with session_factory.session_scope() as session:
        assert session.scalars(select(User.registered_at)).all() == [FIXED_NOW]
    assert current_user(session_factory, fixed_clock, channel=CHANNEL, sender_id=SENDER) == outcome.user


def test_a_new_login_relinks_the_identity_to_another_user(
    session_factory: SessionFactory, gateway: RecordingSmsGateway, fixed_clock: FixedClock
) -> None:
    first = _login(session_factory, gateway, fixed_clock, PHONE)
    fixed_clock.advance(timedelta(minutes=10))
    second = _login(session_factory, gateway, fixed_clock, OTHER_PHONE)

    assert first.user.user_id != second.user.user_id
    assert _identities(session_factory) == [(CHANNEL, SENDER, second.user.user_id)]
    with session_factory.session_scope() as session:
        identity = session.scalars(select(ChatIdentity)).one()
        assert identity.last_seen_at == fixed_clock.now()
    assert current_user(session_factory, fixed_clock, channel=CHANNEL, sender_id=SENDER) == second.user


def test_one_user_may_be_logged_in_on_several_identities(
    session_factory: SessionFactory, gateway: RecordingSmsGateway, fixed_clock: FixedClock
) -> None:
    first = _login(session_factory, gateway, fixed_clock, PHONE)
    fixed_clock.advance(timedelta(minutes=1))
    second = _login(session_factory, gateway, fixed_clock, PHONE, sender_id="sender-2")
    assert (first.newly_registered, second.newly_registered) == (True, False)
    assert first.user.user_id == second.user.user_id
    assert logout(session_factory, channel=CHANNEL, sender_id=SENDER)
    assert current_user(session_factory, fixed_clock, channel=CHANNEL, sender_id="sender-2") == second.user


def test_logout_unlinks_the_identity_but_keeps_the_user(
    session_factory: SessionFactory, gateway: RecordingSmsGateway, fixed_clock: FixedClock
) -> None:
    outcome = _login(session_factory, gateway, fixed_clock, PHONE)

    assert logout(session_factory, channel=CHANNEL, sender_id=SENDER) is True
    assert current_user(session_factory, fixed_clock, channel=CHANNEL, sender_id=SENDER) is None
    assert logout(session_factory, channel=CHANNEL, sender_id=SENDER) is False
    assert logout(session_factory, channel=CHANNEL, sender_id="never-seen") is False
    assert _identities(session_factory) == [(CHANNEL, SENDER, None)]

    fixed_clock.advance(timedelta(minutes=1))
    again = _login(session_factory, gateway, fixed_clock, PHONE)
    assert again == LoggedIn(replace(outcome.user, logged_in_at=fixed_clock.now()), newly_registered=False)


def test_current_user_is_per_channel_and_sender(
    session_factory: SessionFactory, gateway: RecordingSmsGateway, fixed_clock: FixedClock
) -> None:
    _login(session_factory, gateway, fixed_clock, PHONE)
    assert current_user(session_factory, fixed_clock, channel=CHANNEL, sender_id="sender-2") is None
    assert current_user(session_factory, fixed_clock, channel="socketio", sender_id=SENDER) is None


@pytest.mark.parametrize("phone_text", ["", "12345", "12800000001", "138000000011", "我的手机号"])
def test_an_invalid_phone_sends_nothing(
    session_factory: SessionFactory, gateway: RecordingSmsGateway, fixed_clock: FixedClock, phone_text: str
) -> None:
    outcome = start_login(session_factory, gateway, fixed_clock, phone_text=phone_text)
    assert outcome == LoginRefused(IssueRefusal.INVALID_PHONE)
    with session_factory.session_scope() as session:
        assert session.scalars(select(SmsMessage)).all() == []


def test_code_refusals_pass_through(
    session_factory: SessionFactory, gateway: RecordingSmsGateway, fixed_clock: FixedClock
) -> None:
    assert start_login(session_factory, gateway, fixed_clock, phone_text=PHONE) == LoginStarted(PHONE)
    fixed_clock.advance(timedelta(seconds=20))
    assert start_login(session_factory, gateway, fixed_clock, phone_text=PHONE) == LoginRefused(
        IssueRefusal.RESEND_TOO_SOON, seconds_left=40
    )


def test_a_wrong_code_neither_registers_nor_links(
    session_factory: SessionFactory, gateway: RecordingSmsGateway, fixed_clock: FixedClock
) -> None:
    start_login(session_factory, gateway, fixed_clock, phone_text=PHONE)
    with session_factory.session_scope() as session:
        code = re.search(r"\d{6}", last_message(session, PHONE).text).group()  # type: ignore[union-attr]
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    outcome = complete_login(
        session_factory, fixed_clock, channel=CHANNEL, sender_id=SENDER, phone=PHONE, code=wrong
    )

    assert outcome == CodeRejected(CodeRejection.WRONG, tries_left=4)
    with session_factory.session_scope() as session:
        assert session.scalars(select(User)).all() == []
    assert _identities(session_factory) == []
    assert current_user(session_factory, fixed_clock, channel=CHANNEL, sender_id=SENDER) is None


def test_without_a_login_code_nothing_happens(session_factory: SessionFactory, fixed_clock: FixedClock) -> None:
    outcome = complete_login(
        session_factory, fixed_clock, channel=CHANNEL, sender_id=SENDER, phone=PHONE, code="123456"
    )
    assert outcome == CodeRejected(CodeRejection.NO_CODE)
    assert _identities(session_factory) == []
