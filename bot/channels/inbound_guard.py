"""What every channel does with a message before Rasa sees it: length cap and rate limits.

Every connector (REST today; WeChat, Telegram, the widget and the IVR next) calls
:func:`screen_inbound` with the text a user sent. It returns either :class:`Admitted` (pass
``text`` to Rasa) or :class:`Refused` (answer ``text``, a Chinese reply from the domain, and
send nothing to the model).
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Admitted", "Refused", "screen_inbound"]


@dataclass(frozen=True)
class Admitted:
    text: str


@dataclass(frozen=True)
class Refused:
    text: str


async def screen_inbound(channel: str, sender_id: str, text: str) -> Admitted | Refused:
    """Admit or refuse one inbound message (placeholder: admits everything)."""
    return Admitted(text)
