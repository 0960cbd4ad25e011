"""What every channel does with a message before Rasa sees it: rate limits and a length cap.

Every connector (REST today; WeChat, Telegram, the widget and the IVR next) calls
:func:`screen_inbound` with the text a user sent. It returns either :class:`Admitted` (pass
``text`` to Rasa) or :class:`Refused` (answer ``text``, a Chinese reply from the domain, and
send nothing to the model).

* Length: DIET's attention grows with the square of the message length (a 60 KB message
  exhausts the server's memory), so a message over ``MAX_MESSAGE_CHARS`` is refused.
* Payloads: a typed ``/intent`` that only the system may send (``/session_start``,
  ``/EXTERNAL_notices``…) is passed on as plain words (:mod:`bot.channels.payloads`).
* Rate: ``MESSAGES_PER_MINUTE`` per chat (channel + sender) and
  ``CHANNEL_MESSAGES_PER_MINUTE`` per channel, in fixed one-minute windows of the
  injectable clock. A REST caller chooses its sender id, so the per-chat limit only slows
  one conversation down; the per-channel ceiling is what protects the model.
  Every message counts, refused ones included. Counters are in Redis when ``REDIS_URL`` is
  set (shared by every replica), else in this process; if Redis does not answer, messages
  are admitted (the limits protect capacity, they do not guard data).
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from functools import lru_cache

import redis

from bot.channels.payloads import defuse_system_payload
from bot.channels.replies import domain_text
from bot.clock import Clock
from bot.container import services
from bot.limits.counters import Counters, MemoryCounters, RedisCounters
from bot.limits.windows import MINUTE, chat_key, minute_window
from bot.settings import Settings

__all__ = ["Admitted", "InboundGuard", "Refused", "screen_inbound"]

log = logging.getLogger(__name__)

TOO_LONG = "utter_message_too_long"
TOO_FAST = "utter_message_rate_limited"
# A window's key outlives its minute a little, so a clock slightly behind still finds it.
_WINDOW_TTL = 2 * MINUTE


@dataclass(frozen=True)
class Admitted:
    text: str


@dataclass(frozen=True)
class Refused:
    text: str
    reason: str = ""  # TOO_LONG or TOO_FAST: the response the text comes from


class InboundGuard:
    """The checks of :func:`screen_inbound` on given counters and limits."""

    def __init__(
        self, counters: Counters, clock: Clock, *, max_chars: int, per_chat: int, per_channel: int
    ) -> None:
        self._counters = counters
        self._clock = clock
        self._max_chars = max_chars
        self._per_chat = per_chat
        self._per_channel = per_channel

    @classmethod
    def from_settings(cls, settings: Settings, clock: Clock) -> InboundGuard:
        counters: Counters = (
            RedisCounters.from_url(settings.redis_url) if settings.redis_url else MemoryCounters(clock)
        )
        return cls(
            counters, clock, max_chars=settings.max_message_chars,
            per_chat=settings.messages_per_minute, per_channel=settings.channel_messages_per_minute,
        )

    def screen(self, channel: str, sender_id: str, text: str) -> Admitted | Refused:
        window = minute_window(self._clock.now())
        if not (
            self._take(f"msg:chat:{window}:{chat_key(channel, sender_id)}", self._per_chat)
            and self._take(f"msg:channel:{window}:{channel}", self._per_channel)
        ):
            log.info("message refused on channel %s: rate limit", channel)
            return Refused(domain_text(TOO_FAST), TOO_FAST)
        if len(text) > self._max_chars:
            log.info("message refused on channel %s: %d characters", channel, len(text))
            return Refused(domain_text(TOO_LONG, max_chars=self._max_chars), TOO_LONG)
        return Admitted(defuse_system_payload(text))

    def _take(self, key: str, limit: int) -> bool:
        try:
            return self._counters.take(key, limit, _WINDOW_TTL)
        except redis.RedisError as error:
            log.warning("message rate limits are off: Redis does not answer (%s)", type(error).__name__)
            return True


@lru_cache(maxsize=1)
def _process_guard() -> InboundGuard:
    deps = services()
    return InboundGuard.from_settings(deps.settings, deps.clock)


async def screen_inbound(channel: str, sender_id: str, text: str) -> Admitted | Refused:
    """Admit or refuse one inbound message (Redis round trips run off the event loop)."""
    return await asyncio.to_thread(_process_guard().screen, channel, sender_id, text)
