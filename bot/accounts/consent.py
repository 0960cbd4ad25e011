"""Owner consent (户主同意) for binding an account another user is certified owner of.

:func:`bot.accounts.binding.bind` creates the request; the owner sees it with
:func:`pending_consents_for_owner` and answers with :func:`decide_consent`, which
binds the account for the requester on approval. Both hear of it with their next message
(:func:`undelivered_consent_outcomes`, then :func:`mark_delivered`, for the requester), or at
once on the chat they used last when it can push (:mod:`bot.notify`; :func:`request_owner` says
whom a new request is for).
"""
from __future__ import annotations

import enum
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload
from sqlalchemy.sql.elements import ColumnElement

from bot.accounts.binding import attach_binding, binding_of
from bot.clock import Clock
from bot.db.dml import execute_dml
from bot.db.enums import ConsentStatus
from bot.db.locks import lock_rows, lock_user
from bot.db.models import BindingConsentRequest, ElectricityAccount, RealNameRecord, User
from bot.db.session import SessionFactory
from bot.privacy.masking import mask_name, mask_phone

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConsentRequestView:
    """What the owner is shown: who (masked) asks to bind which of their accounts."""

    request_id: int
    account_number: str
    requester_phone_masked: str
    requester_name_masked: str | None  # None when the requester has no real name yet
    requested_at: datetime


class DecisionRefusal(str, enum.Enum):
    # No such request addressed to this owner (also: the owner is no longer the owner).
    NOT_FOUND = "NOT_FOUND"
    ALREADY_DECIDED = "ALREADY_DECIDED"


@dataclass(frozen=True)
class DecisionRefused:
    reason: DecisionRefusal


@dataclass(frozen=True)
class ConsentDecided:
    request_id: int
    requester_user_id: int
    account_number: str
    approved: bool


@dataclass(frozen=True)
class ConsentOutcome:
    """A decision the requester has not been told about yet."""

    request_id: int
    account_number: str
    approved: bool
    decided_at: datetime


def _addressed_to(owner_user_id: int) -> ColumnElement:
    """Requests to ``owner_user_id`` about accounts they still own."""
    return (BindingConsentRequest.owner_user_id == owner_user_id) & (
        ElectricityAccount.owner_user_id == owner_user_id
    )


def pending_consents_for_owner(session_factory: SessionFactory, owner_user_id: int) -> list[ConsentRequestView]:
    """Undecided requests to bind the owner's accounts, oldest first."""
    with session_factory.session_scope() as session:
        rows = session.execute(
            select(BindingConsentRequest, ElectricityAccount.account_number, User.phone, RealNameRecord.name)
            .join(ElectricityAccount, BindingConsentRequest.account_id == ElectricityAccount.id)
            .join(User, BindingConsentRequest.requester_user_id == User.id)
            .outerjoin(RealNameRecord, RealNameRecord.user_id == User.id)
            .where(_addressed_to(owner_user_id), BindingConsentRequest.status == ConsentStatus.PENDING)
            .order_by(BindingConsentRequest.created_at, BindingConsentRequest.id)
        ).all()
    return [
        ConsentRequestView(
            request_id=request.id,
            account_number=number,
            requester_phone_masked=mask_phone(phone),
            requester_name_masked=mask_name(name) if name else None,
            requested_at=request.created_at,
        )
        for request, number, phone, name in rows
    ]


def request_owner(session_factory: SessionFactory, *, request_id: int) -> int | None:
    """The user an undecided request is addressed to (to tell them at once), if it still waits."""
    with session_factory.session_scope() as session:
        return session.scalar(
            select(BindingConsentRequest.owner_user_id).where(
                BindingConsentRequest.id == request_id, BindingConsentRequest.status == ConsentStatus.PENDING,
            )
        )


def decide_consent(
    session_factory: SessionFactory, clock: Clock, *, owner_user_id: int, request_id: int, approve: bool
) -> ConsentDecided | DecisionRefused:
    """Approve or refuse a request; only its owner may, and only once (the request's row
    is locked first, so a double tap cannot decide it twice)."""
    with session_factory.session_scope() as session:
        lock_rows(session, BindingConsentRequest.status, BindingConsentRequest.id == request_id)
        request = session.scalar(
            select(BindingConsentRequest)
            .join(ElectricityAccount, BindingConsentRequest.account_id == ElectricityAccount.id)
            .options(joinedload(BindingConsentRequest.account))
            .where(BindingConsentRequest.id == request_id, _addressed_to(owner_user_id))
        )
        if request is None:
            return DecisionRefused(DecisionRefusal.NOT_FOUND)
        if request.status is not ConsentStatus.PENDING:
            return DecisionRefused(DecisionRefusal.ALREADY_DECIDED)
        requester = request.requester_user_id
        if approve:
            lock_user(session, requester)
            if binding_of(session, requester, request.account_id) is None:
                attach_binding(session, clock, requester, request.account)
        request.status = ConsentStatus.APPROVED if approve else ConsentStatus.REFUSED
        request.decided_at = clock.now()
        log.info("consent request %s %s by the owner", request.id, request.status.value)
        return ConsentDecided(request.id, requester, request.account.account_number, approve)


def undelivered_consent_outcomes(session_factory: SessionFactory, requester_user_id: int) -> list[ConsentOutcome]:
    """Decisions on the requester's requests they have not been told about, oldest first."""
    with session_factory.session_scope() as session:
        rows = session.execute(
            select(BindingConsentRequest, ElectricityAccount.account_number)
            .join(ElectricityAccount, BindingConsentRequest.account_id == ElectricityAccount.id)
            .where(
                BindingConsentRequest.requester_user_id == requester_user_id,
                BindingConsentRequest.status != ConsentStatus.PENDING,
                BindingConsentRequest.delivered_at.is_(None),
            )
            .order_by(BindingConsentRequest.decided_at, BindingConsentRequest.id)
        ).all()
    return [
        ConsentOutcome(r.id, number, r.status is ConsentStatus.APPROVED, r.decided_at)
        for r, number in rows
    ]


def mark_delivered(
    session_factory: SessionFactory, clock: Clock, *, requester_user_id: int, request_ids: Iterable[int]
) -> int:
    """Record that the requester was told; returns how many outcomes were marked. Ids
    of other users' requests, undecided or already delivered ones are ignored."""
    ids = list(request_ids)
    if not ids:
        return 0
    with session_factory.session_scope() as session:
        return execute_dml(
            session,
            update(BindingConsentRequest)
            .where(
                BindingConsentRequest.id.in_(ids),
                BindingConsentRequest.requester_user_id == requester_user_id,
                BindingConsentRequest.status != ConsentStatus.PENDING,
                BindingConsentRequest.delivered_at.is_(None),
            )
            .values(delivered_at=clock.now())
            .execution_options(synchronize_session=False),
        )
