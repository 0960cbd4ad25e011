"""Shared harness for action tests: trackers, running actions, logging a chat in, services on a test DB."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.clock import FixedClock
from bot.container import Services, services
from bot.domain_files import load_domain_yaml
from bot.files.attachments import StoredUpload, store_upload
from bot.identity.login import LoggedIn, LoggedInUser, LoginStarted, complete_login, current_user, start_login
from bot.identity.sms import last_message
from bot.identity.verification import RESEND_INTERVAL
from tests.sample_files import MINIMAL_PDF
from tests.unit.conftest import FIXED_NOW

# Not "rest", the fallback when a tracker has no channel: the channel is part of the chat identity.
CHANNEL = "socketio"
SENDER = "chat-1"
T0 = 1_795_000_000.0
DOMAIN: dict[str, Any] = load_domain_yaml()


@contextmanager
def services_on(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Services]:
    """bot.container.services() (what the actions use) on the test database, clock at FIXED_NOW."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("BOT_FIXED_NOW", FIXED_NOW.isoformat())
    monkeypatch.setenv("SMS_GATEWAY", "demo")
    monkeypatch.setenv("IDENTITY_REGISTRY", "demo")
    services.cache_clear()
    try:
        deps = services()
        assert deps.settings.database_url == database_url
        yield deps
    finally:
        services().session_factory.dispose()
        services.cache_clear()


# The smallest file the upload channel takes as a PDF (files are judged by their bytes).
PDF = MINIMAL_PDF


def upload_pdf(deps: Services, sender: str = SENDER, channel: str = CHANNEL) -> str:
    """A document this chat sent (as the upload channel stores it; only a logged-in chat may);
    its attachment id."""
    stored = store_upload(deps.session_factory, deps.clock, deps.settings.files_dir, channel=channel,
                          sender_id=sender, filename="材料.pdf", data=PDF)
    assert isinstance(stored, StoredUpload), stored
    return str(stored.attachment_id)


def clock_of(deps: Services) -> FixedClock:
    """The services' clock, fixed by BOT_FIXED_NOW: tests move it on."""
    assert isinstance(deps.clock, FixedClock)
    return deps.clock


def user_event(
    text: str, intent: str | None, entities: list[dict[str, Any]] | None = None, channel: str = CHANNEL
) -> dict[str, Any]:
    return {
        "event": "user", "text": text, "timestamp": T0, "input_channel": channel,
        "parse_data": {"intent": {"name": intent, "confidence": 0.9}, "entities": entities or [], "text": text},
    }


def make_tracker(
    *,
    intent: str | None = "inform",
    text: str = "",
    entities: dict[str, str] | None = None,
    slots: dict[str, Any] | None = None,
    sender: str = SENDER,
    channel: str = CHANNEL,
    active_loop: str | None = None,
    after: list[dict[str, Any]] | None = None,
) -> Tracker:
    """A tracker whose latest user message is ``text`` / ``intent`` / ``entities`` on ``channel``,
    followed by the events in ``after`` (e.g. the slot candidates a form validates)."""
    entity_list = [{"entity": name, "value": value} for name, value in (entities or {}).items()]
    message = user_event(text, intent, entity_list, channel)
    return Tracker.from_dict({
        "sender_id": sender,
        "slots": dict(slots or {}),
        "latest_message": message["parse_data"],
        "events": [{"event": "action", "name": "action_listen", "timestamp": T0}, message, *(after or [])],
        "paused": False,
        "followup_action": None,
        "active_loop": {"name": active_loop, "validate": True} if active_loop else {},
        "latest_action_name": "action_listen",
    })


def run(action: Action, tracker: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Run ``action`` as the action server would: (messages uttered, events returned)."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain=DOMAIN))
    return dispatcher.messages, events


def validate(
    validator: Action, slot: str, value: Any, tracker: Tracker
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Call ``validator.validate_<slot>`` directly: (messages uttered, slots returned)."""
    dispatcher = CollectingDispatcher()
    method = getattr(validator, f"validate_{slot}")
    result = asyncio.run(method(value, dispatcher, tracker, DOMAIN))
    return dispatcher.messages, result


def responses(messages: list[dict[str, Any]]) -> list[str]:
    return [message["response"] for message in messages]


def sent_code(deps: Services, phone: str) -> str:
    with deps.session_factory.session_scope() as session:
        message = last_message(session, phone)
        assert message is not None, f"no SMS to {phone}"
        return re.search(r"\d{6}", message.text).group()  # type: ignore[union-attr]


def log_in(deps: Services, phone: str, *, sender: str = SENDER, channel: str = CHANNEL) -> LoggedInUser:
    """Log a chat identity in the way the login form does (SMS code and all).

    The clock moves on past the resend interval afterwards, so the same phone can log in again."""
    started = start_login(deps.session_factory, deps.sms_gateway, deps.clock, phone_text=phone)
    assert isinstance(started, LoginStarted), started
    outcome = complete_login(
        deps.session_factory, deps.clock, channel=channel, sender_id=sender,
        phone=started.phone, code=sent_code(deps, started.phone),
    )
    assert isinstance(outcome, LoggedIn), outcome
    clock_of(deps).advance(RESEND_INTERVAL)
    return outcome.user


def logged_in_as(deps: Services, *, sender: str = SENDER, channel: str = CHANNEL) -> LoggedInUser | None:
    return current_user(deps.session_factory, deps.clock, channel=channel, sender_id=sender)




def form_asking(
    form: str, slot: str, *, channel: str = CHANNEL, intent: str | None = "inform",
    entities: dict[str, str] | None = None, **slots: Any,
) -> Tracker:
    """A tracker inside ``form`` whose question for ``slot`` the latest message answers."""
    return make_tracker(intent=intent, entities=entities, channel=channel, active_loop=form,
                        slots={"requested_slot": slot, **slots})


def required_slots(validator: FormValidationAction, form: str, tracker: Tracker) -> list[str]:
    """What ``validator`` says the form still asks, given the slots in ``tracker``."""
    slots = DOMAIN["forms"][form]["required_slots"]
    return asyncio.run(validator.required_slots(slots, CollectingDispatcher(), tracker, DOMAIN))
