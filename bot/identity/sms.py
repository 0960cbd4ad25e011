"""Sending text messages (login codes, notifications).

Only the demo gateway exists: it records each message in ``sms_messages`` instead of
sending it, and ``python -m bot sms PHONE`` shows a demo user the last one. A real
gateway implements :class:`SmsGateway` and is added to ``_GATEWAYS`` under the name
``SMS_GATEWAY`` selects.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import Clock, clock_from_env
from bot.db.models import SmsMessage
from bot.db.session import SessionFactory
from bot.privacy.masking import mask_phone
from bot.settings import Settings

log = logging.getLogger(__name__)


class SmsGateway(Protocol):
    def send(self, phone: str, text: str, purpose: str) -> None:
        """Deliver ``text`` to ``phone``; ``purpose`` (e.g. ``login``) is for records."""


class UnknownSmsGateway(ValueError):
    """``SMS_GATEWAY`` names a gateway this build does not have."""


class RecordingSmsGateway:
    """The demo gateway: every message goes to the ``sms_messages`` table.

    Each message is recorded in its own unit of work, committed at once: like a real
    SMS, it stays sent even if the caller's transaction later rolls back.
    """

    def __init__(self, session_factory: SessionFactory, clock: Clock) -> None:
        self._session_factory = session_factory
        self._clock = clock

    def send(self, phone: str, text: str, purpose: str) -> None:
        with self._session_factory.session_scope() as session:
            session.add(SmsMessage(phone=phone, purpose=purpose, text=text, sent_at=self._clock.now()))
        log.info("demo SMS recorded (purpose=%s, to %s)", purpose, mask_phone(phone))


GatewayBuilder = Callable[[Settings, SessionFactory, Clock], SmsGateway]

_GATEWAYS: dict[str, GatewayBuilder] = {
    "demo": lambda _settings, session_factory, clock: RecordingSmsGateway(session_factory, clock),
}


def gateway_from_settings(
    settings: Settings, session_factory: SessionFactory, clock: Clock | None = None
) -> SmsGateway:
    """The gateway ``settings.sms_gateway`` names (``demo`` by default)."""
    name = settings.sms_gateway.strip().lower()
    try:
        builder = _GATEWAYS[name]
    except KeyError:
        supported = ", ".join(sorted(_GATEWAYS))
        raise UnknownSmsGateway(
            f"unknown SMS_GATEWAY {settings.sms_gateway!r}; supported: {supported}"
        ) from None
    return builder(settings, session_factory, clock or clock_from_env())


def last_message(session: Session, phone: str) -> SmsMessage | None:
    """The most recent message recorded for ``phone``, if any."""
    return session.scalars(
        select(SmsMessage)
        .where(SmsMessage.phone == phone)
        .order_by(SmsMessage.sent_at.desc(), SmsMessage.id.desc())
        .limit(1)
    ).first()
