"""Fitting a reply's parts to one channel's limits (:mod:`bot.channels.capabilities`).

- Texts are split at the channel's length limit (:func:`~bot.channels.rendering.splitting.split_text`).
- Buttons stay buttons where the channel shows them (on the last piece of their text); where it
  does not, they become numbered lines of the text (``utter_option_line``: "回复 1：查电费"),
  numbered across the whole reply, and the reply's :attr:`ShapedReply.numbered_payloads` are what
  the connector remembers for the chat (:mod:`~bot.channels.rendering.numbered_options`);
  where the channel has neither, they are dropped.
- Images go where the channel shows them; elsewhere they are dropped (the actions already say
  in words what a chart shows on such channels: ``shows_images``).
- Documents are sent as files where the channel can; where links are what it takes, the link
  stays in the text (a document whose link no text carries gets a text of its own); elsewhere
  they are dropped.
- Custom JSON means nothing on a chat platform and is dropped.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.channels.capabilities import ButtonStyle, ChannelLimits, DocumentStyle, limits_of
from bot.channels.rendering.parts import Document, Image, Option, Part, Text, parts_from_messages
from bot.channels.rendering.splitting import split_text
from bot.domain_files import domain_responses

__all__ = ["OPTION_LINE", "ShapedReply", "render_messages", "shape_for_channel"]

OPTION_LINE = "utter_option_line"  # the domain response with {number} and {title}


@dataclass(frozen=True)
class ShapedReply:
    """What a connector sends, in order: :class:`Text` (``options`` set only on channels with
    native buttons), :class:`Image` and :class:`Document` parts; and the payloads of the
    numbered options the texts list ("1" picks ``numbered_payloads[0]``; empty when none)."""

    parts: tuple[Part, ...]
    numbered_payloads: tuple[str, ...] = ()


def render_messages(
    messages: Iterable[Mapping[str, Any]], channel: str | ChannelLimits, *, option_line: str | None = None
) -> ShapedReply:
    """Rasa's bot messages (dicts), shaped for ``channel``: the one call a connector needs."""
    return shape_for_channel(parts_from_messages(messages), channel, option_line=option_line)


def shape_for_channel(
    parts: Sequence[Part], channel: str | ChannelLimits, *, option_line: str | None = None
) -> ShapedReply:
    """``parts`` fitted to ``channel`` (a name from the capability table, or its limits).
    ``option_line`` is the numbered line's template (default: the domain's ``utter_option_line``)."""
    limits = channel if isinstance(channel, ChannelLimits) else limits_of(channel)
    linked = "\n".join(part.text for part in parts if isinstance(part, Text))
    shaped: list[Part] = []
    payloads: list[str] = []
    for part in parts:
        if isinstance(part, Text):
            shaped.extend(_shape_text(part, limits, payloads, option_line))
        elif isinstance(part, Image):
            shaped.extend([part] if limits.images else [])
        elif isinstance(part, Document):
            shaped.extend(_shape_document(part, limits, linked))
    return ShapedReply(tuple(shaped), tuple(payloads))


def _shape_text(part: Text, limits: ChannelLimits, payloads: list[str], option_line: str | None) -> list[Part]:
    text, options = part.text, part.options
    if options and limits.buttons is ButtonStyle.NUMBERED:
        lines = [_option_line(option_line, len(payloads) + number, option) for number, option in enumerate(options, 1)]
        payloads.extend(option.payload for option in options)
        text, options = "\n".join([text, *lines] if text else lines), ()
    elif limits.buttons is ButtonStyle.NONE:
        options = ()
    pieces = split_text(text, limits.max_text, limits.measure)
    if not pieces:
        return [Text("", options)] if options else []
    texts: list[Part] = [Text(piece) for piece in pieces[:-1]]
    return [*texts, Text(pieces[-1], options)]


def _shape_document(part: Document, limits: ChannelLimits, linked: str) -> list[Part]:
    if limits.documents is DocumentStyle.FILE:
        return [part]
    if limits.documents is DocumentStyle.LINK and part.url not in linked:
        return [Text(part.url)]
    return []


def _option_line(template: str | None, number: int, option: Option) -> str:
    if template is None:
        template = str(domain_responses()[OPTION_LINE][0]["text"])
    return template.format(number=number, title=option.title)
