"""Hand-over of a conversation to a human agent (转人工), with its transcript.

The transcript is redacted before it is stored: agents see what was said, but
phone numbers, ID numbers, bank cards and codes are masked in the database.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.db.enums import HandoffStatus
from bot.db.models import ChatIdentity, Handoff
from bot.db.session import SessionFactory
from bot.privacy.masking import redact

Speaker = Literal["user", "bot"]
SPEAKERS: tuple[Speaker, ...] = ("user", "bot")


@dataclass(frozen=True)
class TranscriptLine:
    speaker: Speaker
    text: str
    at: datetime

    def __post_init__(self) -> None:
        if self.speaker not in SPEAKERS:
            raise ValueError(f"speaker must be one of {SPEAKERS}, got {self.speaker!r}")
        if self.at.tzinfo is None:
            raise ValueError("transcript times must be timezone-aware")

    def to_json(self) -> dict[str, str]:
        """The stored form: redacted text, UTC ISO-8601 time."""
        return {
            "speaker": self.speaker,
            "text": redact(self.text),
            "at": self.at.astimezone(timezone.utc).isoformat(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TranscriptLine:
        return cls(data["speaker"], data["text"], datetime.fromisoformat(data["at"]))


def transcript_from_events(events: Iterable[Mapping[str, Any]], limit: int = 50) -> list[TranscriptLine]:
    """The last ``limit`` user and bot messages of serialised tracker events (the dicts of
    Rasa's ``Event.as_dict()`` or rasa-sdk's ``tracker.events``), oldest first: the transcript
    of a hand-off a channel makes itself (the IVR's transfer after repeated silence)."""
    lines = [
        TranscriptLine(
            speaker=event["event"],
            text=str(event.get("text") or ""),
            at=datetime.fromtimestamp(event.get("timestamp") or 0, tz=timezone.utc),
        )
        for event in events
        if event.get("event") in SPEAKERS and event.get("text")
    ]
    return lines[-limit:] if limit > 0 else []


def record_handoff(
    session_factory: SessionFactory,
    *,
    channel: str,
    sender_id: str,
    reason: str,
    transcript: list[TranscriptLine],
    clock: Clock,
) -> int:
    """Store a waiting hand-off and return its id. The user is linked when this chat
    identity has logged in."""
    with session_factory.session_scope() as session:
        user_id = session.scalar(
            select(ChatIdentity.user_id).where(
                ChatIdentity.channel == channel, ChatIdentity.sender_id == sender_id
            )
        )
        handoff = Handoff(
            channel=channel,
            sender_id=sender_id,
            user_id=user_id,
            reason=redact(reason),
            transcript=[line.to_json() for line in transcript],
            status=HandoffStatus.WAITING,
            created_at=clock.now(),
        )
        session.add(handoff)
        session.flush()
        return handoff.id


def recent_handoffs(session: Session, limit: int = 20) -> list[Handoff]:
    """The newest hand-offs first."""
    return list(
        session.scalars(
            select(Handoff).order_by(Handoff.created_at.desc(), Handoff.id.desc()).limit(limit)
        )
    )
