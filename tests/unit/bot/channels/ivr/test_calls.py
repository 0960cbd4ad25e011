"""Call state in the database: opened, kept alive, ended, expired; the caller's number kept only
while the call is live; rows purged a day after the call."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.channels.ivr.calls import CALL_EXPIRES, KEPT_AFTER_END, Calls, CallState, CallStatus
from bot.clock import FixedClock
from bot.db.models import IvrCall
from bot.db.session import SessionFactory


def stored(session_factory: SessionFactory, conversation: str) -> IvrCall | None:
    with session_factory.session_scope() as session:
        return session.scalar(select(IvrCall).where(IvrCall.conversation_id == conversation))


def test_a_call_lives_while_it_is_used_and_is_gone_after_disconnect(
    session_factory: SessionFactory, fixed_clock: FixedClock
) -> None:
    calls = Calls(session_factory, fixed_clock)
    assert calls.touch("c1") is CallStatus.UNKNOWN
    assert calls.open("c1") is CallStatus.LIVE
    calls.update("c1", caller="13800000001", pending_text="查电费", digits="33")
    assert calls.touch("c1") == CallState("c1", "13800000001", 0, "查电费", "33")
    fixed_clock.advance(CALL_EXPIRES - timedelta(seconds=1))
    assert isinstance(calls.touch("c1"), CallState)  # each use keeps it alive for another period
    fixed_clock.advance(CALL_EXPIRES - timedelta(seconds=1))
    assert calls.open("c1") is CallStatus.LIVE  # the gateway retried the start: the same call
    assert [calls.add_miss("c1"), calls.add_miss("c1")] == [1, 2]

    assert calls.end("c1") is CallStatus.LIVE
    row = stored(session_factory, "c1")
    assert row is not None and (row.caller, row.pending_text, row.digits) == (None, None, "")
    assert calls.touch("c1") is CallStatus.GONE
    assert calls.open("c1") is CallStatus.GONE  # an ended conversation id is not reused
    assert calls.end("c1") is CallStatus.GONE
    assert calls.end("never-opened") is CallStatus.UNKNOWN


def test_an_expired_call_is_refused_and_its_caller_number_cleared(
    session_factory: SessionFactory, fixed_clock: FixedClock
) -> None:
    calls = Calls(session_factory, fixed_clock)
    calls.open("c2")
    calls.update("c2", caller="13800000002")
    fixed_clock.advance(CALL_EXPIRES)
    assert calls.touch("c2") is CallStatus.GONE
    row = stored(session_factory, "c2")
    assert row is not None and row.caller is None


def test_purge_clears_numbers_of_expired_calls_and_deletes_old_rows(
    session_factory: SessionFactory, fixed_clock: FixedClock
) -> None:
    calls = Calls(session_factory, fixed_clock)
    calls.open("old")
    calls.update("old", caller="13800000003")
    fixed_clock.advance(CALL_EXPIRES)
    calls.open("new")  # every open sweeps: "old" has expired, its number goes
    row = stored(session_factory, "old")
    assert row is not None and row.caller is None
    fixed_clock.advance(KEPT_AFTER_END)
    assert calls.purge() == 1  # "old" has been over for a day
    assert stored(session_factory, "new") is not None
    fixed_clock.advance(CALL_EXPIRES)
    assert calls.purge() == 1  # "old" and "new": both over for a day
    assert stored(session_factory, "old") is None and stored(session_factory, "new") is None
