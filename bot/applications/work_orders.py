"""Work orders (工单): creating them with their order number, and reading their progress.

Order numbers are ``GD`` + the China date + a 3-digit daily sequence (``GD20261123001``),
the format the seeded counter orders use too. Promised dates count working days on the
official Chinese calendar (``chinese_calendar``): weekends and public holidays are
skipped, adjusted working weekends (调休上班) count.

A user sees the orders they submitted and every order on an account they have bound
(e.g. one taken at a service counter); anything else is reported as not found.

Operators move orders on (:func:`advance_order`); each move is recorded as an event and
as an :class:`OrderNotice` the chat tells the applicant on their next message.
"""
from __future__ import annotations

import enum
import unicodedata
import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import chinese_calendar
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.sql.elements import ColumnElement

from bot.clock import CHINA_TZ, Clock
from bot.db.enums import WorkOrderKind, WorkOrderStatus
from bot.db.models import AccountBinding, Attachment, WorkOrder, WorkOrderEvent, WorkOrderNotice
from bot.db.session import SessionFactory
from bot.privacy.masking import redact

ORDER_NO_PREFIX = "GD"
SEQUENCE_DIGITS = 3
# Every failed attempt means a concurrent creator took the number, so this many
# attempts survive a burst of that many simultaneous orders.
ORDER_NO_ATTEMPTS = 20
FINAL_STATUSES = frozenset(
    {WorkOrderStatus.COMPLETED, WorkOrderStatus.REJECTED, WorkOrderStatus.CANCELLED}
)


# --- working days ----------------------------------------------------------------


def is_working_day(day: date) -> bool:
    """A working day by the State Council holiday schedule; Monday–Friday for years the
    installed ``chinese_calendar`` has no schedule for yet."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def add_working_days(day: date, count: int) -> date:
    """The ``count``-th working day after ``day`` (``day`` itself when ``count`` is 0)."""
    if count < 0:
        raise ValueError("count must not be negative")
    while count > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


# --- creating orders -------------------------------------------------------------


class AttachmentNotUsable(ValueError):
    """An attachment to link does not exist, is not the user's, or belongs to another order."""


def create_work_order(
    session: Session,
    clock: Clock,
    *,
    kind: WorkOrderKind,
    account_id: int | None,
    user_id: int | None,
    form_data: dict[str, Any],
    status: WorkOrderStatus = WorkOrderStatus.ACCEPTED,
    note: str | None,
    promised_working_days: int | None,
    attachment_ids: Iterable[int] = (),
) -> WorkOrder:
    """Add an order with its first status event, inside the caller's transaction.

    ``promised_working_days=None`` leaves ``promised_by`` open (e.g. until documents
    arrive). The attachments must be ``user_id``'s own uploads not yet linked to an
    order (:class:`AttachmentNotUsable` otherwise).

    The row is first written under a unique placeholder number and only then given its
    real one inside a savepoint: taking the write lock before reading the day's highest
    number keeps SQLite from failing on a stale snapshot, and on PostgreSQL a creator
    that loses the race for a number rolls back to the savepoint and takes the next one.
    """
    now = clock.now()
    today = now.astimezone(CHINA_TZ).date()
    order = WorkOrder(
        order_no=_placeholder_order_no(), kind=kind, account_id=account_id, user_id=user_id,
        status=status, form_data=dict(form_data), created_at=now, updated_at=now,
        promised_by=None if promised_working_days is None else add_working_days(today, promised_working_days),
    )
    session.add(order)
    session.flush()
    _assign_order_no(session, order, today)
    session.add(WorkOrderEvent(work_order_id=order.id, status=status, note=note, at=now))
    _link_attachments(session, order, user_id, attachment_ids)
    session.flush()
    return order


def _placeholder_order_no() -> str:
    return "TMP" + uuid.uuid4().hex[:17].upper()


def _assign_order_no(session: Session, order: WorkOrder, day: date) -> None:
    for _attempt in range(ORDER_NO_ATTEMPTS):
        try:
            with session.begin_nested():
                order.order_no = next_order_no(session, day)
                session.flush()
            return
        except IntegrityError:
            continue  # a concurrent creator committed this number first
    raise RuntimeError(f"no free work-order number after {ORDER_NO_ATTEMPTS} attempts")


def next_order_no(session: Session, day: date) -> str:
    """The number after the highest one already given out on ``day``."""
    prefix = f"{ORDER_NO_PREFIX}{day:%Y%m%d}"
    highest = session.scalar(
        select(func.max(WorkOrder.order_no)).where(
            WorkOrder.order_no.like(f"{prefix}%"),
            func.length(WorkOrder.order_no) == len(prefix) + SEQUENCE_DIGITS,
        )
    )
    sequence = int(highest[len(prefix):]) + 1 if highest else 1
    if sequence >= 10**SEQUENCE_DIGITS:
        raise RuntimeError(f"work-order numbers of {day} are used up")
    return f"{prefix}{sequence:0{SEQUENCE_DIGITS}d}"


def _link_attachments(
    session: Session, order: WorkOrder, user_id: int | None, attachment_ids: Iterable[int]
) -> None:
    for attachment_id in dict.fromkeys(attachment_ids):
        attachment = usable_attachment(session, user_id, attachment_id)
        if attachment is None:
            raise AttachmentNotUsable(f"attachment {attachment_id} cannot be linked to order {order.order_no}")
        attachment.work_order_id = order.id


def usable_attachment(session: Session, user_id: int | None, attachment_id: object) -> Attachment | None:
    """The attachment if ``user_id`` uploaded it and no order uses it yet; ids come from
    user-editable messages, so anything else is None."""
    try:
        wanted = int(str(attachment_id))
    except ValueError:
        return None
    attachment = session.get(Attachment, wanted)
    if attachment is None or user_id is None or attachment.user_id != user_id:
        return None
    if attachment.work_order_id is not None:
        return None
    return attachment


# --- reading progress ------------------------------------------------------------


@dataclass(frozen=True)
class OrderEvent:
    status: WorkOrderStatus
    at: datetime  # China time
    note: str | None


@dataclass(frozen=True)
class OrderView:
    order_no: str
    kind: WorkOrderKind
    status: WorkOrderStatus
    account_number: str | None
    created_at: datetime  # China time
    promised_by: date | None
    events: tuple[OrderEvent, ...]  # oldest first
    address: str | None = None  # where a 新装 is wanted (orders without an account)


def _visible_to(user_id: int) -> ColumnElement[bool]:
    bound = select(AccountBinding.account_id).where(AccountBinding.user_id == user_id)
    return or_(WorkOrder.user_id == user_id, WorkOrder.account_id.in_(bound))


def _with_details(query: Any) -> Any:
    return query.options(joinedload(WorkOrder.account), selectinload(WorkOrder.events))


def _view(order: WorkOrder) -> OrderView:
    return OrderView(
        order_no=order.order_no, kind=order.kind, status=order.status,
        account_number=order.account.account_number if order.account else None,
        created_at=order.created_at.astimezone(CHINA_TZ), promised_by=order.promised_by,
        events=tuple(OrderEvent(e.status, e.at.astimezone(CHINA_TZ), e.note) for e in order.events),
        address=order.form_data.get("address") if isinstance(order.form_data, dict) else None,
    )


def orders_for_user(session_factory: SessionFactory, *, user_id: int, limit: int = 5) -> list[OrderView]:
    """The user's orders and those on accounts they have bound, newest first."""
    with session_factory.session_scope() as session:
        orders = session.scalars(
            _with_details(select(WorkOrder))
            .where(_visible_to(user_id))
            .order_by(WorkOrder.created_at.desc(), WorkOrder.id.desc())
            .limit(limit)
        )
        return [_view(order) for order in orders]


def normalise_order_no(text: str) -> str:
    """An order number as typed: full-width characters, spaces and case forgiven."""
    return "".join(unicodedata.normalize("NFKC", text or "").split()).upper()


def order_for_user(session_factory: SessionFactory, *, user_id: int, order_no: str) -> OrderView | None:
    """One order, if the user may see it; None both for unknown numbers and for other
    people's orders, so guessing numbers reveals nothing."""
    with session_factory.session_scope() as session:
        order = session.scalar(
            _with_details(select(WorkOrder)).where(
                WorkOrder.order_no == normalise_order_no(order_no), _visible_to(user_id)
            )
        )
        return _view(order) if order is not None else None


def open_order(session: Session, account_id: int, kinds: Collection[WorkOrderKind]) -> WorkOrder | None:
    """The newest order of one of ``kinds`` on the account that is not finished yet."""
    return session.scalar(
        select(WorkOrder)
        .where(
            WorkOrder.account_id == account_id,
            WorkOrder.kind.in_(list(kinds)),
            WorkOrder.status.not_in(list(FINAL_STATUSES)),
        )
        .order_by(WorkOrder.created_at.desc(), WorkOrder.id.desc())
        .limit(1)
    )


# --- progress (operator side) ----------------------------------------------------

# The time limit each kind promises, in working days counted from when the documents
# are complete: 更名/过户 and 个人新装 (低压居民) 5, 企业新装 (低压非居民) 15. 故障报修
# has no limit in working days, so it gets no promised date.
TIME_LIMIT_WORKING_DAYS: dict[WorkOrderKind, int] = {
    WorkOrderKind.RENAME: 5,
    WorkOrderKind.TRANSFER: 5,
    WorkOrderKind.RESIDENTIAL_INSTALL: 5,
    WorkOrderKind.ENTERPRISE_INSTALL: 15,
}
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
    its applicant (counter orders have none).

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
        _lock_order(session, number)
        order = session.scalar(_with_details(select(WorkOrder)).where(WorkOrder.order_no == number))
        if order is None:
            return OrderProblem(OrderProblemReason.NOT_FOUND)
        if order.status in FINAL_STATUSES:
            return OrderProblem(OrderProblemReason.FINISHED, order.status)
        if order.status is new:
            return OrderProblem(OrderProblemReason.UNCHANGED, order.status)
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
        return _view(order)


def _lock_order(session: Session, order_no: str) -> None:
    """A no-op UPDATE: the row lock on PostgreSQL, the write lock on SQLite (taken before
    reading, so SQLite never has to upgrade a stale read)."""
    session.execute(
        update(WorkOrder)
        .where(WorkOrder.order_no == order_no)
        .values(status=WorkOrder.status)
        .execution_options(synchronize_session=False)
    )


def _release_appointment(session: Session, order: WorkOrder, today: date) -> None:
    """Give back the slot booked for the order (``form_data["appointment"]``) if its day
    is still to come."""
    from bot.applications.appointments import release_in  # appointments imports this module

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


def latest_orders(session_factory: SessionFactory, *, limit: int = 20) -> list[OrderView]:
    """Every order, newest first (operators only: no visibility check)."""
    with session_factory.session_scope() as session:
        orders = session.scalars(
            _with_details(select(WorkOrder)).order_by(WorkOrder.created_at.desc(), WorkOrder.id.desc()).limit(limit)
        )
        return [_view(order) for order in orders]


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
        result = session.execute(
            update(WorkOrderNotice)
            .where(
                WorkOrderNotice.id.in_(ids),
                WorkOrderNotice.user_id == user_id,
                WorkOrderNotice.delivered_at.is_(None),
            )
            .values(delivered_at=clock.now())
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount or 0)
