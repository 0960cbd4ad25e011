"""The 更名/过户 form's actions and 工单进度, as 张伟 (13800000001, verified, holder of 3301000001)."""
from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.events import SlotSet

from actions.applications.progress import ActionQueryProgress
from actions.applications.rename_transfer import (
    ActionAskNotice,
    ActionAskRenameCode,
    ActionAskSettlement,
    ActionSubmitRenameTransfer,
    ValidateRenameTransferForm,
)
from actions.applications.rename_transfer_summary import ActionAskRenameConfirmed
from actions.identity.login import ActionDeliverNotices
from bot.accounts.binding import bind
from bot.applications.order_progress import advance_order
from bot.container import Services
from bot.db.enums import WorkOrderStatus
from tests.unit.action_harness import (
    CHANNEL,
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

FORM = "rename_transfer_form"


def _asked(slot: str, **kwargs: Any):
    return form_asking(FORM, slot, **kwargs)


def _required(tracker) -> list[str]:
    return required_slots(ValidateRenameTransferForm(), FORM, tracker)
HOLDER = {"account_number": "3301000001", "rt_role": "户主本人"}


def _bind(deps: Services, user_id: int, number: str) -> None:
    bind(deps.session_factory, deps.clock, user_id=user_id, account_number=number)


def test_the_holder_is_recognised_and_an_eligible_account_accepted(action_deps: Services) -> None:
    log_in(action_deps, "13800000001")
    messages, result = validate(ValidateRenameTransferForm(), "account_number", "3301000001", _asked("account_number"))
    assert messages == []
    assert result["account_number"] == "3301000001" and result["rt_role"] == "户主本人"


@pytest.mark.parametrize(
    ("number", "response"),
    [("3301000004", "utter_rt_refused_order_in_progress"), ("6501000001", "utter_rt_refused_category")],
)
def test_ineligible_accounts_end_the_form_with_the_reason(action_deps: Services, number: str, response: str) -> None:
    user = log_in(action_deps, "13800000001")
    _bind(action_deps, user.user_id, number)
    messages, result = validate(ValidateRenameTransferForm(), "account_number", number, _asked("account_number"))
    assert responses(messages) == [response]
    assert result == {"account_number": number, "rt_refused": True}
    if number == "3301000004":
        assert messages[0]["order_no"].startswith("GD") and messages[0]["status"] == "审核中"
    assert _required(_asked("rt_ownership_change", rt_refused=True)) == []


def test_an_answer_contradicting_what_was_said_is_pointed_out(action_deps: Services) -> None:
    log_in(action_deps, "13800000001")
    tracker = _asked("rt_ownership_change", change_type="更名", **HOLDER)
    messages, result = validate(ValidateRenameTransferForm(), "rt_ownership_change", True, tracker)
    assert responses(messages) == ["utter_rt_contradiction"]
    assert messages[0]["said"] == "更名" and messages[0]["chosen"] == "过户"
    assert result == {"rt_ownership_change": None, "change_type": None}


def test_a_correction_of_the_business_keeps_the_answers(action_deps: Services) -> None:
    log_in(action_deps, "13800000001")
    tracker = _asked("new_holder_name", change_type="过户", rt_ownership_change=False, **HOLDER)
    messages, result = validate(ValidateRenameTransferForm(), "change_type", "过户", tracker)
    assert responses(messages) == ["utter_rt_change_type_corrected"]
    assert result["rt_ownership_change"] is True


def test_the_notice_is_shown_and_must_be_accepted(action_deps: Services) -> None:
    log_in(action_deps, "13800000001")
    shown, _ = run(ActionAskNotice(), _asked("rt_notice_read", rt_ownership_change=True, **HOLDER))
    assert "过户" in shown[0]["text"] and responses(shown[1:]) == ["utter_ask_rt_notice_read"]
    again, result = validate(ValidateRenameTransferForm(), "rt_notice_read", "查看须知", _asked("rt_notice_read"))
    assert again[0]["text"] and result == {"rt_notice_read": None}
    refused, result = validate(ValidateRenameTransferForm(), "rt_notice_read", "declined", _asked("rt_notice_read"))
    assert responses(refused) == ["utter_rt_notice_required"] and result["rt_notice_read"] is None


def test_what_is_asked_depends_on_business_role_and_channel(action_deps: Services) -> None:
    rename = _required(_asked("new_holder_name", rt_ownership_change=False, **HOLDER))
    assert "settlement" not in rename and "power_of_attorney" not in rename and "rt_sms_code" in rename
    transfer_by_agent = _required(_asked("new_holder_name", rt_ownership_change=True, account_number="3301000002",
                                         rt_role="经办人"))
    assert {"settlement", "property_certificate", "agent_id_number", "power_of_attorney"} <= set(transfer_by_agent)
    by_phone = _required(_asked("new_holder_name", channel="ivr", rt_ownership_change=True, rt_role="经办人"))
    assert "property_certificate" not in by_phone and "power_of_attorney" not in by_phone


def test_settlement_follows_the_balance(action_deps: Services) -> None:
    log_in(action_deps, "13800000001")  # 3301000001 owes its October bill: pay off first
    messages, _ = run(ActionAskSettlement(), _asked("settlement", rt_ownership_change=True, **HOLDER))
    assert [b["title"] for b in messages[0]["buttons"]] == ["结清后过户"]
    refused, result = validate(ValidateRenameTransferForm(), "settlement", "余额转新户主",
                               _asked("settlement", rt_ownership_change=True, **HOLDER))
    assert responses(refused) == ["utter_rt_settlement_inconsistent"] and result["settlement"] is None


def test_only_a_file_this_chat_sent_is_taken(action_deps: Services) -> None:
    log_in(action_deps, "13800000001")
    own = upload_pdf(action_deps)
    log_in(action_deps, "13800000002", sender="someone-else")
    other = upload_pdf(action_deps, sender="someone-else")
    for attachment, accepted in ((own, True), (other, False)):
        tracker = _asked("property_certificate", intent="send_file", entities={"attachment_id": attachment})
        messages, result = validate(ValidateRenameTransferForm(), "property_certificate", attachment, tracker)
        assert (result["property_certificate"] == attachment) is accepted
    typed, _ = validate(ValidateRenameTransferForm(), "property_certificate", "好了", _asked("property_certificate"))
    assert responses(typed)[0] == "utter_doc_upload_needed"


def _summarised(slots: dict, channel: str = CHANNEL) -> dict:
    """The summary of these answers shown (and so frozen), then 提交."""
    shown, _ = run(ActionAskRenameConfirmed(), _asked("rt_confirmed", channel=channel, **slots))
    assert responses(shown) == ["utter_ask_rt_confirmed"]
    return slots | {"rt_confirmed": True}


def _transfer_slots(deps: Services, **answers: Any) -> dict:
    """A complete 过户 by the holder: code sent and checked, certificate uploaded, summary shown."""
    slots = {**HOLDER, "change_type": "过户", "rt_ownership_change": True, "rt_notice_read": "read",
             "new_holder_name": "王小明", "new_holder_id": "110105199003078510", "contact_phone": "13900000005",
             "settlement": "结清后过户", "property_certificate": upload_pdf(deps), **answers}
    asked, _ = run(ActionAskRenameCode(), _asked("rt_sms_code", **slots))
    assert responses(asked) == ["utter_code_sent", "utter_sms_ask_code"]
    _, result = validate(ValidateRenameTransferForm(), "rt_sms_code", sent_code(deps, "13900000005"),
                         _asked("rt_sms_code", **slots))
    return _summarised(slots | {"rt_sms_code": result["rt_sms_code"]})


def test_a_transfer_becomes_a_work_order_that_progress_shows(action_deps: Services) -> None:
    log_in(action_deps, "13800000001")
    slots = _transfer_slots(action_deps)

    messages, events = run(ActionSubmitRenameTransfer(), _asked("rt_confirmed", intent="affirm", **slots))

    assert responses(messages) == ["utter_rt_submitted"]
    assert messages[0]["status"] == "已受理" and messages[0]["kind"] == "过户"
    assert messages[0]["buttons"][0]["payload"] == '/setup_autopay{"account_number": "3301000001"}'
    assert SlotSet("new_holder_id", None) in events
    progress, _ = run(ActionQueryProgress(), make_tracker(intent="query_progress", slots={"request_text": "工单进度"}))
    assert progress[0]["text"].startswith(f"工单{messages[0]['order_no']}｜过户｜户号3301000001｜当前状态：已受理")
    one, _ = run(ActionQueryProgress(), make_tracker(slots={"request_text": f"{messages[0]['order_no']}到哪了"}))
    assert one[0]["text"].splitlines()[1].endswith("已受理 智能客服线上受理")


def test_a_failed_submission_keeps_the_answers_and_asks_again(action_deps: Services) -> None:
    log_in(action_deps, "13800000001")
    slots = _transfer_slots(action_deps, new_holder_id="110105199003078511")  # forged past validation

    messages, events = run(ActionSubmitRenameTransfer(), _asked("rt_confirmed", intent="affirm", **slots))

    assert responses(messages) == ["utter_rt_problem_bad_id_number"]
    assert [e.get("name") for e in events] == ["new_holder_id", "rt_confirmed", "rename_transfer_form"]


def test_someone_elses_order_is_not_shown(action_deps: Services) -> None:
    log_in(action_deps, "13800000001")
    messages, _ = run(ActionQueryProgress(), make_tracker(slots={"request_text": "GD20261120001到哪了"}))
    assert responses(messages) == ["utter_order_not_found"]


def test_a_mistyped_code_is_asked_again_without_a_new_sms(action_deps: Services) -> None:
    log_in(action_deps, "13800000001")
    slots = {**HOLDER, "contact_phone": "13900000005"}
    run(ActionAskRenameCode(), _asked("rt_sms_code", **slots))
    wrong, result = validate(ValidateRenameTransferForm(), "rt_sms_code", "000000", _asked("rt_sms_code", **slots))
    assert responses(wrong) == ["utter_sms_code_rejected"] and result["rt_sms_code"] is None
    retried = _asked("rt_sms_code", **slots, validation_failures=result["validation_failures"])
    again, _ = run(ActionAskRenameCode(), retried)
    assert responses(again) == ["utter_sms_ask_code"]


def test_by_phone_the_order_waits_for_documents(action_deps: Services) -> None:
    log_in(action_deps, "13800000001", channel="ivr")
    slots = _transfer_slots_by_phone(action_deps)
    messages, _ = run(ActionSubmitRenameTransfer(), _asked("rt_confirmed", channel="ivr", intent="affirm", **slots))
    assert responses(messages) == ["utter_rt_submitted", "utter_doc_upload_later"]
    assert messages[0]["status"] == "待补充资料" and messages[0]["promised"] == "补齐材料后"


def _transfer_slots_by_phone(deps: Services) -> dict:
    slots = {**HOLDER, "change_type": "过户", "rt_ownership_change": True, "rt_notice_read": "read",
             "new_holder_name": "王小明", "new_holder_id": "110105199003078510", "contact_phone": "13900000004",
             "settlement": "结清后过户"}
    run(ActionAskRenameCode(), _asked("rt_sms_code", channel="ivr", **slots))
    _, result = validate(ValidateRenameTransferForm(), "rt_sms_code", sent_code(deps, "13900000004"),
                         _asked("rt_sms_code", channel="ivr", **slots))
    return _summarised(slots | {"rt_sms_code": result["rt_sms_code"]}, channel="ivr")


def test_a_status_change_is_told_once_on_the_next_message(action_deps: Services) -> None:
    log_in(action_deps, "13800000001")
    slots = _transfer_slots(action_deps)
    submitted, _ = run(ActionSubmitRenameTransfer(), _asked("rt_confirmed", intent="affirm", **slots))
    order_no = submitted[0]["order_no"]
    advance_order(action_deps.session_factory, action_deps.clock, order_no=order_no, status=WorkOrderStatus.REVIEWING)

    told, _ = run(ActionDeliverNotices(), make_tracker(intent="greet", text="你好"))
    again, _ = run(ActionDeliverNotices(), make_tracker(intent="greet", text="你好"))

    assert responses(told) == ["utter_order_status_changed"] and told[0]["status"] == "审核中"
    assert again == []
    progress, _ = run(ActionQueryProgress(), make_tracker(slots={"request_text": f"{order_no}到哪了"}))
    assert progress[0]["text"].splitlines()[-1] == "下一步：等待审核结果，无需操作。"
