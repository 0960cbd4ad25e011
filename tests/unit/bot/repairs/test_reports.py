"""Filing fault reports as repair work orders, and moving them through their on-site steps."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

import bot.applications.cli  # noqa: F401  (registers "orders advance")
from bot.applications.order_progress import (
    NextStep,
    OrderProblem,
    OrderProblemReason,
    advance_order,
    next_step,
    pending_order_notices,
)
from bot.applications.work_orders import OrderView, order_for_user, orders_for_user
from bot.cli import main
from bot.clock import FixedClock
from bot.db.enums import WorkOrderKind, WorkOrderStatus
from bot.db.models import Attachment, WorkOrder
from bot.db.session import SessionFactory
from bot.repairs.commitments import AreaType
from bot.repairs.places import FaultPlace, place_from_text, place_of_account
from bot.repairs.reports import (
    FaultReport,
    FaultReportFiled,
    FaultReportProblem,
    FaultType,
    fault_type_named,
    file_fault_report,
)
from bot.repairs.steps import REPAIR_STEPS, move_allowed, next_repair_step
from bot.settings import Settings
from tests.unit.db_factories import add_upload, user_id_of

S = WorkOrderStatus
ZHANG = "13800000001"  # 张伟: 3301000001 bound
LI = "13800000002"


def _address(text: str) -> FaultPlace:
    place = place_from_text(text)
    assert isinstance(place, FaultPlace)
    return place


def _report(place: FaultPlace, **changes: object) -> FaultReport:
    values: dict[str, object] = {"place": place, "fault_type": "全部停电", "description": "全屋没电，邻居家有电",
                                 "contact_phone": "13900000009"}
    values.update(changes)
    return FaultReport(**values)  # type: ignore[arg-type]


def test_a_logged_in_users_report_on_a_bound_account(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    zhang = user_id_of(demo_db, ZHANG)
    place = place_of_account(demo_db, "3301000001")
    assert place is not None
    photo = add_upload(demo_db, ZHANG)
    filed = file_fault_report(demo_db, fixed_clock, user_id=zhang, note="故障报修已受理，正在派单",
                              report=_report(place, contact_phone=ZHANG, photo_id=photo, known_outage_ids=(7,)))
    assert isinstance(filed, FaultReportFiled)
    assert (filed.status, filed.area_type, filed.on_site_minutes, filed.area_label) == (
        S.ACCEPTED, AreaType.URBAN, 45, "城区")
    view = order_for_user(demo_db, user_id=zhang, order_no=filed.order_no)
    assert view is not None
    assert (view.kind, view.account_number, view.promised_by) == (WorkOrderKind.FAULT_REPAIR, "3301000001", None)
    assert [(e.status, e.note) for e in view.events] == [(S.ACCEPTED, "故障报修已受理，正在派单")]
    assert filed.order_no in [o.order_no for o in orders_for_user(demo_db, user_id=zhang)]
    with demo_db.session_scope() as session:
        order = session.scalar(select(WorkOrder).where(WorkOrder.order_no == filed.order_no))
        assert order is not None
        assert order.form_data == {
            "fault_type": "全部停电", "description": "全屋没电，邻居家有电", "contact_phone": ZHANG,
            "address": place.address, "region_code": "330106", "area_type": "urban", "on_site_minutes": 45,
            "known_outage_ids": [7],
        }
        attachment = session.get(Attachment, photo)
        assert attachment is not None and attachment.work_order_id == order.id


@pytest.mark.parametrize(
    ("address", "area", "minutes"),
    [("西湖区文三路100号", AreaType.URBAN, 45), ("临安区太湖源镇白沙村3组", AreaType.RURAL, 90),
     ("天山区某牧场5号", AreaType.REMOTE, 120)],
)
def test_an_anonymous_report_by_address_states_the_commitment_of_its_area(
    demo_db: SessionFactory, fixed_clock: FixedClock, address: str, area: AreaType, minutes: int
) -> None:
    filed = file_fault_report(demo_db, fixed_clock, user_id=None, report=_report(_address(address)))
    assert isinstance(filed, FaultReportFiled)
    assert (filed.area_type, filed.on_site_minutes) == (area, minutes)
    with demo_db.session_scope() as session:
        order = session.scalar(select(WorkOrder).where(WorkOrder.order_no == filed.order_no))
        assert order is not None
        assert (order.user_id, order.account_id, order.form_data["address"]) == (None, None, _address(address).address)


def test_answers_are_checked_again(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    zhang, li = user_id_of(demo_db, ZHANG), user_id_of(demo_db, LI)
    place = _address("西湖区文三路100号")
    account = place_of_account(demo_db, "3301000001")
    assert account is not None
    cases = [
        (zhang, _report(place, fault_type="停电"), FaultReportProblem.FAULT_TYPE),
        (zhang, _report(place, description="啊"), FaultReportProblem.DESCRIPTION),
        (zhang, _report(place, description="长" * 201), FaultReportProblem.DESCRIPTION),
        (zhang, _report(place, contact_phone="12345"), FaultReportProblem.PHONE),
        (li, _report(account), FaultReportProblem.ACCOUNT),  # 李娜 has not bound 张伟's account
        (None, _report(account), FaultReportProblem.ACCOUNT),
        (li, _report(place, photo_id=add_upload(demo_db, ZHANG)), FaultReportProblem.PHOTO),  # not hers
    ]
    for user_id, report, problem in cases:
        assert file_fault_report(demo_db, fixed_clock, user_id=user_id, report=report) is problem
    with demo_db.session_scope() as session:
        assert session.scalar(select(WorkOrder).where(WorkOrder.kind == WorkOrderKind.FAULT_REPAIR)) is None


@pytest.mark.parametrize(
    ("said", "kind"),
    [("全部停电", FaultType.TOTAL_OUTAGE), ("家里一部分插座没电", FaultType.PARTIAL_OUTAGE),
     ("灯闪得厉害", FaultType.VOLTAGE), ("电表黑屏了", FaultType.METER), ("门口电线杆歪了", FaultType.LINE_HAZARD),
     ("其他", FaultType.OTHER), ("随便", None)],
)
def test_fault_types_as_said(said: str, kind: FaultType | None) -> None:
    assert fault_type_named(said) is kind


def test_repair_steps_go_one_at_a_time() -> None:
    repair = WorkOrderKind.FAULT_REPAIR
    assert REPAIR_STEPS == (S.ACCEPTED, S.DISPATCHED, S.ARRIVED, S.REPAIRED)
    assert [next_repair_step(s) for s in REPAIR_STEPS] == [S.DISPATCHED, S.ARRIVED, S.REPAIRED, None]
    assert next_repair_step(S.REVIEWING) is None
    assert move_allowed(repair, S.DISPATCHED, S.ARRIVED)
    assert move_allowed(repair, S.ARRIVED, S.CANCELLED)
    assert not move_allowed(repair, S.ACCEPTED, S.ARRIVED)  # skips 已派单
    assert not move_allowed(repair, S.ARRIVED, S.DISPATCHED)  # backwards
    assert not move_allowed(repair, S.DISPATCHED, S.COMPLETED)  # 已修复 is a repair's end
    assert not move_allowed(WorkOrderKind.RENAME, S.REVIEWING, S.ARRIVED)
    assert move_allowed(WorkOrderKind.RENAME, S.REVIEWING, S.COMPLETED)
    assert next_step(repair, S.ARRIVED) is NextStep.IN_HAND
    assert next_step(repair, S.REPAIRED) is NextStep.NONE


def test_operators_move_a_repair_order_on_site_and_the_reporter_hears_each_step(
    demo_db: SessionFactory, migrated_database_url: str, fixed_clock: FixedClock,
    capsys: pytest.CaptureFixture[str],
) -> None:
    zhang = user_id_of(demo_db, ZHANG)
    filed = file_fault_report(demo_db, fixed_clock, user_id=zhang, report=_report(_address("西湖区文三路100号")))
    assert isinstance(filed, FaultReportFiled)
    order_no = filed.order_no
    assert advance_order(demo_db, fixed_clock, order_no=order_no, status=S.ARRIVED) == OrderProblem(
        OrderProblemReason.OUT_OF_ORDER, S.ACCEPTED)
    settings = Settings(database_url=migrated_database_url)
    for minutes, status in ((10, "已派单"), (30, "已到达现场"), (50, "已修复")):
        fixed_clock.advance(timedelta(minutes=minutes))
        assert main(["orders", "advance", order_no, status], settings=settings, clock=fixed_clock) == 0
    out = capsys.readouterr().out
    assert f"{order_no}  2026-11-23 09:00  故障报修  已修复  next=NONE  promised=-  account=-" in out.splitlines()
    view = order_for_user(demo_db, user_id=zhang, order_no=order_no)
    assert view is not None
    assert [e.status for e in view.events] == [S.ACCEPTED, S.DISPATCHED, S.ARRIVED, S.REPAIRED]
    assert [n.status for n in pending_order_notices(demo_db, user_id=zhang)] == [S.DISPATCHED, S.ARRIVED, S.REPAIRED]
    assert advance_order(demo_db, fixed_clock, order_no=order_no, status=S.COMPLETED) == OrderProblem(
        OrderProblemReason.FINISHED, S.REPAIRED)


def test_the_cli_refuses_a_step_out_of_order(
    demo_db: SessionFactory, migrated_database_url: str, fixed_clock: FixedClock,
    capsys: pytest.CaptureFixture[str],
) -> None:
    filed = file_fault_report(demo_db, fixed_clock, user_id=None, report=_report(_address("西湖区文三路100号")))
    assert isinstance(filed, FaultReportFiled)
    settings = Settings(database_url=migrated_database_url)
    assert main(["orders", "advance", filed.order_no, "已修复"], settings=settings, clock=fixed_clock) == 1
    assert "not its next step" in capsys.readouterr().err
    view = advance_order(demo_db, fixed_clock, order_no=filed.order_no, status=S.DISPATCHED)
    assert isinstance(view, OrderView) and view.status is S.DISPATCHED
