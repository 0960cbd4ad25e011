"""When a payment needs an SMS code (bot/payments/second_factor.py), and its settings."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from bot.db.models import VerificationCode
from bot.payments.second_factor import FactorPolicy, quote_code_purpose
from bot.settings import Settings
from tests.unit.conftest import FIXED_NOW

POLICY = FactorPolicy.from_settings(Settings.from_env({}))
FRESH = FIXED_NOW - timedelta(minutes=1)


def test_the_defaults_are_200_yuan_and_30_minutes() -> None:
    assert (POLICY.threshold_fen, POLICY.max_login_age) == (20_000, timedelta(minutes=30))
    settings = Settings.from_env({})
    assert (settings.payment_sms_threshold_yuan, settings.payment_sms_login_age_minutes) == (Decimal("200"), 30)


def test_the_settings_come_from_the_environment() -> None:
    settings = Settings.from_env({"PAYMENT_SMS_THRESHOLD_YUAN": "500.50", "PAYMENT_SMS_LOGIN_AGE_MINUTES": "10"})
    assert FactorPolicy.from_settings(settings) == FactorPolicy(50_050, timedelta(minutes=10))
    with pytest.raises(ValueError, match="not a whole number of fen"):
        FactorPolicy.from_settings(Settings.from_env({"PAYMENT_SMS_THRESHOLD_YUAN": "0.001"}))


@pytest.mark.parametrize(("amount_fen", "needed"), [(19_999, False), (20_000, False), (20_001, True), (500_000, True)])
def test_a_code_is_needed_strictly_above_the_threshold(amount_fen: int, needed: bool) -> None:
    assert POLICY.code_required(amount_fen, logged_in_at=FRESH, now=FIXED_NOW) is needed


@pytest.mark.parametrize(
    ("login_age", "needed"),
    [(timedelta(0), False), (timedelta(minutes=30), False), (timedelta(minutes=30, seconds=1), True),
     (timedelta(days=2), True)],
)
def test_a_code_is_needed_when_the_login_is_older_than_30_minutes(login_age: timedelta, needed: bool) -> None:
    assert POLICY.code_required(100, logged_in_at=FIXED_NOW - login_age, now=FIXED_NOW) is needed


def test_a_login_of_unknown_age_counts_as_old() -> None:
    assert POLICY.code_required(100, logged_in_at=None, now=FIXED_NOW) is True


def test_a_code_is_bound_to_one_quote_and_fits_the_purpose_column() -> None:
    assert quote_code_purpose(7) == "payment:7" and quote_code_purpose(7) != quote_code_purpose(8)
    assert len(quote_code_purpose(2**63 - 1)) <= VerificationCode.__table__.c.purpose.type.length
