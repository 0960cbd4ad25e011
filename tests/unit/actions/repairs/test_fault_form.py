"""The report_fault form's actions: anonymous (an address, a phone confirmed by SMS code) and as
张伟 (13800000001, 3301000001 bound), a known outage, and the order seen in 工单进度."""
from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker

from actions.applications.progress import ActionQueryProgress
from actions.forms.sms_code import CODE_ACCEPTED
from actions.repairs.fault_form import (
    ActionAskFaultCode,
    ActionAskFaultPhone,
    ActionAskFaultPlace,
    ValidateReportFaultForm,
)
from actions.repairs.fault_submit import FORM_SLOTS, ActionAskFaultConfirmed, ActionSubmitFaultReport
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

FORM = "report_fault_form"
ZHANG = "13800000001"
LI = "13800000002"
OTHER_PHONE = "13900000009"


def _asked(slot: str, **kwargs: Any) -> Tracker:
    return form_asking(FORM, slot, **kwargs)


def _required(tracker: Tracker) -> list[str]:
    return required_slots(ValidateReportFaultForm(), FORM, tracker)


def _texts(messages: list[dict[str, Any]]) -> list[str]:
    return [m.get("response") or "" for m in messages]


def test_anonymous_reporters_give_an_address_and_a_phone_confirmed_by_code(action_deps: Services) -> None:
    assert _required(_asked("rf_place")) == ["rf_place", "rf_fault_type", "rf_description", "rf_phone",
                                             "rf_confirmed"]
    messages, _ = run(ActionAskFaultPlace(), _asked("rf_place"))
    assert responses(messages) == ["utter_ask_rf_place"]
    assert "rf_sms_code" in _required(_asked("rf_confirmed", rf_phone=OTHER_PHONE))
    messages, result = validate(ValidateReportFaultForm(), "rf_phone", "mine", _asked("rf_phone"))
    assert result["rf_phone"] is None and responses(messages)[0] == "utter_invalid_phone"


def test_a_place_by_address_with_no_outage(action_deps: Services) -> None:
    messages, result = validate(ValidateReportFaultForm(), "rf_place", "滨江区江南大道1000号", _asked("rf_place"))
    assert responses(messages) == ["utter_rf_place_taken"]
    assert messages[0]["address"] == "浙江省杭州市滨江区江南大道1000号"
    assert (result["rf_place"], result["rf_outage_known"], result["rf_outage_ids"]) == (
        "浙江省杭州市滨江区江南大道1000号", False, [])


@pytest.mark.parametrize(
    ("typed", "response"),
    [("文三路100号", "utter_rf_place_no_district"), ("西湖区", "utter_rf_place_vague"),
     ("上海市浦东新区世纪大道1号", "utter_rf_place_outside")],
)
def test_places_that_cannot_be_used(action_deps: Services, typed: str, response: str) -> None:
    messages, result = validate(ValidateReportFaultForm(), "rf_place", typed, _asked("rf_place"))
    assert responses(messages)[0] == response and result["rf_place"] is None


def test_a_known_outage_is_shown_and_the_reporter_may_stop(action_deps: Services) -> None:
    messages, result = validate(ValidateReportFaultForm(), "rf_place", "拱墅区湖墅南路100号", _asked("rf_place"))
    assert responses(messages) == ["utter_rf_place_taken", "utter_rf_known_outage"]
    assert messages[1]["kind"] == "故障抢修" and "湖墅线" in messages[1]["reason"]
    assert result["rf_outage_known"] is True and len(result["rf_outage_ids"]) == 1
    known = {"rf_place": result["rf_place"], "rf_outage_known": True, "rf_outage_ids": result["rf_outage_ids"]}
    assert _required(_asked("rf_go_on", **known))[:3] == ["rf_place", "rf_go_on", "rf_fault_type"]
    assert _required(_asked("rf_go_on", **known, rf_go_on=False)) == ["rf_place", "rf_go_on"]
    messages, events = run(ActionSubmitFaultReport(), make_tracker(slots={**known, "rf_go_on": False}))
    assert responses(messages) == ["utter_rf_stopped"]
    assert {e["name"] for e in events} == set(FORM_SLOTS) and all(e["value"] is None for e in events)


def test_fault_type_description_and_photo(action_deps: Services) -> None:
    v = ValidateReportFaultForm()
    assert validate(v, "rf_fault_type", "部分停电", _asked("rf_fault_type"))[1]["rf_fault_type"] == "部分停电"
    messages, result = validate(v, "rf_fault_type", "不知道", _asked("rf_fault_type"))
    assert responses(messages) == ["utter_rf_fault_type_unclear"] and result["rf_fault_type"] is None
    assert validate(v, "rf_description", " 全屋没电 ", _asked("rf_description"))[1]["rf_description"] == "全屋没电"
    assert validate(v, "rf_description", "/inform", _asked("rf_description"))[1]["rf_description"] is None
    assert validate(v, "rf_photo", "skip", _asked("rf_photo"))[1]["rf_photo"] == "skip"
    messages, result = validate(v, "rf_photo", "好的", _asked("rf_photo"))
    assert responses(messages) == ["utter_rf_photo_needed"] and result["rf_photo"] is None


def test_a_logged_in_reporter_picks_an_account_sends_a_photo_and_keeps_their_phone(action_deps: Services) -> None:
    log_in(action_deps, ZHANG)
    messages, _ = run(ActionAskFaultPlace(), _asked("rf_place"))
    assert responses(messages) == ["utter_rf_place_with_accounts"]
    assert [b["title"] for b in messages[0]["buttons"]] == ["3301000001"]
    v = ValidateReportFaultForm()
    messages, result = validate(v, "rf_place", "3301000001", _asked("rf_place"))
    assert responses(messages) == ["utter_rf_place_taken"]  # its outage is tomorrow, not now
    assert (result["rf_place"], result["rf_outage_known"]) == ("3301000001", False)
    assert _required(_asked("rf_photo", rf_place="3301000001")) == [
        "rf_place", "rf_fault_type", "rf_description", "rf_photo", "rf_phone", "rf_confirmed"]
    attachment = upload_pdf(action_deps)
    photo = form_asking(FORM, "rf_photo", intent="send_file", entities={"attachment_id": attachment})
    messages, result = validate(v, "rf_photo", attachment, photo)
    assert responses(messages) == ["utter_doc_upload_received"] and result["rf_photo"] == attachment
    messages, _ = run(ActionAskFaultPhone(), _asked("rf_phone"))
    assert responses(messages) == ["utter_rf_phone_mine"] and messages[0]["masked_phone"] == "138****0001"
    assert validate(v, "rf_phone", "mine", _asked("rf_phone"))[1]["rf_phone"] == "mine"
    assert "rf_sms_code" not in _required(_asked("rf_confirmed", rf_place="3301000001", rf_phone="mine"))
    assert "rf_sms_code" in _required(_asked("rf_confirmed", rf_place="3301000001", rf_phone=OTHER_PHONE))

    filled = {"rf_place": "3301000001", "rf_fault_type": "表计故障", "rf_description": "电表黑屏",
              "rf_photo": attachment, "rf_phone": "mine", "rf_confirmed": True}
    messages, _ = run(ActionAskFaultConfirmed(), make_tracker(slots=filled))
    assert responses(messages) == ["utter_rf_summary"]
    assert (messages[0]["place"], messages[0]["photo"], messages[0]["phone"]) == ("户号3301000001", "已上传",
                                                                                  "138****0001")
    messages, _ = run(ActionSubmitFaultReport(), make_tracker(slots=filled))
    assert responses(messages) == ["utter_rf_submitted", "utter_rf_progress_logged_in"]
    assert (messages[0]["duration"], messages[0]["area"], messages[0]["status"]) == ("45分钟", "城区", "已受理")
    order_no = messages[0]["order_no"]

    progress, _ = run(ActionQueryProgress(), make_tracker(intent="query_progress", text="查询工单进度"))
    assert any(order_no in m["text"] and "故障报修" in m["text"] for m in progress)


def test_another_users_account_is_not_a_place(action_deps: Services) -> None:
    log_in(action_deps, LI)
    messages, result = validate(ValidateReportFaultForm(), "rf_place", "3301000001", _asked("rf_place"))
    assert responses(messages)[0] == "utter_rf_place_not_bound" and result["rf_place"] is None


def test_an_anonymous_report_is_filed_after_the_code(action_deps: Services) -> None:
    v = ValidateReportFaultForm()
    asked_code = _asked("rf_sms_code", rf_phone=OTHER_PHONE)
    messages, _ = run(ActionAskFaultCode(), asked_code)
    assert responses(messages) == ["utter_code_sent", "utter_sms_ask_code"]
    messages, result = validate(v, "rf_sms_code", "000000", asked_code)
    assert result["rf_sms_code"] is None
    _, result = validate(v, "rf_sms_code", sent_code(action_deps, OTHER_PHONE), asked_code)
    assert result["rf_sms_code"] == CODE_ACCEPTED

    filled = {"rf_place": "浙江省杭州市临安区太湖源镇白沙村3组", "rf_fault_type": "全部停电",
              "rf_description": "全村没电", "rf_phone": OTHER_PHONE, "rf_confirmed": True}
    messages, _ = run(ActionSubmitFaultReport(), make_tracker(slots=filled))  # no code: not filed
    assert responses(messages) == ["utter_rf_not_submitted"]
    messages, _ = run(ActionSubmitFaultReport(), make_tracker(slots={**filled, "rf_sms_code": CODE_ACCEPTED}))
    assert responses(messages) == ["utter_rf_submitted", "utter_rf_progress_anonymous"]
    assert (messages[0]["duration"], messages[0]["area"], messages[0]["masked_phone"]) == (
        "90分钟", "农村", "139****0009")


def test_an_unconfirmed_report_is_not_filed(action_deps: Services) -> None:
    log_in(action_deps, ZHANG)
    slots = {"rf_place": "3301000001", "rf_fault_type": "其他", "rf_description": "有异响", "rf_phone": "mine",
             "rf_confirmed": False}
    messages, events = run(ActionSubmitFaultReport(), make_tracker(slots=slots))
    assert responses(messages) == ["utter_rf_not_submitted"]
    assert {e["name"] for e in events} == set(FORM_SLOTS)
