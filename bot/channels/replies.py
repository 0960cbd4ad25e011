"""Replies a channel gives by itself, without Rasa (a refused message): the response's
text from the domain files (bot.domain_files), read once with the yaml library."""
from __future__ import annotations

from typing import Any

from bot.domain_files import domain_responses


def domain_text(name: str, **values: Any) -> str:
    """The first text of response ``name``, filled in with ``values``."""
    return str(domain_responses()[name][0]["text"]).format(**values)
