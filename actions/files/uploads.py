"""Files sent in chat (intent ``send_file``, see bot/channels/uploads.py): reading a 户号 from a bill photo."""
from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import call, chat_identity, deps, latest_entity
from bot.files.attachments import UploadProblem
from bot.files.barcode import account_from_upload

FILE_INTENT = "send_file"
UPLOAD_PROBLEMS = {
    UploadProblem.EMPTY: "utter_upload_empty",
    UploadProblem.TOO_LARGE: "utter_upload_too_large",
    UploadProblem.WRONG_TYPE: "utter_upload_wrong_type",
    UploadProblem.NOT_FOUND: "utter_upload_not_found",
    UploadProblem.LOGIN_REQUIRED: "utter_upload_login_required",
    UploadProblem.QUOTA_EXCEEDED: "utter_upload_quota",
    UploadProblem.IMAGE_TOO_LARGE: "utter_upload_image_too_large",
}
NO_ACCOUNT_CODE = "utter_barcode_unreadable"


async def account_on_photo(tracker: Tracker) -> str | UploadProblem | None:
    """The 户号 on the bill photo of the latest message (see :func:`account_from_upload`)."""
    problem = latest_entity(tracker, "upload_problem")
    if problem in UploadProblem._value2member_map_:
        return UploadProblem(problem)
    attachment_id = latest_entity(tracker, "attachment_id")
    if attachment_id is None:
        return UploadProblem.NOT_FOUND
    channel, sender_id = chat_identity(tracker)
    d = deps()
    return await call(
        account_from_upload, d.session_factory, d.settings.files_dir,
        attachment_id=attachment_id, channel=channel, sender_id=sender_id,
    )


def photo_problem_response(outcome: UploadProblem | None) -> str:
    return NO_ACCOUNT_CODE if outcome is None else UPLOAD_PROBLEMS[outcome]


def explain_photo_problem(dispatcher: CollectingDispatcher, outcome: UploadProblem | None) -> None:
    dispatcher.utter_message(response=photo_problem_response(outcome))
