"""Helpers every action shares: who is talking, running blocking services, domain texts.

Who is talking is read from the database, never from slots (users can forge those), and once per
action run: rasa-sdk builds a new :class:`Tracker` for every request, so the answer is kept on it.
An action that logs the chat in or out, or changes the user, calls :func:`forget_who_is_talking`.
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from rasa_sdk import Tracker

from bot.container import Services, services
from bot.identity.login import LoggedInUser, LoginExpired, LoginLifetime, login_state

P = ParamSpec("P")
T = TypeVar("T")


async def call(function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run a blocking service call (database I/O) off the action server's event loop."""
    return await asyncio.to_thread(function, *args, **kwargs)


def deps() -> Services:
    return services()


def chat_identity(tracker: Tracker) -> tuple[str, str]:
    """(channel, sender id): the key a chat is logged in under."""
    return tracker.get_latest_input_channel() or "rest", tracker.sender_id


LoginState = LoggedInUser | LoginExpired | None
# The attribute of a tracker that holds its chat's login state, once read.
_LOGIN_STATE_ATTRIBUTE = "_login_state_this_run"


async def who_is_talking(tracker: Tracker) -> LoggedInUser | None:
    """The logged-in user (from the database, once per action run: see the module's docstring)."""
    state = await login_state_of(tracker)
    return state if isinstance(state, LoggedInUser) else None


async def login_state_of(tracker: Tracker) -> LoginState:
    """As :func:`who_is_talking`, but says when this run's check ended an expired login."""
    if hasattr(tracker, _LOGIN_STATE_ATTRIBUTE):
        return getattr(tracker, _LOGIN_STATE_ATTRIBUTE)
    channel, sender_id = chat_identity(tracker)
    d = deps()
    state = await call(login_state, d.session_factory, d.clock, channel=channel, sender_id=sender_id,
                       lifetime=LoginLifetime.from_settings(d.settings))
    setattr(tracker, _LOGIN_STATE_ATTRIBUTE, state)
    return state


def forget_who_is_talking(tracker: Tracker) -> None:
    """After a login, logout, erasure or verification in this run: the next look-up reads the database."""
    if hasattr(tracker, _LOGIN_STATE_ATTRIBUTE):
        delattr(tracker, _LOGIN_STATE_ATTRIBUTE)


def latest_intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message or {}).get("intent", {}).get("name")


def latest_entity(tracker: Tracker, entity: str) -> str | None:
    return next(tracker.get_latest_entity_values(entity), None)


# The words of the request being served ("上个月电费多少"), kept through a login detour:
# queries read the month or year from them.
REQUEST_TEXT_SLOT = "request_text"


def request_text(tracker: Tracker) -> str | None:
    """The latest message's text; for a button payload (``/query_bill{"time": "上个月"}``) its ``time``."""
    text = str((tracker.latest_message or {}).get("text") or "")
    return latest_entity(tracker, "time") if text.startswith("/") else text or None


def response_text(domain: dict[str, Any], name: str, **values: Any) -> str:
    """A response's text from the domain, filled in; for replies assembled from several lines."""
    return domain["responses"][name][0]["text"].format(**values)
