"""The 企业新装 branch of new_install_form, as 李娜 (13800000002, verified) on the seeded demo
data: 西湖区 (330106) has appointment slots, its first morning slot fully booked."""
from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.events import FollowupAction, SlotSet
from sqlalchemy import select, update
from stdnum.cn import uscc

from actions.applications.enterprise_install import (
    ActionAskAppointment,
    ActionAskCompanyName,
    ActionAskEnterpriseNotice,
    ActionAskEnterpriseRole,
)
from actions.applications.new_install import (
    ActionAskInstallCode,
    ActionSubmitNewInstall,
    ValidateNewInstallForm,
)
from actions.applications.new_install_summary import ActionAskInstallConfirmed
from actions.applications.progress import ActionQueryProgress
from bot.applications.appointments import slots_for
from bot.container import Services
from bot.db.enums import WorkOrderKind
from bot.db.models import AppointmentSlot, WorkOrder
from tests.unit.action_harness import (
    form_asking,
    log_in,
    make_tracker,
    required_slots,
    responses,
    run,
    sent_code,
    upload_pdf,
    validate,
)

FORM = "new_install_form"
USCC = "91330106MA2B3C4D5" + uscc.calc_check_digit("91330106MA2B3C4D5")
WEST_LAKE = "330106"




def _asked(slot: str, **slots: Any):
    return form_asking(FORM, slot, **{"install_type": "企业", **slots})


def _required(tracker) -> list[str]:
    return required_slots(ValidateNewInstallForm(), FORM, tracker)


def _free_and_full(deps: Services) -> tuple[list, list]:
    views = slots_for(deps.session_factory, deps.clock, region_code=WEST_LAKE)
    return [v for v in views if not v.full], [v for v in views if v.full]


def test_the_enterprise_questions_follow_the_app_in_order(action_deps: Services) -> None:
    legal = _required(_asked("ei_role", ei_role="法人代表", ei_invoice_type="增值税普通发票"))
    assert legal == [
        "install_type", "ni_region", "ei_transformer", "ei_equipment", "ni_address", "ni_address_ok", "ei_slot",
        "ei_notice_read", "ei_proof_type", "entity_proof", "ei_uscc", "ei_role", "ei_invoice_type",
        "ei_company_name", "ni_sms_code", "ei_remark", "ni_confirmed",
    ]
    agent = _required(_asked("ei_role", ei_role="经办人", ei_invoice_type="增值税专用发票"))
    assert agent[agent.index("ei_role"):] == [
        "ei_role", "ei_legal_rep_name", "power_of_attorney", "legal_rep_id", "ei_invoice_type", "ei_company_name",
        "ei_invoice_address", "ei_invoice_phone", "ei_invoice_bank", "ei_bank_account", "ni_sms_code",
        "ei_remark", "ni_confirmed",
    ]
    by_phone = _required(_asked("ei_role", channel="ivr", ei_role="经办人"))
    assert not {"entity_proof", "power_of_attorney", "legal_rep_id"} & set(by_phone)


def test_the_materials_notice_links_the_authorisation_template(action_deps: Services) -> None:
    messages, result = validate(ValidateNewInstallForm(), "ni_region", "西湖区", _asked("ni_region"))
    assert responses(messages) == ["utter_ei_materials"] and result["ni_region"] == WEST_LAKE
    assert messages[0]["template_url"].endswith(".pdf") and "/webhooks/files/" in messages[0]["template_url"]


@pytest.mark.parametrize(("answer", "kept"), [
    ("不安装", "不安装"), ("不需要", "不安装"), ("安装", "安装"), ("要装", "安装"),
])
def test_a_transformer_ends_the_online_application(action_deps: Services, answer: str, kept: str) -> None:
    messages, result = validate(ValidateNewInstallForm(), "ei_transformer", answer, _asked("ei_transformer"))
    assert result["ei_transformer"] == kept
    assert responses(messages) == (["utter_ei_high_voltage_offline"] if kept == "安装" else [])
    if kept == "安装":
        assert _required(_asked("ei_equipment", ei_transformer="安装")) == ["install_type", "ni_region"]


def test_unclear_transformer_answers_are_asked_again(action_deps: Services) -> None:
    messages, result = validate(ValidateNewInstallForm(), "ei_transformer", "什么意思", _asked("ei_transformer"))
    assert responses(messages) == ["utter_ei_transformer_unclear"] and result["ei_transformer"] is None


def test_equipment_is_listed_back_with_its_total_capacity(action_deps: Services) -> None:
    messages, result = validate(ValidateNewInstallForm(), "ei_equipment", "空调 5kW 3台，电梯 15kW 1台，照明60W 20个",
                                _asked("ei_equipment"))
    assert responses(messages) == ["utter_ei_equipment_total"]
    assert messages[0]["items"] == "空调 5kW×3；电梯 15kW×1；照明 0.06kW×20" and messages[0]["total"] == "31.2"
    assert result["ei_equipment"] == "空调 5kW 3台，电梯 15kW 1台，照明60W 20个"
    missing, result = validate(ValidateNewInstallForm(), "ei_equipment", "空调 3台", _asked("ei_equipment"))
    assert responses(missing) == ["utter_ei_equipment_no_power"] and missing[0]["item"] == "空调 3台"
    assert result["ei_equipment"] is None


def test_the_parsed_address_is_confirmed_or_typed_again(action_deps: Services) -> None:
    messages, result = validate(ValidateNewInstallForm(), "ni_address", "文三路100号",
                                _asked("ni_address", ni_region=WEST_LAKE))
    assert responses(messages) == ["utter_ni_address_parsed"] and result["ni_address_ok"] is None
    _, kept = validate(ValidateNewInstallForm(), "ni_address_ok", True, _asked("ni_address_ok"))
    assert kept["ni_address_ok"] is True
    again, cleared = validate(ValidateNewInstallForm(), "ni_address_ok", False, _asked("ni_address_ok"))
    assert responses(again) == ["utter_ni_address_retype"]
    assert cleared == {"ni_address": None, "ni_address_ok": None}


def test_free_slots_are_buttons_and_full_ones_are_marked(action_deps: Services) -> None:
    free, full = _free_and_full(action_deps)
    assert len(full) == 1 and len(free) == 13  # 7 working days x 2 halves, one full
    messages, _ = run(ActionAskAppointment(), _asked("ei_slot", ni_region=WEST_LAKE))
    assert responses(messages) == ["utter_ask_ei_slot", "utter_ei_slots_full"]
    offered = [button["payload"] for button in messages[0]["buttons"]]
    assert offered == [f'/inform{{"appointment_slot": "{view.id}"}}' for view in free]
    assert "已约满" not in messages[0]["buttons"][0]["title"] and messages[1]["slots"].endswith("上午")


def test_a_full_slot_cannot_be_chosen(action_deps: Services) -> None:
    free, full = _free_and_full(action_deps)
    messages, result = validate(ValidateNewInstallForm(), "ei_slot", str(full[0].id),
                                _asked("ei_slot", ni_region=WEST_LAKE))
    assert responses(messages) == ["utter_ei_slot_full"] and result["ei_slot"] is None
    _, chosen = validate(ValidateNewInstallForm(), "ei_slot", str(free[0].id), _asked("ei_slot", ni_region=WEST_LAKE))
    assert chosen["ei_slot"] == str(free[0].id)


def test_a_slot_can_be_typed(action_deps: Services) -> None:
    free, _ = _free_and_full(action_deps)
    afternoon = free[0]  # the first free slot is the first day's afternoon
    typed = f"{afternoon.slot_date.month}月{afternoon.slot_date.day}日下午"
    _, chosen = validate(ValidateNewInstallForm(), "ei_slot", typed, _asked("ei_slot", ni_region=WEST_LAKE))
    assert chosen["ei_slot"] == str(afternoon.id)
    nowhere, result = validate(ValidateNewInstallForm(), "ei_slot", "下个月", _asked("ei_slot", ni_region=WEST_LAKE))
    assert responses(nowhere) == ["utter_ei_slot_unclear"] and result["ei_slot"] is None


def test_the_notice_is_shown_and_must_be_confirmed(action_deps: Services) -> None:
    messages, _ = run(ActionAskEnterpriseNotice(), _asked("ei_notice_read"))
    assert "15个工作日" in messages[0]["text"] and responses(messages[1:]) == ["utter_ask_ei_notice_read"]
    refused, result = validate(ValidateNewInstallForm(), "ei_notice_read", "declined", _asked("ei_notice_read"))
    assert responses(refused) == ["utter_ei_notice_required"] and result["ei_notice_read"] is None


@pytest.mark.parametrize(("typed", "response"), [
    (USCC[:-1], "utter_ei_uscc_length"),
    (USCC[:-1] + ("0" if USCC[-1] != "0" else "1"), "utter_ei_uscc_checksum"),
    ("91330106MA2B3C4DIO", "utter_ei_uscc_format"),
])
def test_a_wrong_credit_code_is_explained(action_deps: Services, typed: str, response: str) -> None:
    messages, result = validate(ValidateNewInstallForm(), "ei_uscc", typed, _asked("ei_uscc"))
    assert responses(messages) == [response] and result["ei_uscc"] is None


def test_the_credit_code_is_taken_in_any_case_and_names_the_invoice(action_deps: Services) -> None:
    _, result = validate(ValidateNewInstallForm(), "ei_uscc", USCC.lower(), _asked("ei_uscc"))
    assert result["ei_uscc"] == USCC
    messages, _ = run(ActionAskCompanyName(), _asked("ei_company_name", ei_uscc=USCC))
    assert messages[0]["uscc"] == USCC


def test_the_role_question_shows_the_real_name_record(action_deps: Services) -> None:
    log_in(action_deps, "13800000002")
    messages, _ = run(ActionAskEnterpriseRole(), _asked("ei_role"))
    assert messages[0]["name"] == "李娜" and messages[0]["masked_phone"] == "138****0002"
    _, result = validate(ValidateNewInstallForm(), "ei_role", "我是法定代表人", _asked("ei_role"))
    assert result["ei_role"] == "法人代表"


@pytest.mark.parametrize(("slot", "typed", "expected"), [
    ("ei_invoice_phone", "0571 8765 4321", "0571-87654321"),
    ("ei_invoice_bank", "中国工商银行杭州文三路支行", "中国工商银行杭州文三路支行"),
    ("ei_bank_account", "1202 0212 0900 0123 456", "1202021209000123456"),
    ("ei_invoice_address", "浙江省杭州市西湖区文三路100号", "浙江省杭州市西湖区文三路100号"),
])
def test_special_invoice_fields_are_normalised(action_deps: Services, slot: str, typed: str, expected: str) -> None:
    _, result = validate(ValidateNewInstallForm(), slot, typed, _asked(slot))
    assert result[slot] == expected


@pytest.mark.parametrize(("slot", "typed", "response"), [
    ("ei_invoice_phone", "87654321", "utter_ei_invoice_phone_bad"),
    ("ei_invoice_bank", "招商", "utter_ei_invoice_bank_bad"),
    ("ei_bank_account", "12ab", "utter_ei_bank_account_bad"),
    ("ei_invoice_address", "杭州", "utter_ei_invoice_address_vague"),
    ("ei_company_name", "123", "utter_ei_company_name_bad"),
    ("ei_invoice_type", "收据", "utter_ei_invoice_type_unclear"),
])
def test_bad_invoice_fields_are_explained(action_deps: Services, slot: str, typed: str, response: str) -> None:
    messages, result = validate(ValidateNewInstallForm(), slot, typed, _asked(slot, ei_uscc=USCC))
    assert responses(messages) == [response] and result[slot] is None


def test_the_remark_is_optional_and_bounded(action_deps: Services) -> None:
    _, skipped = validate(ValidateNewInstallForm(), "ei_remark", "无", _asked("ei_remark"))
    assert skipped["ei_remark"] == "无"
    too_long, result = validate(ValidateNewInstallForm(), "ei_remark", "请" * 201, _asked("ei_remark"))
    assert responses(too_long) == ["utter_ei_remark_too_long"] and result["ei_remark"] is None


def _agent_application(deps: Services, slot_id: int) -> dict[str, Any]:
    return {
        "ni_region": WEST_LAKE, "ei_transformer": "不安装", "ei_equipment": "空调 5kW 3台，电梯 15kW 1台",
        "ni_address": "浙江省杭州市西湖区文三路100号", "ni_address_ok": True, "ei_slot": str(slot_id),
        "ei_notice_read": "read", "ei_proof_type": "营业执照", "entity_proof": upload_pdf(deps), "ei_uscc": USCC,
        "ei_role": "经办人", "ei_legal_rep_name": "王强", "power_of_attorney": upload_pdf(deps),
        "legal_rep_id": upload_pdf(deps), "ei_invoice_type": "增值税专用发票",
        "ei_company_name": "杭州示例科技有限公司",
        "ei_invoice_address": "浙江省杭州市西湖区文三路100号", "ei_invoice_phone": "0571-87654321",
        "ei_invoice_bank": "中国工商银行杭州文三路支行", "ei_bank_account": "1202021209000123456",
        "ei_remark": "希望月底前通电",
    }


def _with_code(deps: Services, slots: dict[str, Any], channel: str = "socketio") -> dict[str, Any]:
    """The code sent and checked, the summary shown (and so frozen), then 提交."""
    sent, _ = run(ActionAskInstallCode(), _asked("ni_sms_code", channel=channel, **slots))
    assert responses(sent) == ["utter_code_sent", "utter_sms_ask_code"]
    _, checked = validate(ValidateNewInstallForm(), "ni_sms_code", sent_code(deps, "13800000002"),
                          _asked("ni_sms_code", channel=channel, **slots))
    slots |= {"ni_sms_code": checked["ni_sms_code"]}
    shown, _ = run(ActionAskInstallConfirmed(), _asked("ni_confirmed", channel=channel, **slots))
    assert responses(shown) == ["utter_ask_ni_confirmed"]
    return slots | {"ni_confirmed": True}


def test_the_summary_masks_phone_and_bank_account(action_deps: Services) -> None:
    log_in(action_deps, "13800000002")
    free, _ = _free_and_full(action_deps)
    slots = _agent_application(action_deps, free[0].id)
    messages, _ = run(ActionAskInstallConfirmed(), _asked("ni_confirmed", **slots))
    summary = messages[0]["summary"]
    assert "合计容量：30kW" in summary and "法定代表人：王强" in summary and "增值税专用发票" in summary
    assert "87654321" not in summary and "1202021209000123456" not in summary and "3456" in summary


def test_an_agent_application_with_a_special_invoice_becomes_a_work_order(action_deps: Services) -> None:
    log_in(action_deps, "13800000002")
    free, _ = _free_and_full(action_deps)
    slots = _with_code(action_deps, _agent_application(action_deps, free[0].id))

    messages, events = run(ActionSubmitNewInstall(), _asked("ni_confirmed", intent="affirm", **slots))

    assert responses(messages) == ["utter_ei_submitted"] and messages[0]["status"] == "已受理"
    assert messages[0]["appointment"].endswith("下午")
    assert SlotSet("ei_slot", None) in events and FollowupAction(FORM) not in events
    with action_deps.session_factory.session_scope() as session:
        order = session.scalars(select(WorkOrder).where(WorkOrder.order_no == messages[0]["order_no"])).one()
        assert order.form_data["total_capacity_kw"] == "30" and order.form_data["legal_rep_name"] == "王强"
        assert order.form_data["invoice"]["bank_account_masked"].endswith("3456")
        assert order.business_ref, "the pre-application was handed to the business system"
        booked = session.get(AppointmentSlot, free[0].id)
        assert booked.booked == 1
    progress, _ = run(ActionQueryProgress(), make_tracker(slots={"request_text": "新装进度"}))
    assert progress[0]["text"].startswith(f"工单{messages[0]['order_no']}｜企业新装")


def test_a_slot_taken_before_submitting_is_asked_again_and_the_rest_kept(action_deps: Services) -> None:
    log_in(action_deps, "13800000002")
    free, _ = _free_and_full(action_deps)
    slots = _with_code(action_deps, _agent_application(action_deps, free[0].id))
    with action_deps.session_factory.session_scope() as session:  # others took the last places
        session.execute(update(AppointmentSlot).where(AppointmentSlot.id == free[0].id)
                        .values(booked=AppointmentSlot.capacity))

    messages, events = run(ActionSubmitNewInstall(), _asked("ni_confirmed", intent="affirm", **slots))

    assert responses(messages) == ["utter_ei_slot_taken"]
    assert events == [SlotSet("ei_slot", None), SlotSet("ni_confirmed", None), FollowupAction(FORM)]
    with action_deps.session_factory.session_scope() as session:
        filed = session.scalars(select(WorkOrder).where(WorkOrder.kind == WorkOrderKind.ENTERPRISE_INSTALL)).all()
        assert filed == []


def test_on_the_hotline_documents_come_later_and_the_order_waits_for_them(action_deps: Services) -> None:
    log_in(action_deps, "13800000002", channel="ivr")
    log_in(action_deps, "13800000002")  # only a logged-in chat uploads: the files built here are then dropped
    free, _ = _free_and_full(action_deps)
    slots = {key: value for key, value in _agent_application(action_deps, free[0].id).items()
             if key not in ("entity_proof", "power_of_attorney", "legal_rep_id")}
    assert "legal_rep_id" not in _required(_asked("ni_confirmed", channel="ivr", **slots))
    slots = _with_code(action_deps, slots, channel="ivr")

    messages, _ = run(ActionSubmitNewInstall(), _asked("ni_confirmed", channel="ivr", intent="affirm", **slots))

    assert responses(messages) == ["utter_ei_submitted", "utter_doc_upload_later"]
    assert messages[0]["status"] == "待补充资料" and messages[0]["promised"] == "补齐材料后"
    with action_deps.session_factory.session_scope() as session:
        order = session.scalars(select(WorkOrder).where(WorkOrder.order_no == messages[0]["order_no"])).one()
        assert order.form_data["documents_missing"] == ["entity_proof_id", "authorisation_id", "legal_rep_id_id"]
