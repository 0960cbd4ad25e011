"""更名/过户 as one guided form (网上国网 五(一)): account → eligibility → 是否变更产权/户主 →
须知 → the new holder → (过户) 电费清算方式 and 产权证明 → (经办人) ID and 授权委托书 → SMS code
to the contact phone → summary → 提交. The applicant's role is derived from the real-name record.
Several answers may come in one message, and a later one corrects an earlier one."""
from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.accounts.query import pay_button
from actions.applications.rename_transfer_summary import (
    FIELDS,
    FORM,
    ROLE_SLOT,
    UPLOAD_SLOTS,
    current_content,
    filed_content,
    kind_of,
)
from actions.common import call, chat_identity, deps, response_text, who_is_talking
from actions.forms import bound_account, documents
from actions.forms.bound_account import ask_for_bound_account, bound_account_answer
from actions.forms.frozen_summary import back_to_summary, confirmed_answer, discard, take
from actions.forms.person import id_number_answer, person_name_answer
from actions.forms.retrying import RetryingFormValidation
from actions.forms.sms_code import CODE_ACCEPTED, ask_for_code, sms_code_answer
from bot.applications.form_summaries import SummaryCheck
from bot.applications.rename_transfer import (
    ApplicantRole,
    Eligible,
    RenameRefusal,
    RenameRefused,
    Settlement,
    applicant_role,
    check_eligibility,
    notice_text,
    settlement_options,
    settlement_problem,
)
from bot.applications.rename_transfer_filing import SubmitProblem, SubmitProblemReason, Submitted, submit_application
from bot.channels.capabilities import shows_images
from bot.conversation.payloads import button
from bot.db.enums import WorkOrderKind
from bot.identity.phones import normalize_mobile
from bot.identity.verification import CodePurpose
from bot.money import format_yuan_symbol
from bot.text.labels import day_label

TRANSFER_ONLY = ("settlement", "property_certificate")
AGENT_ONLY = ("agent_id_number", "power_of_attorney")
REFUSALS = {
    RenameRefusal.NOT_BOUND: "utter_account_not_bound",
    RenameRefusal.CATEGORY: "utter_rt_refused_category",
    RenameRefusal.ORDER_IN_PROGRESS: "utter_rt_refused_order_in_progress",
    RenameRefusal.OVERDUE_ARREARS: "utter_rt_refused_overdue",
}
SUBMIT_PROBLEMS = {
    SubmitProblemReason.NOT_VERIFIED: "utter_rt_problem_not_verified",
    SubmitProblemReason.BAD_NAME: "utter_rt_problem_bad_name",
    SubmitProblemReason.BAD_ID_NUMBER: "utter_rt_problem_bad_id_number",
    SubmitProblemReason.BAD_PHONE: "utter_rt_problem_bad_phone",
    SubmitProblemReason.NOT_APPLICABLE: "utter_rt_problem_not_applicable",
    SubmitProblemReason.BAD_SETTLEMENT: "utter_rt_problem_bad_settlement",
    SubmitProblemReason.MISSING: "utter_rt_problem_missing",
    SubmitProblemReason.AGENT_ID_MISMATCH: "utter_rt_problem_agent_id_mismatch",
    SubmitProblemReason.DOCUMENT_MISSING: "utter_rt_problem_document_missing",
    SubmitProblemReason.ATTACHMENT_NOT_FOUND: "utter_doc_attachment_not_found",
}
_WANTS_NOTICE = re.compile(r"看|查看|须知|内容|原文|全文")


def explain_refusal(dispatcher: CollectingDispatcher, refused: RenameRefused, account_number: str) -> None:
    values: dict[str, Any] = {"account_number": account_number}
    buttons: list[dict[str, str]] = []
    if refused.reason is RenameRefusal.CATEGORY:
        values["category"] = refused.category.value if refused.category else ""
    elif refused.reason is RenameRefusal.ORDER_IN_PROGRESS:
        values |= {"order_no": refused.order_no, "status": refused.order_status.value if refused.order_status else ""}
    elif refused.reason is RenameRefusal.OVERDUE_ARREARS:
        values["amount"] = format_yuan_symbol(refused.amount_due_fen or 0)
        buttons = [pay_button(account_number)]
    dispatcher.utter_message(response=REFUSALS[refused.reason], buttons=buttons, **values)


async def _eligibility(tracker: Tracker, account_number: str, kind: WorkOrderKind) -> Eligible | RenameRefused | None:
    user = await who_is_talking(tracker)
    if user is None:
        return None
    d = deps()
    return await call(check_eligibility, d.session_factory, d.clock, user_id=user.user_id,
                      account_number=account_number, kind=kind)


async def _content_now(tracker: Tracker) -> tuple[dict[str, Any], str]:
    content = await current_content(tracker)
    return content, content["application"].contact_phone


async def _code_destination(tracker: Tracker) -> tuple[str | None, str]:
    """The contact phone given in the form."""
    return tracker.get_slot("contact_phone"), str(CodePurpose.RENAME_TRANSFER)


class ValidateRenameTransferForm(RetryingFormValidation):
    def name(self) -> str:
        return "validate_rename_transfer_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        """Only what this application needs: 过户 adds settlement and the certificate, an agent
        adds their ID and the power of attorney, and channels without files upload later."""
        if tracker.get_slot("rt_refused"):
            return []
        skipped: set[str] = set()
        if kind_of(tracker) is WorkOrderKind.RENAME:
            skipped |= set(TRANSFER_ONLY)
        if tracker.get_slot(ROLE_SLOT) != ApplicantRole.AGENT.value:
            skipped |= set(AGENT_ONLY)
        if not shows_images(chat_identity(tracker)[0]):
            skipped |= set(UPLOAD_SLOTS)
        return [slot for slot in domain_slots if slot not in skipped]

    extract_account_number = staticmethod(bound_account.extract_account_number)

    async def validate_account_number(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A bound account that can be handled online; otherwise the reason, and the form ends."""
        bound = await bound_account_answer(value, dispatcher, tracker)
        number = bound.get("account_number")
        if not number:
            return bound
        verdict = await _eligibility(tracker, number, kind_of(tracker))
        if isinstance(verdict, RenameRefused):
            explain_refusal(dispatcher, verdict, number)
            return {"account_number": number, "rt_refused": True}
        user = await who_is_talking(tracker)
        assert user is not None, "a bound account was found, so this run's user is logged in"
        role = await call(applicant_role, deps().session_factory, user_id=user.user_id, account_number=number)
        return bound | {ROLE_SLOT: role.value if role else None}

    async def validate_rt_ownership_change(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        said = tracker.get_slot("change_type")
        chosen = "过户" if value is True else "更名"
        if said in ("更名", "过户") and said != chosen:
            dispatcher.utter_message(response="utter_rt_contradiction", said=said, chosen=chosen)
            return {"rt_ownership_change": None, "change_type": None}
        account = tracker.get_slot("account_number")
        if value is True and account:
            verdict = await _eligibility(tracker, account, WorkOrderKind.TRANSFER)
            if isinstance(verdict, RenameRefused):
                explain_refusal(dispatcher, verdict, account)
                return {"rt_ownership_change": True, "rt_refused": True}
        return self.accept("rt_ownership_change", value is True, change_type=chosen)

    async def validate_change_type(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """"不是更名，是过户" mid-form: a correction of the answer already given."""
        if value not in ("更名", "过户"):
            return {"change_type": None}
        answered = tracker.get_slot("rt_ownership_change")
        if answered is not None and answered != (value == "过户"):
            dispatcher.utter_message(response="utter_rt_change_type_corrected", change_type=value)
            return {"change_type": value, "rt_ownership_change": value == "过户", "rt_confirmed": None}
        return {"change_type": value}

    async def validate_rt_notice_read(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value == "read":
            return self.accept("rt_notice_read", "read")
        if value != "declined" and _WANTS_NOTICE.search(str(value or "")):
            dispatcher.utter_message(text=notice_text(kind_of(tracker)))
            return {"rt_notice_read": None}
        return self.reject(dispatcher, tracker, "rt_notice_read", "utter_rt_notice_required")

    async def validate_new_holder_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return person_name_answer("new_holder_name", value, dispatcher, tracker)

    async def validate_new_holder_id(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return id_number_answer("new_holder_id", value, dispatcher, tracker)

    async def validate_agent_id_number(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return id_number_answer("agent_id_number", value, dispatcher, tracker)

    async def validate_contact_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        phone = normalize_mobile(str(value or ""))
        if phone is None:
            return self.reject(dispatcher, tracker, "contact_phone", "utter_invalid_phone")
        # A new number needs a new code.
        return self.accept("contact_phone", phone, rt_sms_code=None)

    async def validate_settlement(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        account = tracker.get_slot("account_number")
        verdict = await _eligibility(tracker, account, WorkOrderKind.TRANSFER) if account else None
        if not isinstance(verdict, Eligible):
            return {"settlement": None}
        choice = next((s.value for s in Settlement if s.value in str(value or "")), str(value or ""))
        if settlement_problem(choice, verdict.arrears_fen, verdict.prepaid_balance_fen) is not None:
            options = settlement_options(verdict.arrears_fen, verdict.prepaid_balance_fen)
            return self.reject(
                dispatcher, tracker, "settlement", "utter_rt_settlement_inconsistent",
                options="、".join(o.value for o in options),
            )
        return self.accept("settlement", choice)

    async def validate_rt_sms_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await sms_code_answer("rt_sms_code", value, phone=tracker.get_slot("contact_phone"),
                                     purpose=CodePurpose.RENAME_TRANSFER, dispatcher=dispatcher, tracker=tracker,
                                     confirmed_slot="rt_confirmed")

    async def validate_rt_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await confirmed_answer(value, dispatcher, tracker, form=FORM, slot="rt_confirmed",
                                      code_slot="rt_sms_code", content_now=_content_now)

    validate_property_certificate = staticmethod(documents.validate_property_certificate)
    validate_power_of_attorney = staticmethod(documents.validate_power_of_attorney)


class ActionAskBusinessAccount(Action):
    """Which account to handle, as buttons. With none bound (routing binds one first, so only
    when it was unbound meanwhile) the form ends with the reply the payment question gives."""

    def name(self) -> str:
        return f"action_ask_{FORM}_account_number"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        return await ask_for_bound_account(
            dispatcher, tracker, question="utter_ask_account_for_business", none_bound="utter_pay_no_accounts"
        )


class ActionAskNotice(Action):
    """《低压更名/过户业务办理须知》 in full, to be confirmed as read."""

    def name(self) -> str:
        return f"action_ask_{FORM}_rt_notice_read"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        kind = kind_of(tracker)
        dispatcher.utter_message(text=notice_text(kind))
        dispatcher.utter_message(response="utter_ask_rt_notice_read", kind=kind.value)
        return []


class ActionAskSettlement(Action):
    """The 电费清算方式 that fit the account's balance, as buttons."""

    def name(self) -> str:
        return f"action_ask_{FORM}_settlement"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        account = tracker.get_slot("account_number")
        verdict = await _eligibility(tracker, account, WorkOrderKind.TRANSFER) if account else None
        if not isinstance(verdict, Eligible):
            dispatcher.utter_message(response="utter_account_not_bound")
            return [SlotSet("rt_refused", True)]
        dispatcher.utter_message(
            response="utter_ask_rt_settlement", arrears=format_yuan_symbol(verdict.arrears_fen),
            prepaid=format_yuan_symbol(verdict.prepaid_balance_fen),
            buttons=[button(s.value, "inform", settlement=s.value)
                     for s in settlement_options(verdict.arrears_fen, verdict.prepaid_balance_fen)],
        )
        return []


class ActionAskRenameCode(Action):
    """The code goes to the contact phone given in the form."""

    def name(self) -> str:
        return f"action_ask_{FORM}_rt_sms_code"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        return await ask_for_code(dispatcher, tracker, slot="rt_sms_code", destination=_code_destination)


class ActionSubmitRenameTransfer(Action):
    """Creates the work order (checked again by the service), or says why not and keeps the answers."""

    def name(self) -> str:
        return "action_submit_rename_transfer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        reset = FIELDS.reset_events()
        user = await who_is_talking(tracker)
        account = tracker.get_slot("account_number")
        if user is None or not account or tracker.get_slot("rt_refused"):
            await discard(tracker, FORM)
            return reset
        if tracker.get_slot("rt_confirmed") is not True or tracker.get_slot("rt_sms_code") != CODE_ACCEPTED:
            await discard(tracker, FORM)
            dispatcher.utter_message(response="utter_application_not_submitted")
            return reset
        content = filed_content(tracker, user.user_id)
        application = content["application"]
        check = await take(tracker, FORM, content, phone=application.contact_phone)
        if check is not SummaryCheck.HOLDS:  # filed only as the confirmed summary showed it
            return back_to_summary(dispatcher, check, form=FORM, confirmed_slot="rt_confirmed",
                                   code_slot="rt_sms_code")
        later = application.documents_later
        d = deps()
        outcome = await call(submit_application, d.session_factory, d.clock, user_id=user.user_id,
                             account_number=account, kind=kind_of(tracker), application=application,
                             note=response_text(domain, "utter_application_order_note"))
        if not isinstance(outcome, SubmitProblem):
            await discard(tracker, FORM)
        if isinstance(outcome, Submitted):
            promised = day_label(outcome.promised_by) if outcome.promised_by else "补齐材料后"
            dispatcher.utter_message(
                response="utter_rt_submitted", kind=outcome.kind.value, order_no=outcome.order_no,
                status=outcome.status.value, promised=promised,
                buttons=[_autopay_button(account)],
            )
            if later:
                upload_url = f"{d.settings.public_url}/webhooks/rest/upload"
                dispatcher.utter_message(response="utter_doc_upload_later", url=upload_url)
            return reset
        if isinstance(outcome, RenameRefused):
            explain_refusal(dispatcher, outcome, account)
            return reset
        return self._retry(dispatcher, outcome)

    @staticmethod
    def _retry(dispatcher: CollectingDispatcher, problem: SubmitProblem) -> list[EventType]:
        """提交失败: the reason, then the form again with every answer but the faulty one."""
        dispatcher.utter_message(response=SUBMIT_PROBLEMS[problem.reason])
        slot = FIELDS.slot_for(problem.field)
        cleared = [SlotSet(slot, None)] if slot else []
        return [*cleared, SlotSet("rt_confirmed", None), FollowupAction(FORM)]


def _autopay_button(account_number: str) -> dict[str, str]:
    """适时推送智能交费: offered right after a successful application."""
    return button("开通智能交费", "setup_autopay", account_number=account_number)
