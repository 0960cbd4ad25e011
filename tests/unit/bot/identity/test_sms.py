"""The demo SMS gateway records messages; the factory picks the gateway by name."""
from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.clock import FixedClock
from bot.db.models import SmsMessage
from bot.db.session import SessionFactory
from bot.identity.sms import (
    RecordingSmsGateway,
    UnknownSmsGateway,
    gateway_from_settings,
    last_message,
)
from bot.settings import Settings

PHONE = "13800000001"


def test_messages_are_recorded_and_the_last_one_is_found(
    session_factory: SessionFactory, fixed_clock: FixedClock
) -> None:
    gateway = RecordingSmsGateway(session_factory, fixed_clock)
    gateway.send(PHONE, "【网上国网】验证码 111111", "login")
    fixed_clock.advance(timedelta(minutes=2))
    gateway.send(PHONE, "【网上国网】验证码 222222", "login")
    gateway.send("13800000002", "【网上国网】验证码 333333", "login")

    with session_factory.session_scope() as session:
        message = last_message(session, PHONE)
        assert message is not None
        assert (message.text, message.purpose, message.sent_at) == (
            "【网上国网】验证码 222222", "login", fixed_clock.now()
        )
        assert last_message(session, "13800000009") is None
        assert len(session.scalars(select(SmsMessage)).all()) == 3


def test_same_instant_messages_are_ordered_by_arrival(
    session_factory: SessionFactory, fixed_clock: FixedClock
) -> None:
    gateway = RecordingSmsGateway(session_factory, fixed_clock)
    for text in ("first", "second"):
        gateway.send(PHONE, text, "login")
    with session_factory.session_scope() as session:
        assert last_message(session, PHONE).text == "second"  # type: ignore[union-attr]


def test_a_sent_message_survives_the_callers_rollback(
    session_factory: SessionFactory, fixed_clock: FixedClock
) -> None:
    gateway = RecordingSmsGateway(session_factory, fixed_clock)
    with pytest.raises(RuntimeError), session_factory.session_scope():
        gateway.send(PHONE, "sent anyway", "login")
        raise RuntimeError("the caller fails afterwards")
    with session_factory.session_scope() as session:
        assert last_message(session, PHONE) is not None


def test_logs_reveal_neither_phone_nor_text(
    session_factory: SessionFactory, fixed_clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    RecordingSmsGateway(session_factory, fixed_clock).send(PHONE, "验证码 654321", "login")
    assert caplog.records, "the gateway should log that it recorded a message"
    assert PHONE not in caplog.text and "654321" not in caplog.text
    assert "138****0001" in caplog.text


def test_factory_builds_the_demo_gateway(
    session_factory: SessionFactory, fixed_clock: FixedClock
) -> None:
    gateway = gateway_from_settings(Settings(sms_gateway="demo"), session_factory, fixed_clock)
    assert isinstance(gateway, RecordingSmsGateway)
    gateway.send(PHONE, "hello", "notice")
    with session_factory.session_scope() as session:
        assert last_message(session, PHONE).sent_at == fixed_clock.now()  # type: ignore[union-attr]


def test_factory_refuses_unknown_gateways(session_factory: SessionFactory) -> None:
    with pytest.raises(UnknownSmsGateway, match="unknown SMS_GATEWAY 'aliyun'; supported: demo"):
        gateway_from_settings(Settings(sms_gateway="aliyun"), session_factory)
