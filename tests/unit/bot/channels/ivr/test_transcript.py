"""The transcript a channel stores with a hand-off it makes itself (the IVR's transfer), from the
tracker's events as Rasa serialises them (bot.conversation.handoff.transcript_from_events)."""
from __future__ import annotations

from datetime import datetime, timezone

from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered

from bot.conversation.handoff import TranscriptLine, transcript_from_events


def test_user_and_bot_messages_in_order_and_nothing_else() -> None:
    events = [
        SessionStarted(timestamp=100.0),
        UserUttered("/greet", timestamp=101.0),
        ActionExecuted("utter_greet", timestamp=102.0),
        BotUttered("您好！请问有什么可以帮您？", timestamp=103.0),
        SlotSet("phone_number", "138****0001", timestamp=104.0),
        UserUttered("我的手机号是13800000001", timestamp=105.0),
        BotUttered(None, data={"image": "http://x/chart.png"}, timestamp=106.0),  # no words: not in it
    ]
    lines = transcript_from_events(event.as_dict() for event in events)
    assert lines == [
        TranscriptLine("user", "/greet", datetime.fromtimestamp(101.0, tz=timezone.utc)),
        TranscriptLine("bot", "您好！请问有什么可以帮您？", datetime.fromtimestamp(103.0, tz=timezone.utc)),
        TranscriptLine("user", "我的手机号是13800000001", datetime.fromtimestamp(105.0, tz=timezone.utc)),
    ]
    assert lines[-1].to_json()["text"] != "我的手机号是13800000001"  # stored redacted


def test_the_last_lines_only() -> None:
    events = [UserUttered(str(n), timestamp=float(n)).as_dict() for n in range(1, 61)]
    lines = transcript_from_events(events, limit=50)
    assert [line.text for line in lines] == [str(n) for n in range(11, 61)]
    assert transcript_from_events(events, limit=0) == []
