"""Work-order progress: operators move orders on, applicants hear of it.

Each move (:func:`advance_order`) is recorded as an event and as an
:class:`OrderNotice` the chat tells the applicant on their next message;
:func:`next_step` says what the applicant does next in each state.
"""
from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.applications.appointments import release_in
from bot.applications.work_orders import (
    FINAL_STATUSES,
    TIME_LIMIT_WORKING_DAYS,
    OrderView,
    normalise_order_no,
    order_view,
    with_details,
)
from bot.applications.working_days import add_working_days
from bot.clock import CHINA_TZ, Clock
from bot.db.dml import execute_dml
from bot.db.enums import WorkOrderKind, WorkOrderStatus
from bot.db.locks import lock_order
from bot.db.models import WorkOrder, WorkOrderEvent, WorkOrderNotice
from bot.db.session import SessionFactory
from bot.privacy.masking import redact
from bot.repairs.steps import move_allowed

# Kinds whose dispatched order means staff come on site.
ON_SITE_KINDS = frozenset(
    {WorkOrderKind.RESIDENTIAL_INSTALL, WorkOrderKind.ENTERPRISE_INSTALL, WorkOrderKind.FAULT_REPAIR}
)
# Final states that give back an appointment booked for the order.
RELEASING_STATUSES = frozenset({WorkOrderStatus.REJECTED, WorkOrderStatus.CANCELLED})


class NextStep(str, enum.Enum):
    """What happens next, from the applicant's side (the reply explains it)."""

    AWAIT_REVIEW = "AWAIT_REVIEW"  # 已受理: the documents will be reviewed
    UPLOAD_DOCUMENTS = "UPLOAD_DOCUMENTS"  # 待补充资料: the applicant hands in documents
    AWAIT_DECISION = "AWAIT_DECISION"  # 审核中: wait for the outcome
    AWAIT_VISIT = "AWAIT_VISIT"  # 已派单 (installs, repairs): staff will come on site
    IN_HAND = "IN_HAND"  # 处理中, or 已派单 of office-only kinds: nothing to do
    NONE = "NONE"  # 已办结 / 已驳回 / 已撤销


_NEXT_STEPS = {
    WorkOrderStatus.ACCEPTED: NextStep.AWAIT_REVIEW,
    WorkOrderStatus.AWAITING_DOCUMENTS: NextStep.UPLOAD_DOCUMENTS,
    WorkOrderStatus.REVIEWING: NextStep.AWAIT_DECISION,
    WorkOrderStatus.DISPATCHED: NextStep.IN_HAND,
    WorkOrderStatus.ARRIVED: NextStep.IN_HAND,  # 故障报修: staff are on site
    WorkOrderStatus.IN_PROGRESS: NextStep.IN_HAND,
}


def next_step(kind: WorkOrderKind, status: WorkOrderStatus) -> NextStep:
    """The applicant's next step for an order of ``kind`` in ``status``."""
    status = WorkOrderStatus(status)
    if status in FINAL_STATUSES:
        return NextStep.NONE
    if status is WorkOrderStatus.DISPATCHED and WorkOrderKind(kind) in ON_SITE_KINDS:
        return NextStep.AWAIT_VISIT
    return _NEXT_STEPS[status]


class OrderProblemReason(str, enum.Enum):
    NOT_FOUND = "NOT_FOUND"  # no order with that number
    UNKNOWN_STATUS = "UNKNOWN_STATUS"  # not a WorkOrderStatus value
    FINISHED = "FINISHED"  # the order is 已办结 / 已驳回 / 已撤销: final
    UNCHANGED = "UNCHANGED"  # the order already has that status
    OUT_OF_ORDER = "OUT_OF_ORDER"  # not the next step of a repair order, or a repair step of another kind


@dataclass(frozen=True)
class OrderProblem:
    reason: OrderProblemReason
    current: WorkOrderStatus | None = None  # the order's status (FINISHED, UNCHANGED)


def advance_order(
    session_factory: SessionFactory,
    clock: Clock,
    *,
    order_no: str,
    status: WorkOrderStatus | str,
    note: str | None = None,
) -> OrderView | OrderProblem:
    """Move an order to ``status`` (an operator's step), with an event and a notice for
    its applicant (counter orders have none). A repair order (故障报修) goes one step at a time,
    已受理 → 已派单 → 已到达现场 → 已修复 (:mod:`bot.repairs.steps`).

    Leaving 待补充资料 starts the kind's time limit when no date was promised yet. A
    rejected or cancelled order gives back its appointment slot if that is still ahead.
    The note is shown to the applicant, so phone, ID and card numbers in it are masked.
    The order's row is locked first, so two operators cannot both move it out of a
    state, nor out of a final one.
    """
    try:
        new = WorkOrderStatus(status)
    except ValueError:
        return OrderProblem(OrderProblemReason.UNKNOWN_STATUS)
    number = normalise_order_no(order_no)
    now = clock.now()
    with session_factory.session_scope() as session:
        lock_order(session, number)
        order = session.scalar(with_details(select(WorkOrder)).where(WorkOrder.order_no == number))
        if order is None:
            return OrderProblem(OrderProblemReason.NOT_FOUND)
        if order.status in FINAL_STATUSES:
            return OrderProblem(OrderProblemReason.FINISHED, order.status)
        if order.status is new:
            return OrderProblem(OrderProblemReason.UNCHANGED, order.status)
        if not move_allowed(order.kind, order.status, new):
            return OrderProblem(OrderProblemReason.OUT_OF_ORDER, order.status)
        today = now.astimezone(CHINA_TZ).date()
        limit = TIME_LIMIT_WORKING_DAYS.get(order.kind)
        leaves_documents = order.status is WorkOrderStatus.AWAITING_DOCUMENTS and new not in FINAL_STATUSES
        if leaves_documents and order.promised_by is None and limit is not None:
            order.promised_by = add_working_days(today, limit)
        order.status, order.updated_at = new, now
        order.events.append(WorkOrderEvent(status=new, note=redact(note) if note else None, at=now))
        if order.user_id is not None:
            session.add(WorkOrderNotice(user_id=order.user_id, work_order=order, status=new, created_at=now))
        if new in RELEASING_STATUSES:
            _release_appointment(session, order, today)
        session.flush()
        return order_view(order)


def _release_appointment(session: Session, order: WorkOrder, today: date) -> None:
    """Give back the slot booked for the order (``form_data["appointment"]``) if its day
    is still to come."""
    appointment = order.form_data.get("appointment") if isinstance(order.form_data, dict) else None
    if not isinstance(appointment, dict):
        return
    try:
        slot_date = date.fromisoformat(str(appointment["date"]))
        slot_id, region_code = int(appointment["slot_id"]), str(appointment["region_code"])
    except (KeyError, TypeError, ValueError):
        return
    if slot_date > today:
        release_in(session, slot_id=slot_id, region_code=region_code)


# --- notices to the applicant ----------------------------------------------------


@dataclass(frozen=True)
class OrderNotice:
    """A status change the applicant has not been told about yet."""

    id: int
    order_no: str
    kind: WorkOrderKind
    status: WorkOrderStatus
    at: datetime  # China time
    promised_by: date | None
    next_step: NextStep


def pending_order_notices(session_factory: SessionFactory, *, user_id: int) -> list[OrderNotice]:
    """The user's undelivered notices, oldest first."""
    with session_factory.session_scope() as session:
        rows = session.execute(
            select(WorkOrderNotice, WorkOrder)
            .join(WorkOrder, WorkOrderNotice.work_order_id == WorkOrder.id)
            .where(WorkOrderNotice.user_id == user_id, WorkOrderNotice.delivered_at.is_(None))
            .order_by(WorkOrderNotice.created_at, WorkOrderNotice.id)
        ).all()
        return [
            OrderNotice(
                id=notice.id, order_no=order.order_no, kind=order.kind, status=notice.status,
                at=notice.created_at.astimezone(CHINA_TZ), promised_by=order.promised_by,
                next_step=next_step(order.kind, notice.status),
            )
            for notice, order in rows
        ]


def mark_delivered(
    session_factory: SessionFactory, clock: Clock, *, user_id: int, notice_ids: Iterable[int]
) -> int:
    """Mark the user's notices told; returns how many were still pending. Ids of other
    users' notices are ignored."""
    ids = sorted({int(notice_id) for notice_id in notice_ids})
    if not ids:
        return 0
    with session_factory.session_scope() as session:
        return execute_dml(
            session,
            update(WorkOrderNotice)
            .where(
                WorkOrderNotice.id.in_(ids),
                WorkOrderNotice.user_id == user_id,
                WorkOrderNotice.delivered_at.is_(None),
            )
            .values(delivered_at=clock.now())
            .execution_options(synchronize_session=False),
        )
