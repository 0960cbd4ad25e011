"""Button payloads a user may send, and those only the system may.

Channels pass a message starting with ``/`` to Rasa as an intent payload (``/inform{"x": 1}``),
which is how buttons work on every channel. Some intents are not for users: Rasa's own
``session_start``, ``restart`` and ``back``, the ``EXTERNAL_*`` intents the project injects
through the authenticated HTTP API (notice pushes, ``EXTERNAL_notices``), and a retrieval intent without its
topic (``/faq``, which selects no answer and would leave the user with no reply). Typed by a
user, such a payload is handed on as plain words, which NLU reads like any other text.
"""
from __future__ import annotations

import re

__all__ = ["defuse_system_payload"]

_PAYLOAD_INTENT = re.compile(r"^\s*/([^{@\s/]*)(/?)")
SYSTEM_INTENTS = frozenset({"session_start", "restart", "back"})
RETRIEVAL_INTENTS = frozenset({"faq"})
EXTERNAL_PREFIX = "EXTERNAL_"


def defuse_system_payload(text: str) -> str:
    """``text`` unchanged, or without its leading ``/`` when it names a system-only intent."""
    match = _PAYLOAD_INTENT.match(text)
    if match is None:
        return text
    intent, topic_slash = match.groups()
    system_only = (
        intent in SYSTEM_INTENTS
        or intent.startswith(EXTERNAL_PREFIX)
        or (intent in RETRIEVAL_INTENTS and not topic_slash)
    )
    return text.lstrip().removeprefix("/") if system_only else text
