"""The document step of the business applications (更名/过户, 新装): a document sent in the form
(产权证明, 授权委托书, 企业主体证明, 法人身份证) is a file this chat just sent, judged by its bytes
when received — jpg/png/pdf, at most 10 MB."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import call, chat_identity, deps, latest_entity, latest_intent
from actions.files.uploads import FILE_INTENT, photo_problem_response
from actions.forms.retrying import accept, reject
from bot.files.attachments import UploadedFile, UploadProblem, read_upload


def attachment_id_of(slot_value: Any) -> int | None:
    """The attachment id in a validated document slot, else None (e.g. documents come later)."""
    text = str(slot_value or "")
    return int(text) if text.isdigit() else None


async def document_answer(slot: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
    """A file this chat just sent (jpg/png/pdf, at most 10 MB, checked when received)."""
    if latest_intent(tracker) != FILE_INTENT:
        return reject(dispatcher, tracker, slot, "utter_doc_upload_needed")
    problem = latest_entity(tracker, "upload_problem")
    if problem in UploadProblem._value2member_map_:
        return reject(dispatcher, tracker, slot, photo_problem_response(UploadProblem(problem)))
    channel, sender_id = chat_identity(tracker)
    d = deps()
    upload = await call(read_upload, d.session_factory, d.settings.files_dir,
                        attachment_id=latest_entity(tracker, "attachment_id"), channel=channel, sender_id=sender_id)
    if not isinstance(upload, UploadedFile):
        return reject(dispatcher, tracker, slot, photo_problem_response(upload))
    dispatcher.utter_message(response="utter_doc_upload_received")
    return accept(slot, str(upload.attachment_id))


# The two documents 更名/过户 and 新装 both ask for, as a form's methods (Rasa's signature).
async def validate_property_certificate(
    value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
) -> dict[str, Any]:
    return await document_answer("property_certificate", dispatcher, tracker)


async def validate_power_of_attorney(
    value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
) -> dict[str, Any]:
    return await document_answer("power_of_attorney", dispatcher, tracker)
