"""How a channel hands a received file to the dialogue: store it, then send the intent
``send_file`` with the attachment id (or the reason it was refused) as an entity.

Messages starting with ``/`` skip NLU, so the dialogue sees exactly this intent. A user
can type the same text; actions therefore re-check that the attachment belongs to the chat.
"""
from __future__ import annotations

import asyncio
from typing import BinaryIO

from bot.container import Services
from bot.conversation.payloads import payload
from bot.files.attachments import StoredUpload, UploadProblem, store_upload

FILE_INTENT = "send_file"


def file_message(outcome: StoredUpload | UploadProblem) -> str:
    if isinstance(outcome, StoredUpload):
        entities = {"attachment_id": str(outcome.attachment_id)}
    else:
        entities = {"upload_problem": outcome.value}
    return payload(FILE_INTENT, **entities)


async def receive_file(
    deps: Services, *, channel: str, sender_id: str, filename: str | None, data: bytes | BinaryIO
) -> str:
    """Store a file a chat sent (bytes, or a stream read at most 10 MB + 1 byte far); the
    text to pass on to Rasa as that chat's message. A file from a chat that is not logged
    in is not stored: the dialogue hears ``upload_problem`` ``login_required``."""
    outcome = await asyncio.to_thread(
        store_upload, deps.session_factory, deps.clock, deps.settings.files_dir,
        channel=channel, sender_id=sender_id, filename=filename, data=data,
        uploads_per_day=deps.settings.uploads_per_day,
    )
    return file_message(outcome)
