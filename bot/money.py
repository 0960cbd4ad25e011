"""Money helpers: yuan as :class:`~decimal.Decimal`, fen as ``int``; never ``float``.

Rounding is always ROUND_HALF_UP to the fen (0.01 yuan), the rule Chinese billing
uses (四舍五入). For negative amounts Python's ROUND_HALF_UP rounds away from zero,
so -0.005 becomes -0.01, mirroring the positive case.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
FEN_PER_YUAN = 100


def _require_decimal(amount: object) -> Decimal:
    if not isinstance(amount, Decimal):
        raise TypeError(f"money must be a Decimal, got {type(amount).__name__}")
    if not amount.is_finite():
        raise ValueError(f"money must be finite, got {amount}")
    return amount


def _require_fen(fen: object) -> int:
    # bool is an int subclass, but True fen is certainly a bug.
    if not isinstance(fen, int) or isinstance(fen, bool):
        raise TypeError(f"fen must be an int, got {type(fen).__name__}")
    return fen


def has_at_most_two_decimals(amount: Decimal) -> bool:
    """True for 12, 12.3, 12.34 and 12.340; false for 12.345."""
    return amount == amount.quantize(CENT, rounding=ROUND_HALF_UP)


def yuan_to_fen(amount: Decimal) -> int:
    """Exact conversion; refuses amounts that are not a whole number of fen."""
    amount = _require_decimal(amount)
    if not has_at_most_two_decimals(amount):
        raise ValueError(f"{amount} yuan is not a whole number of fen")
    return int(amount * FEN_PER_YUAN)


def fen_to_yuan(fen: int) -> Decimal:
    """``12345`` -> ``Decimal("123.45")``, always with two decimals."""
    return Decimal(_require_fen(fen)).scaleb(-2)


def round_yuan(amount: Decimal) -> Decimal:
    """Round half-up to 0.01 yuan."""
    return _require_decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def _as_yuan(amount: Decimal | int) -> Decimal:
    """An ``int`` is fen; a Decimal is yuan, rounded half-up for display."""
    yuan = round_yuan(amount) if isinstance(amount, Decimal) else fen_to_yuan(amount)
    # Decimal("-0.00") would print with a minus sign.
    return yuan if yuan != 0 else abs(yuan)


def format_yuan(amount: Decimal | int) -> str:
    """``Decimal("128.58")`` or ``12858`` (fen) -> ``"128.58元"``."""
    return f"{_as_yuan(amount):.2f}元"


def format_yuan_symbol(amount: Decimal | int) -> str:
    """``Decimal("128.58")`` or ``12858`` (fen) -> ``"¥128.58"``; negatives as ``"-¥3.00"``."""
    yuan = _as_yuan(amount)
    sign = "-" if yuan < 0 else ""
    return f"{sign}¥{abs(yuan):.2f}"
