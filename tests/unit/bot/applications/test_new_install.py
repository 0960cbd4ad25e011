"""新装: the applicant's read-only details, 个人新装 and 企业新装 with their identity branches,
server-side re-validation, appointments booked (and given back on failure), masked form data."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from stdnum.cn import uscc

from bot.applications import new_install, new_install_checks, new_install_forms
from bot.applications.addresses import AddressProblemReason
from bot.applications.appointments import Booked
from bot.applications.enterprise import InvoiceInfo, InvoiceProblemReason, InvoiceType, UsccRejection
from bot.applications.equipment import Equipment, EquipmentRejection
from bot.applications.new_install import submit_enterprise_install, submit_personal_install
from bot.applications.new_install_forms import (
    Applicant,
    EnterpriseInstall,
    EnterpriseRole,
    InstallProblem,
    InstallProblemReason,
    InstallSubmitted,
    InstallType,
    PersonalInstall,
    ProofRole,
    applicant_details,
)
from bot.clock import FixedClock
from bot.db.enums import HalfDay, WorkOrderKind, WorkOrderStatus
from bot.db.models import Attachment, WorkOrder
from bot.db.session import SessionFactory
from bot.identity.real_name import NameRejection
from tests.unit.db_factories import add_upload, booked_places, slot_id_of, user_id_of

ZHANG = "13800000001"  # 张伟, verified
UNVERIFIED = "13800000003"
CODE = "91330106MA2B3C4D5" + uscc.calc_check_digit("91330106MA2B3C4D5")
BANK_ACCOUNT = "1202021209001234567"
INVOICE = InvoiceInfo(
    InvoiceType.SPECIAL, "杭州西湖示范科技有限公司", CODE, "浙江省杭州市西湖区文三路100号",
    "0571-87654321", "中国工商银行杭州西湖支行", BANK_ACCOUNT,
)


def _attachment(sf: SessionFactory, phone: str = ZHANG) -> int:
    return add_upload(sf, phone)


def _slot(sf: SessionFactory, day: date = date(2026, 11, 24), half: HalfDay = HalfDay.AFTERNOON,
          region_code: str = "330106") -> int:
    return slot_id_of(sf, region_code, day, half)


def _booked(sf: SessionFactory, slot_id: int) -> int:
    return booked_places(sf, slot_id)


def _order(sf: SessionFactory, order_no: str) -> tuple[WorkOrder, list[int]]:
    with sf.session_scope() as session:
        order = session.scalars(select(WorkOrder).where(WorkOrder.order_no == order_no)).one()
        assert order.events  # loaded while the session is open
        return order, [a.id for a in order.attachments]


def _orders(sf: SessionFactory) -> int:
    with sf.session_scope() as session:
        return len(session.scalars(select(WorkOrder).where(WorkOrder.user_id.is_not(None))).all())


def _personal(sf: SessionFactory, **changes: Any) -> PersonalInstall:
    base = PersonalInstall(region_code="330106", address="文三路200号5幢101室", proof_role=ProofRole.OWNER,
                           property_certificate_id=_attachment(sf))
    return replace(base, **changes)


def _enterprise(sf: SessionFactory, **changes: Any) -> EnterpriseInstall:
    base = EnterpriseInstall(
        region_code="330106", transformer=False, equipment="空调 5kW 3台，电梯 15kW 1台",
        address="浙江省杭州市西湖区文三路100号", slot_id=_slot(sf), notice_read=True,
        entity_proof_type="营业执照", entity_proof_id=_attachment(sf), uscc=CODE.lower(),
        role=EnterpriseRole.LEGAL_REPRESENTATIVE, invoice=INVOICE,
    )
    return replace(base, **changes)


# --- the applicant ---------------------------------------------------------------


def test_applicant_details_come_from_the_real_name_record(demo_db: SessionFactory) -> None:
    applicant = applicant_details(demo_db, user_id=user_id_of(demo_db, ZHANG))
    assert applicant == Applicant("张伟", "138****0001", ZHANG, "3301**********123X")
    assert ZHANG not in repr(applicant)
    assert applicant_details(demo_db, user_id=user_id_of(demo_db, UNVERIFIED)) is None
    assert applicant_details(demo_db, user_id=999_999) is None


def test_install_types_are_the_work_order_kinds() -> None:
    assert InstallType("个人新装").kind is WorkOrderKind.RESIDENTIAL_INSTALL
    assert InstallType.ENTERPRISE.kind is WorkOrderKind.ENTERPRISE_INSTALL
    assert [r.value for r in ProofRole] == ["产权人", "经办人"]
    assert [r.value for r in EnterpriseRole] == ["法人代表", "经办人"]


# --- 个人新装 ---------------------------------------------------------------------


def test_an_owner_applies(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    application = _personal(demo_db)
    result = submit_personal_install(demo_db, fixed_clock, user_id=user_id_of(demo_db, ZHANG),
                                     application=application, note="线上受理")
    assert result == InstallSubmitted("GD20261123001", WorkOrderKind.RESIDENTIAL_INSTALL, WorkOrderStatus.ACCEPTED,
                                      date(2026, 11, 30))  # 5 working days
    order, attachments = _order(demo_db, result.order_no)
    assert attachments == [application.property_certificate_id]
    assert (order.account_id, order.events[0].note) == (None, "线上受理")
    assert order.form_data == {
        "install_type": "个人新装", "category": "低压居民",
        "applicant_name": "张伟", "applicant_id_masked": "3301**********123X", "applicant_phone_masked": "138****0001",
        "proof_role": "产权人",
        "region_code": "330106", "supply_company": "国网浙江省电力有限公司杭州供电公司",
        "address": "浙江省杭州市西湖区文三路200号5幢101室", "address_complete": True,
        "time_limit_working_days": 5, "documents_missing": [],
    }


def test_an_agent_applies_for_the_owner(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    application = _personal(demo_db, proof_role="经办人", owner_name="王 芳", owner_phone="+86 139-0000-0009",
                            authorisation_id=_attachment(demo_db))
    result = submit_personal_install(demo_db, fixed_clock, user_id=user_id_of(demo_db, ZHANG), application=application)
    assert isinstance(result, InstallSubmitted) and result.status is WorkOrderStatus.ACCEPTED
    order, attachments = _order(demo_db, result.order_no)
    assert sorted(attachments) == sorted([application.property_certificate_id, application.authorisation_id])
    assert order.form_data["proof_role"] == "经办人"
    assert (order.form_data["owner_name"], order.form_data["owner_phone_masked"]) == ("王芳", "139****0009")
    assert "13900000009" not in json.dumps(order.form_data, ensure_ascii=False)
    assert "13900000009" not in repr(application)


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"owner_name": None}, InstallProblem(InstallProblemReason.MISSING, "owner_name")),
        ({"owner_name": "W"},
         InstallProblem(InstallProblemReason.BAD_NAME, "owner_name", NameRejection.BAD_CHARACTERS)),
        ({"owner_phone": ""}, InstallProblem(InstallProblemReason.MISSING, "owner_phone")),
        ({"owner_phone": "0571-87654321"}, InstallProblem(InstallProblemReason.BAD_PHONE, "owner_phone")),
        ({"authorisation_id": None}, InstallProblem(InstallProblemReason.DOCUMENT_MISSING, "authorisation_id")),
    ],
)
def test_an_agent_needs_the_owner_and_an_authorisation(
    demo_db: SessionFactory, fixed_clock: FixedClock, changes: dict[str, Any], problem: InstallProblem
) -> None:
    application = _personal(demo_db, proof_role=ProofRole.AGENT, owner_name="王芳", owner_phone="13900000009",
                            authorisation_id=_attachment(demo_db))
    result = submit_personal_install(demo_db, fixed_clock, user_id=user_id_of(demo_db, ZHANG),
                                     application=replace(application, **changes))
    assert result == problem
    assert _orders(demo_db) == 0


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"region_code": "999999"}, InstallProblem(InstallProblemReason.UNKNOWN_REGION, "region_code")),
        ({"region_code": ""}, InstallProblem(InstallProblemReason.UNKNOWN_REGION, "region_code")),
        ({"address": "杭州市上城区解放路58号"},
         InstallProblem(InstallProblemReason.BAD_ADDRESS, "address", AddressProblemReason.OUTSIDE_REGION)),
        ({"address": "西湖边"},
         InstallProblem(InstallProblemReason.BAD_ADDRESS, "address", AddressProblemReason.TOO_VAGUE)),
        ({"proof_role": "房东"}, InstallProblem(InstallProblemReason.UNKNOWN_CHOICE, "proof_role")),
        ({"proof_role": None}, InstallProblem(InstallProblemReason.MISSING, "proof_role")),
        ({"property_certificate_id": None},
         InstallProblem(InstallProblemReason.DOCUMENT_MISSING, "property_certificate_id")),
        ({"property_certificate_id": 999_999},
         InstallProblem(InstallProblemReason.ATTACHMENT_NOT_FOUND, "property_certificate_id")),
        ({"owner_name": "王芳"}, InstallProblem(InstallProblemReason.NOT_APPLICABLE, "owner_name")),
        ({"authorisation_id": 1}, InstallProblem(InstallProblemReason.NOT_APPLICABLE, "authorisation_id")),
    ],
)
def test_personal_problems(
    demo_db: SessionFactory, fixed_clock: FixedClock, changes: dict[str, Any], problem: InstallProblem
) -> None:
    result = submit_personal_install(demo_db, fixed_clock, user_id=user_id_of(demo_db, ZHANG),
                                     application=_personal(demo_db, **changes))
    assert result == problem
    assert _orders(demo_db) == 0


def test_only_verified_users_apply(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    user_id = user_id_of(demo_db, UNVERIFIED)
    application = _personal(demo_db, property_certificate_id=_attachment(demo_db, UNVERIFIED))
    assert submit_personal_install(demo_db, fixed_clock, user_id=user_id, application=application) == InstallProblem(
        InstallProblemReason.NOT_VERIFIED, "applicant"
    )


def test_someone_elses_upload_is_not_usable(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    application = _personal(demo_db, property_certificate_id=_attachment(demo_db, UNVERIFIED))
    result = submit_personal_install(demo_db, fixed_clock, user_id=user_id_of(demo_db, ZHANG), application=application)
    assert result == InstallProblem(InstallProblemReason.ATTACHMENT_NOT_FOUND, "property_certificate_id")


def test_one_upload_cannot_be_two_documents(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    same = _attachment(demo_db)
    application = _personal(demo_db, proof_role=ProofRole.AGENT, owner_name="王芳", owner_phone="13900000009",
                            property_certificate_id=same, authorisation_id=same)
    result = submit_personal_install(demo_db, fixed_clock, user_id=user_id_of(demo_db, ZHANG), application=application)
    assert result == InstallProblem(InstallProblemReason.ATTACHMENT_NOT_FOUND, "authorisation_id")


def test_documents_later_leaves_the_date_open(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    application = _personal(demo_db, proof_role=ProofRole.AGENT, owner_name="王芳", owner_phone="13900000009",
                            property_certificate_id=None, documents_later=True)
    result = submit_personal_install(demo_db, fixed_clock, user_id=user_id_of(demo_db, ZHANG), application=application)
    assert result == InstallSubmitted("GD20261123001", WorkOrderKind.RESIDENTIAL_INSTALL,
                                      WorkOrderStatus.AWAITING_DOCUMENTS, None)
    order, attachments = _order(demo_db, result.order_no)
    assert attachments == []
    assert order.form_data["documents_missing"] == ["property_certificate_id", "authorisation_id"]


def test_the_same_application_twice_is_refused(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    user_id = user_id_of(demo_db, ZHANG)
    first = submit_personal_install(demo_db, fixed_clock, user_id=user_id, application=_personal(demo_db))
    assert isinstance(first, InstallSubmitted)
    again = submit_personal_install(demo_db, fixed_clock, user_id=user_id,
                                    application=_personal(demo_db, address="浙江省杭州市西湖区文三路200号5幢101室"))
    assert again == InstallProblem(InstallProblemReason.ORDER_IN_PROGRESS, "address", order_no=first.order_no)
    other = submit_personal_install(demo_db, fixed_clock, user_id=user_id,
                                    application=_personal(demo_db, address="文三路202号"))
    assert isinstance(other, InstallSubmitted)


# --- 企业新装 ---------------------------------------------------------------------


def _submit_enterprise(
    sf: SessionFactory, clock: FixedClock, application: EnterpriseInstall
) -> InstallSubmitted | InstallProblem:
    return submit_enterprise_install(sf, clock, user_id=user_id_of(sf, ZHANG), application=application)


def test_a_legal_representative_applies(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    application = _enterprise(demo_db, remark="请先电话联系13800000001，谢谢")
    slot_id = int(application.slot_id or 0)
    result = submit_enterprise_install(demo_db, fixed_clock, user_id=user_id_of(demo_db, ZHANG),
                                       application=application)
    assert result == InstallSubmitted(
        "GD20261123001", WorkOrderKind.ENTERPRISE_INSTALL, WorkOrderStatus.ACCEPTED,
        date(2026, 12, 14),  # 15 working days
        Booked(slot_id, date(2026, 11, 24), HalfDay.AFTERNOON),
    )
    assert _booked(demo_db, slot_id) == 1
    order, attachments = _order(demo_db, result.order_no)
    assert attachments == [application.entity_proof_id]
    data = order.form_data
    assert data == {
        "install_type": "企业新装", "category": "低压非居民",
        "applicant_name": "张伟", "applicant_id_masked": "3301**********123X", "applicant_phone_masked": "138****0001",
        "role": "法人代表", "company_name": "杭州西湖示范科技有限公司", "uscc": CODE, "entity_proof_type": "营业执照",
        "equipment": [
            {"name": "空调", "power_kw": "5", "quantity": 3}, {"name": "电梯", "power_kw": "15", "quantity": 1},
        ],
        "total_capacity_kw": "30",
        "region_code": "330106", "supply_company": "国网浙江省电力有限公司杭州供电公司",
        "address": "浙江省杭州市西湖区文三路100号", "address_complete": True,
        "invoice": {
            "invoice_type": "增值税专用发票", "company_name": "杭州西湖示范科技有限公司", "tax_number": CODE,
            "address": "浙江省杭州市西湖区文三路100号", "phone_masked": "0571-****4321",
            "bank_name": "中国工商银行杭州西湖支行", "bank_account_masked": "尾号4567",
        },
        "remark": "请先电话联系138****0001，谢谢",
        "time_limit_working_days": 15, "documents_missing": [],
        "appointment": {"slot_id": slot_id, "region_code": "330106", "date": "2026-11-24", "half": "下午"},
    }
    stored = json.dumps(data, ensure_ascii=False)
    for secret in (BANK_ACCOUNT, "87654321", ZHANG, "33010619900101123X"):
        assert secret not in stored


def test_an_agent_brings_the_authorisation_and_the_legal_representatives_id(
    demo_db: SessionFactory, fixed_clock: FixedClock
) -> None:
    user_id = user_id_of(demo_db, ZHANG)
    application = _enterprise(demo_db, role="经办人")
    assert submit_enterprise_install(demo_db, fixed_clock, user_id=user_id, application=application) == InstallProblem(
        InstallProblemReason.MISSING, "legal_rep_name"
    )
    application = replace(application, legal_rep_name="欧阳 娜娜")
    assert submit_enterprise_install(demo_db, fixed_clock, user_id=user_id, application=application) == InstallProblem(
        InstallProblemReason.DOCUMENT_MISSING, "authorisation_id"
    )
    application = replace(application, authorisation_id=_attachment(demo_db))
    assert submit_enterprise_install(demo_db, fixed_clock, user_id=user_id, application=application) == InstallProblem(
        InstallProblemReason.DOCUMENT_MISSING, "legal_rep_id_id"
    )
    application = replace(application, legal_rep_id_id=_attachment(demo_db))
    result = submit_enterprise_install(demo_db, fixed_clock, user_id=user_id, application=application)
    assert isinstance(result, InstallSubmitted)
    order, attachments = _order(demo_db, result.order_no)
    assert (order.form_data["role"], order.form_data["legal_rep_name"]) == ("经办人", "欧阳娜娜")
    assert sorted(attachments) == sorted(
        [application.entity_proof_id, application.authorisation_id, application.legal_rep_id_id]
    )


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        (None, InstallProblem(InstallProblemReason.MISSING, "legal_rep_name")),
        ("  ", InstallProblem(InstallProblemReason.MISSING, "legal_rep_name")),
        ("王", InstallProblem(InstallProblemReason.BAD_NAME, "legal_rep_name", NameRejection.TOO_SHORT)),
        ("Wang Fang", InstallProblem(InstallProblemReason.BAD_NAME, "legal_rep_name", NameRejection.BAD_CHARACTERS)),
    ],
)
def test_an_agent_names_the_legal_representative(
    demo_db: SessionFactory, fixed_clock: FixedClock, name: str | None, problem: InstallProblem
) -> None:
    """Checked right after the role, before the agent's documents."""
    application = _enterprise(demo_db, role=EnterpriseRole.AGENT, legal_rep_name=name)
    assert _submit_enterprise(demo_db, fixed_clock, application) == problem
    assert _orders(demo_db) == 0


def test_a_legal_representative_names_no_one_else(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    application = _enterprise(demo_db, legal_rep_name="王芳")
    assert _submit_enterprise(demo_db, fixed_clock, application) == InstallProblem(
        InstallProblemReason.NOT_APPLICABLE, "legal_rep_name"
    )


def test_the_enterprise_notice() -> None:
    text = new_install_forms.enterprise_notice_text()
    assert text.startswith("# 低压非居民企业新装业务办理须知")
    for point in ("15个工作日", "资料齐全", "节假日顺延", "专用变压器", "营业厅", "授权委托书", "法人代表",
                  "营业执照", "现场勘查", "不收取任何费用", "待补充资料", "95598"):
        assert point in text, point
    numbers = [line.split(".", 1)[0] for line in text.splitlines()[2:] if line]
    assert numbers == [str(n) for n in range(1, len(numbers) + 1)]
    assert new_install_forms.enterprise_notice_text() is text  # read once


def test_a_transformer_means_high_voltage_at_a_counter(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    for phone in (ZHANG, UNVERIFIED):
        result = submit_enterprise_install(demo_db, fixed_clock, user_id=user_id_of(demo_db, phone),
                                           application=_enterprise(demo_db, transformer=True))
        assert result == InstallProblem(InstallProblemReason.HIGH_VOLTAGE_OFFLINE, "transformer")
    assert _orders(demo_db) == 0


def _forged_invoice(**changes: Any) -> InvoiceInfo:
    return replace(INVOICE, **changes)


OTHER_CODE = "91330106MA2B3C4D6" + uscc.calc_check_digit("91330106MA2B3C4D6")


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"notice_read": False}, InstallProblem(InstallProblemReason.NOTICE_NOT_READ, "notice_read")),
        ({"equipment": "空调"},
         InstallProblem(InstallProblemReason.BAD_EQUIPMENT, "equipment", EquipmentRejection.NOTHING_RECOGNISED)),
        ({"equipment": [Equipment("空调", Decimal(0), 1)]},
         InstallProblem(InstallProblemReason.BAD_EQUIPMENT, "equipment", EquipmentRejection.NON_POSITIVE_POWER)),
        ({"address": "北京市朝阳区建国路88号"},
         InstallProblem(InstallProblemReason.BAD_ADDRESS, "address", AddressProblemReason.OUTSIDE_REGION)),
        ({"slot_id": None}, InstallProblem(InstallProblemReason.MISSING, "slot_id")),
        ({"entity_proof_type": "身份证"}, InstallProblem(InstallProblemReason.UNKNOWN_CHOICE, "entity_proof_type")),
        ({"entity_proof_id": None}, InstallProblem(InstallProblemReason.DOCUMENT_MISSING, "entity_proof_id")),
        ({"uscc": " "}, InstallProblem(InstallProblemReason.MISSING, "uscc")),
        ({"uscc": CODE[:-1]}, InstallProblem(InstallProblemReason.BAD_USCC, "uscc", UsccRejection.LENGTH)),
        ({"role": "董事长"}, InstallProblem(InstallProblemReason.UNKNOWN_CHOICE, "role")),
        ({"authorisation_id": 5}, InstallProblem(InstallProblemReason.NOT_APPLICABLE, "authorisation_id")),
        ({"invoice": None}, InstallProblem(InstallProblemReason.MISSING, "invoice")),
        ({"invoice": _forged_invoice(bank_account="12")},
         InstallProblem(InstallProblemReason.BAD_INVOICE, "invoice.bank_account",
                        InvoiceProblemReason.BAD_BANK_ACCOUNT)),
        ({"invoice": _forged_invoice(tax_number=OTHER_CODE)},
         InstallProblem(InstallProblemReason.TAX_NUMBER_MISMATCH, "invoice.tax_number")),
        ({"remark": "备" * 201}, InstallProblem(InstallProblemReason.REMARK_TOO_LONG, "remark")),
    ],
)
def test_enterprise_problems(
    demo_db: SessionFactory, fixed_clock: FixedClock, changes: dict[str, Any], problem: InstallProblem
) -> None:
    application = _enterprise(demo_db, **changes)
    result = _submit_enterprise(demo_db, fixed_clock, application)
    assert result == problem
    assert _booked(demo_db, _slot(demo_db)) == 0
    assert _orders(demo_db) == 0


@pytest.mark.parametrize(
    ("slot", "reason"),
    [
        ((date(2026, 11, 24), HalfDay.MORNING, "330106"), InstallProblemReason.SLOT_FULL),  # the seeded full one
        ((date(2026, 11, 24), HalfDay.AFTERNOON, "330102"), InstallProblemReason.SLOT_NOT_OFFERED),  # another district
        ((date(2026, 12, 3), HalfDay.MORNING, "330106"), InstallProblemReason.SLOT_NOT_OFFERED),  # the 8th working day
    ],
)
def test_the_slot_is_checked_by_booking_it(
    demo_db: SessionFactory, fixed_clock: FixedClock, slot: tuple[date, HalfDay, str], reason: InstallProblemReason
) -> None:
    slot_id = _slot(demo_db, *slot)
    before = _booked(demo_db, slot_id)
    result = submit_enterprise_install(demo_db, fixed_clock, user_id=user_id_of(demo_db, ZHANG),
                                       application=_enterprise(demo_db, slot_id=slot_id))
    assert result == InstallProblem(reason, "slot_id")
    assert _booked(demo_db, slot_id) == before
    assert _orders(demo_db) == 0


@pytest.mark.parametrize("forged", [999_999, "abc", -3])
def test_forged_slot_ids(demo_db: SessionFactory, fixed_clock: FixedClock, forged: object) -> None:
    result = submit_enterprise_install(demo_db, fixed_clock, user_id=user_id_of(demo_db, ZHANG),
                                       application=_enterprise(demo_db, slot_id=forged))
    assert result == InstallProblem(InstallProblemReason.SLOT_NOT_OFFERED, "slot_id")


def test_the_slot_is_given_back_when_the_order_fails(
    demo_db: SessionFactory, fixed_clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> WorkOrder:
        raise RuntimeError("database went away")

    monkeypatch.setattr(new_install, "create_work_order", broken)
    application = _enterprise(demo_db)
    with pytest.raises(RuntimeError):
        submit_enterprise_install(demo_db, fixed_clock, user_id=user_id_of(demo_db, ZHANG), application=application)
    assert _booked(demo_db, int(application.slot_id or 0)) == 0
    assert _orders(demo_db) == 0


def test_an_upload_taken_meanwhile_gives_back_the_slot(
    demo_db: SessionFactory, fixed_clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check passed, then linking fails (a concurrent submission used the upload)."""
    monkeypatch.setattr(new_install_checks, "usable_attachment", lambda session, user_id, attachment_id: session.get(
        Attachment, int(attachment_id)))
    application = _enterprise(demo_db, entity_proof_id=_attachment(demo_db, UNVERIFIED))
    result = _submit_enterprise(demo_db, fixed_clock, application)
    assert result == InstallProblem(InstallProblemReason.ATTACHMENT_NOT_FOUND, "attachments")
    assert _booked(demo_db, int(application.slot_id or 0)) == 0
    assert _orders(demo_db) == 0


def test_enterprise_documents_later(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    application = _enterprise(demo_db, role=EnterpriseRole.AGENT, legal_rep_name="王芳", entity_proof_id=None,
                              documents_later=True,
                              equipment=[Equipment("水泵", Decimal("7.5"), 2)],
                              invoice=InvoiceInfo(InvoiceType.ORDINARY, "杭州西湖示范科技有限公司", CODE))
    result = _submit_enterprise(demo_db, fixed_clock, application)
    assert isinstance(result, InstallSubmitted)
    assert (result.status, result.promised_by) == (WorkOrderStatus.AWAITING_DOCUMENTS, None)
    assert result.appointment is not None  # the survey is booked all the same
    order, _attachments = _order(demo_db, result.order_no)
    assert order.form_data["documents_missing"] == ["entity_proof_id", "authorisation_id", "legal_rep_id_id"]
    assert order.form_data["total_capacity_kw"] == "15"
    assert order.form_data["invoice"] == {
        "invoice_type": "增值税普通发票", "company_name": "杭州西湖示范科技有限公司", "tax_number": CODE,
    }
