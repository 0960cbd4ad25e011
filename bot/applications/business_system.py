"""Forwarding pre-applications (预申请) to the business system (营销业务应用系统).

A 新装 filed in the chat is a pre-application: its form data is stored with the work
order and submitted to the business system, where the utility processes it. The demo
adapter is the local database (:class:`LocalBusinessSystem`), behind the
:class:`BusinessSystem` interface a real integration implements.

The work order is the outbox: ``business_ref`` stays null until the business system has
acknowledged the order, so nothing is lost while it is down. :func:`forward_pre_application`
sends one order (right after filing), :func:`forward_pending` the rest (the operator's
``python -m bot orders forward``, or a cron job). No transaction is held open while the
business system is called; two forwarders of the same order may both call it, which the
system's idempotency per order number makes harmless.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from bot.clock import Clock, clock_from_env
from bot.db.enums import WorkOrderKind, WorkOrderStatus
from bot.db.models import PreApplicationRecord, WorkOrder
from bot.db.session import SessionFactory
from bot.settings import Settings

PRE_APPLICATION_KINDS = frozenset({WorkOrderKind.RESIDENTIAL_INSTALL, WorkOrderKind.ENTERPRISE_INSTALL})
# Withdrawn before they were forwarded: nothing for the business system to process.
NOT_FORWARDED_STATUSES = frozenset({WorkOrderStatus.CANCELLED, WorkOrderStatus.REJECTED})
LOCAL_REFERENCE_PREFIX = "YX"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PreApplication:
    """What the business system receives: the work order's form data, already masked
    (no full phone, ID or bank account numbers), and the ids of its attachments."""

    order_no: str
    kind: WorkOrderKind
    submitted_at: datetime
    form_data: Mapping[str, Any] = field(repr=False)
    attachment_ids: tuple[int, ...] = ()


class BusinessSystemUnavailable(Exception):
    """The business system could not take the pre-application now: try again later."""


class BusinessSystem(Protocol):
    """The business system's intake, e.g. an HTTP API of the 营销业务应用系统.

    Contract: :meth:`submit_pre_application` returns the system's reference for the order
    once it has stored it. It must be idempotent per ``order_no`` (the idempotency key):
    a repeated submission, after a timeout or from a concurrent forwarder, returns the
    same reference and creates nothing new. Anything that means "not stored, may be
    retried" (timeouts, 5xx, connection errors) raises :class:`BusinessSystemUnavailable`.
    """

    def submit_pre_application(self, pre: PreApplication) -> str: ...


class LocalBusinessSystem:
    """The demo adapter: pre-applications stored in the local ``pre_applications`` table,
    referenced as ``YX`` + the order number's digits."""

    def __init__(self, session_factory: SessionFactory, clock: Clock | None = None) -> None:
        self._session_factory = session_factory
        self._clock = clock or clock_from_env()

    def submit_pre_application(self, pre: PreApplication) -> str:
        """Store it unless the order number is there already; its reference either way."""
        existing = self.reference_of(pre.order_no)
        if existing is not None:
            return existing
        reference = LOCAL_REFERENCE_PREFIX + re.sub(r"\D", "", pre.order_no)
        try:
            with self._session_factory.session_scope() as session:
                session.add(PreApplicationRecord(
                    order_no=pre.order_no, kind=pre.kind, reference=reference, form_data=dict(pre.form_data),
                    attachment_ids=list(pre.attachment_ids), submitted_at=pre.submitted_at,
                    received_at=self._clock.now(),
                ))
        except IntegrityError:  # a concurrent submission of the same order stored it first
            existing = self.reference_of(pre.order_no)
            if existing is None:
                raise
            return existing
        return reference

    def reference_of(self, order_no: str) -> str | None:
        with self._session_factory.session_scope() as session:
            return session.scalar(select(PreApplicationRecord.reference)
                                  .where(PreApplicationRecord.order_no == order_no))


_SYSTEMS: dict[str, Callable[[Settings, SessionFactory, Clock], BusinessSystem]] = {
    "local": lambda _settings, session_factory, clock: LocalBusinessSystem(session_factory, clock),
}


def business_system_from_settings(
    settings: Settings, session_factory: SessionFactory, clock: Clock | None = None
) -> BusinessSystem:
    """The adapter ``settings.business_system`` names (``local`` by default)."""
    name = settings.business_system.strip().lower()
    if name not in _SYSTEMS:
        supported = ", ".join(sorted(_SYSTEMS))
        raise ValueError(f"unknown BUSINESS_SYSTEM {settings.business_system!r}; supported: {supported}")
    return _SYSTEMS[name](settings, session_factory, clock or clock_from_env())


# --- the outbox ------------------------------------------------------------------


def forward_pre_application(
    session_factory: SessionFactory, system: BusinessSystem, clock: Clock, *, order_no: str
) -> str | None:
    """Forward the order unless it was already: the business system's reference, or None
    when it is unavailable (the order stays pending) or the order was withdrawn first.
    Raises ValueError for an unknown order number or an order that is not a pre-application."""
    try:
        return _forward(session_factory, system, clock, order_no)
    except BusinessSystemUnavailable as error:
        log.warning("business system unavailable, %s stays pending: %s", order_no, type(error).__name__)
        return None


def _forward(session_factory: SessionFactory, system: BusinessSystem, clock: Clock, order_no: str) -> str | None:
    """:func:`forward_pre_application`, letting BusinessSystemUnavailable through."""
    with session_factory.session_scope() as session:
        order = session.scalars(
            select(WorkOrder).options(selectinload(WorkOrder.attachments)).where(WorkOrder.order_no == order_no)
        ).one_or_none()
        if order is None or order.kind not in PRE_APPLICATION_KINDS:
            raise ValueError(f"not a pre-application: {order_no!r}")
        if order.business_ref is not None:
            return order.business_ref
        if order.status in NOT_FORWARDED_STATUSES:
            return None
        pre = PreApplication(
            order_no=order.order_no, kind=order.kind, submitted_at=order.created_at,
            form_data=dict(order.form_data or {}),
            attachment_ids=tuple(sorted(attachment.id for attachment in order.attachments)),
        )
    reference = system.submit_pre_application(pre)  # no transaction open meanwhile
    with session_factory.session_scope() as session:
        session.execute(
            update(WorkOrder)
            .where(WorkOrder.order_no == order_no, WorkOrder.business_ref.is_(None))
            .values(business_ref=reference, forwarded_at=clock.now())
            .execution_options(synchronize_session=False)
        )
        # A concurrent forwarder may have recorded it first: the stored reference wins.
        return session.scalar(select(WorkOrder.business_ref).where(WorkOrder.order_no == order_no))


def pending_pre_applications(session_factory: SessionFactory) -> list[str]:
    """Order numbers of the pre-applications not yet forwarded, oldest first."""
    with session_factory.session_scope() as session:
        return list(session.scalars(
            select(WorkOrder.order_no)
            .where(WorkOrder.kind.in_(list(PRE_APPLICATION_KINDS)), WorkOrder.business_ref.is_(None),
                   WorkOrder.status.not_in(list(NOT_FORWARDED_STATUSES)))
            .order_by(WorkOrder.created_at, WorkOrder.id)
        ))


def forward_pending(session_factory: SessionFactory, system: BusinessSystem, clock: Clock) -> int:
    """Forward every pending pre-application; how many were forwarded now. Stops at the
    first "unavailable": the rest stay pending for the next run."""
    forwarded = 0
    for order_no in pending_pre_applications(session_factory):
        try:
            reference = _forward(session_factory, system, clock, order_no)
        except BusinessSystemUnavailable as error:
            log.warning("business system unavailable, %s stays pending: %s", order_no, type(error).__name__)
            break
        if reference is not None:  # None: withdrawn since it was listed
            forwarded += 1
    return forwarded
