"""How a channel hands a received file to the dialogue: store it, then send the intent
``send_file`` with the attachment id (or the reason it was refused) as an entity.

Messages starting with ``/`` skip NLU, so the dialogue sees exactly this intent. A user
can type the same text; actions therefore re-check that the attachment belongs to the chat.
"""
from __future__ import annotations

import asyncio
import json

from bot.container import Services
from bot.services.attachments import StoredUpload, UploadProblem, store_upload

FILE_INTENT = "send_file"


def file_message(outcome: StoredUpload | UploadProblem) -> str:
    if isinstance(outcome, StoredUpload):
        entities = {"attachment_id": str(outcome.attachment_id)}
    else:
        entities = {"upload_problem": outcome.value}
    return f"/{FILE_INTENT}{json.dumps(entities)}"


async def receive_file(
    deps: Services, *, channel: str, sender_id: str, filename: str | None, data: bytes
) -> str:
    """Store a file a chat sent; the text to pass on to Rasa as that chat's message."""
    outcome = await asyncio.to_thread(
        store_upload, deps.session_factory, deps.clock, deps.settings.files_dir,
        channel=channel, sender_id=sender_id, filename=filename, data=data,
    )
    return file_message(outcome)
