"""Files users send in chat (bill photos, certificates): checked, stored, and readable
only by the chat that sent them.

Only a logged-in chat may send files (nothing from an anonymous chat is stored), and a
user may store ``UPLOADS_PER_DAY`` files a China calendar day. The declared content type
and file name are not trusted: a file is accepted only when its bytes are a JPEG or PNG
image Pillow can read, at most 8000 px a side and 40 megapixels, or a PDF that parses
(:mod:`bot.files.file_types`), and it is at most 10 MB: a stream is read no further
than that. Files are stored under ``FILES_DIR/uploads`` by content hash; the database row
keeps the chat, the user, type, size and hash.
"""
from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path, PurePath
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.db.models import Attachment, ChatIdentity
from bot.db.session import SessionFactory
from bot.files.file_types import IMAGE_TYPES, PDF_SIGNATURE, PDF_TYPE, ImageTooLarge, sniff_type
from bot.limits.db_counters import take_in
from bot.limits.windows import DAY_TTL, china_day

__all__ = [
    "IMAGE_TYPES", "MAX_UPLOAD_BYTES", "PDF_SIGNATURE", "PDF_TYPE", "StoredUpload", "UploadProblem",
    "UploadedFile", "check_upload", "delete_attachments", "read_bounded", "read_upload", "remove_stored_files",
    "safe_filename", "sniff_type", "store_upload",
]

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_FILENAME_LENGTH = 255
UPLOADS_PER_DAY = 30  # the default of UPLOADS_PER_DAY
UPLOADS_SUBDIR = "uploads"
READ_CHUNK = 64 * 1024


class UploadProblem(Enum):
    EMPTY = "empty"
    TOO_LARGE = "too_large"
    WRONG_TYPE = "wrong_type"
    NOT_FOUND = "not_found"  # no such upload from this chat (or none was sent)
    LOGIN_REQUIRED = "login_required"  # an anonymous chat: nothing is stored
    QUOTA_EXCEEDED = "quota_exceeded"  # the user's files for today
    IMAGE_TOO_LARGE = "image_too_large"  # dimensions over the caps


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


def read_bounded(source: bytes | BinaryIO, limit: int = MAX_UPLOAD_BYTES) -> bytes | None:
    """The bytes of ``source``, or None as soon as there are more than ``limit``: a stream
    is read at most ``limit`` + 1 bytes far."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source) if len(source) <= limit else None
    chunks: list[bytes] = []
    total = 0
    while chunk := source.read(min(READ_CHUNK, limit + 1 - total)):
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            return None
    return b"".join(chunks)


def check_upload(data: bytes) -> tuple[str, str] | UploadProblem:
    if not data:
        return UploadProblem.EMPTY
    if len(data) > MAX_UPLOAD_BYTES:
        return UploadProblem.TOO_LARGE
    try:
        return sniff_type(data) or UploadProblem.WRONG_TYPE
    except ImageTooLarge:
        return UploadProblem.IMAGE_TOO_LARGE


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
    data: bytes | BinaryIO,
    kind: str = "chat_upload",
    uploads_per_day: int = UPLOADS_PER_DAY,
) -> StoredUpload | UploadProblem:
    """Check ``data`` (bytes or a binary stream) and keep it for the chat (channel, sender)
    that sent it, which must be logged in; the quota counts files stored."""
    with session_factory.session_scope() as session:
        user_id = session.scalar(
            select(ChatIdentity.user_id).where(ChatIdentity.channel == channel, ChatIdentity.sender_id == sender_id)
        )
    if user_id is None:
        log.info("upload refused: the chat is not logged in")
        return UploadProblem.LOGIN_REQUIRED
    body = read_bounded(data)
    checked = check_upload(body) if body is not None else UploadProblem.TOO_LARGE
    if isinstance(checked, UploadProblem):
        log.info("upload refused: %s", checked.value)
        return checked
    assert body is not None  # check_upload accepted it
    content_type, extension = checked
    digest = hashlib.sha256(body).hexdigest()
    relative = Path(UPLOADS_SUBDIR) / digest[:2] / f"{digest}{extension}"
    now = clock.now()
    with session_factory.session_scope() as session:
        allowed = take_in(session, f"uploads:{china_day(now)}:{user_id}", uploads_per_day, DAY_TTL, now)
    if not allowed:
        log.info("upload refused: user %s stored %d files today", user_id, uploads_per_day)
        return UploadProblem.QUOTA_EXCEEDED
    _write_once(files_dir / relative, body)  # outside any transaction: SQLite's write lock is not held meanwhile
    with session_factory.session_scope() as session:
        attachment = Attachment(
            channel=channel, sender_id=sender_id, user_id=user_id, kind=kind,
            filename=safe_filename(filename, extension), content_type=content_type,
            size_bytes=len(body), sha256=digest, storage_path=relative.as_posix(), uploaded_at=now,
        )
        session.add(attachment)
        session.flush()
        return StoredUpload(attachment.id, content_type, len(body))


def _write_once(target: Path, data: bytes) -> None:
    """Put ``data`` at ``target`` unless it is there already. Each writer has a temporary
    file of its own, renamed into place atomically: concurrent stores of the same content
    all succeed, and readers never see half a file."""
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as partial:
            partial.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


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


def delete_attachments(session: Session, attachments: Iterable[Attachment]) -> list[str]:
    """Delete these upload rows; the stored files no row uses any more (files are stored by
    content, so another upload may share one). Remove those files with
    :func:`remove_stored_files` only once the transaction has committed."""
    unused = list(attachments)
    paths = {attachment.storage_path for attachment in unused}
    for attachment in unused:
        session.delete(attachment)
    session.flush()
    still_used = set(session.scalars(select(Attachment.storage_path).where(Attachment.storage_path.in_(paths))))
    return sorted(paths - still_used)


def remove_stored_files(files_dir: Path, storage_paths: Sequence[str]) -> int:
    """Remove stored uploads (paths relative to ``files_dir``, never outside its uploads
    folder); how many there were."""
    uploads = (files_dir / UPLOADS_SUBDIR).resolve()
    removed = 0
    for storage_path in storage_paths:
        path = (files_dir / storage_path).resolve()
        if path.is_relative_to(uploads) and path.is_file():
            path.unlink()
            removed += 1
    return removed
