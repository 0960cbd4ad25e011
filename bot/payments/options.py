"""What the payment form offers and accepts: the amount owed, the user's ways to pay, and
reading the user's choice of amount ("全部缴清", "一百元") and of method ("电e宝", "尾号1234")."""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from bot.accounts.binding import NotBound
from bot.billing.access import bound_account
from bot.billing.bills import amount_due_fen, unpaid_bills
from bot.clock import Clock
from bot.db.enums import InstrumentKind
from bot.db.models import PaymentInstrument
from bot.db.session import SessionFactory
from bot.money import fen_to_yuan, yuan_to_fen
from bot.payments.history import method_label_of_instrument
from bot.privacy.masking import mask_name
from bot.text.amounts import AmountError, parse_amount, validate_payment_amount

# "全部缴清" and its kin: the whole amount owed.
_EVERYTHING = re.compile(r"全部|全额|缴清|交清|结清|付清|都交|欠多少交多少|所有欠费")
_LAST4 = re.compile(r"(?<!\d)(\d{4})(?!\d)")
INSTRUMENT_PREFIX = "instrument:"  # button payloads name an instrument by id


@dataclass(frozen=True)
class PaymentQuote:
    account_number: str
    holder_masked: str
    total_due_fen: int  # arrears plus late fees accrued to today
    late_fee_fen: int
    prepaid_balance_fen: int


@dataclass(frozen=True)
class InstrumentView:
    id: int
    kind: InstrumentKind
    label: str
    token: str
    bank_name: str | None


def payment_quote(
    session_factory: SessionFactory, clock: Clock, *, user_id: int, account_number: str
) -> PaymentQuote | NotBound:
    with session_factory.session_scope() as session:
        account = bound_account(session, user_id, account_number)
        if account is None:
            return NotBound()
        unpaid = unpaid_bills(session, account, clock.today())
        return PaymentQuote(
            account_number=account.account_number, holder_masked=mask_name(account.holder_name),
            total_due_fen=amount_due_fen(unpaid), late_fee_fen=sum(bill.late_fee_fen for bill in unpaid),
            prepaid_balance_fen=account.prepaid_balance_fen,
        )


def instruments_of(session_factory: SessionFactory, user_id: int) -> list[InstrumentView]:
    """The user's wallet first, then cards, each with the label shown in chat."""
    with session_factory.session_scope() as session:
        rows = session.scalars(
            select(PaymentInstrument).where(PaymentInstrument.user_id == user_id).order_by(PaymentInstrument.id)
        )
        views = [_view(row) for row in rows]
    return sorted(views, key=lambda v: v.kind is not InstrumentKind.WALLET)


def _view(row: PaymentInstrument) -> InstrumentView:
    return InstrumentView(row.id, row.kind, method_label_of_instrument(row), row.token, row.bank_name)


def choose_instrument(instruments: list[InstrumentView], answer: str) -> InstrumentView | None:
    """The instrument ``answer`` names: a button's ``instrument:<id>``, "电e宝"/"余额", "银行卡"
    (when there is one card), a bank name or the card's last four digits. None when the
    user has no such instrument or the answer fits several."""
    text = answer.strip()
    if text.startswith(INSTRUMENT_PREFIX):
        wanted = text.removeprefix(INSTRUMENT_PREFIX)
        return next((i for i in instruments if str(i.id) == wanted), None)
    cards = [i for i in instruments if i.kind is InstrumentKind.BANK_CARD]
    last4 = _LAST4.search(text)
    if last4:
        return _only([c for c in cards if c.label.endswith(f"(尾号{last4.group(1)})")])
    named_bank = [c for c in cards if c.bank_name and any(alias in text for alias in _bank_aliases(c.bank_name))]
    if named_bank:
        return _only(named_bank)
    if any(word in text for word in ("电e宝", "余额", "钱包", "電e寶")):
        return _only([i for i in instruments if i.kind is InstrumentKind.WALLET])
    if "卡" in text:
        return _only(cards)
    return None


def _bank_aliases(bank_name: str) -> tuple[str, ...]:
    """招商银行 is also 招商 and 招行; 中国银行 is 中行, 工商银行 工行."""
    return bank_name, bank_name[:2], bank_name[0] + "行"


def _only(candidates: list[InstrumentView]) -> InstrumentView | None:
    return candidates[0] if len(candidates) == 1 else None


def amount_answer(text: str, total_due_fen: int) -> int:
    """The amount in fen that ``text`` asks to pay; raises :class:`AmountError` with the reason."""
    everything = total_due_fen > 0 and _EVERYTHING.search(text)
    amount = fen_to_yuan(total_due_fen) if everything else parse_amount(text)
    if amount is None:
        raise AmountError("not_a_number")
    validate_payment_amount(amount)
    return yuan_to_fen(amount)
