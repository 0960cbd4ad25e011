"""Intent payloads (``/intent{"entity": "value"}``): what a button sends, or a channel in place of a file.

A message starting with ``/`` skips NLU: Rasa reads the intent and the JSON entities as they are
(``bot.channels.payloads`` decides which intents a user may send so). The JSON keeps the entities'
order and ``json.dumps``' default separators, and leaves Chinese unescaped (``{"time": "上个月"}``).
"""
from __future__ import annotations

import json

__all__ = ["button", "payload"]


def payload(intent: str, **entities: str) -> str:
    """``/intent``, with ``entities`` as JSON when there are any."""
    return f"/{intent}{json.dumps(entities, ensure_ascii=False)}" if entities else f"/{intent}"


def button(title: str, intent: str, **entities: str) -> dict[str, str]:
    """A button titled ``title`` that sends :func:`payload` (``intent``, ``entities``)."""
    return {"title": title, "payload": payload(intent, **entities)}
