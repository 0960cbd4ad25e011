"""Work orders: order numbers (also under concurrency), history, who sees what."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.accounts.binding import Bound, bind
from bot.applications.work_orders import (
    AttachmentNotUsable,
    OrderEvent,
    create_work_order,
    open_order,
    order_for_user,
    orders_for_user,
)
from bot.clock import CHINA_TZ, FixedClock
from bot.db.enums import WorkOrderKind, WorkOrderStatus
from bot.db.models import Attachment, WorkOrder, WorkOrderEvent
from bot.db.session import SessionFactory
from tests.unit.db_factories import add_account, add_user, user_id_of

SEEDED_ORDER = "GD20261120001"  # the counter 更名 order on 3301000004, 审核中


# --- creating orders -------------------------------------------------------------


def _account_and_user(sf: SessionFactory, number: str = "3301999999", phone: str = "13900000001") -> tuple[int, int]:
    with sf.session_scope() as session:
        return add_account(session, number).id, add_user(session, phone).id


def _create(sf: SessionFactory, clock: FixedClock, account_id: int | None, user_id: int | None, **extra: object) -> str:
    with sf.session_scope() as session:
        order = create_work_order(
            session, clock, kind=WorkOrderKind.RENAME, account_id=account_id, user_id=user_id,
            form_data={"new_holder_name": "李娜"}, note="线上受理", promised_working_days=5, **extra,
        )
        return order.order_no


def _attachment(sf: SessionFactory, user_id: int | None, work_order_id: int | None = None) -> int:
    with sf.session_scope() as session:
        attachment = Attachment(
            user_id=user_id, channel="rest", sender_id="s1", kind="chat_upload", filename="产权证.jpg",
            content_type="image/jpeg", size_bytes=1024, sha256="0" * 64, storage_path="uploads/00/x.jpg",
            uploaded_at=datetime(2026, 11, 23, 8, 30, tzinfo=CHINA_TZ), work_order_id=work_order_id,
        )
        session.add(attachment)
        session.flush()
        return attachment.id


def test_order_numbers_count_up_per_china_day(session_factory: SessionFactory, fixed_clock: FixedClock) -> None:
    account_id, user_id = _account_and_user(session_factory)
    assert _create(session_factory, fixed_clock, account_id, user_id) == "GD20261123001"
    assert _create(session_factory, fixed_clock, account_id, user_id) == "GD20261123002"
    fixed_clock.set(datetime(2026, 11, 24, 0, 30, tzinfo=CHINA_TZ))  # still 23 November in UTC
    assert _create(session_factory, fixed_clock, account_id, user_id) == "GD20261124001"
    fixed_clock.set(datetime(2026, 11, 23, 23, 59, tzinfo=CHINA_TZ))
    assert _create(session_factory, fixed_clock, None, user_id) == "GD20261123003"


def test_numbering_continues_after_the_seeded_orders(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    fixed_clock.set(date(2026, 11, 20))
    assert _create(demo_db, fixed_clock, None, user_id_of(demo_db, "13800000001")) == "GD20261120002"


def test_a_new_order_has_its_first_event_promise_and_attachments(
    session_factory: SessionFactory, fixed_clock: FixedClock
) -> None:
    account_id, user_id = _account_and_user(session_factory)
    attachment_id = _attachment(session_factory, user_id)
    order_no = _create(session_factory, fixed_clock, account_id, user_id, attachment_ids=[attachment_id])
    with session_factory.session_scope() as session:
        order = session.scalars(select(WorkOrder).where(WorkOrder.order_no == order_no)).one()
        assert order.status is WorkOrderStatus.ACCEPTED
        assert order.promised_by == date(2026, 11, 30)
        assert order.created_at == order.updated_at == fixed_clock.now()
        assert order.form_data == {"new_holder_name": "李娜"}
        assert [(e.status, e.note, e.at) for e in order.events] == [
            (WorkOrderStatus.ACCEPTED, "线上受理", fixed_clock.now())
        ]
        assert [a.id for a in order.attachments] == [attachment_id]


def test_awaiting_documents_without_a_promise(session_factory: SessionFactory, fixed_clock: FixedClock) -> None:
    account_id, user_id = _account_and_user(session_factory)
    with session_factory.session_scope() as session:
        order = create_work_order(
            session, fixed_clock, kind=WorkOrderKind.TRANSFER, account_id=account_id, user_id=user_id,
            form_data={}, status=WorkOrderStatus.AWAITING_DOCUMENTS, note=None, promised_working_days=None,
        )
        assert (order.status, order.promised_by) == (WorkOrderStatus.AWAITING_DOCUMENTS, None)
    with session_factory.session_scope() as session:
        event = session.scalars(select(WorkOrderEvent)).one()
        assert event.status is WorkOrderStatus.AWAITING_DOCUMENTS


@pytest.mark.parametrize("whose", ["someone_else", "nobody", "linked", "missing"])
def test_only_the_users_own_unused_attachments_are_linked(
    session_factory: SessionFactory, fixed_clock: FixedClock, whose: str
) -> None:
    account_id, user_id = _account_and_user(session_factory)
    with session_factory.session_scope() as session:
        other_id = add_user(session, "13900000002").id
    if whose == "linked":
        attachment_id = _attachment(session_factory, user_id)
        _create(session_factory, fixed_clock, account_id, user_id, attachment_ids=[attachment_id])
    elif whose == "missing":
        attachment_id = 999_999
    else:
        attachment_id = _attachment(session_factory, other_id if whose == "someone_else" else None)
    with pytest.raises(AttachmentNotUsable):
        _create(session_factory, fixed_clock, account_id, user_id, attachment_ids=[attachment_id])
    with session_factory.session_scope() as session:
        assert len(session.scalars(select(WorkOrder)).all()) == (1 if whose == "linked" else 0)


def test_simultaneous_orders_get_distinct_numbers(session_factory: SessionFactory, fixed_clock: FixedClock) -> None:
    account_id, user_id = _account_and_user(session_factory)
    start = threading.Barrier(10)

    def create(_: int) -> str:
        start.wait(timeout=30)
        return _create(session_factory, fixed_clock, account_id, user_id)

    with ThreadPoolExecutor(max_workers=10) as pool:
        numbers = list(pool.map(create, range(10)))
    assert sorted(numbers) == [f"GD20261123{n:03d}" for n in range(1, 11)]
    with session_factory.session_scope() as session:
        assert len(session.scalars(select(WorkOrderEvent)).all()) == 10


# --- reading progress ------------------------------------------------------------


def test_status_history_oldest_first_in_china_time(session_factory: SessionFactory, fixed_clock: FixedClock) -> None:
    account_id, user_id = _account_and_user(session_factory)
    order_no = _create(session_factory, fixed_clock, account_id, user_id)
    with session_factory.session_scope() as session:
        order = session.scalars(select(WorkOrder).where(WorkOrder.order_no == order_no)).one()
        later = ((26, WorkOrderStatus.REVIEWING, "资料审核中"), (50, WorkOrderStatus.COMPLETED, None))
        for hours, status, note in later:
            at = fixed_clock.now() + timedelta(hours=hours)
            session.add(WorkOrderEvent(work_order_id=order.id, status=status, note=note, at=at))
            order.status, order.updated_at = status, at

    view = order_for_user(session_factory, user_id=user_id, order_no=order_no)
    assert view is not None
    assert (view.order_no, view.kind, view.status) == (order_no, WorkOrderKind.RENAME, WorkOrderStatus.COMPLETED)
    assert (view.account_number, view.promised_by) == ("3301999999", date(2026, 11, 30))
    assert view.created_at == fixed_clock.now() and view.created_at.tzinfo == CHINA_TZ
    assert view.events == (
        OrderEvent(WorkOrderStatus.ACCEPTED, fixed_clock.now(), "线上受理"),
        OrderEvent(WorkOrderStatus.REVIEWING, datetime(2026, 11, 24, 11, 0, tzinfo=CHINA_TZ), "资料审核中"),
        OrderEvent(WorkOrderStatus.COMPLETED, datetime(2026, 11, 25, 11, 0, tzinfo=CHINA_TZ), None),
    )
    assert all(event.at.tzinfo == CHINA_TZ for event in view.events)


def test_orders_on_a_bound_account_are_visible_once_bound(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    user_id = user_id_of(demo_db, "13800000003")
    assert orders_for_user(demo_db, user_id=user_id) == []
    assert order_for_user(demo_db, user_id=user_id, order_no=SEEDED_ORDER) is None

    assert isinstance(bind(demo_db, fixed_clock, user_id=user_id, account_number="3301000004"), Bound)
    [view] = orders_for_user(demo_db, user_id=user_id)
    assert (view.order_no, view.kind, view.status) == (SEEDED_ORDER, WorkOrderKind.RENAME, WorkOrderStatus.REVIEWING)
    assert view.account_number == "3301000004"
    assert [e.status for e in view.events] == [WorkOrderStatus.ACCEPTED, WorkOrderStatus.REVIEWING]
    assert order_for_user(demo_db, user_id=user_id, order_no=" gd2026 1120001 ") == view


def test_own_orders_newest_first_and_nobody_elses(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    zhang, li = user_id_of(demo_db, "13800000001"), user_id_of(demo_db, "13800000002")
    with demo_db.session_scope() as session:
        account_id = session.scalar(select(WorkOrder.account_id).where(WorkOrder.order_no == SEEDED_ORDER))
    # 张伟 files an order on an account he has not bound (e.g. a new installation): his own, so visible.
    first = _create(demo_db, fixed_clock, account_id, zhang)
    fixed_clock.advance(timedelta(minutes=5))
    second = _create(demo_db, fixed_clock, None, zhang)

    assert [v.order_no for v in orders_for_user(demo_db, user_id=zhang)] == [second, first]
    assert [v.order_no for v in orders_for_user(demo_db, user_id=zhang, limit=1)] == [second]
    assert orders_for_user(demo_db, user_id=li) == []
    for order_no in (first, second, SEEDED_ORDER, "GD20991231001", ""):
        assert order_for_user(demo_db, user_id=li, order_no=order_no) is None
    assert order_for_user(demo_db, user_id=zhang, order_no=SEEDED_ORDER) is None  # not his account


def test_open_order_ignores_finished_orders_and_other_kinds(demo_db: SessionFactory) -> None:
    with demo_db.session_scope() as session:
        seeded = session.scalars(select(WorkOrder).where(WorkOrder.order_no == SEEDED_ORDER)).one()
        account_id = seeded.account_id
        assert open_order(session, account_id, [WorkOrderKind.RENAME, WorkOrderKind.TRANSFER]) is seeded
        assert open_order(session, account_id, [WorkOrderKind.FAULT_REPAIR]) is None
        for status in (WorkOrderStatus.AWAITING_DOCUMENTS, WorkOrderStatus.DISPATCHED, WorkOrderStatus.IN_PROGRESS):
            seeded.status = status
            assert open_order(session, account_id, [WorkOrderKind.RENAME]) is seeded
        for status in (WorkOrderStatus.COMPLETED, WorkOrderStatus.REJECTED, WorkOrderStatus.CANCELLED):
            seeded.status = status
            assert open_order(session, account_id, [WorkOrderKind.RENAME]) is None
