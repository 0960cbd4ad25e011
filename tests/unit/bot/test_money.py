from __future__ import annotations

from decimal import Decimal

import pytest

from bot.money import fen_to_yuan, format_yuan, format_yuan_symbol, round_yuan, yuan_to_fen


@pytest.mark.parametrize(
    ("yuan", "fen"),
    [
        (Decimal("128.58"), 12858),
        (Decimal("1"), 100),
        (Decimal("0.1"), 10),
        (Decimal("0.01"), 1),
        (Decimal("12.340"), 1234),  # trailing zero: still a whole number of fen
        (Decimal("-3"), -300),
        (Decimal("0"), 0),
    ],
)
def test_yuan_to_fen(yuan: Decimal, fen: int) -> None:
    assert yuan_to_fen(yuan) == fen


def test_yuan_to_fen_refuses_fractions_of_a_fen() -> None:
    with pytest.raises(ValueError):
        yuan_to_fen(Decimal("0.005"))


@pytest.mark.parametrize("bad", [1.5, "1.50", Decimal("NaN")])
def test_yuan_to_fen_refuses_non_decimals(bad: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        yuan_to_fen(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fen", "text"),
    [(12858, "128.58"), (100, "1.00"), (5, "0.05"), (0, "0.00"), (-300, "-3.00")],
)
def test_fen_to_yuan_has_two_decimals(fen: int, text: str) -> None:
    yuan = fen_to_yuan(fen)
    assert yuan == Decimal(text)
    assert str(yuan) == text


@pytest.mark.parametrize("bad", [True, 1.0, Decimal("1")])
def test_fen_to_yuan_refuses_non_int(bad: object) -> None:
    with pytest.raises(TypeError):
        fen_to_yuan(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("amount", "rounded"),
    [
        ("0.005", "0.01"),  # half-up, not banker's rounding (which gives 0.00)
        ("0.015", "0.02"),
        ("0.004", "0.00"),
        ("2.675", "2.68"),  # the classic float trap: round(2.675, 2) == 2.67
        ("32.868", "32.87"),
        ("-0.005", "-0.01"),  # away from zero, symmetric with the positive case
        ("7", "7.00"),
    ],
)
def test_round_yuan_half_up(amount: str, rounded: str) -> None:
    result = round_yuan(Decimal(amount))
    assert result == Decimal(rounded)
    assert str(result) == rounded


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal("128.58"), "128.58元"),
        (12858, "128.58元"),  # int is fen
        (Decimal("5"), "5.00元"),
        (Decimal("1234.5"), "1234.50元"),
        (0, "0.00元"),
        (-300, "-3.00元"),
        (Decimal("-3"), "-3.00元"),
        (Decimal("0.125"), "0.13元"),  # rounded half-up for display
        (Decimal("-0.001"), "0.00元"),  # no "-0.00"
    ],
)
def test_format_yuan(amount: Decimal | int, text: str) -> None:
    assert format_yuan(amount) == text


@pytest.mark.parametrize(
    ("amount", "text"),
    [(Decimal("128.58"), "¥128.58"), (12858, "¥128.58"), (Decimal("50"), "¥50.00"), (-300, "-¥3.00")],
)
def test_format_yuan_symbol(amount: Decimal | int, text: str) -> None:
    assert format_yuan_symbol(amount) == text


def test_format_refuses_float() -> None:
    with pytest.raises(TypeError):
        format_yuan(1.5)  # type: ignore[arg-type]
