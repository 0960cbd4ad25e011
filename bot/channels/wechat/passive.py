"""The 5-second rule: WeChat waits 5 s for the answer to a message, then retries. A request
waits at most ``WECHAT_PASSIVE_WAIT_S`` for Rasa and answers passively with what is ready;
what Rasa says after that goes through the customer-service API (``late``), in order."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage

log = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
# Turns still running after their request was answered: kept referenced until they finish.
_RUNNING: set[asyncio.Task[Any]] = set()


class PassiveWindow(OutputChannel):
    """Rasa's replies to one request: collected until :meth:`close`, then passed to ``late``."""

    def __init__(self, late: OutputChannel | None) -> None:
        self._late = late
        self._open = True
        self._ready: list[dict[str, Any]] = []

    @classmethod
    def name(cls) -> str:
        return "wechat"

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        if self._open:
            self._ready.append(dict(message))
        elif self._late is not None:
            await self._late.send_response(recipient_id, message)
        else:
            log.warning("a late WeChat reply is lost: WECHAT_APP_ID / WECHAT_APP_SECRET are not set")

    def close(self) -> list[dict[str, Any]]:
        """The replies ready now; later ones go to ``late``."""
        self._open = False
        ready, self._ready = self._ready, []
        return ready


def _finished(task: asyncio.Task[Any]) -> None:
    _RUNNING.discard(task)
    if not task.cancelled() and task.exception() is not None:
        log.error("a WeChat message could not be handled", exc_info=task.exception())


async def converse(
    on_new_message: OnNewMessage, sender: str, text: str, late: OutputChannel | None, wait_s: float
) -> tuple[list[dict[str, Any]], bool]:
    """Hand ``text`` to Rasa; the replies ready within ``wait_s``, and whether the turn is over
    (if not, it goes on and its later replies go to ``late``)."""
    window = PassiveWindow(late)
    async def turn_of_rasa() -> None:
        await on_new_message(UserMessage(text, window, sender, input_channel="wechat"))

    turn = asyncio.create_task(turn_of_rasa())
    _RUNNING.add(turn)
    turn.add_done_callback(_finished)
    await asyncio.wait({turn}, timeout=wait_s)
    return window.close(), turn.done()


def in_background(work: Awaitable[Any]) -> None:
    """Run ``work`` after the request is answered (sending the rest through the API)."""
    async def run() -> None:
        await work

    task = asyncio.create_task(run())
    _RUNNING.add(task)
    task.add_done_callback(_finished)
