"""A hand-made billing history for bill, usage and invoice tests (figures worked out by hand).

Account 3301888888 (Zhejiang 低压居民, opened 2025-03-01), bound to user 13900000001:

| period  | kWh  | tiers      | peak/valley | amount  | state                              |
| 2025-10 | 200  | 200/0/0    | -           | 107.60  | paid                               |
| 2026-01 | 2300 | 2300/0/0   | -           | 1237.40 | paid                               |
| 2026-08 | 100  | 100/0/0    | -           | 53.80   | unpaid, due 2026-09-30 (overdue)   |
| 2026-09 | 300  | 300/0/0    | -           | 161.40  | paid 2026-10-05                    |
| 2026-10 | 260  | 60/200/0   | 156/104     | 128.56  | unpaid, due 2026-11-30             |

2026-10: 60×0.538 + 200×0.588 = 32.28 + 117.60 = 149.88; peak/valley 156×0.03 − 104×0.25
= −21.32; 149.88 − 21.32 = 128.56. The 2026-08 late fee on 2026-11-23: 54 days × 0.1% ×
53.80 = 2.9052 → 2.91.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.clock import CHINA_TZ
from bot.db.enums import BillStatus
from bot.db.models import AccountBinding, MonthlyBill
from bot.db.session import SessionFactory
from tests.unit.conftest import FIXED_NOW
from tests.unit.db_factories import add_account, add_user

ACCOUNT = "3301888888"
PAID_AT = datetime(2026, 10, 5, 10, 30, tzinfo=CHINA_TZ)


@dataclass(frozen=True)
class Billed:
    user_id: int
    other_user_id: int  # has not bound the account
    empty_account: str  # bound by the user, no bills


def _bill(account_id: int, period: date, kwh: int, tiers: tuple[int, int, int], amount_fen: int, *,
          paid: bool, due: date, peak_valley: tuple[int, int] | None = None) -> MonthlyBill:
    issued = date(period.year + period.month // 12, period.month % 12 + 1, 1)
    return MonthlyBill(
        account_id=account_id, period=period, kwh=kwh, tier1_kwh=tiers[0], tier2_kwh=tiers[1], tier3_kwh=tiers[2],
        peak_kwh=peak_valley[0] if peak_valley else None, valley_kwh=peak_valley[1] if peak_valley else None,
        amount_fen=amount_fen, issued_on=issued, due_date=due, paid_fen=amount_fen if paid else 0,
        paid_at=PAID_AT if paid else None, status=BillStatus.PAID if paid else BillStatus.UNPAID,
    )


def make_billing_history(session_factory: SessionFactory) -> Billed:
    with session_factory.session_scope() as session:
        user, other = add_user(session, "13900000001"), add_user(session, "13900000002")
        account = add_account(session, ACCOUNT, holder_name="钱多多", address="浙江省杭州市西湖区文三路1号")
        account.opened_on = date(2025, 3, 1)
        empty = add_account(session, "3301777777")
        for bound in (account, empty):
            session.add(AccountBinding(user_id=user.id, account_id=bound.id, is_default=bound is account,
                                       created_at=FIXED_NOW))
        a = account.id
        session.add_all([
            _bill(a, date(2025, 10, 1), 200, (200, 0, 0), 10760, paid=True, due=date(2025, 11, 30)),
            _bill(a, date(2026, 1, 1), 2300, (2300, 0, 0), 123740, paid=True, due=date(2026, 2, 28)),
            _bill(a, date(2026, 8, 1), 100, (100, 0, 0), 5380, paid=False, due=date(2026, 9, 30)),
            _bill(a, date(2026, 9, 1), 300, (300, 0, 0), 16140, paid=True, due=date(2026, 10, 31)),
            _bill(a, date(2026, 10, 1), 260, (60, 200, 0), 12856, paid=False, due=date(2026, 11, 30),
                  peak_valley=(156, 104)),
        ])
        return Billed(user.id, other.id, empty.account_number)
