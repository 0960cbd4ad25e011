"""Telegram's flood limits: every Bot API call of the bot (replies, pushes, button answers) goes
through one :class:`BoundedRateLimiter`, python-telegram-bot's ``AIORateLimiter`` (the
``rate-limiter`` extra, aiolimiter): at most 30 messages a second in all and 20 a minute into
one group, queued rather than refused.

When Telegram still answers 429 ``RetryAfter`` (its limits are not all published), every call
of the bot waits the time Telegram names and the call is tried again, up to
:data:`MAX_RETRIES` times. A wait longer than :data:`MAX_RETRY_WAIT_S` is not waited out (it
would hold every chat's replies, and a push's HTTP call, that long): the call fails at once
with :class:`FloodWaitTooLong`, which the caller logs like any other failed call.
"""
from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter, TelegramError
from telegram.ext import AIORateLimiter

__all__ = ["MAX_RETRIES", "MAX_RETRY_WAIT_S", "BoundedRateLimiter", "FloodWaitTooLong", "retry_after_s"]

MAX_RETRIES = 3
MAX_RETRY_WAIT_S = 30.0
Callback = Callable[..., Coroutine[Any, Any, Any]]


class FloodWaitTooLong(TelegramError):
    """Telegram asked to wait longer than :data:`MAX_RETRY_WAIT_S`: the call is given up."""

    def __init__(self, wait_s: float) -> None:
        super().__init__(f"Flood control exceeded: retry in {wait_s:.0f} s, longer than the bot waits")
        self.wait_s = wait_s


def retry_after_s(error: RetryAfter) -> float:
    """The seconds Telegram asked to wait (read without PTB's int/timedelta deprecation warning)."""
    wait: timedelta = error._retry_after  # private, but what AIORateLimiter itself reads
    return wait.total_seconds()


class BoundedRateLimiter(AIORateLimiter):
    """``AIORateLimiter`` that retries a RetryAfter up to :data:`MAX_RETRIES` times, when the wait
    is at most ``max_wait_s``."""

    def __init__(self, *, max_retries: int = MAX_RETRIES, max_wait_s: float = MAX_RETRY_WAIT_S) -> None:
        super().__init__(max_retries=max_retries)
        self.max_wait_s = max_wait_s

    async def process_request(
        self, callback: Callback, args: Any, kwargs: dict[str, Any], endpoint: str, data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        async def bounded(*call_args: Any, **call_kwargs: Any) -> Any:
            try:
                return await callback(*call_args, **call_kwargs)
            except RetryAfter as error:
                wait_s = retry_after_s(error)
                if wait_s > self.max_wait_s:
                    raise FloodWaitTooLong(wait_s) from error
                raise

        return await super().process_request(bounded, args, kwargs, endpoint, data, rate_limit_args)
