"""Pushing a user's notices without making anyone wait: the action server tells a consent
request's owner, or the requester of a decided one, while the person who caused it gets their
own answer at once.

:func:`push_in_background` starts :func:`bot.notify.push.push_notices` as a task of the running
event loop and returns at once. The task is kept in :data:`_RUNNING` until it ends (the event
loop holds only weak references to tasks, so an unreferenced one may be garbage-collected
half-way). A push that fails is logged by the kind of error only (no phone, sender id, URL or
token: the API token travels in the URL's query) and the notice waits for the user's next
message, as every notice does.
"""
from __future__ import annotations

import asyncio
import logging

from bot.clock import Clock
from bot.db.session import SessionFactory
from bot.notify.push import PUSH_TIMEOUT_S, PushReport, push_notices

log = logging.getLogger(__name__)

_RUNNING: set[asyncio.Task[PushReport | None]] = set()


def push_in_background(
    session_factory: SessionFactory, rasa_url: str, *, user_id: int, api_token: str | None,
    clock: Clock | None = None, timeout_s: float = PUSH_TIMEOUT_S,
) -> asyncio.Task[PushReport | None]:
    """Start pushing ``user_id``'s pending notices on the running event loop; returns the task
    (its result: the push's report, or None when it failed)."""
    task = asyncio.get_running_loop().create_task(
        _push_quietly(session_factory, rasa_url, user_id=user_id, api_token=api_token, clock=clock,
                      timeout_s=timeout_s),
        name="push-notices",
    )
    _RUNNING.add(task)
    task.add_done_callback(_RUNNING.discard)
    return task


def running_pushes() -> int:
    """How many background pushes have not ended yet."""
    return len(_RUNNING)


async def wait_for_pushes() -> None:
    """Wait until every background push started so far on this loop has ended (shutdown, tests)."""
    loop = asyncio.get_running_loop()
    ours = [task for task in _RUNNING if task.get_loop() is loop]
    if ours:
        await asyncio.gather(*ours, return_exceptions=True)


async def _push_quietly(
    session_factory: SessionFactory, rasa_url: str, *, user_id: int, api_token: str | None,
    clock: Clock | None, timeout_s: float,
) -> PushReport | None:
    try:
        report = await push_notices(session_factory, rasa_url, user_id=user_id, api_token=api_token, clock=clock,
                                    timeout_s=timeout_s)
    except Exception as error:  # noqa: BLE001 - a push must never break anything: the notice waits
        log.warning("pushing notices failed (%s); they wait for the user's next message", type(error).__name__)
        return None
    for chat, outcome in report.outcomes:
        log.info("notices push on %s: %s", chat.channel, outcome.value)
    return report
