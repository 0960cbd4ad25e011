"""注销账号: what goes, what is kept pseudonymised, and that it needs the confirmation asked in
this chat (SQLite and PostgreSQL, demo data seeded)."""
from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.channels.rendering.numbered_options import NumberedOptions
from bot.container import Services
from bot.db.enums import (
    ConsentStatus,
    HandoffStatus,
    InstrumentKind,
    PaymentStatus,
    WorkOrderKind,
    WorkOrderStatus,
)
from bot.db.models import (
    AccountBinding,
    Attachment,
    BindingConsentRequest,
    ChatIdentity,
    ElectricityAccount,
    ErasureRequest,
    Handoff,
    IvrCall,
    NumberedOptionSet,
    Payment,
    PaymentInstrument,
    RealNameRecord,
    SlotVaultEntry,
    SmsMessage,
    TrackerErasure,
    User,
    VerificationCode,
    WorkOrder,
)
from bot.privacy.conversations import keep_slot_value
from bot.privacy.erasure import (
    CONFIRMATION_WINDOW,
    Erased,
    ErasureRefusal,
    ask_erasure,
    cancel_erasure,
    erase_user,
)
from tests.unit.action_harness import CHANNEL, SENDER, clock_of, log_in

PHONE, OTHER_PHONE = "13800000001", "13800000002"
WECHAT = ("wechat", "wx-openid-1")


def _count(session: Session, model: type, *conditions: object) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0


def _upload(session: Session, deps: Services, chat: tuple[str, str], user_id: int, data: bytes) -> int:
    """An upload as the upload channel stores it: the file by content hash, and its row."""
    digest = hashlib.sha256(data).hexdigest()
    relative = f"uploads/{digest[:2]}/{digest}.pdf"
    path = deps.settings.files_dir / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    attachment = Attachment(channel=chat[0], sender_id=chat[1], user_id=user_id, kind="chat_upload",
                            filename="材料.pdf", content_type="application/pdf", size_bytes=len(data),
                            sha256=digest, storage_path=relative, uploaded_at=deps.clock.now())
    session.add(attachment)
    session.flush()
    return attachment.id


def _a_user_with_history(deps: Services) -> tuple[int, int, int]:
    """13800000001 logged in on two channels, with a hand-off, a consent request to answer, a
    payment, a work order with a document, a stray upload and a slot in the vault.
    (user id, work order id, stray upload id)."""
    user = log_in(deps, PHONE)
    log_in(deps, PHONE, channel=WECHAT[0], sender=WECHAT[1])
    other = log_in(deps, OTHER_PHONE, sender="chat-2")
    now = deps.clock.now()
    with deps.session_factory.session_scope() as session:
        stray = _upload(session, deps, (CHANNEL, SENDER), user.user_id, b"stray")
        document = _upload(session, deps, WECHAT, user.user_id, b"document")
        account = session.scalars(
            select(ElectricityAccount).where(ElectricityAccount.account_number == "3301000001")
        ).one()
        card = session.scalars(select(PaymentInstrument).where(
            PaymentInstrument.user_id == user.user_id, PaymentInstrument.kind == InstrumentKind.BANK_CARD
        )).first()
        session.add(Handoff(channel=CHANNEL, sender_id=SENDER, user_id=user.user_id, reason="人工",
                            transcript=[{"speaker": "user", "text": "138****0001"}],
                            status=HandoffStatus.WAITING, created_at=now))
        session.add(BindingConsentRequest(requester_user_id=other.user_id, owner_user_id=user.user_id,
                                          account_id=account.id, status=ConsentStatus.PENDING, created_at=now))
        session.add(Payment(order_id="PAYERASE0001", idempotency_key="erase-test-1", account_id=account.id,
                            user_id=user.user_id, instrument_id=card.id if card else None, amount_fen=5000,
                            method="招商银行储蓄卡(尾号1234)", status=PaymentStatus.SUCCEEDED,
                            receipt_no="PR-ERASE-1", created_at=now, updated_at=now))
        order = WorkOrder(order_no="GD2026112399", kind=WorkOrderKind.RESIDENTIAL_INSTALL, user_id=user.user_id,
                          status=WorkOrderStatus.ACCEPTED, created_at=now, updated_at=now,
                          form_data={"applicant_name": "张伟", "applicant_id_masked": "3301**********123X",
                                     "applicant_phone_masked": "138****0001", "address": "文三路100号"})
        session.add(order)
        session.flush()
        session.get(Attachment, document).work_order_id = order.id
        keep_slot_value(session, sender_id=SENDER, slot="id_number", value="33010619900101123X",
                        expires_at=now + timedelta(hours=1))
        order_id = order.id
    return user.user_id, order_id, stray


def test_erasure_removes_personal_data_and_keeps_financial_records_pseudonymised(action_deps: Services) -> None:
    deps = action_deps
    user_id, order_id, stray = _a_user_with_history(deps)
    with deps.session_factory.session_scope() as session:
        stray_file = deps.settings.files_dir / session.get(Attachment, stray).storage_path
        document_file = deps.settings.files_dir / session.scalars(
            select(Attachment.storage_path).where(Attachment.work_order_id == order_id)).one()
        assert _count(session, RealNameRecord, RealNameRecord.user_id == user_id) == 1
        assert _count(session, AccountBinding, AccountBinding.user_id == user_id) == 1
        assert _count(session, SmsMessage, SmsMessage.phone == PHONE) == 2
        payments = _count(session, Payment, Payment.user_id == user_id)
        all_payments = _count(session, Payment)
    assert payments > 1  # the seeded ones and ours
    assert stray_file.exists() and document_file.exists()
    options = NumberedOptions(deps.session_factory, deps.clock)
    options.remember(*WECHAT, ['/inform{"account_number": "3301000001"}'])
    options.remember(CHANNEL, "chat-2", ["/query_bill"])

    ask_erasure(deps.session_factory, deps.clock, user_id=user_id, channel=CHANNEL, sender_id=SENDER)
    outcome = erase_user(deps.session_factory, deps.clock, deps.settings.files_dir,
                         user_id=user_id, channel=CHANNEL, sender_id=SENDER)

    assert outcome == Erased(chats=2, payments_kept=payments, work_orders_kept=1)
    with deps.session_factory.session_scope() as session:
        # gone
        assert _count(session, User, User.phone == PHONE) == 0
        assert _count(session, ChatIdentity, ChatIdentity.sender_id.in_([SENDER, WECHAT[1]])) == 0
        assert _count(session, Handoff) == 0
        assert _count(session, RealNameRecord, RealNameRecord.user_id == user_id) == 0
        assert _count(session, SmsMessage, SmsMessage.phone == PHONE) == 0
        assert _count(session, VerificationCode, VerificationCode.phone == PHONE) == 0
        assert _count(session, AccountBinding, AccountBinding.user_id == user_id) == 0
        assert _count(session, BindingConsentRequest) == 0
        assert _count(session, PaymentInstrument, PaymentInstrument.user_id == user_id) == 0
        assert _count(session, ErasureRequest) == 0
        assert session.get(Attachment, stray) is None
        assert _count(session, SlotVaultEntry) == 0
        assert _count(session, NumberedOptionSet, NumberedOptionSet.sender_id == WECHAT[1]) == 0
        assert sorted(session.scalars(select(TrackerErasure.sender_id))) == sorted([SENDER, WECHAT[1]])
        # kept, without the user
        account = session.scalars(
            select(ElectricityAccount).where(ElectricityAccount.account_number == "3301000001")
        ).one()
        assert account.owner_user_id is None
        assert _count(session, Payment) == all_payments
        assert _count(session, Payment, Payment.user_id == user_id) == 0
        payment = session.scalars(select(Payment).where(Payment.order_id == "PAYERASE0001")).one()
        assert (payment.user_id, payment.instrument_id, payment.amount_fen) == (None, None, 5000)
        assert payment.method == "招商银行储蓄卡(尾号1234)" and payment.receipt_no == "PR-ERASE-1"
        order = session.get(WorkOrder, order_id)
        assert order is not None and order.user_id is None
        assert order.form_data == {"applicant_name": "张伟", "applicant_id_masked": "3301**********123X",
                                   "address": "文三路100号"}
        document = session.scalars(select(Attachment).where(Attachment.work_order_id == order_id)).one()
        assert (document.user_id, document.channel, document.sender_id) == (None, None, None)
        # another user's data is untouched
        assert _count(session, User, User.phone == OTHER_PHONE) == 1
        assert _count(session, ChatIdentity, ChatIdentity.sender_id == "chat-2") == 1
        assert _count(session, NumberedOptionSet, NumberedOptionSet.sender_id == "chat-2") == 1
        assert _count(session, SmsMessage, SmsMessage.phone == OTHER_PHONE) == 1
    assert not stray_file.exists()
    assert document_file.exists()

    # The phone can register again: it is a new user.
    again = log_in(deps, PHONE)
    assert again.user_id != user_id and not again.real_name_verified


def test_erasure_needs_the_confirmation_asked_in_this_chat(action_deps: Services) -> None:
    deps = action_deps
    user_id, _, _ = _a_user_with_history(deps)

    def erase(channel: str = CHANNEL, sender: str = SENDER) -> Erased | ErasureRefusal:
        return erase_user(deps.session_factory, deps.clock, deps.settings.files_dir,
                          user_id=user_id, channel=channel, sender_id=sender)

    assert erase() is ErasureRefusal.NOT_ASKED  # never asked
    ask_erasure(deps.session_factory, deps.clock, user_id=user_id, channel=WECHAT[0], sender_id=WECHAT[1])
    assert erase() is ErasureRefusal.NOT_ASKED  # asked in another chat
    ask_erasure(deps.session_factory, deps.clock, user_id=user_id, channel=CHANNEL, sender_id=SENDER)
    clock_of(deps).advance(CONFIRMATION_WINDOW + timedelta(seconds=1))
    assert erase() is ErasureRefusal.NOT_ASKED  # asked too long ago
    ask_erasure(deps.session_factory, deps.clock, user_id=user_id, channel=CHANNEL, sender_id=SENDER)
    cancel_erasure(deps.session_factory, user_id=user_id)
    assert erase() is ErasureRefusal.NOT_ASKED  # cancelled

    with deps.session_factory.session_scope() as session:
        assert _count(session, User, User.id == user_id) == 1
        assert _count(session, ChatIdentity, ChatIdentity.user_id == user_id) == 2
        assert _count(session, RealNameRecord, RealNameRecord.user_id == user_id) == 1
        assert _count(session, TrackerErasure) == 0


def test_erasure_removes_the_state_of_the_users_hotline_calls(action_deps: Services) -> None:
    deps = action_deps
    user = log_in(deps, PHONE)
    log_in(deps, PHONE, channel="ivr", sender="call-1")
    log_in(deps, OTHER_PHONE, channel="ivr", sender="call-2")
    now = deps.clock.now()
    with deps.session_factory.session_scope() as session:
        session.add_all([
            IvrCall(conversation_id=call, caller=phone, started_at=now, expires_at=now + timedelta(minutes=5),
                    ended_at=None, misses=0, pending_text=None, digits="")
            for call, phone in (("call-1", PHONE), ("call-2", OTHER_PHONE))
        ])

    ask_erasure(deps.session_factory, deps.clock, user_id=user.user_id, channel=CHANNEL, sender_id=SENDER)
    erase_user(deps.session_factory, deps.clock, deps.settings.files_dir,
               user_id=user.user_id, channel=CHANNEL, sender_id=SENDER)

    with deps.session_factory.session_scope() as session:
        assert session.scalars(select(IvrCall.conversation_id)).all() == ["call-2"]
