"""Tariff engine against hand-computed bills; the arithmetic is in the comments."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from bot.billing.tariff import (
    CATEGORIES,
    HIGH_VOLTAGE,
    NON_RESIDENTIAL,
    RESIDENTIAL,
    BillComputation,
    PeakValleyNotOffered,
    Tariff,
    TariffBook,
    TariffFileError,
    TierLine,
    UnknownCategory,
    UnknownRegion,
)
from bot.settings import Settings

D = Decimal


@pytest.fixture(scope="module")
def book() -> TariffBook:
    return TariffBook.load(Settings().tariff_dir)


@pytest.fixture(scope="module")
def zhejiang(book: TariffBook) -> Tariff:
    return book.get("zhejiang", RESIDENTIAL)


@pytest.fixture(scope="module")
def beijing(book: TariffBook) -> Tariff:
    return book.get("beijing", RESIDENTIAL)


def split(bill: BillComputation) -> list[tuple[int, int]]:
    return [(line.tier, line.kwh) for line in bill.tier_lines]


# --- the data files ------------------------------------------------------------------


def test_all_regions_load_with_every_category(book: TariffBook) -> None:
    regions = book.keys()
    assert regions == ("beijing", "xinjiang", "zhejiang")
    for key in regions:
        for category in CATEGORIES:
            tariff = book.get(key, category)
            assert all(isinstance(tier.price, Decimal) for tier in tariff.tiers)


def test_published_residential_schedules(zhejiang: Tariff, beijing: Tariff) -> None:
    assert [(t.up_to_kwh, t.price) for t in zhejiang.tiers] == [
        (2760, D("0.538")),
        (4800, D("0.588")),
        (None, D("0.838")),
    ]
    assert zhejiang.peak_valley is not None
    assert (zhejiang.peak_valley.peak_delta, zhejiang.peak_valley.valley_delta) == (D("0.03"), D("-0.25"))
    assert [(t.up_to_kwh, t.price) for t in beijing.tiers] == [
        (2880, D("0.4883")),
        (4800, D("0.5383")),
        (None, D("0.7883")),
    ]
    assert beijing.peak_valley is None


def test_supply_companies_and_notes(book: TariffBook) -> None:
    assert book.supply_company("zhejiang") == "国网浙江省电力有限公司"
    assert book.supply_company("beijing") == "国网北京市电力公司"
    assert book.supply_company("xinjiang") == "国网新疆电力有限公司"
    assert book.region("zhejiang").name == "浙江省"
    assert "ILLUSTRATIVE" in book.region("xinjiang").note
    for key in ("zhejiang", "beijing", "xinjiang"):
        assert "illustrative" in book.get(key, NON_RESIDENTIAL).note
        assert "illustrative" in book.get(key, HIGH_VOLTAGE).note


def test_unknown_region_and_category_are_typed_key_errors(book: TariffBook) -> None:
    with pytest.raises(UnknownRegion):
        book.get("atlantis", RESIDENTIAL)
    with pytest.raises(UnknownRegion):
        book.supply_company("atlantis")
    with pytest.raises(UnknownCategory):
        book.get("zhejiang", "农业")
    with pytest.raises(KeyError):
        book.get("zhejiang", "农业")


# --- Zhejiang residential: 0.538 up to 2760, 0.588 up to 4800, 0.838 above ----------


def test_month_inside_tier_one(zhejiang: Tariff) -> None:
    # 200 × 0.538 = 107.600
    bill = zhejiang.compute(200)
    assert bill.tier_lines == (TierLine(1, 200, D("0.538"), D("107.600")),)
    assert bill.amount == D("107.60")
    assert bill.peak_valley_adjustment == 0


def test_tier_boundary_2760_reached_across_months(zhejiang: Tariff) -> None:
    used = 0
    bills = []
    for kwh in (900, 900, 900, 61):
        bills.append(zhejiang.compute(kwh, used_earlier_this_year=used))
        used += kwh
    # Jan-Mar: 900 × 0.538 = 484.20 each, all tier 1 (cumulative 2700).
    assert [b.amount for b in bills[:3]] == [D("484.20")] * 3
    # April: kWh 2701..2760 are tier 1, kWh 2761 is tier 2.
    # 60 × 0.538 = 32.280; 1 × 0.588 = 0.588; 32.868 -> 32.87
    assert split(bills[3]) == [(1, 60), (2, 1)]
    assert bills[3].tier_lines[0].amount == D("32.280")
    assert bills[3].tier_lines[1].amount == D("0.588")
    assert bills[3].amount == D("32.87")


def test_exactly_2760_stays_in_tier_one_and_2761_is_tier_two(zhejiang: Tariff) -> None:
    # 2700 used, 60 more ends exactly at 2760: 60 × 0.538 = 32.28
    bill = zhejiang.compute(60, used_earlier_this_year=2700)
    assert split(bill) == [(1, 60)]
    assert bill.amount == D("32.28")
    # the next kWh is the 2761st: 1 × 0.588 = 0.588 -> 0.59
    bill = zhejiang.compute(1, used_earlier_this_year=2760)
    assert split(bill) == [(2, 1)]
    assert bill.amount == D("0.59")


def test_month_straddling_both_boundaries(zhejiang: Tariff) -> None:
    # 2700 used, 2200 more -> kWh 2701..4900:
    #   tier 1: 2701..2760 =   60 × 0.538 =   32.280
    #   tier 2: 2761..4800 = 2040 × 0.588 = 1199.520
    #   tier 3: 4801..4900 =  100 × 0.838 =   83.800
    #   total 1315.600 -> 1315.60
    bill = zhejiang.compute(2200, used_earlier_this_year=2700)
    assert split(bill) == [(1, 60), (2, 2040), (3, 100)]
    assert [line.amount for line in bill.tier_lines] == [D("32.280"), D("1199.520"), D("83.800")]
    assert bill.amount == D("1315.60")


def test_month_entirely_in_tier_three(zhejiang: Tariff) -> None:
    # 300 × 0.838 = 251.40
    bill = zhejiang.compute(300, used_earlier_this_year=6000)
    assert split(bill) == [(3, 300)]
    assert bill.amount == D("251.40")


def test_zero_consumption(zhejiang: Tariff) -> None:
    bill = zhejiang.compute(0, used_earlier_this_year=3000)
    assert bill.tier_lines == ()
    assert bill.amount == D("0.00")


# --- peak / valley (Zhejiang: +0.03 peak, -0.25 valley on the tier price) --------------


def test_peak_valley_in_tier_one(zhejiang: Tariff) -> None:
    # energy 300 × 0.538 = 161.40; adjustment 180 × 0.03 + 120 × (-0.25) = 5.40 - 30.00 = -24.60
    # total 136.80 (check: 180 × 0.568 + 120 × 0.288 = 102.24 + 34.56 = 136.80)
    bill = zhejiang.compute(300, peak_kwh=180, valley_kwh=120)
    assert bill.peak_kwh == 180
    assert bill.valley_kwh == 120
    assert bill.peak_valley_adjustment == D("-24.60")
    assert bill.amount == D("136.80")


def test_peak_valley_straddling_a_tier_boundary(zhejiang: Tariff) -> None:
    # 2700 used, 100 more: 60 × 0.538 + 40 × 0.588 = 32.28 + 23.52 = 55.80
    # adjustment 70 × 0.03 + 30 × (-0.25) = 2.10 - 7.50 = -5.40; total 50.40
    bill = zhejiang.compute(100, used_earlier_this_year=2700, peak_kwh=70, valley_kwh=30)
    assert split(bill) == [(1, 60), (2, 40)]
    assert bill.peak_valley_adjustment == D("-5.40")
    assert bill.amount == D("50.40")


def test_peak_valley_rounds_the_total_only(zhejiang: Tariff) -> None:
    # 1 peak kWh: 0.538 + 0.03 = 0.568 -> 0.57
    assert zhejiang.compute(1, peak_kwh=1, valley_kwh=0).amount == D("0.57")


@pytest.mark.parametrize(("peak", "valley"), [(100, 100), (301, 0), (300, None), (None, 0), (-1, 301)])
def test_peak_valley_must_add_up(zhejiang: Tariff, peak: int | None, valley: int | None) -> None:
    with pytest.raises(ValueError):
        zhejiang.compute(300, peak_kwh=peak, valley_kwh=valley)


def test_peak_valley_needs_a_time_of_use_tariff(beijing: Tariff) -> None:
    with pytest.raises(PeakValleyNotOffered):
        beijing.compute(300, peak_kwh=200, valley_kwh=100)


# --- Beijing residential: 0.4883 up to 2880, 0.5383 up to 4800, 0.7883 above -----------


def test_beijing_boundary_2880_reached_across_months(beijing: Tariff) -> None:
    used = 0
    amounts = []
    for kwh in (700, 700, 700, 700, 81):
        bill = beijing.compute(kwh, used_earlier_this_year=used)
        amounts.append(bill.amount)
        used += kwh
    # 700 × 0.4883 = 341.81 for each of the first four months (cumulative 2800)
    assert amounts[:4] == [D("341.81")] * 4
    # month 5: kWh 2801..2880 tier 1, 2881 tier 2
    # 80 × 0.4883 = 39.0640; 1 × 0.5383 = 0.5383; 39.6023 -> 39.60
    assert split(bill) == [(1, 80), (2, 1)]
    assert amounts[4] == D("39.60")


def test_beijing_exact_boundary(beijing: Tariff) -> None:
    # 2000 used, 880 more ends at 2880: 880 × 0.4883 = 429.7040 -> 429.70
    bill = beijing.compute(880, used_earlier_this_year=2000)
    assert split(bill) == [(1, 880)]
    assert bill.amount == D("429.70")
    # kWh 2881: 0.5383 -> 0.54
    assert split(beijing.compute(1, used_earlier_this_year=2880)) == [(2, 1)]
    assert beijing.compute(1, used_earlier_this_year=2880).amount == D("0.54")


def test_beijing_straddling_both_boundaries(beijing: Tariff) -> None:
    # 2800 used, 2100 more -> kWh 2801..4900:
    #   80 × 0.4883 = 39.0640; 1920 × 0.5383 = 1033.5360; 100 × 0.7883 = 78.8300
    #   total 1151.4300 -> 1151.43
    bill = beijing.compute(2100, used_earlier_this_year=2800)
    assert split(bill) == [(1, 80), (2, 1920), (3, 100)]
    assert bill.amount == D("1151.43")


# --- flat tariffs ---------------------------------------------------------------------


def test_flat_tariff_ignores_the_annual_ladder(book: TariffBook) -> None:
    tariff = book.get("zhejiang", NON_RESIDENTIAL)
    assert tariff.is_flat
    price = tariff.tiers[0].price
    for used in (0, 2760, 100_000):
        bill = tariff.compute(1000, used_earlier_this_year=used)
        assert split(bill) == [(1, 1000)]
        assert bill.amount == (1000 * price).quantize(D("0.01"))
    # with the file's illustrative 0.7000: 1000 × 0.7000 = 700.00
    assert price == D("0.7000")
    assert tariff.compute(1000).amount == D("700.00")
    assert tariff.annual_position(50_000) == (1, None)


def test_flat_tariff_has_no_peak_valley(book: TariffBook) -> None:
    with pytest.raises(PeakValleyNotOffered):
        book.get("beijing", HIGH_VOLTAGE).compute(10, peak_kwh=5, valley_kwh=5)


# --- annual position --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("used", "position"),
    [
        (0, (1, 2760)),
        (2700, (1, 60)),
        (2759, (1, 1)),
        (2760, (2, 2040)),  # tier 1 exhausted: the next kWh is tier 2
        (4799, (2, 1)),
        (4800, (3, None)),
        (10_000, (3, None)),
    ],
)
def test_zhejiang_annual_position(zhejiang: Tariff, used: int, position: tuple[int, int | None]) -> None:
    assert zhejiang.annual_position(used) == position


def test_beijing_annual_position(beijing: Tariff) -> None:
    assert beijing.annual_position(2000) == (1, 880)
    assert beijing.annual_position(2880) == (2, 1920)


def test_negative_or_non_int_kwh_is_refused(zhejiang: Tariff) -> None:
    with pytest.raises(ValueError):
        zhejiang.compute(-1)
    with pytest.raises(ValueError):
        zhejiang.compute(10, used_earlier_this_year=-5)
    with pytest.raises(TypeError):
        zhejiang.compute(1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        zhejiang.annual_position(-1)


# --- rounding and the loader, with synthetic files ------------------------------------

_FLAT_CATEGORIES = """
  低压非居民:
    price: "1"
  高压:
    price: "1"
"""


def write_region(directory: Path, key: str, residential: str, extra: str = "") -> None:
    (directory / f"{key}.yml").write_text(
        f"key: {key}\nname: 测试\nsupply_company: 测试供电公司\nprice_unit: yuan/kWh\n"
        f"source: test\nnote: test\n{extra}categories:\n  低压居民:\n{residential}{_FLAT_CATEGORIES}",
        encoding="utf-8",
    )


def test_total_is_rounded_half_up_once(tmp_path: Path) -> None:
    write_region(tmp_path, "halfup", '    price: "0.105"\n')
    write_region(
        tmp_path,
        "tiny",
        '    tiers:\n      - {up_to_kwh: 1, price: "0.004"}\n      - {up_to_kwh: null, price: "0.004"}\n',
    )
    book = TariffBook.load(tmp_path)
    # 1 × 0.105 = 0.105 -> 0.11 half-up (banker's rounding would give 0.10)
    assert book.get("halfup", RESIDENTIAL).compute(1).amount == D("0.11")
    # 1 × 0.004 + 1 × 0.004 = 0.008 -> 0.01; rounding each line first would give 0.00
    bill = book.get("tiny", RESIDENTIAL).compute(2)
    assert [line.amount for line in bill.tier_lines] == [D("0.004"), D("0.004")]
    assert bill.amount == D("0.01")


def test_unquoted_prices_are_read_as_exact_decimals(tmp_path: Path) -> None:
    write_region(tmp_path, "unquoted", "    price: 0.1\n")
    tariff = TariffBook.load(tmp_path).get("unquoted", RESIDENTIAL)
    assert tariff.tiers[0].price == D("0.1")
    # 3 × 0.1 = 0.3 exactly (as floats, 3 * 0.1 == 0.30000000000000004)
    assert tariff.compute(3).tier_lines[0].amount == D("0.3")


@pytest.mark.parametrize(
    ("key", "residential"),
    [
        ("open_middle", '    tiers:\n      - {up_to_kwh: null, price: "0.5"}\n      - {up_to_kwh: 10, price: "0.6"}\n'),
        ("closed_top", '    tiers:\n      - {up_to_kwh: 10, price: "0.5"}\n'),
        (
            "decreasing",
            '    tiers:\n      - {up_to_kwh: 10, price: "0.5"}\n      - {up_to_kwh: 5, price: "0.6"}\n'
            '      - {up_to_kwh: null, price: "0.7"}\n',
        ),
        ("both", '    price: "0.5"\n    tiers:\n      - {up_to_kwh: null, price: "0.5"}\n'),
        ("not_a_number", '    price: "cheap"\n'),
        ("free", '    price: "0"\n'),
    ],
)
def test_malformed_files_are_refused(tmp_path: Path, key: str, residential: str) -> None:
    write_region(tmp_path, key, residential)
    with pytest.raises(TariffFileError):
        TariffBook.load(tmp_path)


def test_key_must_match_the_file_name(tmp_path: Path) -> None:
    write_region(tmp_path, "somewhere", '    price: "0.5"\n')
    (tmp_path / "somewhere.yml").rename(tmp_path / "elsewhere.yml")
    with pytest.raises(TariffFileError):
        TariffBook.load(tmp_path)
