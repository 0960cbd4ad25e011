"""Work-order progress: next steps, operators moving orders on, notices for the applicant,
the ``orders`` CLI, time limits across 国庆."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select
from stdnum.cn import uscc

import bot.applications.cli  # noqa: F401  (registers "orders advance" and "orders list")
from bot.applications.enterprise import InvoiceInfo, InvoiceType
from bot.applications.new_install import submit_enterprise_install, submit_personal_install
from bot.applications.new_install_forms import EnterpriseInstall, InstallSubmitted, PersonalInstall, ProofRole
from bot.applications.order_progress import (
    NextStep,
    OrderNotice,
    OrderProblem,
    OrderProblemReason,
    advance_order,
    mark_delivered,
    next_step,
    pending_order_notices,
)
from bot.applications.work_orders import OrderEvent, OrderView, order_for_user
from bot.applications.working_days import add_working_days
from bot.cli import main
from bot.clock import CHINA_TZ, FixedClock
from bot.db.enums import HalfDay, WorkOrderKind, WorkOrderStatus
from bot.db.models import AppointmentSlot, WorkOrderNotice
from bot.db.session import SessionFactory
from bot.settings import Settings
from tests.unit.db_factories import add_upload, booked_places, slot_id_of, user_id_of

S = WorkOrderStatus
K = WorkOrderKind
SEEDED_ORDER = "GD20261120001"  # a counter 更名 order, 审核中, no user
ZHANG = "13800000001"  # 张伟, verified
CODE = "91330106MA2B3C4D5" + uscc.calc_check_digit("91330106MA2B3C4D5")


def _attachment(sf: SessionFactory) -> int:
    return add_upload(sf, ZHANG)


def _slot(sf: SessionFactory, day: date = date(2026, 11, 24), half: HalfDay = HalfDay.AFTERNOON) -> int:
    return slot_id_of(sf, "330106", day, half)


# --- next steps ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "status", "step"),
    [
        (K.RESIDENTIAL_INSTALL, S.ACCEPTED, NextStep.AWAIT_REVIEW),
        (K.RENAME, S.ACCEPTED, NextStep.AWAIT_REVIEW),
        (K.ENTERPRISE_INSTALL, S.AWAITING_DOCUMENTS, NextStep.UPLOAD_DOCUMENTS),
        (K.TRANSFER, S.AWAITING_DOCUMENTS, NextStep.UPLOAD_DOCUMENTS),
        (K.ENTERPRISE_INSTALL, S.REVIEWING, NextStep.AWAIT_DECISION),
        (K.RESIDENTIAL_INSTALL, S.DISPATCHED, NextStep.AWAIT_VISIT),
        (K.ENTERPRISE_INSTALL, S.DISPATCHED, NextStep.AWAIT_VISIT),
        (K.FAULT_REPAIR, S.DISPATCHED, NextStep.AWAIT_VISIT),
        (K.RENAME, S.DISPATCHED, NextStep.IN_HAND),  # office work: nobody comes
        (K.RESIDENTIAL_INSTALL, S.IN_PROGRESS, NextStep.IN_HAND),
        (K.RESIDENTIAL_INSTALL, S.COMPLETED, NextStep.NONE),
        (K.TRANSFER, S.REJECTED, NextStep.NONE),
        (K.ENTERPRISE_INSTALL, S.CANCELLED, NextStep.NONE),
    ],
)
def test_next_step(kind: WorkOrderKind, status: WorkOrderStatus, step: NextStep) -> None:
    assert next_step(kind, status) is step


def test_every_kind_and_status_has_a_next_step() -> None:
    for kind in WorkOrderKind:
        for status in WorkOrderStatus:
            assert isinstance(next_step(kind, status), NextStep)


# --- advancing -------------------------------------------------------------------


def _personal_order(sf: SessionFactory, clock: FixedClock, *, later: bool = False) -> str:
    application = PersonalInstall(
        region_code="330106", address="文三路200号", proof_role=ProofRole.OWNER,
        property_certificate_id=None if later else _attachment(sf), documents_later=later,
    )
    result = submit_personal_install(sf, clock, user_id=user_id_of(sf, ZHANG), application=application)
    assert isinstance(result, InstallSubmitted)
    return result.order_no


def test_an_operator_moves_an_order_on_and_the_applicant_is_told(
    demo_db: SessionFactory, fixed_clock: FixedClock
) -> None:
    order_no = _personal_order(demo_db, fixed_clock)
    user_id = user_id_of(demo_db, ZHANG)
    assert pending_order_notices(demo_db, user_id=user_id) == []

    fixed_clock.advance(timedelta(hours=3))
    view = advance_order(demo_db, fixed_clock, order_no=order_no.lower(), status="审核中", note="资料审核中")
    assert isinstance(view, OrderView)
    assert (view.status, view.promised_by) == (S.REVIEWING, date(2026, 11, 30))
    assert view.events[-1] == OrderEvent(S.REVIEWING, fixed_clock.now(), "资料审核中")
    assert order_for_user(demo_db, user_id=user_id, order_no=order_no) == view

    fixed_clock.advance(timedelta(days=1))
    assert isinstance(advance_order(demo_db, fixed_clock, order_no=order_no, status=S.DISPATCHED), OrderView)
    notices = pending_order_notices(demo_db, user_id=user_id)
    assert [(n.order_no, n.kind, n.status, n.next_step) for n in notices] == [
        (order_no, K.RESIDENTIAL_INSTALL, S.REVIEWING, NextStep.AWAIT_DECISION),
        (order_no, K.RESIDENTIAL_INSTALL, S.DISPATCHED, NextStep.AWAIT_VISIT),
    ]
    assert notices[1].at == fixed_clock.now() and notices[1].at.tzinfo == CHINA_TZ
    assert notices[1].promised_by == date(2026, 11, 30)

    other = user_id_of(demo_db, "13800000002")
    assert pending_order_notices(demo_db, user_id=other) == []
    assert mark_delivered(demo_db, fixed_clock, user_id=other, notice_ids=[n.id for n in notices]) == 0
    assert mark_delivered(demo_db, fixed_clock, user_id=user_id, notice_ids=[notices[0].id]) == 1
    assert pending_order_notices(demo_db, user_id=user_id) == notices[1:]
    assert mark_delivered(demo_db, fixed_clock, user_id=user_id, notice_ids=[n.id for n in notices]) == 1
    assert mark_delivered(demo_db, fixed_clock, user_id=user_id, notice_ids=[]) == 0
    assert pending_order_notices(demo_db, user_id=user_id) == []


def test_a_final_state_is_final(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    order_no = _personal_order(demo_db, fixed_clock)
    assert isinstance(advance_order(demo_db, fixed_clock, order_no=order_no, status=S.COMPLETED), OrderView)
    for status in (S.IN_PROGRESS, S.ACCEPTED, S.CANCELLED, S.COMPLETED):
        assert advance_order(demo_db, fixed_clock, order_no=order_no, status=status) == OrderProblem(
            OrderProblemReason.FINISHED, S.COMPLETED
        )
    view = order_for_user(demo_db, user_id=user_id_of(demo_db, ZHANG), order_no=order_no)
    assert view is not None and [e.status for e in view.events] == [S.ACCEPTED, S.COMPLETED]
    assert len(pending_order_notices(demo_db, user_id=user_id_of(demo_db, ZHANG))) == 1


def test_unknown_orders_statuses_and_no_change(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    assert advance_order(demo_db, fixed_clock, order_no="GD20991231001", status=S.REVIEWING) == OrderProblem(
        OrderProblemReason.NOT_FOUND
    )
    assert advance_order(demo_db, fixed_clock, order_no=SEEDED_ORDER, status="办好了") == OrderProblem(
        OrderProblemReason.UNKNOWN_STATUS
    )
    assert advance_order(demo_db, fixed_clock, order_no=SEEDED_ORDER, status=S.REVIEWING) == OrderProblem(
        OrderProblemReason.UNCHANGED, S.REVIEWING
    )


def test_a_counter_order_has_nobody_to_tell(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    view = advance_order(demo_db, fixed_clock, order_no=SEEDED_ORDER, status=S.COMPLETED, note="办结")
    assert isinstance(view, OrderView) and view.status is S.COMPLETED
    with demo_db.session_scope() as session:
        assert session.scalars(select(WorkOrderNotice)).all() == []


def test_complete_documents_start_the_time_limit(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    order_no = _personal_order(demo_db, fixed_clock, later=True)
    fixed_clock.set(datetime(2026, 11, 26, 15, 0, tzinfo=CHINA_TZ))  # a Thursday
    view = advance_order(demo_db, fixed_clock, order_no=order_no, status=S.REVIEWING, note="资料已补齐")
    assert isinstance(view, OrderView)
    assert view.promised_by == date(2026, 12, 3) == add_working_days(date(2026, 11, 26), 5)


def test_cancelling_an_enterprise_install_gives_back_its_slot(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    slot_id = _slot(demo_db, date(2026, 11, 25), HalfDay.MORNING)
    application = EnterpriseInstall(
        region_code="330106", transformer=False, equipment="空调 5kW 3台", address="文三路100号",
        slot_id=slot_id, notice_read=True, entity_proof_type="营业执照", entity_proof_id=_attachment(demo_db),
        uscc=CODE, role="法人代表", invoice=InvoiceInfo(InvoiceType.ORDINARY, "杭州西湖示范科技有限公司", CODE),
    )
    result = submit_enterprise_install(demo_db, fixed_clock, user_id=user_id_of(demo_db, ZHANG),
                                       application=application)
    assert isinstance(result, InstallSubmitted) and result.promised_by == date(2026, 12, 14)
    assert booked_places(demo_db, slot_id) == 1
    assert isinstance(advance_order(demo_db, fixed_clock, order_no=result.order_no, status=S.CANCELLED), OrderView)
    assert booked_places(demo_db, slot_id) == 0
    notice = pending_order_notices(demo_db, user_id=user_id_of(demo_db, ZHANG))[-1]
    assert (notice.status, notice.next_step) == (S.CANCELLED, NextStep.NONE)


def test_a_past_appointment_is_not_given_back(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    slot_id = _slot(demo_db)
    application = EnterpriseInstall(
        region_code="330106", transformer=False, equipment="空调 5kW", address="文三路100号",
        slot_id=slot_id, notice_read=True, entity_proof_type="营业执照", entity_proof_id=_attachment(demo_db),
        uscc=CODE, role="法人代表", invoice=InvoiceInfo(InvoiceType.ORDINARY, "某某公司", CODE),
    )
    result = submit_enterprise_install(demo_db, fixed_clock, user_id=user_id_of(demo_db, ZHANG),
                                       application=application)
    assert isinstance(result, InstallSubmitted)
    fixed_clock.set(date(2026, 11, 24))  # the visit's day
    assert isinstance(advance_order(demo_db, fixed_clock, order_no=result.order_no, status=S.REJECTED), OrderView)
    assert booked_places(demo_db, slot_id) == 1


# --- 国庆 ------------------------------------------------------------------------


def test_an_application_before_national_day_is_promised_after_it(demo_db: SessionFactory) -> None:
    clock = FixedClock(datetime(2026, 9, 29, 10, 0, tzinfo=CHINA_TZ))
    application = PersonalInstall(region_code="330106", address="文三路200号", proof_role=ProofRole.OWNER,
                                  property_certificate_id=_attachment(demo_db))
    result = submit_personal_install(demo_db, clock, user_id=user_id_of(demo_db, ZHANG), application=application)
    assert isinstance(result, InstallSubmitted)
    assert result.order_no == "GD20260929001"
    # 30 September, then 8, 9, 10 (调休 Saturday) and 12 October: 1-7 October and Sunday the 11th do not count.
    assert result.promised_by == date(2026, 10, 12)


# --- the CLI ---------------------------------------------------------------------


def test_orders_cli(
    demo_db: SessionFactory, migrated_database_url: str, fixed_clock: FixedClock, capsys: pytest.CaptureFixture[str]
) -> None:
    order_no = _personal_order(demo_db, fixed_clock)
    settings = Settings(database_url=migrated_database_url)
    fixed_clock.advance(timedelta(hours=1))
    assert main(["orders", "advance", order_no, "已派单", "--note", "请联系13800000001"],
                settings=settings, clock=fixed_clock) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        f"{order_no}  2026-11-23 09:00  个人新装  已派单  next=AWAIT_VISIT  promised=2026-11-30  account=-",
        "    note: 请联系138****0001",
        "    pushed to 0 chat(s); other chats hear it with their next message",  # 张伟 has no push-capable chat
    ]
    [notice] = pending_order_notices(demo_db, user_id=user_id_of(demo_db, ZHANG))
    assert isinstance(notice, OrderNotice) and notice.status is S.DISPATCHED
    view = order_for_user(demo_db, user_id=user_id_of(demo_db, ZHANG), order_no=order_no)
    assert view is not None and view.events[-1].note == "请联系138****0001"  # the applicant sees notes: masked

    assert main(["orders", "list", "--limit", "2"], settings=settings, clock=fixed_clock) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{order_no}  2026-11-23 09:00  个人新装  已派单  next=AWAIT_VISIT  promised=2026-11-30  account=-",
        f"{SEEDED_ORDER}  2026-11-20 10:15  更名  审核中  next=AWAIT_DECISION  promised=2026-11-27  account=3301000004",
    ]

    assert main(["orders", "advance", order_no, "已办结"], settings=settings, clock=fixed_clock) == 0
    capsys.readouterr()
    assert main(["orders", "advance", order_no, "处理中"], settings=settings, clock=fixed_clock) == 1
    assert capsys.readouterr().err == f"error: {order_no} is already 已办结: a final state\n"
    assert main(["orders", "advance", "GD20991231001", "审核中"], settings=settings, clock=fixed_clock) == 1
    assert capsys.readouterr().err == "error: no work order GD20991231001\n"
    assert main(["orders", "advance", order_no, "done"], settings=settings, clock=fixed_clock) == 2
    assert "expected one of: 已受理 待补充资料" in capsys.readouterr().err


def test_orders_list_when_there_are_none(
    session_factory: SessionFactory, migrated_database_url: str, fixed_clock: FixedClock,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["orders", "list"], settings=Settings(database_url=migrated_database_url), clock=fixed_clock) == 0
    assert capsys.readouterr().out == "no work orders\n"


def test_slots_are_not_touched_by_other_kinds(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    with demo_db.session_scope() as session:
        before = sorted(session.scalars(select(AppointmentSlot.booked)))
    order_no = _personal_order(demo_db, fixed_clock)
    assert isinstance(advance_order(demo_db, fixed_clock, order_no=order_no, status=S.CANCELLED), OrderView)
    with demo_db.session_scope() as session:
        assert sorted(session.scalars(select(AppointmentSlot.booked))) == before
