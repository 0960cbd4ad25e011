"""The second factor for payments: when "确认支付" alone is not enough.

A chat that is logged in can pay from the user's stored wallet or card. Whoever holds the
chat (a phone left unlocked, a leaked sender id) could therefore pay with it, so a payment
also needs an SMS code to the user's own phone when it is above the threshold
(PAYMENT_SMS_THRESHOLD_YUAN, 200: strictly above, so ¥200.00 itself needs none) or when
the login is older than PAYMENT_SMS_LOGIN_AGE_MINUTES (30; a login of unknown age counts as
old). The code is issued for one frozen quote (:func:`quote_code_purpose`), so it cannot
authorise any other payment.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.identity.verification import CodePurpose
from bot.money import yuan_to_fen
from bot.settings import Settings


@dataclass(frozen=True)
class FactorPolicy:
    threshold_fen: int = 20_000  # a code for amounts strictly above this
    max_login_age: timedelta = timedelta(minutes=30)  # a code when the login is older than this

    @classmethod
    def from_settings(cls, settings: Settings) -> FactorPolicy:
        return cls(
            threshold_fen=yuan_to_fen(settings.payment_sms_threshold_yuan),
            max_login_age=timedelta(minutes=settings.payment_sms_login_age_minutes),
        )

    def code_required(self, amount_fen: int, *, logged_in_at: datetime | None, now: datetime) -> bool:
        """Whether paying ``amount_fen`` now needs an SMS code."""
        return amount_fen > self.threshold_fen or logged_in_at is None or now - logged_in_at > self.max_login_age


def quote_code_purpose(quote_id: int) -> str:
    """The purpose a payment code is issued and checked for: bound to one quote."""
    return f"{CodePurpose.PAYMENT}:{quote_id}"
