"""The 个人新装 form's actions as 李娜 (13800000002, verified, nothing bound)."""
from __future__ import annotations

from typing import Any

import pytest

from actions.applications.new_install import (
    ActionAskInstallCode,
    ActionAskInstallRegion,
    ActionAskProofRole,
    ActionSubmitNewInstall,
    ValidateNewInstallForm,
)
from actions.applications.new_install_summary import ActionAskInstallConfirmed
from actions.applications.progress import ActionQueryProgress
from bot.container import Services
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


def _asked(slot: str, **kwargs: Any):
    return form_asking(FORM, slot, **kwargs)


def _required(tracker) -> list[str]:
    return required_slots(ValidateNewInstallForm(), FORM, tracker)


@pytest.mark.parametrize(("typed", "kind"), [
    ("企业", "企业"), ("公司用电", "企业"), ("个人", "个人"), ("居民", "个人"),
])
def test_the_type_picks_the_questions(action_deps: Services, typed: str, kind: str) -> None:
    messages, result = validate(ValidateNewInstallForm(), "install_type", typed, _asked("install_type"))
    assert messages == [] and result["install_type"] == kind
    following = _required(_asked("ni_region", install_type=kind))[2]
    assert following == ("ei_transformer" if kind == "企业" else "ni_address")


@pytest.mark.parametrize(("typed", "code"), [("330106", "330106"), ("西湖区", "330106"), ("北京市海淀区", "110108")])
def test_a_served_district_is_taken_and_the_materials_shown(action_deps: Services, typed: str, code: str) -> None:
    messages, result = validate(ValidateNewInstallForm(), "ni_region", typed, _asked("ni_region"))
    assert responses(messages) == ["utter_ni_materials"] and result["ni_region"] == code


def test_districts_are_offered_as_buttons_and_unknown_ones_refused(action_deps: Services) -> None:
    messages, _ = run(ActionAskInstallRegion(), _asked("ni_region"))
    assert "浙江省杭州市西湖区" in [b["title"] for b in messages[0]["buttons"]]
    refused, result = validate(ValidateNewInstallForm(), "ni_region", "火星区", _asked("ni_region"))
    assert responses(refused) == ["utter_ni_region_unknown"] and result["ni_region"] is None


def test_the_address_is_parsed_and_shown_back(action_deps: Services) -> None:
    messages, result = validate(ValidateNewInstallForm(), "ni_address", "文三路200号5幢101室",
                                _asked("ni_address", ni_region="330106"))
    assert responses(messages) == ["utter_ni_address_parsed"] and messages[0]["district"] == "西湖区"
    assert result["ni_address"].endswith("文三路200号5幢101室")
    vague, result = validate(ValidateNewInstallForm(), "ni_address", "杭州", _asked("ni_address", ni_region="330106"))
    assert responses(vague) == ["utter_ni_address_vague"] and result["ni_address"] is None


def test_an_address_cut_short_by_the_model_is_read_from_the_whole_message(action_deps: Services) -> None:
    tracker = make_tracker(text="解放路88号", entities={"address": "解放路88"}, active_loop=FORM,
                           slots={"requested_slot": "ni_address", "ni_region": "330102"})
    messages, result = validate(ValidateNewInstallForm(), "ni_address", "解放路88", tracker)
    assert responses(messages) == ["utter_ni_address_parsed"]
    assert result["ni_address"] == "浙江省杭州市上城区解放路88号"


def test_the_applicant_comes_from_the_real_name_record(action_deps: Services) -> None:
    log_in(action_deps, "13800000002")
    messages, _ = run(ActionAskProofRole(), _asked("ni_proof_role"))
    assert messages[0]["name"] == "李娜" and messages[0]["masked_phone"] == "138****0002"


def test_what_is_asked_depends_on_role_and_channel(action_deps: Services) -> None:
    owner = _required(_asked("ni_proof_role", install_type="个人", ni_proof_role="产权人"))
    assert "ni_owner_name" not in owner and "property_certificate" in owner
    agent = _required(_asked("ni_proof_role", install_type="个人", ni_proof_role="经办人"))
    assert {"ni_owner_name", "ni_owner_phone", "power_of_attorney"} <= set(agent)
    by_phone = _required(_asked("ni_proof_role", channel="ivr", install_type="个人", ni_proof_role="经办人"))
    assert "property_certificate" not in by_phone and "power_of_attorney" not in by_phone


def test_an_agent_application_becomes_a_work_order(action_deps: Services) -> None:
    log_in(action_deps, "13800000002")
    slots = {"install_type": "个人", "ni_region": "330102", "ni_address": "浙江省杭州市上城区解放路88号",
             "ni_proof_role": "经办人", "property_certificate": upload_pdf(action_deps), "ni_owner_name": "王芳",
             "ni_owner_phone": "13800000009", "power_of_attorney": upload_pdf(action_deps)}
    sent, _ = run(ActionAskInstallCode(), _asked("ni_sms_code", **slots))
    assert responses(sent) == ["utter_code_sent", "utter_sms_ask_code"]
    _, checked = validate(ValidateNewInstallForm(), "ni_sms_code", sent_code(action_deps, "13800000002"),
                          _asked("ni_sms_code", **slots))
    slots |= {"ni_sms_code": checked["ni_sms_code"]}
    run(ActionAskInstallConfirmed(), _asked("ni_confirmed", **slots))  # the summary, frozen
    slots |= {"ni_confirmed": True}

    messages, _ = run(ActionSubmitNewInstall(), _asked("ni_confirmed", intent="affirm", **slots))

    assert responses(messages) == ["utter_ni_submitted"] and messages[0]["status"] == "已受理"
    progress, _ = run(ActionQueryProgress(), make_tracker(slots={"request_text": "新装进度"}))
    order_no = messages[0]["order_no"]
    assert progress[0]["text"].startswith(f"工单{order_no}｜个人新装｜地址浙江省杭州市上城区解放路88号｜")


def test_the_summary_names_the_owner_with_a_masked_phone(action_deps: Services) -> None:
    log_in(action_deps, "13800000002")
    slots = {"install_type": "个人", "ni_region": "330102", "ni_address": "浙江省杭州市上城区解放路88号",
             "ni_proof_role": "经办人", "ni_owner_name": "王芳", "ni_owner_phone": "13800000009"}
    messages, _ = run(ActionAskInstallConfirmed(), _asked("ni_confirmed", **slots))
    summary = messages[0]["summary"]
    assert summary.startswith("业务：个人新装\n服务地区：浙江省杭州市上城区\n用电地址：浙江省杭州市上城区解放路88号")
    assert summary.endswith("申请人身份：经办人\n产权人：王芳 138****0009")


@pytest.mark.parametrize("value", ["西湖区文三路100号", "西湖区"])
def test_region_and_address_in_one_message(action_deps: Services, value: str) -> None:
    tracker = make_tracker(text="西湖区文三路100号", active_loop=FORM,
                           slots={"requested_slot": "ni_region", "install_type": "个人"})
    messages, result = validate(ValidateNewInstallForm(), "ni_region", value, tracker)
    assert responses(messages) == ["utter_ni_materials", "utter_ni_address_parsed"]
    assert result["ni_region"] == "330106" and result["ni_address"] == "浙江省杭州市西湖区文三路100号"
    assert result["ni_address_ok"] is None  # still to be confirmed


def test_a_region_alone_asks_for_the_address_next(action_deps: Services) -> None:
    tracker = make_tracker(text="杭州市西湖区", active_loop=FORM, slots={"requested_slot": "ni_region"})
    messages, result = validate(ValidateNewInstallForm(), "ni_region", "杭州市西湖区", tracker)
    assert responses(messages) == ["utter_ni_materials"] and "ni_address" not in result
