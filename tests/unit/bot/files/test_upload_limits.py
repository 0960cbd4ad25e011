"""Upload abuse: anonymous chats, the daily quota, oversize streams, image bombs and
concurrent stores of one file (on SQLite and PostgreSQL, files on a real disk)."""
from __future__ import annotations

import io
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from bot.clock import FixedClock
from bot.db.models import Attachment
from bot.db.session import SessionFactory
from bot.files.attachments import (
    MAX_UPLOAD_BYTES,
    UPLOADS_PER_DAY,
    StoredUpload,
    UploadProblem,
    read_bounded,
    store_upload,
)
from bot.files.file_types import MAX_IMAGE_PIXELS, ImageTooLarge, check_dimensions
from tests.bill_photos import encoded
from tests.sample_files import MINIMAL_PDF, minimal_pdf
from tests.unit.bot.files.test_attachments import CHAT, log_chat_in


@pytest.fixture
def files_dir(tmp_path: Path) -> Path:
    return tmp_path / "files"


def _store(sf: SessionFactory, clock: FixedClock, files_dir: Path, data: object, **kwargs: object) -> object:
    return store_upload(sf, clock, files_dir, filename="f", data=data, **{**CHAT, **kwargs})  # type: ignore[arg-type]


def _rows(sf: SessionFactory) -> int:
    with sf.session_scope() as session:
        return session.scalar(select(func.count()).select_from(Attachment))


def test_an_anonymous_chat_cannot_upload_and_nothing_is_stored(
    session_factory: SessionFactory, fixed_clock: FixedClock, files_dir: Path
) -> None:
    assert _store(session_factory, fixed_clock, files_dir, MINIMAL_PDF) is UploadProblem.LOGIN_REQUIRED
    assert not files_dir.exists()
    assert _rows(session_factory) == 0
    log_chat_in(session_factory, fixed_clock)
    assert isinstance(_store(session_factory, fixed_clock, files_dir, MINIMAL_PDF), StoredUpload)


def test_a_user_stores_at_most_the_daily_quota(
    session_factory: SessionFactory, fixed_clock: FixedClock, files_dir: Path
) -> None:
    assert UPLOADS_PER_DAY == 30
    log_chat_in(session_factory, fixed_clock)
    files = [minimal_pdf(str(n)) for n in range(UPLOADS_PER_DAY + 1)]
    outcomes = [_store(session_factory, fixed_clock, files_dir, data) for data in files]
    assert all(isinstance(outcome, StoredUpload) for outcome in outcomes[:UPLOADS_PER_DAY])
    assert outcomes[-1] is UploadProblem.QUOTA_EXCEEDED
    assert _rows(session_factory) == UPLOADS_PER_DAY
    # Another user is not affected; the next China calendar day starts afresh.
    other = {"channel": "rest", "sender_id": "other-chat"}
    log_chat_in(session_factory, fixed_clock, other, phone="13900000002")
    assert isinstance(_store(session_factory, fixed_clock, files_dir, MINIMAL_PDF, **other), StoredUpload)
    fixed_clock.advance(timedelta(days=1))
    assert isinstance(_store(session_factory, fixed_clock, files_dir, MINIMAL_PDF), StoredUpload)


def test_the_quota_is_the_setting_passed(
    session_factory: SessionFactory, fixed_clock: FixedClock, files_dir: Path
) -> None:
    log_chat_in(session_factory, fixed_clock)
    first, second = (_store(session_factory, fixed_clock, files_dir, minimal_pdf(str(n)), uploads_per_day=1)
                     for n in range(2))
    assert isinstance(first, StoredUpload) and second is UploadProblem.QUOTA_EXCEEDED


class EndlessStream(io.RawIOBase):
    """A body that never ends, counting what was read from it."""

    def __init__(self) -> None:
        self.read_so_far = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        assert size > 0, "an unbounded read of an endless body"
        self.read_so_far += size
        return b"%PDF-" + b"0" * (size - 5) if size > 5 else b"0" * size


def test_an_oversize_stream_is_refused_after_reading_just_past_the_limit(
    session_factory: SessionFactory, fixed_clock: FixedClock, files_dir: Path
) -> None:
    log_chat_in(session_factory, fixed_clock)
    body = EndlessStream()
    assert _store(session_factory, fixed_clock, files_dir, body) is UploadProblem.TOO_LARGE
    assert body.read_so_far == MAX_UPLOAD_BYTES + 1
    assert _rows(session_factory) == 0 and not files_dir.exists()


def test_a_stream_within_the_limit_is_read_whole(
    session_factory: SessionFactory, fixed_clock: FixedClock, files_dir: Path
) -> None:
    log_chat_in(session_factory, fixed_clock)
    stored = _store(session_factory, fixed_clock, files_dir, io.BytesIO(MINIMAL_PDF))
    assert isinstance(stored, StoredUpload) and stored.size_bytes == len(MINIMAL_PDF)
    assert read_bounded(io.BytesIO(b"x" * 11), limit=10) is None
    assert read_bounded(io.BytesIO(b"x" * 10), limit=10) == b"x" * 10
    assert read_bounded(b"x" * 11, limit=10) is None


@pytest.mark.parametrize(("width", "height"), [(7000, 7000), (8001, 10), (10, 9000)])
def test_an_image_too_large_to_decode_is_refused_fast(
    session_factory: SessionFactory, fixed_clock: FixedClock, files_dir: Path, width: int, height: int
) -> None:
    log_chat_in(session_factory, fixed_clock)
    bomb = encoded(Image.new("1", (width, height)))  # a few KB that declare up to 49 megapixels
    assert len(bomb) < 100_000
    started = time.perf_counter()
    assert _store(session_factory, fixed_clock, files_dir, bomb) is UploadProblem.IMAGE_TOO_LARGE
    assert time.perf_counter() - started < 0.5
    assert _rows(session_factory) == 0


def test_the_image_caps() -> None:
    assert Image.MAX_IMAGE_PIXELS == MAX_IMAGE_PIXELS == 40_000_000  # a later decode refuses bombs too
    check_dimensions(8000, 5000)
    for too_large in ((8001, 1), (1, 8001), (7000, 7000)):
        with pytest.raises(ImageTooLarge):
            check_dimensions(*too_large)


def test_concurrent_stores_of_one_file_all_succeed_and_keep_one_copy(
    session_factory: SessionFactory, fixed_clock: FixedClock, files_dir: Path
) -> None:
    log_chat_in(session_factory, fixed_clock)
    data = minimal_pdf("same content " + "0" * 8_000_000)  # big enough for the writes to overlap
    threads_count = 20
    barrier = threading.Barrier(threads_count)
    outcomes: list[object] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def store() -> None:
        try:
            barrier.wait()
            outcome = _store(session_factory, fixed_clock, files_dir, data)
            with lock:
                outcomes.append(outcome)
        except BaseException as error:  # reported in the test's thread
            with lock:
                errors.append(error)

    threads = [threading.Thread(target=store) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(outcomes) == threads_count and all(isinstance(o, StoredUpload) for o in outcomes)
    stored_files = [path for path in files_dir.rglob("*") if path.is_file()]
    assert len(stored_files) == 1 and stored_files[0].suffix == ".pdf"
    assert stored_files[0].read_bytes() == data
    assert _rows(session_factory) == threads_count
