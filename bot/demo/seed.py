"""Deterministic demo data, laid out relative to the clock's today.

Every row is upserted by its natural key, so seeding twice leaves the same data. What
is seeded lives in the modules beside this one (people, accounts, bills, applications);
the regions come from the reference data (:mod:`bot.applications.region_data`). The
names other code imports from here are re-exported.
"""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.applications.region_data import REGIONS_FILE, load_regions
from bot.billing.tariff import TariffBook
from bot.clock import Clock
from bot.db.models import User
from bot.db.session import SessionFactory
from bot.demo.accounts import DEMO_ACCOUNTS, seed_accounts, seed_bindings, seed_regions
from bot.demo.applications import (
    DEMO_WORK_ORDERS,
    FULL_SLOT_REGION,
    SLOT_CAPACITY,
    seed_slots,
    seed_work_orders,
)
from bot.demo.bills import bill_periods, demo_monthly_kwh, seed_bills, tier_kwh
from bot.demo.outages import DEMO_OUTAGES, seed_outages
from bot.demo.people import (
    CITIZENS,
    DEMO_USERS,
    ZHANG_WEI,
    ZHAO_QIANG,
    DemoPerson,
    seed_citizens,
    seed_instruments,
    seed_users,
)
from bot.demo.writer import SeedWriter
from bot.payments.demo_bank import load_instruments

__all__ = [
    "CITIZENS",
    "DEMO_USERS",
    "FULL_SLOT_REGION",
    "SLOT_CAPACITY",
    "ZHANG_WEI",
    "ZHAO_QIANG",
    "DemoPerson",
    "bill_periods",
    "demo_data_present",
    "demo_monthly_kwh",
    "seed_demo_data",
    "tier_kwh",
]


def demo_data_present(session: Session) -> bool:
    """True when the demo users are already in the database."""
    phone = DEMO_USERS[0].phone
    return session.scalar(select(User.id).where(User.phone == phone)) is not None


def seed_demo_data(
    session_factory: SessionFactory,
    tariffs: TariffBook,
    clock: Clock,
    *,
    regions_file: Path = REGIONS_FILE,
) -> None:
    """Create or refresh all demo data in one transaction."""
    today, now = clock.today(), clock.now()
    with session_factory.session_scope() as session:
        db = SeedWriter(session)
        regions = seed_regions(db, load_regions(regions_file), tariffs)
        seed_citizens(db, CITIZENS)
        users = seed_users(db, DEMO_USERS, now)
        seed_instruments(db, load_instruments(), users)
        accounts = seed_accounts(db, DEMO_ACCOUNTS, users, today)
        db.flush()
        seed_bindings(db, DEMO_ACCOUNTS, users, accounts)
        for demo in DEMO_ACCOUNTS:
            tariff = tariffs.get(regions[demo.region_code].tariff_key, demo.category)
            payer = users[demo.bound_phones[0]] if demo.bound_phones else None
            seed_bills(db, demo, accounts[demo.number], tariff, payer, now)
        seed_work_orders(db, DEMO_WORK_ORDERS, accounts, today)
        seed_slots(db, regions.values(), today)
        seed_outages(db, DEMO_OUTAGES, now)
