"""Steps the business applications share (更名/过户, 新装): documents sent in the form (产权证明,
授权委托书: a file this chat just sent, judged by its bytes when received — jpg/png/pdf, at most
10 MB) and the SMS code that confirms the application."""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import call, chat_identity, deps, latest_entity, latest_intent
from actions.files.uploads import FILE_INTENT, photo_problem_response
from actions.forms.frozen_summary import code_entered
from actions.forms.retrying import FAILURES_SLOT, RetryingFormValidation, failures_so_far
from actions.identity.login import CODE_GONE, CODE_REJECTIONS
from bot.files.attachments import UploadedFile, UploadProblem, read_upload
from bot.identity.verification import CodeIssued, CodeRejected, CodeRejection, check_code, issue_code
from bot.limits.windows import chat_key
from bot.privacy.masking import mask_phone

CODE_ACCEPTED = "accepted"  # the code slot's value once the code was checked


def attachment_id_of(slot_value: Any) -> int | None:
    """The attachment id in a validated document slot, else None (e.g. documents come later)."""
    text = str(slot_value or "")
    return int(text) if text.isdigit() else None


class DocumentValidation(RetryingFormValidation):
    """Validators of the application forms: the document slots, and :meth:`sms_code`."""

    @abstractmethod
    def name(self) -> str: ...

    async def validate_property_certificate(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await self.document("property_certificate", dispatcher, tracker)

    async def validate_power_of_attorney(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await self.document("power_of_attorney", dispatcher, tracker)

    async def sms_code(
        self, slot: str, value: Any, *, phone: str | None, purpose: str,
        dispatcher: CollectingDispatcher, tracker: Tracker, confirmed_slot: str | None = None,
    ) -> dict[str, Any]:
        """Check the code sent to ``phone``; a code that is gone (expired, used up) is said so
        and the question sends a new one. A form with a frozen summary (actions.forms.frozen_summary)
        names its confirmation slot: the code is then recorded server-side, and a code entered
        after the summary was confirmed brings the summary again."""
        if value == CODE_ACCEPTED or not phone:
            return {slot: None}  # never a typed "accepted"
        d = deps()
        outcome = await call(check_code, d.session_factory, d.clock, phone=phone, purpose=purpose,
                             code=str(value or ""), requester=chat_key(*chat_identity(tracker)))
        if isinstance(outcome, CodeRejected) and outcome.reason in CODE_GONE:
            return await self.code_gone(slot, outcome.reason, dispatcher, tracker)
        if isinstance(outcome, CodeRejected):
            return self.reject(dispatcher, tracker, slot, "utter_rt_code_rejected")
        form = tracker.active_loop_name
        if not confirmed_slot or not form:
            return self.accept(slot, CODE_ACCEPTED)
        # Kept server-side: submission checks the code went to the application's phone.
        await code_entered(tracker, form, phone)
        again = {confirmed_slot: None} if tracker.get_slot(confirmed_slot) is not None else {}
        return self.accept(slot, CODE_ACCEPTED, **again)

    async def code_gone(
        self, slot: str, reason: CodeRejection, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        """The code is gone (``reason``): said so, and the question sends a new one. Forms
        whose code stands for something more (a payment) say and do what fits."""
        dispatcher.utter_message(response=CODE_REJECTIONS[reason])
        return {slot: None, FAILURES_SLOT: None}

    async def document(self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        """A file this chat just sent (jpg/png/pdf, at most 10 MB, checked when received)."""
        if latest_intent(tracker) != FILE_INTENT:
            return self.reject(dispatcher, tracker, slot, "utter_rt_upload_needed")
        problem = latest_entity(tracker, "upload_problem")
        if problem in UploadProblem._value2member_map_:
            return self.reject(dispatcher, tracker, slot, photo_problem_response(UploadProblem(problem)))
        channel, sender_id = chat_identity(tracker)
        d = deps()
        upload = await call(read_upload, d.session_factory, d.settings.files_dir,
                            attachment_id=latest_entity(tracker, "attachment_id"), channel=channel, sender_id=sender_id)
        if not isinstance(upload, UploadedFile):
            return self.reject(dispatcher, tracker, slot, photo_problem_response(upload))
        dispatcher.utter_message(response="utter_rt_upload_received")
        return self.accept(slot, str(upload.attachment_id))



class ActionAskSmsCode(Action, ABC):
    """Sends a code (same limits as login) to :meth:`phone` and asks for it; after a mistyped
    code it only asks again, since the code sent is still good."""

    slot: str
    purpose: str
    question = "utter_ask_rt_sms_code"

    @abstractmethod
    def name(self) -> str: ...

    @abstractmethod
    async def phone(self, tracker: Tracker) -> str | None:
        """Where the code goes."""

    async def destination(self, tracker: Tracker) -> tuple[str | None, str]:
        """Where the code goes and what it authorises: :meth:`phone` and :attr:`purpose`, or, for
        a form whose code stands for one thing (a payment), both found in one look-up."""
        return await self.phone(tracker), str(self.purpose)

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        if failures_so_far(tracker, self.slot):
            dispatcher.utter_message(response=self.question)
            return []
        d = deps()
        phone, purpose = await self.destination(tracker)
        outcome = await call(issue_code, d.session_factory, d.sms_gateway, d.clock,
                             phone=phone or "", purpose=purpose, requester=chat_key(*chat_identity(tracker)))
        if isinstance(outcome, CodeIssued):
            dispatcher.utter_message(response="utter_code_sent", masked_phone=mask_phone(outcome.phone))
        else:
            dispatcher.utter_message(response="utter_rt_code_not_sent")
        dispatcher.utter_message(response=self.question)
        return []
