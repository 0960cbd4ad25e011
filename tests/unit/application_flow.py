"""The application forms (更名/过户, 个人新装, 企业新装) driven turn by turn with the real actions,
for the tests that change an answer after the summary (test_actions_frozen_summaries.py): each
:class:`Case` is a complete application, a value its summary shows, changed, and where the filed
work order shows it."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from sqlalchemy import select
from stdnum.cn import uscc

from actions.applications.new_install import ActionAskInstallCode, ActionSubmitNewInstall, ValidateNewInstallForm
from actions.applications.new_install_summary import ActionAskInstallConfirmed
from actions.applications.rename_transfer import (
    ActionAskRenameCode,
    ActionSubmitRenameTransfer,
    ValidateRenameTransferForm,
)
from actions.applications.rename_transfer_summary import ActionAskRenameConfirmed
from bot.accounts.binding import bind
from bot.applications.appointments import slot_label, slots_for
from bot.container import Services
from bot.db.models import AppointmentSlot, WorkOrder
from tests.unit.action_harness import (
    form_asking,
    logged_in_as,
    make_tracker,
    responses,
    run,
    sent_code,
    upload_pdf,
)

ZHANG_WEI, LI_NA = "13800000001", "13800000002"
USCC = "91330106MA2B3C4D5" + uscc.calc_check_digit("91330106MA2B3C4D5")
ADDRESS_SHOWN_BACK = {"ni_address_ok": True}  # a changed address is shown back: the user confirms it


@dataclass(frozen=True)
class Form:
    """One application form's actions and slots."""

    name: str
    validator: Callable[[], Action]
    ask_code: Callable[[], Action]
    summary: Callable[[], Action]
    submit: Callable[[], Action]
    code_slot: str
    confirmed_slot: str
    summary_response: str


RENAME_FORM = Form("rename_transfer_form", ValidateRenameTransferForm, ActionAskRenameCode, ActionAskRenameConfirmed,
                   ActionSubmitRenameTransfer, "rt_sms_code", "rt_confirmed", "utter_ask_rt_confirmed")
INSTALL_FORM = Form("new_install_form", ValidateNewInstallForm, ActionAskInstallCode, ActionAskInstallConfirmed,
                    ActionSubmitNewInstall, "ni_sms_code", "ni_confirmed", "utter_ask_ni_confirmed")


@dataclass(frozen=True)
class Case:
    """An application ready for its code, a value its summary shows changed to another valid
    one (with the entity a message would carry), and how the filed order shows that value."""

    form: Form
    code_phone: str
    slots: dict[str, Any]
    changed: dict[str, Any]
    entities: dict[str, str]
    shown: str  # how the summary shows the changed value
    filed: Callable[[WorkOrder], Any]
    original: Any  # what is filed for the original answers
    filed_changed: Any  # and for the changed ones


def rename(deps: Services) -> Case:
    slots = {"account_number": "3301000001", "rt_role": "户主本人", "change_type": "更名",
             "rt_ownership_change": False, "rt_notice_read": "read", "new_holder_name": "王小明",
             "new_holder_id": "110105199003078510", "contact_phone": "13900000005"}
    return Case(RENAME_FORM, "13900000005", slots, {"new_holder_name": "李小红"}, {"person_name": "李小红"},
                "新户主/新户名：李小红", lambda o: o.form_data["new_holder_name"], "王小明", "李小红")


def transfer(deps: Services) -> Case:
    """张伟 as 经办人 for 3301000002 (paid up, ¥56.00 prepaid: the balance goes to either holder)."""
    user = logged_in_as(deps)
    assert user is not None
    bind(deps.session_factory, deps.clock, user_id=user.user_id, account_number="3301000002")
    slots = {"account_number": "3301000002", "rt_role": "经办人", "change_type": "过户", "rt_ownership_change": True,
             "rt_notice_read": "read", "new_holder_name": "王小明", "new_holder_id": "110105199003078510",
             "contact_phone": "13900000006", "settlement": "余额转新户主", "property_certificate": upload_pdf(deps),
             "agent_id_number": "33010619900101123X", "power_of_attorney": upload_pdf(deps)}
    return Case(RENAME_FORM, "13900000006", slots, {"settlement": "余额退原户主"}, {"settlement": "余额退原户主"},
                "电费清算方式：余额退原户主", lambda o: o.form_data["settlement"], "余额转新户主", "余额退原户主")


def personal(deps: Services) -> Case:
    slots = {"install_type": "个人", "ni_region": "330102", "ni_address": "浙江省杭州市上城区解放路88号",
             "ni_address_ok": True, "ni_proof_role": "经办人", "property_certificate": upload_pdf(deps),
             "ni_owner_name": "王芳", "ni_owner_phone": "13800000009", "power_of_attorney": upload_pdf(deps)}
    return Case(INSTALL_FORM, LI_NA, slots, {"ni_owner_name": "王小芳"}, {"person_name": "王小芳"},
                "产权人：王小芳", lambda o: o.form_data["owner_name"], "王芳", "王小芳")


def personal_address(deps: Services) -> Case:
    address = "浙江省杭州市上城区解放路90号"
    return Case(INSTALL_FORM, LI_NA, personal(deps).slots, {"ni_address": address}, {"address": "解放路90号"},
                f"用电地址：{address}", lambda o: o.form_data["address"], "浙江省杭州市上城区解放路88号", address)


def enterprise(deps: Services) -> Case:
    """An 经办人 with a 专用发票 in 西湖区; the change: another survey appointment."""
    free = [view for view in slots_for(deps.session_factory, deps.clock, region_code="330106") if not view.full]
    slots = {
        "install_type": "企业", "ni_region": "330106", "ei_transformer": "不安装",
        "ei_equipment": "空调 5kW 3台，电梯 15kW 1台", "ni_address": "浙江省杭州市西湖区文三路100号",
        "ni_address_ok": True, "ei_slot": str(free[0].id), "ei_notice_read": "read", "ei_proof_type": "营业执照",
        "entity_proof": upload_pdf(deps), "ei_uscc": USCC, "ei_role": "经办人", "ei_legal_rep_name": "王强",
        "power_of_attorney": upload_pdf(deps), "legal_rep_id": upload_pdf(deps),
        "ei_invoice_type": "增值税专用发票", "ei_company_name": "杭州示例科技有限公司",
        "ei_invoice_address": "浙江省杭州市西湖区文三路100号", "ei_invoice_phone": "0571-87654321",
        "ei_invoice_bank": "中国工商银行杭州文三路支行", "ei_bank_account": "1202021209000123456",
        "ei_remark": "希望月底前通电",
    }
    other = free[1]
    return Case(INSTALL_FORM, LI_NA, slots, {"ei_slot": str(other.id)}, {"appointment_slot": str(other.id)},
                slot_label(other), lambda o: o.form_data["appointment"]["slot_id"], free[0].id, other.id)


def enterprise_invoice(deps: Services) -> Case:
    return Case(INSTALL_FORM, LI_NA, enterprise(deps).slots, {"ei_bank_account": "6222021209000657788"},
                {"bank_account": "6222021209000657788"}, "7788",
                lambda o: o.form_data["invoice"]["bank_account_masked"][-4:], "3456", "7788")


CASES: dict[str, tuple[str, Callable[[Services], Case]]] = {
    "更名 new holder": (ZHANG_WEI, rename), "过户 清算方式": (ZHANG_WEI, transfer),
    "个人新装 产权人": (LI_NA, personal), "个人新装 address": (LI_NA, personal_address),
    "企业新装 appointment": (LI_NA, enterprise), "企业新装 invoice": (LI_NA, enterprise_invoice),
}


# --- the turns ---------------------------------------------------------------------


def asking(form: Form, slot: str, slots: dict[str, Any], **kwargs: Any) -> Tracker:
    return form_asking(form.name, slot, **kwargs, **slots)


def turn(form: Form, requested: str, slots: dict[str, Any], candidates: dict[str, Any],
         entities: dict[str, str] | None = None, intent: str = "inform") -> Tracker:
    """A user message while ``requested`` is asked, whose slot candidates (what Rasa's slot
    extraction set from its entities) the form's validator is about to check."""
    after = [{"event": "slot", "name": name, "value": value, "timestamp": None} for name, value in candidates.items()]
    return make_tracker(intent=intent, entities=entities, active_loop=form.name, after=after,
                        slots={**slots, "requested_slot": requested, **candidates})


def applied(slots: dict[str, Any], events: list[dict[str, Any]]) -> dict[str, Any]:
    """The slots after the validator's events; a changed address shown back is confirmed again."""
    changed = {e["name"]: e["value"] for e in events if e.get("event") == "slot" and e["name"] != "requested_slot"}
    after = {**slots, **changed}
    return after | ADDRESS_SHOWN_BACK if "ni_address_ok" in changed and after["ni_address_ok"] is None else after


def code_entered(deps: Services, case: Case, slots: dict[str, Any], **candidates: Any) -> dict[str, Any]:
    """The code question (an SMS to the application's phone) and a correct answer, in a message
    that may carry other slot candidates."""
    form = case.form
    asked, _ = run(form.ask_code(), asking(form, form.code_slot, slots))
    assert responses(asked) == ["utter_code_sent", "utter_sms_ask_code"]
    code = sent_code(deps, case.code_phone)
    answer = turn(form, form.code_slot, slots, {**candidates, form.code_slot: code},
                  entities=case.entities if candidates else None)
    messages, events = run(form.validator(), answer)
    assert SlotSet(form.code_slot, "accepted") in events, responses(messages)
    return applied(slots, events)


def summary(case: Case, slots: dict[str, Any]) -> str:
    form = case.form
    shown, _ = run(form.summary(), asking(form, form.confirmed_slot, slots))
    assert responses(shown) == [form.summary_response]
    return shown[0]["summary"]


def confirm(case: Case, slots: dict[str, Any], changed: dict[str, Any] | None = None,
            entities: dict[str, str] | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The 提交 turn (``/affirm``, perhaps carrying entities that change answers)."""
    form = case.form
    tracker = turn(form, form.confirmed_slot, slots, {**(changed or {}), form.confirmed_slot: True},
                   entities=entities, intent="affirm")
    return run(form.validator(), tracker)


def submit(case: Case, slots: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    form = case.form
    return run(form.submit(), asking(form, form.confirmed_slot, slots, intent="affirm"))


def submitted_response(case: Case) -> str:
    if case.form is RENAME_FORM:
        return "utter_rt_submitted"
    return "utter_ei_submitted" if case.slots["install_type"] == "企业" else "utter_ni_submitted"


def orders(deps: Services) -> dict[int, WorkOrder]:
    with deps.session_factory.session_scope() as session:
        return {order.id: order for order in session.scalars(select(WorkOrder))}


def new_orders(deps: Services, before: dict[int, WorkOrder]) -> list[WorkOrder]:
    return [order for order_id, order in sorted(orders(deps).items()) if order_id not in before]


def bookings(deps: Services) -> dict[int, int]:
    with deps.session_factory.session_scope() as session:
        return {row.id: row.booked for row in session.scalars(select(AppointmentSlot))}


def summarised(deps: Services, case: Case) -> dict[str, Any]:
    """Code entered and the summary shown (and frozen) for the original answers."""
    slots = code_entered(deps, case, dict(case.slots))
    assert case.shown not in summary(case, slots)
    return slots
