"""Which open outages cover an account or an area over a window: streets, 户号 lists, closed
outages, window edges, and windows across midnight, a month end and a year end."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from bot.clock import CHINA_TZ
from bot.db.enums import OutageKind
from bot.db.session import SessionFactory
from bot.outages.matching import district_region, outages_for_account, outages_for_area
from bot.text.days import resolve_days
from tests.unit.bot.outages.conftest import AddOutage


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=CHINA_TZ)


DAY = (at(2026, 12, 3), at(2026, 12, 4))


def _ids(views: list) -> list[int]:
    return [v.id for v in views]


def test_a_district_wide_outage_covers_every_account_of_the_district(
    world: SessionFactory, add_outage_row: AddOutage
) -> None:
    oid = add_outage_row(at(2026, 12, 3, 8), at(2026, 12, 3, 17))
    assert _ids(outages_for_account(world, account_number="3301000101", window=DAY)) == [oid]
    assert _ids(outages_for_account(world, account_number="3301000102", window=DAY)) == [oid]
    assert outages_for_account(world, account_number="3301000103", window=DAY) == []  # 拱墅区


def test_a_street_outage_covers_only_addresses_on_that_street(world: SessionFactory, add_outage_row: AddOutage) -> None:
    oid = add_outage_row(at(2026, 12, 3, 8), at(2026, 12, 3, 17), street="文三路", kind=OutageKind.FAULT,
                         reason="电缆故障")
    [view] = outages_for_account(world, account_number="3301000101", window=DAY)
    assert (view.id, view.kind, view.reason, view.area_label, view.closed) == (
        oid, OutageKind.FAULT, "电缆故障", "杭州市西湖区文三路", False)
    assert (view.starts_at, view.ends_at) == (at(2026, 12, 3, 8), at(2026, 12, 3, 17))
    assert view.starts_at.tzinfo == CHINA_TZ
    assert outages_for_account(world, account_number="3301000102", window=DAY) == []  # 天目山路


def test_a_list_of_accounts_covers_exactly_those(world: SessionFactory, add_outage_row: AddOutage) -> None:
    oid = add_outage_row(at(2026, 12, 3, 9), at(2026, 12, 3, 12), accounts=("3301000102",))
    assert outages_for_account(world, account_number="3301000101", window=DAY) == []
    [view] = outages_for_account(world, account_number="3301000102", window=DAY)
    assert (view.id, view.area_label) == (oid, "杭州市西湖区（部分用户）")


def test_closed_outages_and_unknown_accounts_match_nothing(world: SessionFactory, add_outage_row: AddOutage) -> None:
    add_outage_row(at(2026, 12, 3, 8), at(2026, 12, 3, 17), closed=True)
    assert outages_for_account(world, account_number="3301000101", window=DAY) == []
    add_outage_row(at(2026, 12, 3, 8), at(2026, 12, 3, 17))
    assert outages_for_account(world, account_number="3301999998", window=DAY) == []


def test_window_edges_are_half_open(world: SessionFactory, add_outage_row: AddOutage) -> None:
    ends_at_start = add_outage_row(at(2026, 12, 2, 20), at(2026, 12, 3, 0))  # ends as the day begins
    starts_at_end = add_outage_row(at(2026, 12, 4, 0), at(2026, 12, 4, 6))  # starts as the day ends
    first_minute = add_outage_row(at(2026, 12, 2, 20), at(2026, 12, 3, 0, 1))
    last_minute = add_outage_row(at(2026, 12, 3, 23, 59), at(2026, 12, 4, 6))
    found = _ids(outages_for_account(world, account_number="3301000101", window=DAY))
    assert found == [last_minute, first_minute]  # newest start first
    assert ends_at_start not in found and starts_at_end not in found


def test_an_outage_across_midnight_belongs_to_both_days(world: SessionFactory, add_outage_row: AddOutage) -> None:
    oid = add_outage_row(at(2026, 12, 2, 23), at(2026, 12, 3, 1))
    for text in ("今天", "明天"):
        window = resolve_days(text, date(2026, 12, 2)).window()  # type: ignore[union-attr]
        assert _ids(outages_for_account(world, account_number="3301000101", window=window)) == [oid]
    later = resolve_days("后天", date(2026, 12, 2)).window()  # type: ignore[union-attr]
    assert outages_for_account(world, account_number="3301000101", window=later) == []


def test_across_a_month_end_and_a_year_end(world: SessionFactory, add_outage_row: AddOutage) -> None:
    november = add_outage_row(at(2026, 11, 30, 22), at(2026, 12, 1, 6))
    new_year = add_outage_row(at(2026, 12, 31, 23), at(2027, 1, 1, 2), street="文三路")

    def found(text: str, today: date) -> list[int]:
        window = resolve_days(text, today).window()  # type: ignore[union-attr]
        return _ids(outages_for_account(world, account_number="3301000101", window=window))

    assert found("明天", date(2026, 11, 30)) == [november]
    assert found("12月1日", date(2026, 11, 20)) == [november]
    assert found("11月30日", date(2026, 12, 5)) == [november]
    assert found("明天", date(2026, 12, 31)) == [new_year]
    assert found("1月1日", date(2026, 12, 20)) == [new_year]
    assert found("昨天", date(2027, 1, 2)) == [new_year]
    assert found("这周", date(2026, 12, 30)) == [new_year]  # 12月28日 to 2027年1月3日
    assert found("这个月", date(2026, 12, 15)) == [new_year, november]


def test_areas_by_name_code_and_street(world: SessionFactory, add_outage_row: AddOutage) -> None:
    whole = add_outage_row(at(2026, 12, 3, 8), at(2026, 12, 3, 9))
    street = add_outage_row(at(2026, 12, 3, 10), at(2026, 12, 3, 11), street="文三路")
    listed = add_outage_row(at(2026, 12, 3, 12), at(2026, 12, 3, 13), accounts=("3301000102",))
    add_outage_row(at(2026, 12, 3, 14), at(2026, 12, 3, 15), region="330105")
    for district in ("西湖区", "330106", "杭州市西湖区", "西湖"):
        assert _ids(outages_for_area(world, district=district, window=DAY)) == [listed, street, whole]
    assert _ids(outages_for_area(world, district="西湖区", street="文三路", window=DAY)) == [street, whole]
    # 3301000102 is on 天目山路: the 户号 list reaches that street.
    assert _ids(outages_for_area(world, district="西湖区", street="天目山路", window=DAY)) == [listed, whole]
    assert _ids(outages_for_area(world, district="西湖区", street="保俶路", window=DAY)) == [whole]
    assert outages_for_area(world, district="滨江区", window=DAY) == []  # not in this world
    assert outages_for_area(world, district="", window=DAY) == []


def test_district_region_names_the_district(world: SessionFactory) -> None:
    assert district_region(world, "西湖区") == ("330106", "杭州市西湖区")
    assert district_region(world, "杭州市拱墅区") == ("330105", "杭州市拱墅区")
    assert district_region(world, "杭州市") is None


@pytest.mark.parametrize(
    "window",
    [(datetime(2026, 12, 3), datetime(2026, 12, 4)), (at(2026, 12, 4), at(2026, 12, 3)), (at(2026, 12, 3),) * 2],
)
def test_a_naive_or_empty_window_is_refused(world: SessionFactory, window: tuple[datetime, datetime]) -> None:
    with pytest.raises(ValueError):
        outages_for_account(world, account_number="3301000101", window=window)
    with pytest.raises(ValueError):
        outages_for_area(world, district="西湖区", window=window)


def test_a_window_in_utc_means_the_same_instants(world: SessionFactory, add_outage_row: AddOutage) -> None:
    early = add_outage_row(at(2026, 12, 3, 7), at(2026, 12, 3, 8))
    add_outage_row(at(2026, 12, 3, 8), at(2026, 12, 3, 9))  # starts at 00:00 UTC, as the window ends
    window = (datetime(2026, 12, 2, 16, tzinfo=timezone.utc), datetime(2026, 12, 3, 0, tzinfo=timezone.utc))
    assert _ids(outages_for_account(world, account_number="3301000101", window=window)) == [early]
