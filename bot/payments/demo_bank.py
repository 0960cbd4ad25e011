"""The ledger of the demo bank behind the demo payment gateway, in its own SQLite file.

It plays an external bank, so it never touches the business database. Every charge runs
in one ``BEGIN IMMEDIATE`` transaction on its own connection, so concurrent charges from
threads (or processes) cannot overdraw an instrument or charge an order twice.

Instruments come from ``data/demo_gateway.yml`` (the business seed reads the same file),
inserted only if absent so a restart keeps balances. The bank enforces the frozen-card
and balance rules; the slow and lost rules are about the network, so the HTTP server
(:mod:`bot.payments.demo_gateway_server`) plays them.
"""
from __future__ import annotations

import re
import secrets
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from bot.clock import Clock, SystemClock
from bot.db.enums import StrEnum
from bot.money import yuan_to_fen
from bot.payments.gateway import ChargeResult, ChargeStatus, DeclineReason
from bot.settings import PROJECT_ROOT

DEFAULT_INSTRUMENTS_FILE = PROJECT_ROOT / "data" / "demo_gateway.yml"
BUSY_TIMEOUT_S = 30.0


class InstrumentKind(StrEnum):
    BANK_CARD = "bank_card"
    WALLET = "wallet"


class Rule(StrEnum):
    """How the demo bank misbehaves for a card, chosen by the card number's last 4 digits."""

    FROZEN = "frozen"  # declined: card_frozen
    SLOW = "slow"  # charged, but the answer comes after the client gave up
    LOST = "lost"  # 503 after a while, nothing recorded


RULES_BY_LAST_DIGITS = {"0000": Rule.FROZEN, "9999": Rule.SLOW, "9990": Rule.LOST}


@dataclass(frozen=True)
class DemoInstrument:
    """One entry of ``data/demo_gateway.yml``; ``number`` is the full card number (cards only)."""

    token: str
    owner_phone: str
    kind: InstrumentKind
    balance_fen: int
    bank: str | None = None
    card_type: str | None = None
    number: str | None = None

    @property
    def last4(self) -> str | None:
        return self.number[-4:] if self.number else None

    @property
    def rule(self) -> Rule | None:
        return RULES_BY_LAST_DIGITS.get(self.last4 or "")

    def __repr__(self) -> str:  # keeps card numbers out of logs and tracebacks
        return f"DemoInstrument(token={self.token!r}, kind={self.kind.value!r}, last4={self.last4!r})"


class InvalidInstrumentsFile(ValueError):
    """``data/demo_gateway.yml`` does not follow its schema."""


def load_instruments(path: Path = DEFAULT_INSTRUMENTS_FILE) -> list[DemoInstrument]:
    """The instruments of the YAML file, validated (balances must be quoted decimal strings)."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    entries = data.get("instruments")
    if not isinstance(entries, list):
        raise InvalidInstrumentsFile(f"{path}: expected a list under 'instruments'")
    instruments = [_instrument(entry, index) for index, entry in enumerate(entries)]
    tokens = [instrument.token for instrument in instruments]
    duplicates = sorted({token for token in tokens if tokens.count(token) > 1})
    if duplicates:
        raise InvalidInstrumentsFile(f"{path}: duplicate tokens {', '.join(duplicates)}")
    return instruments


def _instrument(entry: Any, index: int) -> DemoInstrument:
    where = f"instrument #{index + 1}"
    if not isinstance(entry, dict):
        raise InvalidInstrumentsFile(f"{where}: expected a mapping")
    token, phone, balance = entry.get("token"), entry.get("owner_phone"), entry.get("balance")
    if not isinstance(token, str) or not token.strip():
        raise InvalidInstrumentsFile(f"{where}: token is required")
    if not isinstance(phone, str) or not re.fullmatch(r"1\d{10}", phone):
        raise InvalidInstrumentsFile(f"{token}: owner_phone must be a quoted 11-digit mobile number")
    try:
        kind = InstrumentKind(entry.get("kind"))
    except ValueError:
        raise InvalidInstrumentsFile(f"{token}: kind must be bank_card or wallet") from None
    if not isinstance(balance, str):
        raise InvalidInstrumentsFile(f"{token}: balance must be a quoted decimal string in yuan")
    try:
        balance_fen = yuan_to_fen(Decimal(balance))
    except (InvalidOperation, ValueError):
        raise InvalidInstrumentsFile(f"{token}: balance {balance!r} is not an amount in yuan") from None
    if balance_fen < 0:
        raise InvalidInstrumentsFile(f"{token}: balance must not be negative")
    number, bank, card_type = entry.get("number"), entry.get("bank"), entry.get("card_type")
    if kind is InstrumentKind.BANK_CARD:
        if not isinstance(number, str) or not re.fullmatch(r"\d{12,19}", number):
            raise InvalidInstrumentsFile(f"{token}: a bank card needs a quoted number of 12-19 digits")
        if not bank or not card_type:
            raise InvalidInstrumentsFile(f"{token}: a bank card needs bank and card_type")
    elif number is not None:
        raise InvalidInstrumentsFile(f"{token}: a wallet has no card number")
    return DemoInstrument(token=token, owner_phone=phone, kind=kind, balance_fen=balance_fen,
                          bank=bank, card_type=card_type, number=number)


class OrderConflict(Exception):
    """An order id was reused with a different instrument or amount (HTTP 409)."""


_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS instruments (
        token TEXT PRIMARY KEY,
        number TEXT,
        kind TEXT NOT NULL,
        balance_fen INTEGER NOT NULL CHECK (balance_fen >= 0),
        rule TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS orders (
        order_id TEXT PRIMARY KEY,
        instrument TEXT,
        amount_fen INTEGER CHECK (amount_fen > 0),
        status TEXT NOT NULL,
        reason TEXT,
        transaction_id TEXT UNIQUE,
        created_at TEXT NOT NULL
    )""",
)


class DemoBank:
    """Instruments, balances and orders; safe to share between threads."""

    def __init__(self, path: Path, instruments: Iterable[DemoInstrument] = (), clock: Clock | None = None) -> None:
        self._path = Path(path)
        self._clock = clock or SystemClock()
        self._path.parent.mkdir(parents=True, exist_ok=True)
        connection = self._connect()
        try:
            connection.execute("PRAGMA journal_mode=WAL")
        finally:
            connection.close()
        with self._transaction() as db:
            for statement in _SCHEMA:
                db.execute(statement)
            db.executemany(
                "INSERT OR IGNORE INTO instruments (token, number, kind, balance_fen, rule) VALUES (?, ?, ?, ?, ?)",
                [(i.token, i.number, i.kind.value, i.balance_fen, i.rule.value if i.rule else None)
                 for i in instruments],
            )

    @classmethod
    def open(cls, path: Path, instruments_file: Path = DEFAULT_INSTRUMENTS_FILE,
             clock: Clock | None = None) -> DemoBank:
        return cls(path, load_instruments(instruments_file), clock)

    @property
    def path(self) -> Path:
        return self._path

    def rule_of(self, token: str) -> Rule | None:
        with self._reading() as db:
            row = db.execute("SELECT rule FROM instruments WHERE token = ?", (token,)).fetchone()
        return Rule(row["rule"]) if row and row["rule"] else None

    def balance(self, token: str) -> int | None:
        """Fen, or None for an unknown instrument."""
        with self._reading() as db:
            row = db.execute("SELECT balance_fen FROM instruments WHERE token = ?", (token,)).fetchone()
        return row["balance_fen"] if row else None

    def charge(self, *, order_id: str, instrument: str, amount_fen: int) -> ChargeResult:
        """Charge once per order id: a repeat returns the stored result, a CLOSED order stays
        closed, and a repeat with another instrument or amount raises :class:`OrderConflict`."""
        if not isinstance(amount_fen, int) or isinstance(amount_fen, bool) or amount_fen <= 0:
            raise ValueError(f"amount_fen must be a positive int, got {amount_fen!r}")
        with self._transaction() as db:
            existing = _order(db, order_id)
            if existing is not None:
                if existing["status"] != ChargeStatus.CLOSED and (
                    existing["instrument"], existing["amount_fen"]) != (instrument, amount_fen):
                    raise OrderConflict(f"order {order_id} was placed with another instrument or amount")
                return _result(existing)
            account = db.execute(
                "SELECT balance_fen, rule FROM instruments WHERE token = ?", (instrument,)
            ).fetchone()
            status, reason, transaction_id = ChargeStatus.DECLINED, None, None
            if account is None:
                reason = DeclineReason.UNKNOWN_INSTRUMENT
            elif account["rule"] == Rule.FROZEN:
                reason = DeclineReason.CARD_FROZEN
            elif amount_fen > account["balance_fen"]:
                reason = DeclineReason.INSUFFICIENT_FUNDS
            else:
                db.execute("UPDATE instruments SET balance_fen = balance_fen - ? WHERE token = ?",
                           (amount_fen, instrument))
                status, transaction_id = ChargeStatus.SUCCEEDED, self._new_transaction_id(db)
            db.execute(
                "INSERT INTO orders (order_id, instrument, amount_fen, status, reason, transaction_id, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (order_id, instrument, amount_fen, status.value, reason.value if reason else None,
                 transaction_id, self._clock.now().isoformat()),
            )
            return ChargeResult(order_id, status, reason, transaction_id)

    def query(self, order_id: str) -> ChargeResult | None:
        """The order's result, or None if it never arrived."""
        with self._reading() as db:
            row = _order(db, order_id)
        return _result(row) if row else None

    def close(self, order_id: str) -> ChargeResult:
        """Record a never-arrived order as CLOSED so a late charge is refused; an existing order is unchanged."""
        with self._transaction() as db:
            existing = _order(db, order_id)
            if existing is not None:
                return _result(existing)
            db.execute("INSERT INTO orders (order_id, status, created_at) VALUES (?, ?, ?)",
                       (order_id, ChargeStatus.CLOSED.value, self._clock.now().isoformat()))
            return ChargeResult(order_id, ChargeStatus.CLOSED)

    def order_count(self, instrument: str | None = None) -> int:
        """How many orders are recorded (on ``instrument``, if given), closed ones included."""
        with self._reading() as db:
            if instrument is None:
                return db.execute("SELECT COUNT(*) FROM orders").fetchone()[0]
            return db.execute("SELECT COUNT(*) FROM orders WHERE instrument = ?", (instrument,)).fetchone()[0]

    def _new_transaction_id(self, db: sqlite3.Connection) -> str:
        """``TX`` + the date (8 digits) + 10 random digits, unique (we hold the write lock)."""
        while True:
            candidate = f"TX{self._clock.today():%Y%m%d}{secrets.randbelow(10**10):010d}"
            if db.execute("SELECT 1 FROM orders WHERE transaction_id = ?", (candidate,)).fetchone() is None:
                return candidate

    def _connect(self) -> sqlite3.Connection:
        # isolation_level=None: transactions are exactly the BEGIN/COMMIT issued below.
        connection = sqlite3.connect(self._path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        connection.row_factory = sqlite3.Row
        return connection

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        connection = self._connect()
        try:
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")
        finally:
            connection.close()

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        connection = self._connect()
        try:
            yield connection
        finally:
            connection.close()


def _order(db: sqlite3.Connection, order_id: str) -> sqlite3.Row | None:
    return db.execute(
        "SELECT order_id, instrument, amount_fen, status, reason, transaction_id FROM orders WHERE order_id = ?",
        (order_id,),
    ).fetchone()


def _result(row: sqlite3.Row) -> ChargeResult:
    return ChargeResult(
        order_id=row["order_id"],
        status=ChargeStatus(row["status"]),
        reason=DeclineReason(row["reason"]) if row["reason"] else None,
        transaction_id=row["transaction_id"],
    )
