"""更名 / 过户: eligibility on the demo accounts, applicant roles, settlement, submission."""
from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from bot.accounts.binding import Bound, bind
from bot.applications.rename_transfer import (
    ApplicantRole,
    Eligible,
    RenameRefusal,
    RenameRefused,
    Settlement,
    SettlementProblem,
    applicant_role,
    check_eligibility,
    notice_text,
    settlement_options,
    settlement_problem,
)
from bot.applications.rename_transfer_filing import (
    Application,
    SubmitProblem,
    SubmitProblemReason,
    Submitted,
    submit_application,
)
from bot.applications.work_orders import order_for_user
from bot.billing.bills import BalanceView, balance
from bot.clock import CHINA_TZ, FixedClock
from bot.db.enums import AccountCategory, HolderKind, WorkOrderKind, WorkOrderStatus
from bot.db.id_hash import hash_id_number
from bot.db.models import Attachment, ElectricityAccount, WorkOrder
from bot.db.session import SessionFactory
from bot.identity.real_name import IdRejection, NameRejection
from tests.unit.db_factories import user_id_of

RENAME, TRANSFER = WorkOrderKind.RENAME, WorkOrderKind.TRANSFER
ZHANG, LI, NO_NAME = "13800000001", "13800000002", "13800000003"
LI_NA_ID = "330106198512152347"
ZHANG_WEI_ID = "33010619900101123X"
ZHOU_MIN_ID = "330106198709094523"
SEEDED_ORDER = "GD20261120001"


def _bound(sf: SessionFactory, clock: FixedClock, phone: str, account_number: str) -> int:
    user_id = user_id_of(sf, phone)
    assert isinstance(bind(sf, clock, user_id=user_id, account_number=account_number), Bound)
    return user_id


def _due(sf: SessionFactory, clock: FixedClock, user_id: int, account_number: str) -> BalanceView:
    view = balance(sf, clock, user_id=user_id, account_number=account_number)
    assert isinstance(view, BalanceView)
    return view


def _attachment(sf: SessionFactory, user_id: int | None) -> int:
    with sf.session_scope() as session:
        attachment = Attachment(
            user_id=user_id, channel="rest", sender_id=f"sender-{user_id}", kind="chat_upload",
            filename="证明.pdf", content_type="application/pdf", size_bytes=2048, sha256="1" * 64,
            storage_path="uploads/11/x.pdf", uploaded_at=datetime(2026, 11, 23, 8, 0, tzinfo=CHINA_TZ),
        )
        session.add(attachment)
        session.flush()
        return attachment.id


def _order(sf: SessionFactory, order_no: str) -> WorkOrder:
    with sf.session_scope() as session:
        order = session.scalars(select(WorkOrder).where(WorkOrder.order_no == order_no)).one()
        _ = order.events, order.attachments, order.account
        return order


def _order_count(sf: SessionFactory) -> int:
    with sf.session_scope() as session:
        return session.scalar(select(func.count()).select_from(WorkOrder))


# --- eligibility -----------------------------------------------------------------


@pytest.mark.parametrize("kind", [RENAME, TRANSFER])
def test_zhang_wei_may_apply_for_his_account(
    demo_db: SessionFactory, fixed_clock: FixedClock, kind: WorkOrderKind
) -> None:
    user_id = user_id_of(demo_db, ZHANG)
    due = _due(demo_db, fixed_clock, user_id, "3301000001")
    assert due.total_due_fen > 0 and all(bill.overdue_days == 0 for bill in due.unpaid)  # owed, not overdue
    assert check_eligibility(demo_db, fixed_clock, user_id=user_id, account_number="3301000001", kind=kind) == Eligible(
        account_number="3301000001", holder_masked="张*", category=AccountCategory.RESIDENTIAL,
        arrears_fen=due.total_due_fen, prepaid_balance_fen=0,
    )


@pytest.mark.parametrize("kind", [RENAME, TRANSFER])
def test_an_open_order_of_either_kind_blocks_both(
    demo_db: SessionFactory, fixed_clock: FixedClock, kind: WorkOrderKind
) -> None:
    user_id = _bound(demo_db, fixed_clock, LI, "3301000004")
    assert check_eligibility(demo_db, fixed_clock, user_id=user_id, account_number="3301000004", kind=kind) == (
        RenameRefused(RenameRefusal.ORDER_IN_PROGRESS, order_no=SEEDED_ORDER, order_kind=RENAME,
                      order_status=WorkOrderStatus.REVIEWING)
    )


def test_a_finished_order_no_longer_blocks(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    user_id = _bound(demo_db, fixed_clock, LI, "3301000004")
    with demo_db.session_scope() as session:
        session.scalars(select(WorkOrder)).one().status = WorkOrderStatus.COMPLETED
    assert isinstance(
        check_eligibility(demo_db, fixed_clock, user_id=user_id, account_number="3301000004", kind=TRANSFER), Eligible
    )


@pytest.mark.parametrize(
    ("account_number", "category", "holder_kind"),
    [
        ("6501000001", AccountCategory.HIGH_VOLTAGE, HolderKind.ENTERPRISE),
        ("1101000002", AccountCategory.NON_RESIDENTIAL, HolderKind.ENTERPRISE),
    ],
)
@pytest.mark.parametrize("kind", [RENAME, TRANSFER])
def test_high_voltage_and_enterprise_accounts_go_offline(
    demo_db: SessionFactory, fixed_clock: FixedClock, account_number: str, category: AccountCategory,
    holder_kind: HolderKind, kind: WorkOrderKind,
) -> None:
    user_id = _bound(demo_db, fixed_clock, LI, account_number)
    assert check_eligibility(demo_db, fixed_clock, user_id=user_id, account_number=account_number, kind=kind) == (
        RenameRefused(RenameRefusal.CATEGORY, category=category, holder_kind=holder_kind)
    )


def test_overdue_arrears_refuse_a_transfer_but_not_a_rename(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    user_id = _bound(demo_db, fixed_clock, LI, "3301000005")
    due = _due(demo_db, fixed_clock, user_id, "3301000005")
    assert due.late_fee_fen > 0 and any(bill.overdue_days > 0 for bill in due.unpaid)
    assert check_eligibility(demo_db, fixed_clock, user_id=user_id, account_number="3301000005", kind=TRANSFER) == (
        RenameRefused(RenameRefusal.OVERDUE_ARREARS, amount_due_fen=due.total_due_fen)
    )
    renaming = check_eligibility(demo_db, fixed_clock, user_id=user_id, account_number="3301000005", kind=RENAME)
    assert renaming == Eligible(
        account_number="3301000005", holder_masked="陈*", category=AccountCategory.NON_RESIDENTIAL,
        arrears_fen=due.total_due_fen, prepaid_balance_fen=0,
    )


@pytest.mark.parametrize("account_number", ["3301000002", "6501000001", "3301000004", "3309999999", "不是户号", ""])
def test_an_account_not_bound_by_the_user_reveals_nothing(
    demo_db: SessionFactory, fixed_clock: FixedClock, account_number: str
) -> None:
    user_id = user_id_of(demo_db, ZHANG)
    for kind in (RENAME, TRANSFER):
        assert check_eligibility(demo_db, fixed_clock, user_id=user_id, account_number=account_number, kind=kind) == (
            RenameRefused(RenameRefusal.NOT_BOUND)
        )


def test_only_rename_and_transfer_are_assessed(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    with pytest.raises(ValueError):
        check_eligibility(demo_db, fixed_clock, user_id=1, account_number="3301000001",
                          kind=WorkOrderKind.FAULT_REPAIR)


# --- applicant role --------------------------------------------------------------


def test_applicant_roles(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    zhang = user_id_of(demo_db, ZHANG)
    assert applicant_role(demo_db, user_id=zhang, account_number="3301000001") is ApplicantRole.HOLDER
    li = _bound(demo_db, fixed_clock, LI, "3301000002")  # 王芳's account
    assert applicant_role(demo_db, user_id=li, account_number="3301000002") is ApplicantRole.AGENT
    nameless = _bound(demo_db, fixed_clock, NO_NAME, "3301000002")
    assert applicant_role(demo_db, user_id=nameless, account_number="3301000002") is None
    assert applicant_role(demo_db, user_id=zhang, account_number="3301000002") is None  # not bound


def test_the_certified_owner_is_the_holder_whatever_the_name(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    li = _bound(demo_db, fixed_clock, LI, "3301000004")
    with demo_db.session_scope() as session:
        account = session.scalars(select(ElectricityAccount).where(ElectricityAccount.account_number == "3301000004"))
        account.one().owner_user_id = li
    assert applicant_role(demo_db, user_id=li, account_number="3301000004") is ApplicantRole.HOLDER


def test_the_holder_is_decided_by_the_id_not_the_name(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    """A holder called 李娜 does not make 李娜 the holder; the holder's ID on the account does."""
    li = _bound(demo_db, fixed_clock, LI, "3301000002")
    with demo_db.session_scope() as session:
        account = session.scalars(select(ElectricityAccount).where(ElectricityAccount.account_number == "3301000002"))
        account.one().holder_name = "李娜"
    assert applicant_role(demo_db, user_id=li, account_number="3301000002") is ApplicantRole.AGENT
    with demo_db.session_scope() as session:
        account = session.scalars(select(ElectricityAccount).where(ElectricityAccount.account_number == "3301000002"))
        account.one().holder_id_hash = hash_id_number("330106198512152347")  # 李娜's ID
    assert applicant_role(demo_db, user_id=li, account_number="3301000002") is ApplicantRole.HOLDER


# --- settlement ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arrears", "prepaid", "options"),
    [
        (12_345, 0, (Settlement.PAY_OFF,)),
        (12_345, 5_600, (Settlement.PAY_OFF,)),  # owed money is paid first, whatever else
        (0, 5_600, (Settlement.BALANCE_TO_NEW_HOLDER, Settlement.REFUND_TO_OLD_HOLDER)),
        (0, 0, (Settlement.PAY_OFF,)),  # nothing to move
    ],
)
def test_settlement_options(arrears: int, prepaid: int, options: tuple[Settlement, ...]) -> None:
    assert settlement_options(arrears, prepaid) == options
    for choice in Settlement:
        problem = settlement_problem(choice, arrears, prepaid)
        assert (problem is None) == (choice in options)


@pytest.mark.parametrize(
    ("choice", "arrears", "prepaid", "problem"),
    [
        (None, 100, 0, SettlementProblem.MISSING),
        ("", 0, 100, SettlementProblem.MISSING),
        ("先过户再说", 0, 0, SettlementProblem.UNKNOWN),
        (Settlement.BALANCE_TO_NEW_HOLDER, 100, 0, SettlementProblem.PAY_ARREARS_FIRST),
        (Settlement.REFUND_TO_OLD_HOLDER, 100, 500, SettlementProblem.PAY_ARREARS_FIRST),
        (Settlement.PAY_OFF, 0, 500, SettlementProblem.CHOOSE_BALANCE),
        (Settlement.REFUND_TO_OLD_HOLDER, 0, 0, SettlementProblem.NO_BALANCE),
        (Settlement.BALANCE_TO_NEW_HOLDER, 0, 0, SettlementProblem.NO_BALANCE),
        ("余额转新户主", 0, 500, None),  # the value as a slot holds it
        (Settlement.PAY_OFF, 100, 0, None),
    ],
)
def test_settlement_problems(
    choice: Settlement | str | None, arrears: int, prepaid: int, problem: SettlementProblem | None
) -> None:
    assert settlement_problem(choice, arrears, prepaid) is problem


# --- notices ---------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "title"), [(RENAME, "低压更名业务办理须知"), (TRANSFER, "低压过户业务办理须知")])
def test_notices(kind: WorkOrderKind, title: str) -> None:
    text = notice_text(kind)
    assert text.splitlines()[0] == f"# {title}"
    points = re.findall(r"^(\d+)\. ", text, flags=re.MULTILINE)
    assert 6 <= len(points) <= 10 and points == [str(n) for n in range(1, len(points) + 1)]
    for phrase in ("身份证", "产权", "授权委托书", "经办人", "5个工作日", "不收取", "工单编号", "95598"):
        assert phrase in text, phrase
    assert ("预存电费余额" in text) and (("先结清" in text) == (kind is TRANSFER))


# --- submitting ------------------------------------------------------------------


def _application(**changes: object) -> Application:
    base = Application(new_holder_name="周敏", new_holder_id_number=ZHOU_MIN_ID, contact_phone="+86 139-0000-1234")
    return replace(base, **changes)


def _submit(sf: SessionFactory, clock: FixedClock, user_id: int, account_number: str, kind: WorkOrderKind,
            application: Application) -> Submitted | RenameRefused | SubmitProblem:
    return submit_application(sf, clock, user_id=user_id, account_number=account_number, kind=kind,
                              application=application, note="智能客服受理")


def _assert_masked(order: WorkOrder, *numbers: str) -> None:
    stored = json.dumps(order.form_data, ensure_ascii=False)
    for number in numbers:
        assert number not in stored


def test_a_rename_by_the_holder(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    zhang = user_id_of(demo_db, ZHANG)
    result = _submit(demo_db, fixed_clock, zhang, "3301000001", RENAME, _application())
    assert result == Submitted("GD20261123001", WorkOrderStatus.ACCEPTED, date(2026, 11, 30), RENAME)

    order = _order(demo_db, "GD20261123001")
    assert (order.user_id, order.account.account_number) == (zhang, "3301000001")
    assert order.form_data == {
        "applicant_name": "张伟", "applicant_role": "户主本人", "new_holder_name": "周敏",
        "new_holder_id_masked": "3301**********4523", "contact_phone_masked": "139****1234",
        "settlement": None, "documents_missing": [],
    }
    _assert_masked(order, ZHOU_MIN_ID, "13900001234")
    assert [(e.status, e.note, e.at) for e in order.events] == [
        (WorkOrderStatus.ACCEPTED, "智能客服受理", fixed_clock.now())
    ]
    assert order.attachments == []
    view = order_for_user(demo_db, user_id=zhang, order_no="GD20261123001")
    assert view is not None and view.status is WorkOrderStatus.ACCEPTED

    again = _submit(demo_db, fixed_clock, zhang, "3301000001", TRANSFER, _application(settlement=Settlement.PAY_OFF))
    assert again == RenameRefused(RenameRefusal.ORDER_IN_PROGRESS, order_no="GD20261123001", order_kind=RENAME,
                                  order_status=WorkOrderStatus.ACCEPTED)


def test_a_transfer_by_the_holder_with_arrears_pays_off_first(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    zhang = user_id_of(demo_db, ZHANG)
    certificate = _attachment(demo_db, zhang)
    due = _due(demo_db, fixed_clock, zhang, "3301000001")
    result = _submit(demo_db, fixed_clock, zhang, "3301000001", TRANSFER,
                     _application(settlement="结清后过户", property_certificate_id=certificate))
    assert result == Submitted("GD20261123001", WorkOrderStatus.ACCEPTED, date(2026, 11, 30), TRANSFER)
    order = _order(demo_db, "GD20261123001")
    assert order.form_data["settlement"] == "结清后过户"
    assert (order.form_data["arrears_fen"], order.form_data["prepaid_balance_fen"]) == (due.total_due_fen, 0)
    assert [a.id for a in order.attachments] == [certificate]


def test_a_transfer_by_an_agent_moves_the_balance(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    li = _bound(demo_db, fixed_clock, LI, "3301000002")  # 王芳's account, 56.00 yuan prepaid, nothing owed
    certificate, attorney = _attachment(demo_db, li), _attachment(demo_db, li)
    result = _submit(demo_db, fixed_clock, li, "3301000002", TRANSFER, _application(
        settlement=Settlement.BALANCE_TO_NEW_HOLDER, property_certificate_id=certificate,
        agent_id_number="330106 19851215 2347", power_of_attorney_id=attorney,
    ))
    assert isinstance(result, Submitted) and result.status is WorkOrderStatus.ACCEPTED
    order = _order(demo_db, result.order_no)
    assert order.form_data == {
        "applicant_name": "李娜", "applicant_role": "经办人", "new_holder_name": "周敏",
        "new_holder_id_masked": "3301**********4523", "contact_phone_masked": "139****1234",
        "settlement": "余额转新户主", "documents_missing": [], "agent_id_masked": "3301**********2347",
        "arrears_fen": 0, "prepaid_balance_fen": 5600,
    }
    _assert_masked(order, ZHOU_MIN_ID, LI_NA_ID, "13900001234")
    assert sorted(a.id for a in order.attachments) == [certificate, attorney]


def test_documents_later_awaits_them_without_a_promised_date(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    li = _bound(demo_db, fixed_clock, LI, "3301000002")
    result = _submit(demo_db, fixed_clock, li, "3301000002", TRANSFER, _application(
        settlement=Settlement.REFUND_TO_OLD_HOLDER, agent_id_number=LI_NA_ID, documents_later=True,
    ))
    assert result == Submitted("GD20261123001", WorkOrderStatus.AWAITING_DOCUMENTS, None, TRANSFER)
    order = _order(demo_db, "GD20261123001")
    assert order.form_data["documents_missing"] == ["property_certificate_id", "power_of_attorney_id"]
    assert [e.status for e in order.events] == [WorkOrderStatus.AWAITING_DOCUMENTS]
    blocked = check_eligibility(demo_db, fixed_clock, user_id=li, account_number="3301000002", kind=RENAME)
    assert isinstance(blocked, RenameRefused) and blocked.order_status is WorkOrderStatus.AWAITING_DOCUMENTS


def test_documents_later_still_links_what_was_sent(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    li = _bound(demo_db, fixed_clock, LI, "3301000002")
    certificate = _attachment(demo_db, li)
    result = _submit(demo_db, fixed_clock, li, "3301000002", RENAME, _application(
        property_certificate_id=certificate, agent_id_number=LI_NA_ID, documents_later=True,
    ))
    assert isinstance(result, Submitted) and result.status is WorkOrderStatus.AWAITING_DOCUMENTS
    order = _order(demo_db, result.order_no)
    assert order.form_data["documents_missing"] == ["power_of_attorney_id"]
    assert [a.id for a in order.attachments] == [certificate]


def test_the_submission_rechecks_eligibility(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    zhang = user_id_of(demo_db, ZHANG)
    assert _submit(demo_db, fixed_clock, zhang, "3301000002", RENAME, _application()) == (
        RenameRefused(RenameRefusal.NOT_BOUND)
    )
    li = _bound(demo_db, fixed_clock, LI, "3301000005")
    transfer = _application(settlement=Settlement.PAY_OFF, agent_id_number=LI_NA_ID, documents_later=True)
    refused = _submit(demo_db, fixed_clock, li, "3301000005", TRANSFER, transfer)
    assert isinstance(refused, RenameRefused) and refused.reason is RenameRefusal.OVERDUE_ARREARS
    assert _order_count(demo_db) == 1  # the seeded one


def _holder_problem(sf: SessionFactory, clock: FixedClock, kind: WorkOrderKind, **changes: object) -> object:
    return _submit(sf, clock, user_id_of(sf, ZHANG), "3301000001", kind, _application(**changes))


@pytest.mark.parametrize(
    ("kind", "changes", "expected"),
    [
        (RENAME, {"new_holder_name": "Zhou Min"},
         SubmitProblem(SubmitProblemReason.BAD_NAME, "new_holder_name", NameRejection.BAD_CHARACTERS)),
        (RENAME, {"new_holder_name": "周"},
         SubmitProblem(SubmitProblemReason.BAD_NAME, "new_holder_name", NameRejection.TOO_SHORT)),
        (RENAME, {"new_holder_id_number": ZHOU_MIN_ID[:-1] + "4"},
         SubmitProblem(SubmitProblemReason.BAD_ID_NUMBER, "new_holder_id_number", IdRejection.BAD_CHECKSUM)),
        (RENAME, {"new_holder_id_number": "3301061987"},
         SubmitProblem(SubmitProblemReason.BAD_ID_NUMBER, "new_holder_id_number", IdRejection.BAD_LENGTH)),
        (RENAME, {"contact_phone": "0571-88886666"}, SubmitProblem(SubmitProblemReason.BAD_PHONE, "contact_phone")),
        (RENAME, {"new_holder_name": "X", "contact_phone": "1"},  # the first bad field is reported
         SubmitProblem(SubmitProblemReason.BAD_NAME, "new_holder_name", NameRejection.BAD_CHARACTERS)),
        (RENAME, {"settlement": Settlement.PAY_OFF}, SubmitProblem(SubmitProblemReason.NOT_APPLICABLE, "settlement")),
        (TRANSFER, {}, SubmitProblem(SubmitProblemReason.BAD_SETTLEMENT, "settlement", SettlementProblem.MISSING)),
        (TRANSFER, {"settlement": Settlement.REFUND_TO_OLD_HOLDER},
         SubmitProblem(SubmitProblemReason.BAD_SETTLEMENT, "settlement", SettlementProblem.PAY_ARREARS_FIRST)),
        (TRANSFER, {"settlement": Settlement.PAY_OFF},
         SubmitProblem(SubmitProblemReason.DOCUMENT_MISSING, "property_certificate_id")),
        (RENAME, {"property_certificate_id": 999_999},
         SubmitProblem(SubmitProblemReason.ATTACHMENT_NOT_FOUND, "property_certificate_id")),
    ],
)
def test_submit_problems_of_a_holder(
    demo_db: SessionFactory, fixed_clock: FixedClock, kind: WorkOrderKind, changes: dict[str, object],
    expected: SubmitProblem,
) -> None:
    assert _holder_problem(demo_db, fixed_clock, kind, **changes) == expected
    assert _order_count(demo_db) == 1


@pytest.mark.parametrize("owner", ["another_user", "nobody", "already_used"])
def test_attachments_must_be_the_applicants_own_and_unused(
    demo_db: SessionFactory, fixed_clock: FixedClock, owner: str
) -> None:
    zhang, li = user_id_of(demo_db, ZHANG), user_id_of(demo_db, LI)
    attachment_id = _attachment(demo_db, {"another_user": li, "nobody": None}.get(owner, zhang))
    if owner == "already_used":
        with demo_db.session_scope() as session:
            session.get(Attachment, attachment_id).work_order_id = session.scalar(select(WorkOrder.id))
    problem = _holder_problem(demo_db, fixed_clock, TRANSFER, settlement=Settlement.PAY_OFF,
                              property_certificate_id=attachment_id)
    assert problem == SubmitProblem(SubmitProblemReason.ATTACHMENT_NOT_FOUND, "property_certificate_id")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, SubmitProblem(SubmitProblemReason.MISSING, "agent_id_number")),
        ({"agent_id_number": LI_NA_ID[:-1] + "8"},
         SubmitProblem(SubmitProblemReason.BAD_ID_NUMBER, "agent_id_number", IdRejection.BAD_CHECKSUM)),
        ({"agent_id_number": ZHANG_WEI_ID}, SubmitProblem(SubmitProblemReason.AGENT_ID_MISMATCH, "agent_id_number")),
        ({"agent_id_number": LI_NA_ID}, SubmitProblem(SubmitProblemReason.DOCUMENT_MISSING, "power_of_attorney_id")),
        ({"agent_id_number": LI_NA_ID, "power_of_attorney_id": "certificate"},  # the same file twice
         SubmitProblem(SubmitProblemReason.ATTACHMENT_NOT_FOUND, "power_of_attorney_id")),
    ],
)
def test_submit_problems_of_an_agent(
    demo_db: SessionFactory, fixed_clock: FixedClock, changes: dict[str, object], expected: SubmitProblem
) -> None:
    li = _bound(demo_db, fixed_clock, LI, "3301000002")
    certificate = _attachment(demo_db, li)
    if changes.get("power_of_attorney_id") == "certificate":
        changes = {**changes, "power_of_attorney_id": certificate}
    application = _application(settlement=Settlement.BALANCE_TO_NEW_HOLDER, property_certificate_id=certificate,
                               **changes)
    assert _submit(demo_db, fixed_clock, li, "3301000002", TRANSFER, application) == expected
    assert _order_count(demo_db) == 1


def test_an_applicant_without_a_real_name_cannot_submit(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    nameless = _bound(demo_db, fixed_clock, NO_NAME, "3301000002")
    assert _submit(demo_db, fixed_clock, nameless, "3301000002", RENAME, _application()) == (
        SubmitProblem(SubmitProblemReason.NOT_VERIFIED, "applicant")
    )


def test_simultaneous_submissions_create_one_order(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    zhang = user_id_of(demo_db, ZHANG)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(
            lambda _: _submit(demo_db, fixed_clock, zhang, "3301000001", RENAME, _application()), range(4)))
    assert [type(r) for r in results].count(Submitted) == 1
    assert all(r.reason is RenameRefusal.ORDER_IN_PROGRESS for r in results if isinstance(r, RenameRefused))
    assert _order_count(demo_db) == 2


def test_application_repr_hides_numbers() -> None:
    text = repr(_application(agent_id_number=LI_NA_ID))
    assert "周敏" in text and ZHOU_MIN_ID not in text and LI_NA_ID not in text and "13900001234" not in text
