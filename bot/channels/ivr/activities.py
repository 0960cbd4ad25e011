"""The JSON of the AudioCodes VoiceAI Connect Bot API (HTTP mode), read strictly and written.

Inbound, ``POST <activitiesURL>`` carries ``{"conversation": "<id>", "activities": [...]}``;
an activity is a ``message`` (``text``, ``parameters.confidence`` 0–1 from the speech
recogniser) or an ``event`` named ``start`` (``parameters.caller``: the calling number),
``DTMF`` (``value``: the keys pressed) or ``noUserInput``. Anything else is a
:class:`BadRequest` (the route answers 400, never 500). Unknown event names are kept and
ignored by the dialogue, as the API asks of a bot.

Outbound, the answer is ``{"activities": [...]}`` of ``message`` activities (the text the IVR
reads aloud) and the events ``transfer`` (``activityParams.transferTarget``) and ``hangup``.
"""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

__all__ = [
    "MAX_ACTIVITIES",
    "Activity",
    "BadRequest",
    "conversation_id",
    "hangup_event",
    "mainland_mobile",
    "message_activity",
    "parse_activities",
    "transfer_event",
]

MAX_ACTIVITIES = 20  # one request carries a turn's few activities
MAX_ID_LENGTH = 100
MAX_TEXT_LENGTH = 4000  # far above what a caller says in one breath; the inbound guard caps it lower
MAX_DTMF_LENGTH = 32
# Gateway conversation ids are UUIDs or similar tokens: letters, digits and a few separators.
_CONVERSATION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,99}")
_ACTIVITY_ID = re.compile(r"[A-Za-z0-9._:-]{1,100}")
_DTMF = re.compile(r"[0-9*#]{1,32}")
# The caller as the gateway gives it: 13800000001, +8613800000001, tel:+86…, sip:138…@host.
_MAINLAND_MOBILE = re.compile(r"(?:\+?86|0086)?(1[3-9]\d{9})")


class BadRequest(ValueError):
    """A request body that does not follow the contract (answered 400)."""


@dataclass(frozen=True)
class Activity:
    id: str
    type: str  # "message" or "event"
    name: str = ""  # an event's name: "start", "DTMF", "noUserInput", …
    text: str = ""  # a message's recognised text
    value: str = ""  # a DTMF event's keys
    confidence: float | None = None  # a message's ASR confidence, when the gateway gives one
    parameters: dict[str, Any] = field(default_factory=dict)


def conversation_id(value: Any) -> str:
    """A valid gateway conversation id (the Rasa sender id), else :class:`BadRequest`."""
    if not isinstance(value, str) or _CONVERSATION_ID.fullmatch(value) is None:
        raise BadRequest("conversation must be 1–100 letters, digits or . _ : -")
    return value


def mainland_mobile(caller: Any) -> str | None:
    """The 11-digit mainland mobile number in a start event's ``caller``, else None."""
    if not isinstance(caller, str):
        return None
    bare = caller.strip()
    for scheme in ("tel:", "sip:", "sips:"):
        if bare.lower().startswith(scheme):
            bare = bare[len(scheme):]
    bare = re.sub(r"[\s()-]", "", bare.split("@", 1)[0].split(";", 1)[0])
    match = _MAINLAND_MOBILE.fullmatch(bare)
    return match.group(1) if match else None


def parse_activities(body: Any, expected_conversation: str) -> list[Activity]:
    """The activities of a ``POST <activitiesURL>`` body for ``expected_conversation``."""
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    if body.get("conversation") != expected_conversation:
        raise BadRequest("conversation does not match the URL")
    activities = body.get("activities")
    if not isinstance(activities, list) or not 1 <= len(activities) <= MAX_ACTIVITIES:
        raise BadRequest(f"activities must be a list of 1–{MAX_ACTIVITIES} activities")
    return [_activity(item) for item in activities]


def _activity(item: Any) -> Activity:
    if not isinstance(item, dict):
        raise BadRequest("an activity must be a JSON object")
    activity_id = item.get("id")
    if not isinstance(activity_id, str) or _ACTIVITY_ID.fullmatch(activity_id) is None:
        raise BadRequest("an activity needs an id of 1–100 letters, digits or . _ : -")
    parameters = item.get("parameters") or {}
    if not isinstance(parameters, dict):
        raise BadRequest("parameters must be a JSON object")
    kind = item.get("type")
    if kind == "message":
        text = item.get("text")
        if not isinstance(text, str) or len(text) > MAX_TEXT_LENGTH:
            raise BadRequest(f"a message needs a text of at most {MAX_TEXT_LENGTH} characters")
        return Activity(activity_id, "message", text=text, confidence=_confidence(parameters), parameters=parameters)
    if kind == "event":
        name = item.get("name")
        if not isinstance(name, str) or not name or len(name) > MAX_ID_LENGTH:
            raise BadRequest("an event needs a name")
        value = item.get("value")
        if name == "DTMF":
            if not isinstance(value, (str, int)) or isinstance(value, bool) or not _DTMF.fullmatch(str(value)):
                raise BadRequest(f"a DTMF value is 1–{MAX_DTMF_LENGTH} of 0-9 * #")
            return Activity(activity_id, "event", name=name, value=str(value), parameters=parameters)
        return Activity(activity_id, "event", name=name, parameters=parameters)
    raise BadRequest("an activity's type is message or event")


def _confidence(parameters: dict[str, Any]) -> float | None:
    value = parameters.get("confidence")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= float(value) <= 1.0:
        raise BadRequest("confidence must be a number from 0 to 1")
    return float(value)


def _envelope(now: datetime) -> dict[str, Any]:
    stamp = now.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return {"id": str(uuid.uuid4()), "timestamp": stamp}


def message_activity(text: str, now: datetime) -> dict[str, Any]:
    """What the IVR reads aloud."""
    return {**_envelope(now), "type": "message", "text": text}


def transfer_event(target: str, now: datetime) -> dict[str, Any]:
    """Hand the call to ``target`` (``tel:95598``, an agent queue)."""
    return {**_envelope(now), "type": "event", "name": "transfer", "activityParams": {"transferTarget": target}}


def hangup_event(now: datetime) -> dict[str, Any]:
    """End the call (after the goodbye)."""
    return {**_envelope(now), "type": "event", "name": "hangup"}
