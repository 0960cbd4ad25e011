"""Files sent in chat: type and size checks by content, storage, and use only by the chat that sent them."""
from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from bot.clock import FixedClock
from bot.db.models import Attachment, ChatIdentity
from bot.db.session import SessionFactory
from bot.files.attachments import (
    MAX_UPLOAD_BYTES,
    StoredUpload,
    UploadedFile,
    UploadProblem,
    read_upload,
    safe_filename,
    sniff_type,
    store_upload,
)
from bot.files.barcode import account_from_upload
from tests.bill_photos import bill_photo, encoded
from tests.sample_files import MINIMAL_PDF, minimal_pdf
from tests.unit.db_factories import add_user

PDF = MINIMAL_PDF
CHAT = {"channel": "rest", "sender_id": "photo-chat"}


@pytest.fixture
def files_dir(tmp_path: Path) -> Path:
    return tmp_path / "files"


def log_chat_in(sf: SessionFactory, clock: FixedClock, chat: dict[str, str] = CHAT, phone: str = "13900000001") -> int:
    """Link ``chat`` to a new user (only logged-in chats may upload); the user's id."""
    with sf.session_scope() as session:
        user = add_user(session, phone).id
        session.add(ChatIdentity(user_id=user, created_at=clock.now(), last_seen_at=clock.now(),
                                 logged_in_at=clock.now(), **chat))
    return user


@pytest.fixture
def chat_user(session_factory: SessionFactory, fixed_clock: FixedClock) -> int:
    return log_chat_in(session_factory, fixed_clock)


def _store(sf: SessionFactory, clock: FixedClock, files_dir: Path, data: bytes, name: str = "bill.png",
           chat: dict[str, str] = CHAT) -> StoredUpload | UploadProblem:
    return store_upload(sf, clock, files_dir, filename=name, data=data, **chat)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (encoded(Image.new("RGB", (40, 30), "white")), ("image/png", ".png")),
        (encoded(Image.new("RGB", (40, 30), "white"), "JPEG"), ("image/jpeg", ".jpg")),
        (PDF, ("application/pdf", ".pdf")),
        (b"%PDF-" + b"junk" * 100, None),  # the signature alone is not a PDF
        (b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n", None),  # no cross-reference, no page
        (PDF[:-30], None),  # truncated: no end-of-file marker
        (PDF.replace(b"/Count 1", b"/Count 0").replace(b"[3 0 R]", b"[]"), None),  # no page
        (encoded(Image.new("RGB", (40, 30)), "GIF"), None),
        (b"GIF89a not really", None),
        (encoded(Image.new("RGB", (40, 30), "white"))[:60], None),  # truncated PNG
        ("户号3301000001".encode(), None),
    ],
)
def test_the_type_is_judged_by_the_bytes(data: bytes, expected: tuple[str, str] | None) -> None:
    assert sniff_type(data) == expected


def test_an_image_is_stored_with_its_real_type_whatever_its_name(
    session_factory: SessionFactory, fixed_clock: FixedClock, files_dir: Path, chat_user: int
) -> None:
    photo = bill_photo("3301000002")
    stored = _store(session_factory, fixed_clock, files_dir, photo, name="../../etc/账单.pdf")
    assert isinstance(stored, StoredUpload)
    assert (stored.content_type, stored.size_bytes) == ("image/png", len(photo))
    with session_factory.session_scope() as session:
        row = session.get(Attachment, stored.attachment_id)
        assert (row.channel, row.sender_id, row.user_id) == ("rest", "photo-chat", chat_user)
        assert row.filename == "账单.pdf" and row.content_type == "image/png"
        assert row.uploaded_at == fixed_clock.now()
        assert (files_dir / row.storage_path).read_bytes() == photo
        assert row.storage_path.endswith(f"{row.sha256}.png")


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", UploadProblem.EMPTY),
        (b"%PDF-" + b"0" * (MAX_UPLOAD_BYTES - 4), UploadProblem.TOO_LARGE),
        (b"plain text", UploadProblem.WRONG_TYPE),
    ],
)
def test_refused_files_leave_nothing_behind(
    session_factory: SessionFactory, fixed_clock: FixedClock, files_dir: Path, data: bytes, problem: UploadProblem,
    chat_user: int,
) -> None:
    assert _store(session_factory, fixed_clock, files_dir, data) is problem
    assert not files_dir.exists()
    with session_factory.session_scope() as session:
        assert session.scalars(select(Attachment)).all() == []


def _pdf_of_size(size: int) -> bytes:
    """A valid PDF of exactly ``size`` bytes (padded with a comment)."""
    padding = size - len(minimal_pdf("0"))
    while len(data := minimal_pdf("0" * (padding + 1))) != size:
        padding += size - len(data)
    return data


def test_exactly_10_mb_is_accepted(
    session_factory: SessionFactory, fixed_clock: FixedClock, files_dir: Path, chat_user: int
) -> None:
    data = _pdf_of_size(MAX_UPLOAD_BYTES)
    assert len(data) == MAX_UPLOAD_BYTES
    assert isinstance(_store(session_factory, fixed_clock, files_dir, data, name="x.pdf"), StoredUpload)


def test_an_upload_from_a_logged_in_chat_records_the_user(
    session_factory: SessionFactory, fixed_clock: FixedClock, files_dir: Path, chat_user: int
) -> None:
    stored = _store(session_factory, fixed_clock, files_dir, PDF, name="x.pdf")
    with session_factory.session_scope() as session:
        assert session.get(Attachment, stored.attachment_id).user_id == chat_user


def test_only_the_chat_that_sent_a_file_can_read_it(
    session_factory: SessionFactory, fixed_clock: FixedClock, files_dir: Path, chat_user: int
) -> None:
    stored = _store(session_factory, fixed_clock, files_dir, PDF, name="x.pdf")
    mine = read_upload(session_factory, files_dir, attachment_id=str(stored.attachment_id), **CHAT)
    assert mine == UploadedFile(stored.attachment_id, "application/pdf", PDF)
    for chat in ({"channel": "rest", "sender_id": "someone-else"}, {"channel": "telegram", "sender_id": "photo-chat"}):
        found = read_upload(session_factory, files_dir, attachment_id=stored.attachment_id, **chat)
        assert found is UploadProblem.NOT_FOUND
    for forged in ("999999", "abc", None, "1; DROP TABLE attachments"):
        assert read_upload(session_factory, files_dir, attachment_id=forged, **CHAT) is UploadProblem.NOT_FOUND


def test_a_file_changed_or_lost_on_disk_is_not_used(
    session_factory: SessionFactory, fixed_clock: FixedClock, files_dir: Path, chat_user: int
) -> None:
    stored = _store(session_factory, fixed_clock, files_dir, PDF, name="x.pdf")
    (path,) = (files_dir / "uploads").rglob("*.pdf")
    path.write_bytes(PDF + b"tampered")
    reread = partial(read_upload, session_factory, files_dir, attachment_id=stored.attachment_id, **CHAT)
    assert reread() is UploadProblem.NOT_FOUND
    path.unlink()
    assert reread() is UploadProblem.NOT_FOUND


def test_the_same_file_twice_is_stored_once_on_disk(
    session_factory: SessionFactory, fixed_clock: FixedClock, files_dir: Path, chat_user: int
) -> None:
    first = _store(session_factory, fixed_clock, files_dir, PDF, name="a.pdf")
    second = _store(session_factory, fixed_clock, files_dir, PDF, name="b.pdf")
    assert first.attachment_id != second.attachment_id
    assert len(list((files_dir / "uploads").rglob("*.pdf"))) == 1


@pytest.mark.parametrize(
    ("name", "expected"),
    [("C:\\photos\\bill.jpg", "bill.jpg"), ("/etc/passwd", "passwd"), ("", "upload.png"), (None, "upload.png"),
     ("a" * 300 + ".png", "a" * 251 + ".png")],
)
def test_file_names_lose_their_directories(name: str | None, expected: str) -> None:
    assert safe_filename(name, ".png") == expected


def test_the_account_number_is_read_from_a_bill_photo(
    session_factory: SessionFactory, fixed_clock: FixedClock, files_dir: Path, chat_user: int
) -> None:
    photo = _store(session_factory, fixed_clock, files_dir, bill_photo("户号：3301000002", "JPEG"), name="p.jpg")
    blank = _store(session_factory, fixed_clock, files_dir, encoded(Image.new("L", (300, 200), 255)))
    pdf = _store(session_factory, fixed_clock, files_dir, PDF, name="x.pdf")

    def read(attachment_id: object, chat: dict[str, str] = CHAT) -> str | UploadProblem | None:
        return account_from_upload(session_factory, files_dir, attachment_id=attachment_id, **chat)

    assert read(photo.attachment_id) == "3301000002"
    assert read(blank.attachment_id) is None
    assert read(pdf.attachment_id) is None
    assert read(photo.attachment_id, {"channel": "rest", "sender_id": "other"}) is UploadProblem.NOT_FOUND
