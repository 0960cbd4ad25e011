"""``python -m bot purge``: retention on SQLite and PostgreSQL, with the injectable clock.

The conversations are written by Rasa's own SQL tracker store, on a database of their own."""
from __future__ import annotations

import argparse
import asyncio
import io
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from bot.channels.rendering.numbered_options import NumberedOptions
from bot.channels.telegram.callback_data import DatabaseCallbackStore
from bot.cli import CliContext, main
from bot.clock import FixedClock
from bot.conversation.handoff import TranscriptLine, record_handoff
from bot.db.enums import WorkOrderKind, WorkOrderStatus
from bot.db.models import Attachment, Handoff, IvrCall, NumberedOptionSet, SmsMessage, VerificationCode, WorkOrder
from bot.db.session import SessionFactory
from bot.files.published import publish
from bot.privacy.cli import parse_duration
from bot.privacy.retention import PurgeReport, purge
from bot.settings import Settings
from tests.unit.conftest import FIXED_NOW

OLD = FIXED_NOW - timedelta(days=200)
RECENT = FIXED_NOW - timedelta(days=10)
LONG_BUTTON = '/pay_bill{"account_number": "3301000001", "pay_amount": "88.00", "pay_method": "电e宝"}'


def purge_with_empty_tracker_store(session_factory: SessionFactory, tracker_url: str, files_dir: Path) -> PurgeReport:
    """One purge at FIXED_NOW keeping 180 days, with an empty tracker store."""
    engine = create_engine(tracker_url, future=True)
    try:
        return purge(session_factory, engine, files_dir, FIXED_NOW, timedelta(days=180))
    finally:
        engine.dispose()


@pytest.mark.parametrize(("text", "duration"), [("180d", timedelta(days=180)), ("24h", timedelta(hours=24)),
                                                 ("36H", timedelta(hours=36)), (" 7d ", timedelta(days=7))])
def test_durations(text: str, duration: timedelta) -> None:
    assert parse_duration(text) == duration


@pytest.mark.parametrize("text", ["", "180", "d", "-5d", "0d", "1.5d", "12h", "180 days", "10m"])
def test_bad_durations_are_refused(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        parse_duration(text)


def _save_conversations(tracker_url: str, last_event_at: dict[str, datetime]) -> None:
    """Each conversation: a greeting 5 minutes before its last message, through Rasa's store."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    store = SQLTrackerStore(dialect=tracker_url.split(":")[0].split("+")[0], host=tracker_url)
    try:
        for sender, at in last_event_at.items():
            tracker = DialogueStateTracker(sender, slots=[])
            for when in (at - timedelta(minutes=5), at):
                tracker.update(UserUttered("你好", timestamp=when.timestamp()))
            asyncio.run(store.save(tracker))
    finally:
        store.engine.dispose()


def _senders(tracker_url: str) -> dict[str, int]:
    engine = create_engine(tracker_url, future=True)
    try:
        with engine.connect() as connection:
            from bot.privacy.retention import _events

            rows = connection.execute(select(_events.c.sender_id, func.count()).group_by(_events.c.sender_id))
            return dict(rows.all())
    finally:
        engine.dispose()


def _upload(session_factory: SessionFactory, files_dir: Path, content: bytes, at: datetime,
            order_id: int | None = None) -> str:
    relative = f"uploads/{len(content):02d}/{content.hex()}.png"
    (files_dir / relative).parent.mkdir(parents=True, exist_ok=True)
    (files_dir / relative).write_bytes(content)
    with session_factory.session_scope() as session:
        session.add(Attachment(kind="property_proof", filename="proof.png", content_type="image/png",
                               size_bytes=len(content), sha256=content.hex().ljust(64, "0")[:64],
                               storage_path=relative, uploaded_at=at, work_order_id=order_id))
    return relative


def _order(session_factory: SessionFactory, number: str, status: WorkOrderStatus, updated: datetime) -> int:
    with session_factory.session_scope() as session:
        order = WorkOrder(order_no=number, kind=WorkOrderKind.TRANSFER, status=status, form_data={},
                          created_at=OLD, updated_at=updated)
        session.add(order)
        session.flush()
        return order.id


def _code_and_sms(session_factory: SessionFactory, at: datetime) -> None:
    with session_factory.session_scope() as session:
        session.add(VerificationCode(phone="13800000001", purpose="login", code_hash="0" * 64,
                                     expires_at=at + timedelta(minutes=5), created_at=at))
        session.add(SmsMessage(phone="13800000001", purpose="login", text="验证码123456", sent_at=at))


def test_purge_removes_what_is_old_and_keeps_the_rest(
    session_factory: SessionFactory, empty_database_url: str, tmp_path: Path
) -> None:
    files_dir = tmp_path / "files"
    _save_conversations(empty_database_url, {"old-chat": OLD, "recent-chat": RECENT,
                                             "old-but-came-back": FIXED_NOW - timedelta(days=1)})
    for at in (OLD, RECENT):
        said = [TranscriptLine("user", "我的手机是１３８０００００００１", at)]
        record_handoff(session_factory, channel="rest", sender_id=f"chat-{at:%m%d}", reason="用户要求转人工",
                       transcript=said, clock=FixedClock(at))
        _code_and_sms(session_factory, at)
    open_order = _order(session_factory, "GD20260501001", WorkOrderStatus.REVIEWING, OLD)
    closed_long_ago = _order(session_factory, "GD20260501002", WorkOrderStatus.COMPLETED, OLD)
    closed_lately = _order(session_factory, "GD20260501003", WorkOrderStatus.COMPLETED, RECENT)
    abandoned = _upload(session_factory, files_dir, b"abandoned", OLD)
    of_open_order = _upload(session_factory, files_dir, b"open order", OLD, open_order)
    of_closed_order = _upload(session_factory, files_dir, b"closed order", OLD, closed_long_ago)
    of_lately_closed = _upload(session_factory, files_dir, b"lately closed", OLD, closed_lately)
    recent = _upload(session_factory, files_dir, b"recent", RECENT)
    shared = _upload(session_factory, files_dir, b"same content", OLD)
    _upload(session_factory, files_dir, b"same content", RECENT)  # a newer upload of the same file
    settings = Settings(files_dir=files_dir, file_url_secret="s")
    expired_chart = publish(settings, FixedClock(FIXED_NOW - timedelta(hours=25)), "charts", b"\x89PNG")
    fresh_invoice = publish(settings, FixedClock(FIXED_NOW - timedelta(hours=1)), "invoices", b"%PDF-")
    tracker_engine = create_engine(empty_database_url, future=True)

    try:
        report = purge(session_factory, tracker_engine, files_dir, FIXED_NOW, timedelta(days=180))
    finally:
        tracker_engine.dispose()

    assert (report.conversations, report.tracker_events) == (1, 2)
    assert set(_senders(empty_database_url)) == {"recent-chat", "old-but-came-back"}
    assert (report.handoffs, report.verification_codes, report.sms_messages) == (1, 1, 1)
    assert (report.uploads, report.upload_files) == (3, 2)  # the shared file stays for its newer row
    assert report.published_files == 1
    with session_factory.session_scope() as session:
        assert [h.created_at for h in session.scalars(select(Handoff))] == [RECENT]
        # Stored redacted, full-width digits included.
        assert session.scalars(select(Handoff.transcript)).one()[0]["text"] == "我的手机是138****0001"
        assert [c.created_at for c in session.scalars(select(VerificationCode))] == [RECENT]
        assert [m.sent_at for m in session.scalars(select(SmsMessage))] == [RECENT]
        kept = set(session.scalars(select(Attachment.storage_path)))
        assert session.scalar(select(func.count()).select_from(WorkOrder)) == 3  # orders are business records
    assert kept == {of_open_order, of_lately_closed, recent, shared}
    assert not (files_dir / abandoned).exists() and not (files_dir / of_closed_order).exists()
    assert all((files_dir / path).exists() for path in kept)
    published = files_dir / "published"
    assert not (published / "charts" / expired_chart.rsplit("/", 1)[1]).exists()
    assert (published / "invoices" / fresh_invoice.rsplit("/", 1)[1]).exists()


def test_expired_chat_options_and_button_payloads_are_purged_whatever_the_cut_off(
    session_factory: SessionFactory, empty_database_url: str, tmp_path: Path
) -> None:
    day_ago, month_ago = FixedClock(FIXED_NOW - timedelta(hours=25)), FixedClock(FIXED_NOW - timedelta(days=31))
    # (in this order: remembering options sweeps a few sets expired by then on the way)
    NumberedOptions(session_factory, FixedClock(FIXED_NOW)).remember("wechat", "o-new", ["/query_bill"])
    NumberedOptions(session_factory, day_ago).remember("wechat", "o-old", ["/query_bill", "/pay_bill"])
    old_key = asyncio.run(DatabaseCallbackStore(session_factory, month_ago).keep("501", [LONG_BUTTON]))
    new_key = asyncio.run(DatabaseCallbackStore(session_factory, day_ago).keep("501", [LONG_BUTTON]))
    report = purge_with_empty_tracker_store(session_factory, empty_database_url, tmp_path)

    assert report.option_sets == 2
    assert "expired chat options and button payloads: 2" in report.lines()
    with session_factory.session_scope() as session:
        left = sorted(session.execute(select(NumberedOptionSet.channel, NumberedOptionSet.sender_id)).all())
    assert left == [("telegram-buttons", f"501:{new_key}"), ("wechat", "o-new")]
    now_store = DatabaseCallbackStore(session_factory, FixedClock(FIXED_NOW))
    assert asyncio.run(now_store.find("501", new_key)) == [LONG_BUTTON]
    assert asyncio.run(now_store.find("501", old_key)) is None


def test_purging_twice_removes_nothing_more(session_factory: SessionFactory, empty_database_url: str,
                                            tmp_path: Path) -> None:
    _save_conversations(empty_database_url, {"old-chat": OLD})
    _code_and_sms(session_factory, OLD)
    engine = create_engine(empty_database_url, future=True)
    try:
        first = purge(session_factory, engine, tmp_path, FIXED_NOW, timedelta(days=180))
        second = purge(session_factory, engine, tmp_path, FIXED_NOW, timedelta(days=180))
    finally:
        engine.dispose()
    assert (first.conversations, first.verification_codes, first.sms_messages) == (1, 1, 1)
    assert second == type(second)()


def test_the_command_prints_counts_only(session_factory: SessionFactory, migrated_database_url: str,
                                        empty_database_url: str, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    _save_conversations(empty_database_url, {"13800000001": OLD})  # a sender id may be a phone number
    record_handoff(session_factory, channel="rest", sender_id="13800000001", reason="转人工",
                   transcript=[TranscriptLine("user", "身份证33010619900101123X", OLD)], clock=FixedClock(OLD))
    settings = Settings(database_url=migrated_database_url, tracker_store_url=empty_database_url,
                        files_dir=tmp_path)
    assert main(["purge", "--older-than", "180d"], settings=settings, clock=FixedClock(FIXED_NOW)) == 0
    output = capsys.readouterr().out
    assert "conversations: 1 (2 tracker events)" in output and "hand-offs: 1" in output
    assert "13800000001" not in output and "3301" not in output
    # A tracker store that was never written to is not an error.
    fresh = CliContext(Settings(database_url=migrated_database_url, tracker_store_url=f"sqlite:///{tmp_path}/t.db",
                                files_dir=tmp_path), FixedClock(FIXED_NOW), out=io.StringIO())
    from bot.privacy.cli import purge_command

    assert purge_command(argparse.Namespace(older_than=timedelta(days=1)), fresh) == 0
    assert "conversations: 0 (0 tracker events)" in fresh.out.getvalue()  # type: ignore[attr-defined]
    fresh.close()


def test_less_than_a_day_is_refused(session_factory: SessionFactory, tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path}/t.db", future=True)
    with pytest.raises(ValueError):
        purge(session_factory, engine, tmp_path, FIXED_NOW, timedelta(hours=23))
    engine.dispose()
    assert main(["purge", "--older-than", "12h"]) == 2


def test_hotline_calls_lose_the_caller_number_when_expired_and_their_row_a_day_after(
    session_factory: SessionFactory, empty_database_url: str, tmp_path: Path
) -> None:
    def call(conversation_id: str, *, started: timedelta, ended: bool = False) -> IvrCall:
        at = FIXED_NOW - started
        return IvrCall(conversation_id=conversation_id, caller="13800000001", started_at=at,
                       expires_at=at + timedelta(minutes=5), ended_at=at if ended else None, misses=0,
                       pending_text="查电费", digits="")

    with session_factory.session_scope() as session:
        session.add_all([call("live", started=timedelta(minutes=1)), call("expired", started=timedelta(hours=1)),
                         call("ended-long-ago", started=timedelta(days=2), ended=True)])
    report = purge_with_empty_tracker_store(session_factory, empty_database_url, tmp_path)

    assert report.ivr_calls == 1
    assert "hotline calls over for a day: 1" in report.lines()
    with session_factory.session_scope() as session:
        left = sorted(session.execute(select(IvrCall.conversation_id, IvrCall.caller, IvrCall.pending_text)).all())
    assert left == [("expired", None, None), ("live", "13800000001", "查电费")]
