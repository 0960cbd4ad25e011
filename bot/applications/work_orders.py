"""Work orders (工单): creating them with their order number, and reading them.

Order numbers are ``GD`` + the China date + a 3-digit daily sequence (``GD20261123001``),
the format the seeded counter orders use too. Promised dates count working days
(:mod:`bot.applications.working_days`).

A user sees the orders they submitted and every order on an account they have bound
(e.g. one taken at a service counter); anything else is reported as not found. How
operators move orders on, and how applicants hear of it, is in
:mod:`bot.applications.order_progress`.
"""
from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.sql.elements import ColumnElement

from bot.applications.working_days import add_working_days
from bot.clock import CHINA_TZ, Clock
from bot.db.enums import WorkOrderKind, WorkOrderStatus
from bot.db.models import AccountBinding, Attachment, WorkOrder, WorkOrderEvent
from bot.db.session import SessionFactory

ORDER_NO_PREFIX = "GD"
SEQUENCE_DIGITS = 3
# Every failed attempt means a concurrent creator took the number, so this many
# attempts survive a burst of that many simultaneous orders.
ORDER_NO_ATTEMPTS = 20
FINAL_STATUSES = frozenset(
    {WorkOrderStatus.COMPLETED, WorkOrderStatus.REJECTED, WorkOrderStatus.CANCELLED, WorkOrderStatus.REPAIRED}
)
# The time limit each kind promises, in working days counted from when the documents
# are complete: 更名/过户 and 个人新装 (低压居民) 5, 企业新装 (低压非居民) 15. 故障报修
# has no limit in working days, so it gets no promised date.
TIME_LIMIT_WORKING_DAYS: dict[WorkOrderKind, int] = {
    WorkOrderKind.RENAME: 5,
    WorkOrderKind.TRANSFER: 5,
    WorkOrderKind.RESIDENTIAL_INSTALL: 5,
    WorkOrderKind.ENTERPRISE_INSTALL: 15,
}


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


# --- reading orders --------------------------------------------------------------


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


def _visible_to(user_id: int) -> ColumnElement[Boolean]:
    bound = select(AccountBinding.account_id).where(AccountBinding.user_id == user_id)
    return or_(WorkOrder.user_id == user_id, WorkOrder.account_id.in_(bound))


def with_details(query: Any) -> Any:
    return query.options(joinedload(WorkOrder.account), selectinload(WorkOrder.events))


def order_view(order: WorkOrder) -> OrderView:
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
            with_details(select(WorkOrder))
            .where(_visible_to(user_id))
            .order_by(WorkOrder.created_at.desc(), WorkOrder.id.desc())
            .limit(limit)
        )
        return [order_view(order) for order in orders]


def normalise_order_no(text: str) -> str:
    """An order number as typed: full-width characters, spaces and case forgiven."""
    return "".join(unicodedata.normalize("NFKC", text or "").split()).upper()


def order_for_user(session_factory: SessionFactory, *, user_id: int, order_no: str) -> OrderView | None:
    """One order, if the user may see it; None both for unknown numbers and for other
    people's orders, so guessing numbers reveals nothing."""
    with session_factory.session_scope() as session:
        order = session.scalar(
            with_details(select(WorkOrder)).where(
                WorkOrder.order_no == normalise_order_no(order_no), _visible_to(user_id)
            )
        )
        return order_view(order) if order is not None else None


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


def latest_orders(session_factory: SessionFactory, *, limit: int = 20) -> list[OrderView]:
    """Every order, newest first (operators only: no visibility check)."""
    with session_factory.session_scope() as session:
        orders = session.scalars(
            with_details(select(WorkOrder)).order_by(WorkOrder.created_at.desc(), WorkOrder.id.desc()).limit(limit)
        )
        return [order_view(order) for order in orders]
