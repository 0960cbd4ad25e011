"""Keys pressed on the phone (DTMF events): a single key picks an option of the menu the
caller just heard; other keys are digits typed into a number, finished with ``#``.

* ``1``–``9`` alone, with nothing typed yet, picks that option when the last reply offered
  one (:mod:`bot.channels.rendering.numbered_options`, channel ``ivr``);
* otherwise digits build a number (户号, 手机号, 验证码) until ``#`` sends it as text;
  ``*`` starts the number again. At most :data:`MAX_TYPED` digits are kept.

Some options are the channel's own, never sent to Rasa (prefixed ``ivr:``): log in with the
caller's number, and confirm or repeat speech heard with low confidence.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CHANNEL_OPTIONS",
    "CONFIRM_HEARD",
    "LOGIN_WITH_CALLER",
    "MAX_TYPED",
    "SAY_AGAIN",
    "Keys",
    "read_keys",
]

LOGIN_WITH_CALLER = "ivr:login_with_caller"
CONFIRM_HEARD = "ivr:confirm_heard"
SAY_AGAIN = "ivr:say_again"
CHANNEL_OPTIONS = frozenset({LOGIN_WITH_CALLER, CONFIRM_HEARD, SAY_AGAIN})
MAX_TYPED = 20  # a 13-digit 户号 or an 11-digit phone fits; more is a mistake


@dataclass(frozen=True)
class Keys:
    """What a DTMF event means: an option ``choice`` ("1"…"9"), or ``typed`` (the finished number,
    when ``#`` closed it), and the digits still being typed (``buffer``)."""

    choice: str | None = None
    typed: str | None = None
    buffer: str = ""


def read_keys(value: str, buffer: str) -> Keys:
    """The meaning of the keys ``value`` after the digits ``buffer`` typed so far."""
    if len(value) == 1 and value in "123456789" and not buffer:
        return Keys(choice=value)
    digits = buffer
    for key in value:
        if key == "*":
            digits = ""
        elif key == "#":
            return Keys(typed=digits or None)
        elif len(digits) < MAX_TYPED:
            digits += key
    return Keys(buffer=digits)
