"""Files users send in chat (bill photos, certificates): checked, stored, and readable
only by the chat that sent them.

The declared content type and file name are not trusted: a file is accepted only when
its bytes are a JPEG or PNG image Pillow can read, or a PDF, and it is at most 10 MB.
Files are stored under ``FILES_DIR/uploads`` by content hash; the database row keeps
the chat, the logged-in user (if any), type, size and hash.
"""
from __future__ import annotations

import hashlib
import io
import logging
import warnings
from dataclasses import dataclass
from enum import Enum
from pathlib import Path, PurePath

from PIL import Image, UnidentifiedImageError
from sqlalchemy import select

from bot.clock import Clock
from bot.db.models import Attachment, ChatIdentity
from bot.db.session import SessionFactory

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_FILENAME_LENGTH = 255
UPLOADS_SUBDIR = "uploads"
PDF_SIGNATURE = b"%PDF-"
IMAGE_TYPES = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png")}
PDF_TYPE = ("application/pdf", ".pdf")


class UploadProblem(Enum):
    EMPTY = "empty"
    TOO_LARGE = "too_large"
    WRONG_TYPE = "wrong_type"
    NOT_FOUND = "not_found"  # no such upload from this chat (or none was sent)


@dataclass(frozen=True)
class StoredUpload:
    attachment_id: int
    content_type: str
    size_bytes: int


@dataclass(frozen=True)
class UploadedFile:
    """An upload read back by the chat that sent it."""

    attachment_id: int
    content_type: str
    data: bytes

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


def sniff_type(data: bytes) -> tuple[str, str] | None:
    """(content type, extension) of an acceptable file, judged by its bytes; else None."""
    if data[:1024].lstrip().startswith(PDF_SIGNATURE):
        return PDF_TYPE
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                kind = IMAGE_TYPES.get(image.format or "")
                image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):
        return None
    return kind


def check_upload(data: bytes) -> tuple[str, str] | UploadProblem:
    if not data:
        return UploadProblem.EMPTY
    if len(data) > MAX_UPLOAD_BYTES:
        return UploadProblem.TOO_LARGE
    return sniff_type(data) or UploadProblem.WRONG_TYPE


def safe_filename(name: str | None, extension: str) -> str:
    """The sender's file name without any directory part, for display only."""
    base = PurePath((name or "").replace("\\", "/")).name.strip() or f"upload{extension}"
    return base[-MAX_FILENAME_LENGTH:]


def store_upload(
    session_factory: SessionFactory,
    clock: Clock,
    files_dir: Path,
    *,
    channel: str,
    sender_id: str,
    filename: str | None,
    data: bytes,
    kind: str = "chat_upload",
) -> StoredUpload | UploadProblem:
    """Check ``data`` and keep it for the chat (channel, sender) that sent it."""
    checked = check_upload(data)
    if isinstance(checked, UploadProblem):
        log.info("upload refused: %s (%d bytes)", checked.value, len(data))
        return checked
    content_type, extension = checked
    digest = hashlib.sha256(data).hexdigest()
    relative = Path(UPLOADS_SUBDIR) / digest[:2] / f"{digest}{extension}"
    target = files_dir / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(target.suffix + ".part")
        partial.write_bytes(data)
        partial.replace(target)  # atomic: readers never see half a file
    with session_factory.session_scope() as session:
        user_id = session.scalar(
            select(ChatIdentity.user_id).where(
                ChatIdentity.channel == channel, ChatIdentity.sender_id == sender_id
            )
        )
        attachment = Attachment(
            channel=channel, sender_id=sender_id, user_id=user_id, kind=kind,
            filename=safe_filename(filename, extension), content_type=content_type,
            size_bytes=len(data), sha256=digest, storage_path=relative.as_posix(),
            uploaded_at=clock.now(),
        )
        session.add(attachment)
        session.flush()
        return StoredUpload(attachment.id, content_type, len(data))


def read_upload(
    session_factory: SessionFactory, files_dir: Path, *, attachment_id: object, channel: str, sender_id: str
) -> UploadedFile | UploadProblem:
    """The file ``attachment_id`` if this chat uploaded it; ids come from user-editable
    messages, so anything else is simply not found."""
    try:
        wanted = int(str(attachment_id))
    except ValueError:
        return UploadProblem.NOT_FOUND
    with session_factory.session_scope() as session:
        attachment = session.get(Attachment, wanted)
        if attachment is None or (attachment.channel, attachment.sender_id) != (channel, sender_id):
            return UploadProblem.NOT_FOUND
        content_type, storage_path, digest = (
            attachment.content_type, attachment.storage_path, attachment.sha256
        )
    try:
        data = (files_dir / storage_path).read_bytes()
    except OSError:
        log.warning("upload %d is missing from the file store", wanted)
        return UploadProblem.NOT_FOUND
    if hashlib.sha256(data).hexdigest() != digest:
        log.warning("upload %d does not match its recorded hash", wanted)
        return UploadProblem.NOT_FOUND
    return UploadedFile(wanted, content_type, data)
