"""The process-wide service dependencies (settings, clock, database), built once on first use.

Actions get their dependencies here instead of from module globals scattered around; tests
build their own :class:`Services` with a fixed clock and a temporary database.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from bot.applications.business_system import BusinessSystem, business_system_from_settings
from bot.billing.tariff import TariffBook
from bot.clock import Clock, clock_from_env
from bot.db.session import SessionFactory
from bot.identity.sms import SmsGateway, gateway_from_settings
from bot.payments.gateway import PaymentGateway
from bot.payments.gateway import gateway_from_settings as payment_gateway_from_settings
from bot.server.dev_secrets import refuse_development_secrets
from bot.settings import Settings


@dataclass(frozen=True)
class Services:
    settings: Settings
    clock: Clock
    session_factory: SessionFactory
    sms_gateway: SmsGateway
    tariffs: TariffBook
    payment_gateway: PaymentGateway
    business_system: BusinessSystem


@lru_cache(maxsize=1)
def services() -> Services:
    settings = Settings.from_env()
    refuse_development_secrets(settings)  # every server passes here (bot.server.dev_secrets)
    clock = clock_from_env()
    session_factory = SessionFactory.from_url(settings.database_url)
    return Services(
        settings=settings,
        clock=clock,
        session_factory=session_factory,
        sms_gateway=gateway_from_settings(settings, session_factory, clock),
        tariffs=TariffBook.load(settings.tariff_dir),
        payment_gateway=payment_gateway_from_settings(settings, session_factory, clock),
        business_system=business_system_from_settings(settings, session_factory, clock),
    )
