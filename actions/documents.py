"""Documents sent in a form (产权证明, 授权委托书…): a file this chat just sent, judged by its
bytes when it was received (jpg/png/pdf, at most 10 MB)."""
from __future__ import annotations

from abc import abstractmethod
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import call, chat_identity, deps, latest_entity, latest_intent
from actions.form_validation import RetryingFormValidation
from actions.uploads import FILE_INTENT, photo_problem_response
from bot.services.attachments import UploadedFile, UploadProblem, read_upload


class DocumentValidation(RetryingFormValidation):
    """Validators of forms that collect documents call :meth:`document` for those slots."""

    @abstractmethod
    def name(self) -> str: ...

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

