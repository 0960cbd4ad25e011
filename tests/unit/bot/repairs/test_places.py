"""Where a fault is (a typed address or a bound account) and the known outages covering it now."""
from __future__ import annotations

from datetime import timedelta

from bot.clock import FixedClock
from bot.db.enums import OutageKind, OutageStatus
from bot.db.models import Outage
from bot.db.session import SessionFactory
from bot.repairs.commitments import AreaType
from bot.repairs.places import (
    FaultPlace,
    PlaceProblem,
    PlaceProblemReason,
    outages_now,
    place_from_text,
    place_of_account,
)
from tests.unit.conftest import FIXED_NOW


def test_an_address_with_its_district_is_a_place() -> None:
    place = place_from_text("西湖区文三路100号")
    assert place == FaultPlace(region_code="330106", address="浙江省杭州市西湖区文三路100号", street="文三路",
                               area_type=AreaType.URBAN)


def test_a_village_in_a_rural_district_needs_no_house_number() -> None:
    place = place_from_text("杭州市临安区太湖源镇白沙村3组")
    assert isinstance(place, FaultPlace)
    assert (place.region_code, place.street, place.area_type) == ("330112", None, AreaType.RURAL)


def test_addresses_that_are_not_places() -> None:
    assert place_from_text("文三路100号") == PlaceProblem(PlaceProblemReason.NO_DISTRICT)
    assert place_from_text("西湖区") == PlaceProblem(PlaceProblemReason.TOO_VAGUE)
    assert place_from_text("  ") == PlaceProblem(PlaceProblemReason.EMPTY)
    assert place_from_text("上海市浦东新区世纪大道1号") == PlaceProblem(PlaceProblemReason.OUTSIDE_REGION, "上海市")


def test_the_place_of_an_account(demo_db: SessionFactory) -> None:
    place = place_of_account(demo_db, "3301000001")
    assert place is not None
    assert (place.region_code, place.street, place.account_number, place.area_type) == (
        "330106", "文三路", "3301000001", AreaType.URBAN)
    assert place.address.startswith("浙江省杭州市西湖区文三路100号")
    assert place_of_account(demo_db, "3301999998") is None


def _outage(session_factory: SessionFactory, *, region: str, street: str | None, start_hours: float,
            hours: float, status: OutageStatus = OutageStatus.OPEN) -> int:
    starts = FIXED_NOW + timedelta(hours=start_hours)
    with session_factory.session_scope() as session:
        outage = Outage(kind=OutageKind.FAULT, status=status, region_code=region, street=street, reason="测试故障",
                        starts_at=starts, ends_at=starts + timedelta(hours=hours), created_at=FIXED_NOW,
                        closed_at=FIXED_NOW if status is OutageStatus.CLOSED else None)
        session.add(outage)
        session.flush()
        return outage.id


def test_outages_under_way_now_cover_the_street(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    on_street = _outage(demo_db, region="330108", street="江南大道", start_hours=-1, hours=3)
    _outage(demo_db, region="330108", street="江南大道", start_hours=2, hours=3)  # later today
    _outage(demo_db, region="330108", street="滨盛路", start_hours=-1, hours=3)  # another street
    _outage(demo_db, region="330108", street="江南大道", start_hours=-3, hours=1)  # already over
    place = place_from_text("滨江区江南大道1000号")
    assert isinstance(place, FaultPlace)
    assert [o.id for o in outages_now(demo_db, fixed_clock, place)] == [on_street]


def test_without_a_street_only_a_whole_district_outage_covers_the_place(
    demo_db: SessionFactory, fixed_clock: FixedClock
) -> None:
    _outage(demo_db, region="330112", street="钱王街", start_hours=-1, hours=3)
    place = place_from_text("临安区太湖源镇白沙村3组")
    assert isinstance(place, FaultPlace)
    assert outages_now(demo_db, fixed_clock, place) == []
    whole = _outage(demo_db, region="330112", street=None, start_hours=-1, hours=3)
    assert [o.id for o in outages_now(demo_db, fixed_clock, place)] == [whole]


def test_an_accounts_outage_comes_from_the_account(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    place = place_of_account(demo_db, "3301000001")
    assert place is not None
    before = {o.id for o in outages_now(demo_db, fixed_clock, place)}
    current = _outage(demo_db, region="330106", street="文三路", start_hours=-0.5, hours=2)
    _outage(demo_db, region="330106", street="文三路", start_hours=-0.5, hours=2, status=OutageStatus.CLOSED)
    assert {o.id for o in outages_now(demo_db, fixed_clock, place)} == before | {current}
