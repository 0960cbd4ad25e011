"""A fake of the 95598 IVR gateway (AudioCodes VoiceAI Connect, Bot API in HTTP mode): it
speaks the contract to the assistant over real HTTP with aiohttp, as the gateway would for one
phone call — open the conversation, post activities (speech with its ASR confidence, key
presses, silence), refresh, disconnect — and returns what the assistant would have the IVR say."""
from __future__ import annotations

import asyncio
import itertools
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urljoin

import aiohttp

E2E_IVR_TOKEN = "e2e-ivr-token-0123456789"
_ids = itertools.count(1)


def ivr_environment() -> dict[str, str]:
    """What the assistant runs with so the IVR channel serves (tests/e2e/conftest.py)."""
    return {"IVR_TOKEN": E2E_IVR_TOKEN}


def _stamp() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def message(text: str, confidence: float = 0.92, activity_id: str | None = None) -> dict[str, Any]:
    """Recognised speech."""
    return {"id": activity_id or f"m{next(_ids)}", "timestamp": _stamp(), "type": "message", "text": text,
            "parameters": {"confidence": confidence}}


def event(name: str, value: str | None = None, parameters: dict[str, Any] | None = None,
          activity_id: str | None = None) -> dict[str, Any]:
    """``start``, ``DTMF`` or ``noUserInput``."""
    activity: dict[str, Any] = {"id": activity_id or f"e{next(_ids)}", "timestamp": _stamp(), "type": "event",
                                "name": name}
    if value is not None:
        activity["value"] = value
    if parameters is not None:
        activity["parameters"] = parameters
    return activity


def post_json(url: str, body: Any, token: str | None = E2E_IVR_TOKEN, raw: bytes | None = None) -> tuple[int, Any]:
    """POST ``body`` (or the bytes ``raw``) with the bearer token; the status and the JSON answer."""

    async def send() -> tuple[int, Any]:
        headers = {"Content-Type": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        async with aiohttp.ClientSession() as session:
            kwargs: dict[str, Any] = {"data": raw} if raw is not None else {"json": body}
            async with session.post(url, headers=headers, **kwargs) as reply:
                answer = await reply.json(content_type=None) if reply.content_length != 0 else None
                return reply.status, answer

    return asyncio.run(send())


@dataclass
class PhoneCall:
    """One call through the gateway: the conversation it opened and everything the IVR said."""

    rasa_url: str
    token: str = E2E_IVR_TOKEN
    conversation: str = field(default_factory=lambda: f"ivr-{uuid.uuid4().hex}")
    urls: dict[str, Any] = field(default_factory=dict)
    heard: list[dict[str, Any]] = field(default_factory=list)

    @property
    def webhook(self) -> str:
        return f"{self.rasa_url}/webhooks/ivr/webhook"

    def open(self) -> dict[str, Any]:
        status, answer = post_json(self.webhook, {"conversation": self.conversation}, self.token)
        assert status == 200, (status, answer)
        self.urls = answer
        return answer

    def url(self, name: str) -> str:
        """``activitiesURL``, ``refreshURL`` or ``disconnectURL``, resolved like the gateway does."""
        return urljoin(self.webhook, self.urls[name])

    def post(self, *activities: dict[str, Any]) -> tuple[int, Any]:
        body = {"conversation": self.conversation, "activities": list(activities)}
        return post_json(self.url("activitiesURL"), body, self.token)

    def send(self, *activities: dict[str, Any]) -> list[dict[str, Any]]:
        """Post ``activities``; the activities of the answer."""
        status, answer = self.post(*activities)
        assert status == 200, (status, answer)
        self.heard.extend(answer["activities"])
        return answer["activities"]

    def start(self, caller: str | None = None) -> list[str]:
        """Open the call and send the start event; what the IVR says."""
        self.open()
        parameters = {"callee": "95598", **({"caller": caller} if caller else {})}
        return spoken(self.send(event("start", parameters=parameters)))

    def say(self, text: str, confidence: float = 0.92) -> list[str]:
        return spoken(self.send(message(text, confidence)))

    def press(self, keys: str) -> list[str]:
        return spoken(self.send(event("DTMF", keys)))

    def silence(self) -> list[dict[str, Any]]:
        return self.send(event("noUserInput"))

    def refresh(self) -> tuple[int, Any]:
        return post_json(self.url("refreshURL"), {"conversation": self.conversation}, self.token)

    def disconnect(self) -> tuple[int, Any]:
        return post_json(self.url("disconnectURL"), {"conversation": self.conversation, "reason": "hangup"}, self.token)


def spoken(activities: list[dict[str, Any]]) -> list[str]:
    """The texts the IVR reads aloud, in order."""
    return [a["text"] for a in activities if a.get("type") == "message"]


def events(activities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [a for a in activities if a.get("type") == "event"]
