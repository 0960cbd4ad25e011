"""注销账号 / 删除我的个人信息: a logged-in user erases their personal data, after confirming.

What goes: the user and their phone, every chat identity on every channel (those chats are
anonymous afterwards) and the stored conversations of those chats (queued for the tracker
store, see bot.privacy.conversations), hand-off transcripts, the real-name record,
SMS messages and verification codes sent to the phone, account bindings, pending bindings,
consent requests, the 户主 certification, payment instruments and auto-debit mandates, order
notices, and uploads that no work order uses.

What is kept, pseudonymised: payments, invoices and work orders are records the law requires
(accounting, tax, the history of an account's contract). They lose every link to the user
(``user_id`` null); a work order keeps the applicant's name and masked ID number, which the
application legally needs, but not the applicant's phone. Uploads a work order uses stay with
it, unlinked from the user and the chat. Other people's data the user typed into an
application (a new holder's name, masked phone) is the application's, not the user's.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from pathlib import Path

from sqlalchemy import delete, false, or_, select, tuple_, update
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable

from bot.clock import Clock
from bot.db.dml import execute_dml
from bot.db.locks import lock_rows
from bot.db.models import (
    AccountBinding,
    Attachment,
    AutopayMandate,
    BindingConsentRequest,
    ChatIdentity,
    ElectricityAccount,
    ErasureRequest,
    Handoff,
    IvrCall,
    NumberedOptionSet,
    Payment,
    PaymentInstrument,
    PendingBinding,
    RealNameRecord,
    SmsMessage,
    User,
    VerificationCode,
    WorkOrder,
    WorkOrderNotice,
)
from bot.db.session import SessionFactory
from bot.files.attachments import delete_attachments, remove_stored_files
from bot.privacy.conversations import request_tracker_erasure

IVR_CHANNEL = "ivr"  # the hotline's sender id is its call's conversation id

log = logging.getLogger(__name__)
# A confirmation older than this is not taken: the user is asked again.
CONFIRMATION_WINDOW = timedelta(minutes=10)
# A work order's applicant data that only served to contact the user.
APPLICANT_CONTACT_KEYS = ("applicant_phone_masked",)


class ErasureRefusal(str, Enum):
    NOT_ASKED = "not_asked"  # no confirmation question asked in this chat (or too long ago)


@dataclass(frozen=True)
class Erased:
    """What was done: chats erased and the records kept without a link to the user."""

    chats: int
    payments_kept: int
    work_orders_kept: int


def ask_erasure(session_factory: SessionFactory, clock: Clock, *, user_id: int, channel: str, sender_id: str) -> None:
    """Record that this chat was asked to confirm the erasure (the confirmation checks it)."""
    with session_factory.session_scope() as session:
        _run(session, delete(ErasureRequest).where(ErasureRequest.user_id == user_id))
        session.add(ErasureRequest(user_id=user_id, channel=channel, sender_id=sender_id, asked_at=clock.now()))


def cancel_erasure(session_factory: SessionFactory, *, user_id: int) -> None:
    with session_factory.session_scope() as session:
        _run(session, delete(ErasureRequest).where(ErasureRequest.user_id == user_id))


def erase_user(
    session_factory: SessionFactory, clock: Clock, files_dir: Path, *, user_id: int, channel: str, sender_id: str
) -> Erased | ErasureRefusal:
    """Erase the user, if this chat was asked to confirm it within CONFIRMATION_WINDOW.

    A confirmation cannot be forged with a slot (``/affirm{"erase_confirmed": true}``): it is
    the question recorded by :func:`ask_erasure`, in this chat, for this user.
    """
    now = clock.now()
    with session_factory.session_scope() as session:
        lock_rows(session, ErasureRequest.asked_at, ErasureRequest.user_id == user_id)  # one erasure at a time
        request = session.scalars(select(ErasureRequest).where(ErasureRequest.user_id == user_id)).first()
        if request is None or (request.channel, request.sender_id) != (channel, sender_id) or (
            now - request.asked_at > CONFIRMATION_WINDOW
        ):
            return ErasureRefusal.NOT_ASKED
        user = session.get(User, user_id)
        if user is None:
            return ErasureRefusal.NOT_ASKED
        chats = _erase_chats(session, user_id, now)
        orphaned_files = _erase_uploads(session, user_id, chats)
        _erase_personal_records(session, user)
        payments, orders = _pseudonymise_records(session, user_id)
        session.delete(user)  # what other tables hold for the user goes with it (ON DELETE CASCADE / SET NULL)
    remove_stored_files(files_dir, orphaned_files)
    log.info("user %s erased: %s chats, %s payments and %s work orders kept", user_id, len(chats), payments, orders)
    return Erased(chats=len(chats), payments_kept=payments, work_orders_kept=orders)


def _erase_chats(session: Session, user_id: int, now: datetime) -> list[tuple[str, str]]:
    """Delete the user's chat identities, their hand-offs, the numbered options they were shown
    hotline calls and (queued) their conversations."""
    chats = [tuple(row) for row in session.execute(
        select(ChatIdentity.channel, ChatIdentity.sender_id).where(ChatIdentity.user_id == user_id)
    )]
    chat_filter = tuple_(Handoff.channel, Handoff.sender_id).in_(chats) if chats else false()
    _run(session, delete(Handoff).where(or_(Handoff.user_id == user_id, chat_filter)))
    if chats:
        options_of_chats = tuple_(NumberedOptionSet.channel, NumberedOptionSet.sender_id).in_(chats)
        _run(session, delete(NumberedOptionSet).where(options_of_chats))
        calls = [sender for channel, sender in chats if channel == IVR_CHANNEL]
        if calls:
            _run(session, delete(IvrCall).where(IvrCall.conversation_id.in_(calls)))
    _run(session, delete(ChatIdentity).where(ChatIdentity.user_id == user_id))
    request_tracker_erasure(session, [sender for _, sender in chats], now)
    return chats


def _erase_personal_records(session: Session, user: User) -> None:
    """Delete the user's own records (those that would not go with the user row)."""
    user_id = user.id
    _run(session, delete(RealNameRecord).where(RealNameRecord.user_id == user_id))
    _run(session, delete(SmsMessage).where(SmsMessage.phone == user.phone))
    _run(session, delete(VerificationCode).where(VerificationCode.phone == user.phone))
    _run(session, delete(AccountBinding).where(AccountBinding.user_id == user_id))
    _run(session, delete(PendingBinding).where(PendingBinding.user_id == user_id))
    _run(session, delete(BindingConsentRequest).where(or_(
        BindingConsentRequest.requester_user_id == user_id, BindingConsentRequest.owner_user_id == user_id
    )))
    _run(session, update(ElectricityAccount).where(ElectricityAccount.owner_user_id == user_id)
                    .values(owner_user_id=None))
    _run(session, delete(WorkOrderNotice).where(WorkOrderNotice.user_id == user_id))
    _run(session, delete(AutopayMandate).where(AutopayMandate.user_id == user_id))
    instruments = select(PaymentInstrument.id).where(PaymentInstrument.user_id == user_id)
    _run(session, update(Payment).where(Payment.instrument_id.in_(instruments)).values(instrument_id=None))
    _run(session, delete(PaymentInstrument).where(PaymentInstrument.user_id == user_id))


def _erase_uploads(session: Session, user_id: int, chats: list[tuple[str, str]]) -> list[str]:
    """The user's uploads (also those sent from their chats before logging in): deleted when no
    work order uses them, else unlinked from user and chat. The files nobody uses any more."""
    chat_filter = tuple_(Attachment.channel, Attachment.sender_id).in_(chats) if chats else false()
    theirs = or_(Attachment.user_id == user_id, chat_filter)
    unused = session.scalars(select(Attachment).where(theirs, Attachment.work_order_id.is_(None))).all()
    orphaned = delete_attachments(session, unused)
    _run(session, update(Attachment).where(theirs).values(user_id=None, channel=None, sender_id=None))
    return orphaned


def _pseudonymise_records(session: Session, user_id: int) -> tuple[int, int]:
    """Payments and work orders stay, without the user (and a work order without their phone)."""
    payments = _run(session, update(Payment).where(Payment.user_id == user_id).values(user_id=None))
    orders = list(session.scalars(select(WorkOrder).where(WorkOrder.user_id == user_id)))
    for order in orders:
        order.user_id = None
        data = dict(order.form_data or {})
        order.form_data = {key: value for key, value in data.items() if key not in APPLICANT_CONTACT_KEYS}
    return payments, len(orders)


def _run(session: Session, statement: Executable) -> int:
    """A bulk DELETE or UPDATE; the rows it touched. The session's loaded objects are not
    synchronised (nothing loaded here is read again after its rows change)."""
    return execute_dml(session, statement.execution_options(synchronize_session=False))
