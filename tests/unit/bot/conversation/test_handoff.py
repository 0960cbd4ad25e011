"""Hand-offs to human agents store a redacted transcript."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.clock import CHINA_TZ, FixedClock
from bot.conversation.handoff import TranscriptLine, recent_handoffs, record_handoff
from bot.db.enums import HandoffStatus
from bot.db.models import ChatIdentity, Handoff
from bot.db.session import SessionFactory
from tests.unit.conftest import FIXED_NOW
from tests.unit.db_factories import add_user

SECRETS = ("13800000001", "33010619900101123X", "482913", "6225880112341234")


def _transcript() -> list[TranscriptLine]:
    at = FIXED_NOW
    return [
        TranscriptLine("user", "我的手机号是13800000001，身份证33010619900101123X", at),
        TranscriptLine("bot", "请输入短信验证码", at + timedelta(seconds=5)),
        TranscriptLine("user", "482913", at + timedelta(seconds=30)),
        TranscriptLine("user", "用卡6225880112341234交了电费还是欠费，转人工", at + timedelta(minutes=1)),
    ]


def test_transcript_is_redacted_before_it_is_stored(
    session_factory: SessionFactory, fixed_clock: FixedClock
) -> None:
    handoff_id = record_handoff(
        session_factory, channel="rest", sender_id="web-42", reason="用户要求人工：13800000001",
        transcript=_transcript(), clock=fixed_clock,
    )
    with session_factory.session_scope() as session:
        handoff = session.get(Handoff, handoff_id)
        assert handoff is not None
        stored = str(handoff.transcript) + handoff.reason
        for secret in SECRETS:
            assert secret not in stored
        assert [line["speaker"] for line in handoff.transcript] == ["user", "bot", "user", "user"]
        assert handoff.transcript[0]["text"] == "我的手机号是138****0001，身份证3301**********123X"
        assert handoff.transcript[1]["text"] == "请输入短信验证码"
        assert handoff.transcript[2]["at"] == "2026-11-23T01:00:30+00:00"
        assert (handoff.status, handoff.created_at, handoff.user_id) == (
            HandoffStatus.WAITING, fixed_clock.now(), None
        )
        restored = [TranscriptLine.from_json(line) for line in handoff.transcript]
        assert [line.at for line in restored] == [line.at for line in _transcript()]


def test_the_logged_in_user_is_linked(
    session_factory: SessionFactory, fixed_clock: FixedClock
) -> None:
    with session_factory.session_scope() as session:
        user_id = add_user(session, "13800000001").id
        session.add(ChatIdentity(channel="rest", sender_id="web-42", user_id=user_id,
                                 created_at=FIXED_NOW, last_seen_at=FIXED_NOW))
    handoff_id = record_handoff(session_factory, channel="rest", sender_id="web-42",
                                reason="complaint", transcript=[], clock=fixed_clock)
    with session_factory.session_scope() as session:
        assert session.scalar(select(Handoff.user_id).where(Handoff.id == handoff_id)) == user_id


def test_recent_handoffs_newest_first(session_factory: SessionFactory, fixed_clock: FixedClock) -> None:
    ids = []
    for n in range(3):
        ids.append(record_handoff(session_factory, channel="rest", sender_id=f"s{n}",
                                  reason="r", transcript=[], clock=fixed_clock))
        fixed_clock.advance(timedelta(minutes=1))
    with session_factory.session_scope() as session:
        assert [h.id for h in recent_handoffs(session, limit=2)] == [ids[2], ids[1]]


@pytest.mark.parametrize(
    ("speaker", "at"),
    [("agent", datetime(2026, 11, 23, tzinfo=timezone.utc)), ("user", datetime(2026, 11, 23))],
)
def test_transcript_lines_are_validated(speaker: str, at: datetime) -> None:
    with pytest.raises(ValueError):
        TranscriptLine(speaker, "hi", at)  # type: ignore[arg-type]


def test_transcript_times_are_stored_in_utc() -> None:
    line = TranscriptLine("bot", "您好", datetime(2026, 11, 23, 9, 0, tzinfo=CHINA_TZ))
    assert line.to_json() == {"speaker": "bot", "text": "您好", "at": "2026-11-23T01:00:00+00:00"}
