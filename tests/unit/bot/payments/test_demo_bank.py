"""The demo bank's ledger: the instruments file, its rules, idempotent and atomic charges."""
from __future__ import annotations

import re
import sqlite3
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import pytest

from bot.clock import CHINA_TZ, FixedClock
from bot.payments.demo_bank import (
    DemoBank,
    InstrumentKind,
    InvalidInstrumentsFile,
    OrderConflict,
    Rule,
    load_instruments,
)
from bot.payments.gateway import ChargeResult, ChargeStatus, DeclineReason

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=CHINA_TZ)
DEMO_USERS = ("13800000001", "13800000002", "13800000003", "13800000004")


@pytest.fixture
def bank(tmp_path: Path) -> DemoBank:
    return DemoBank.open(tmp_path / "gateway.db", clock=FixedClock(NOW))


def test_every_demo_user_has_one_card_and_one_wallet() -> None:
    instruments = load_instruments()
    for phone in DEMO_USERS:
        kinds = Counter(i.kind for i in instruments if i.owner_phone == phone)
        assert kinds == {InstrumentKind.BANK_CARD: 1, InstrumentKind.WALLET: 1}, phone
    cards = {i.owner_phone: i for i in instruments if i.kind is InstrumentKind.BANK_CARD}
    assert {phone: (c.bank, c.card_type, c.last4, c.rule, c.balance_fen) for phone, c in cards.items()} == {
        "13800000001": ("招商银行", "储蓄卡", "1234", None, 5_000_000),
        "13800000002": ("工商银行", "储蓄卡", "0000", Rule.FROZEN, 300_000),
        "13800000003": ("农业银行", "储蓄卡", "5678", None, 800),
        "13800000004": ("建设银行", "储蓄卡", "9999", Rule.SLOW, 2_000_000),
        "13900000009": ("中国银行", "储蓄卡", "9990", Rule.LOST, 100_000),
    }
    wallets = {i.owner_phone: i.balance_fen for i in instruments if i.kind is InstrumentKind.WALLET}
    assert wallets == {"13800000001": 3000, "13800000002": 50_000, "13800000003": 0,
                       "13800000004": 10_000, "13900000009": 100_000}
    assert all(i.number is None and i.rule is None for i in instruments if i.kind is InstrumentKind.WALLET)


def test_an_instrument_never_shows_its_card_number() -> None:
    card = next(i for i in load_instruments() if i.token == "zw-card")
    assert card.number == "6225880000001234"
    assert card.number not in repr(card) and card.number not in str(card)


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ('{token: a, owner_phone: "13800000001", kind: wallet, balance: 30.00}', "quoted decimal"),
        ('{token: a, owner_phone: "13800000001", kind: wallet, balance: "30.001"}', "not an amount"),
        ('{token: a, owner_phone: "13800000001", kind: wallet, balance: "-1.00"}', "negative"),
        ('{token: a, owner_phone: "13800000001", kind: wallet, balance: "1", number: "6225880000001234"}', "no card"),
        ('{token: a, owner_phone: "13800000001", kind: bank_card, balance: "1", bank: 招商银行, card_type: 储蓄卡}',
         "number"),
        ('{token: a, owner_phone: "13800000001", kind: credit, balance: "1"}', "kind"),
        ("{token: a, owner_phone: 13800000001, kind: wallet, balance: \"1\"}", "owner_phone"),
    ],
)
def test_the_instruments_file_is_validated(tmp_path: Path, entry: str, problem: str) -> None:
    path = tmp_path / "instruments.yml"
    path.write_text(f"instruments:\n  - {entry}\n", encoding="utf-8")
    with pytest.raises(InvalidInstrumentsFile, match=problem):
        load_instruments(path)


def test_duplicate_tokens_are_refused(tmp_path: Path) -> None:
    wallet = '{token: a, owner_phone: "13800000001", kind: wallet, balance: "1"}'
    path = tmp_path / "instruments.yml"
    path.write_text(f"instruments:\n  - {wallet}\n  - {wallet}\n", encoding="utf-8")
    with pytest.raises(InvalidInstrumentsFile, match="duplicate tokens a"):
        load_instruments(path)


def test_a_charge_moves_money_once_and_is_recorded(bank: DemoBank) -> None:
    result = bank.charge(order_id="o-1", instrument="zw-card", amount_fen=12_345)
    assert (result.order_id, result.status, result.reason) == ("o-1", ChargeStatus.SUCCEEDED, None)
    assert re.fullmatch(r"TX20261123\d{10}", result.transaction_id or "")
    assert bank.balance("zw-card") == 5_000_000 - 12_345
    assert bank.query("o-1") == result
    with sqlite3.connect(bank.path) as db:
        created_at, number = db.execute(
            "SELECT created_at, number FROM orders JOIN instruments ON token = instrument"
        ).fetchone()
    assert datetime.fromisoformat(created_at) == NOW
    assert number == "6225880000001234"


def test_the_balance_is_the_limit(bank: DemoBank) -> None:
    declined = bank.charge(order_id="o-1", instrument="u3-card", amount_fen=801)
    assert declined == ChargeResult("o-1", ChargeStatus.DECLINED, DeclineReason.INSUFFICIENT_FUNDS)
    assert bank.charge(order_id="o-2", instrument="u3-card", amount_fen=800).status is ChargeStatus.SUCCEEDED
    assert bank.balance("u3-card") == 0
    assert bank.charge(order_id="o-3", instrument="u3-wallet", amount_fen=1).reason is DeclineReason.INSUFFICIENT_FUNDS


def test_a_frozen_card_and_an_unknown_instrument_are_declined(bank: DemoBank) -> None:
    frozen = bank.charge(order_id="o-1", instrument="ln-card", amount_fen=100)
    assert frozen == ChargeResult("o-1", ChargeStatus.DECLINED, DeclineReason.CARD_FROZEN)
    assert bank.balance("ln-card") == 300_000
    unknown = bank.charge(order_id="o-2", instrument="nobody", amount_fen=100)
    assert unknown == ChargeResult("o-2", ChargeStatus.DECLINED, DeclineReason.UNKNOWN_INSTRUMENT)
    assert bank.balance("nobody") is None and bank.rule_of("nobody") is None


def test_the_rules_follow_the_last_four_digits(bank: DemoBank) -> None:
    assert [bank.rule_of(token) for token in ("zw-card", "ln-card", "zq-card", "u9-card", "zw-wallet")] == [
        None, Rule.FROZEN, Rule.SLOW, Rule.LOST, None,
    ]


def test_repeating_an_order_returns_the_first_result_without_charging(bank: DemoBank) -> None:
    first = bank.charge(order_id="o-1", instrument="zw-wallet", amount_fen=1000)
    assert bank.charge(order_id="o-1", instrument="zw-wallet", amount_fen=1000) == first
    assert bank.balance("zw-wallet") == 2000
    declined = bank.charge(order_id="o-2", instrument="zw-wallet", amount_fen=5000)
    assert bank.charge(order_id="o-2", instrument="zw-wallet", amount_fen=5000) == declined
    assert bank.order_count("zw-wallet") == 2


@pytest.mark.parametrize(("instrument", "amount_fen"), [("zw-wallet", 999), ("zw-card", 1000)])
def test_reusing_an_order_id_for_another_charge_is_a_conflict(
    bank: DemoBank, instrument: str, amount_fen: int
) -> None:
    bank.charge(order_id="o-1", instrument="zw-wallet", amount_fen=1000)
    with pytest.raises(OrderConflict):
        bank.charge(order_id="o-1", instrument=instrument, amount_fen=amount_fen)
    assert (bank.balance("zw-wallet"), bank.balance("zw-card")) == (2000, 5_000_000)


def test_a_closed_order_refuses_a_late_charge(bank: DemoBank) -> None:
    assert bank.query("o-1") is None
    assert bank.close("o-1") == ChargeResult("o-1", ChargeStatus.CLOSED)
    assert bank.charge(order_id="o-1", instrument="zw-card", amount_fen=100) == ChargeResult("o-1", ChargeStatus.CLOSED)
    assert bank.query("o-1") == ChargeResult("o-1", ChargeStatus.CLOSED)
    assert bank.balance("zw-card") == 5_000_000


def test_closing_an_existing_order_changes_nothing(bank: DemoBank) -> None:
    charged = bank.charge(order_id="o-1", instrument="zw-card", amount_fen=100)
    assert bank.close("o-1") == charged
    assert bank.query("o-1") == charged


@pytest.mark.parametrize("amount_fen", [0, -100, True, 1.5, "100"])
def test_amounts_are_positive_whole_fen(bank: DemoBank, amount_fen: object) -> None:
    with pytest.raises(ValueError):
        bank.charge(order_id="o-1", instrument="zw-card", amount_fen=amount_fen)  # type: ignore[arg-type]
    assert bank.order_count() == 0


def test_a_restart_keeps_balances_and_orders(tmp_path: Path) -> None:
    path = tmp_path / "gateway.db"
    DemoBank.open(path).charge(order_id="o-1", instrument="zw-card", amount_fen=100)
    reopened = DemoBank.open(path)
    assert reopened.balance("zw-card") == 5_000_000 - 100
    assert reopened.query("o-1").status is ChargeStatus.SUCCEEDED  # type: ignore[union-attr]
    assert reopened.balance("u9-wallet") == 100_000


def test_concurrent_charges_never_overdraw(tmp_path: Path) -> None:
    """Two bank objects on one file stand in for two processes; 50 threads race for 30.00 yuan."""
    path = tmp_path / "gateway.db"
    banks = [DemoBank.open(path), DemoBank.open(path)]

    def pay(n: int) -> ChargeResult:
        return banks[n % 2].charge(order_id=f"o-{n}", instrument="zw-wallet", amount_fen=100)

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(pay, range(50)))
    statuses = Counter((r.status, r.reason) for r in results)
    assert statuses == {(ChargeStatus.SUCCEEDED, None): 30,
                        (ChargeStatus.DECLINED, DeclineReason.INSUFFICIENT_FUNDS): 20}
    assert banks[0].balance("zw-wallet") == 0
    assert banks[1].order_count("zw-wallet") == 50
    transaction_ids = [r.transaction_id for r in results if r.transaction_id]
    assert len(set(transaction_ids)) == 30
