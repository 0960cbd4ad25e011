"""Splitting a long text into messages a channel accepts.

A cut goes at the last line break that fits, else after the last sentence end (。！？；!?) that
fits, else at the limit itself (a single over-long line). Line breaks at a cut are dropped;
nothing else is lost, and no piece is empty.
"""
from __future__ import annotations

from collections.abc import Callable

__all__ = ["split_text"]

_SENTENCE_ENDS = "。！？；!?"


def split_text(text: str, limit: int | None, measure: Callable[[str], int] = len) -> list[str]:
    """``text`` in pieces of at most ``limit`` units of ``measure`` (characters by default;
    ``measure`` must add up over characters, as character, UTF-8 byte and UTF-16 unit counts do).
    No limit: the text whole. An empty text has no pieces."""
    if not text:
        return []
    if limit is None or measure(text) <= limit:
        return [text]
    if limit < 1:
        raise ValueError("limit must be positive")
    pieces = []
    rest = text
    while measure(rest) > limit:
        fits = _fitting_prefix(rest, limit, measure)
        newline = rest.rfind("\n", 0, fits + 1)  # a line break right after what fits is a cut too
        if newline > 0:
            head, rest = rest[:newline], rest[newline + 1:]
        else:
            sentence_end = max(rest.rfind(mark, 0, fits) for mark in _SENTENCE_ENDS)
            cut = sentence_end + 1 if sentence_end >= 0 else fits
            head, rest = rest[:cut], rest[cut:]
        head = head.rstrip("\n")
        rest = rest.lstrip("\n")
        if head:
            pieces.append(head)
    if rest:
        pieces.append(rest)
    return pieces


def _fitting_prefix(text: str, limit: int, measure: Callable[[str], int]) -> int:
    """How many characters of ``text`` fit in ``limit`` (at least one, so splitting advances)."""
    used = 0
    for index, character in enumerate(text):
        used += measure(character)
        if used > limit:
            return max(index, 1)
    return len(text)
