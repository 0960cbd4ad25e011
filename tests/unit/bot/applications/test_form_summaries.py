"""Frozen form summaries (bot.applications.form_summaries) on SQLite and PostgreSQL."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from threading import Barrier

from sqlalchemy import select

from bot.applications.form_summaries import (
    SUMMARY_VALID_FOR,
    ChatForm,
    SummaryCheck,
    check_summary,
    content_digest,
    discard_summary,
    freeze_summary,
    record_code,
    take_summary,
)
from bot.clock import FixedClock
from bot.db.enums import WorkOrderKind
from bot.db.models import FormSummary
from bot.db.session import SessionFactory

CHAT = ChatForm("socketio", "chat-1", "rename_transfer_form")
PHONE = "13900000005"


@dataclass(frozen=True)
class _Application:
    name: str
    id_number: str
    kind: WorkOrderKind


APPLICATION = {"user_id": 1, "application": _Application("王小明", "110105199003078510", WorkOrderKind.RENAME)}


def _check(session_factory: SessionFactory, clock: FixedClock, content: object = APPLICATION) -> SummaryCheck:
    return check_summary(session_factory, clock, chat=CHAT, content=content, phone=PHONE)


def _take(session_factory: SessionFactory, clock: FixedClock) -> SummaryCheck:
    return take_summary(session_factory, clock, chat=CHAT, content=APPLICATION, phone=PHONE)


def _ready(session_factory: SessionFactory, clock: FixedClock) -> None:
    """The code entered, then the summary shown."""
    record_code(session_factory, clock, chat=CHAT, phone=PHONE)
    freeze_summary(session_factory, clock, chat=CHAT, content=APPLICATION)


def test_the_digest_is_canonical_and_sees_every_field() -> None:
    reordered = {"application": APPLICATION["application"], "user_id": 1}
    assert content_digest(reordered) == content_digest(APPLICATION)
    for changed in ({"user_id": 2},
                    {"application": _Application("王小明", "110105199003078510", WorkOrderKind.TRANSFER)},
                    {"application": _Application("王小明", "11010519900307851X", WorkOrderKind.RENAME)}):
        assert content_digest(APPLICATION | changed) != content_digest(APPLICATION)


def test_only_keyed_digests_are_stored(session_factory: SessionFactory, fixed_clock: FixedClock) -> None:
    _ready(session_factory, fixed_clock)
    with session_factory.session_scope() as session:
        row = session.scalars(select(FormSummary)).one()
        stored = " ".join(str(value) for value in (row.digest, row.code_phone_digest))
    assert "110105199003078510" not in stored and PHONE not in stored and "王小明" not in stored
    assert len(row.digest or "") == 64 and len(row.code_phone_digest or "") == 64


def test_the_summary_holds_until_something_changes(session_factory: SessionFactory, fixed_clock: FixedClock) -> None:
    _ready(session_factory, fixed_clock)
    assert _check(session_factory, fixed_clock) is SummaryCheck.HOLDS
    changed = APPLICATION | {"application": _Application("李小红", "110105199003078510", WorkOrderKind.RENAME)}
    assert _check(session_factory, fixed_clock, changed) is SummaryCheck.CHANGED
    other_chat = ChatForm("socketio", "chat-2", CHAT.form)
    assert check_summary(session_factory, fixed_clock, chat=other_chat, content=APPLICATION,
                         phone=PHONE) is SummaryCheck.MISSING
    freeze_summary(session_factory, fixed_clock, chat=CHAT, content=changed)  # a new summary replaces it
    assert _check(session_factory, fixed_clock, changed) is SummaryCheck.HOLDS


def test_the_code_must_have_gone_to_the_application_phone(
    session_factory: SessionFactory, fixed_clock: FixedClock
) -> None:
    freeze_summary(session_factory, fixed_clock, chat=CHAT, content=APPLICATION)
    assert _take(session_factory, fixed_clock) is SummaryCheck.CODE_MISSING
    record_code(session_factory, fixed_clock, chat=CHAT, phone="13900000007")
    assert _take(session_factory, fixed_clock) is SummaryCheck.CODE_MISSING
    record_code(session_factory, fixed_clock, chat=CHAT, phone=PHONE)
    assert _take(session_factory, fixed_clock) is SummaryCheck.HOLDS


def test_stale_summaries_and_codes_do_not_count(session_factory: SessionFactory, fixed_clock: FixedClock) -> None:
    _ready(session_factory, fixed_clock)
    fixed_clock.advance(SUMMARY_VALID_FOR + timedelta(seconds=1))
    assert _check(session_factory, fixed_clock) is SummaryCheck.EXPIRED
    freeze_summary(session_factory, fixed_clock, chat=CHAT, content=APPLICATION)  # shown again: the code is old
    assert _check(session_factory, fixed_clock) is SummaryCheck.CODE_MISSING


def test_a_summary_is_taken_once_and_discarded_with_its_form(
    session_factory: SessionFactory, fixed_clock: FixedClock
) -> None:
    _ready(session_factory, fixed_clock)
    assert _take(session_factory, fixed_clock) is SummaryCheck.HOLDS
    assert _take(session_factory, fixed_clock) is SummaryCheck.MISSING
    freeze_summary(session_factory, fixed_clock, chat=CHAT, content=APPLICATION)  # the code is still recorded
    assert _check(session_factory, fixed_clock) is SummaryCheck.HOLDS
    discard_summary(session_factory, chat=CHAT)
    assert _check(session_factory, fixed_clock) is SummaryCheck.MISSING


def test_concurrent_submissions_of_one_summary_take_it_once(
    session_factory: SessionFactory, fixed_clock: FixedClock
) -> None:
    """Two replicas handling the same 提交 at once: one files, the other finds nothing."""
    _ready(session_factory, fixed_clock)
    start = Barrier(4)

    def submit() -> SummaryCheck:
        start.wait()
        return _take(session_factory, fixed_clock)

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(lambda _: submit(), range(4)))

    assert sorted(outcomes) == sorted([SummaryCheck.HOLDS] + [SummaryCheck.MISSING] * 3)
