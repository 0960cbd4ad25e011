"""Channel-neutral parts of a reply, read from Rasa's bot messages.

A bot message is the dict Rasa hands an output channel (``OutputChannel.send_response``) or
collects for REST (``CollectingOutputChannel.messages``): ``text``, ``buttons`` (or
``quick_replies``) as ``[{"title", "payload"}]``, ``image`` (a URL), ``attachment`` (a URL, or
a dict with ``url``) and ``custom`` (any JSON). Invoices, receipts and templates are sent as
a signed link inside the text (:mod:`bot.files.published`); such a link is also read as a
:class:`Document`, so channels that can send files send the file, and REST replies stay as
they are.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from bot.files.published import KINDS, URL_PREFIX

__all__ = [
    "Custom", "Document", "Image", "Option", "Part", "Text", "parts_from_message", "parts_from_messages",
    "published_documents",
]

_DOCUMENT_KINDS = "|".join(sorted(kind for kind, extension in KINDS.items() if extension == ".pdf"))
# A published document's URL: <public url>/webhooks/files/<kind>/<file name>.pdf, up to a space or
# a character no URL of ours contains (Chinese punctuation right after a link, quotes, brackets).
_PUBLISHED_DOCUMENT = re.compile(
    rf"https?://[^\s\"'<>()\[\]{{}}，。；！？、“”（）]+?{re.escape(URL_PREFIX)}/(?:{_DOCUMENT_KINDS})/"
    r"[A-Za-z0-9_.-]+\.pdf"
)


@dataclass(frozen=True)
class Option:
    """One button: what it shows, and what pressing it sends (a ``/intent`` payload or words)."""

    title: str
    payload: str


@dataclass(frozen=True)
class Text:
    text: str
    options: tuple[Option, ...] = ()


@dataclass(frozen=True)
class Image:
    url: str


@dataclass(frozen=True)
class Document:
    url: str
    file_name: str = field(default="")

    @staticmethod
    def at(url: str) -> Document:
        return Document(url, urlsplit(url).path.rsplit("/", 1)[-1])


@dataclass(frozen=True)
class Custom:
    data: Any


Part = Text | Image | Document | Custom


def parts_from_messages(messages: Iterable[Mapping[str, Any]]) -> list[Part]:
    """The parts of every message, in order."""
    return [part for message in messages for part in parts_from_message(message)]


def parts_from_message(message: Mapping[str, Any]) -> list[Part]:
    """One bot message's parts: its text with its buttons, the documents linked in that text,
    then its image, attachment and custom JSON, in the order Rasa's output channels send them."""
    parts: list[Part] = []
    text = str(message.get("text") or "")
    options = _options(message.get("buttons") or message.get("quick_replies") or [])
    if text or options:
        parts.append(Text(text, options))
    parts.extend(Document.at(url) for url in published_documents(text))
    if message.get("image"):
        parts.append(Image(str(message["image"])))
    attachment = _attachment_url(message.get("attachment"))
    if attachment:
        parts.append(Document.at(attachment))
    if message.get("custom"):
        parts.append(Custom(message["custom"]))
    return parts


def published_documents(text: str) -> list[str]:
    """The published documents' URLs (invoices, receipts, templates) linked in ``text``, once each."""
    return list(dict.fromkeys(match.group(0) for match in _PUBLISHED_DOCUMENT.finditer(text)))


def _options(buttons: Iterable[Mapping[str, Any]]) -> tuple[Option, ...]:
    return tuple(
        Option(str(button.get("title") or button.get("payload")), str(button.get("payload") or button.get("title")))
        for button in buttons
        if button.get("title") or button.get("payload")
    )


def _attachment_url(attachment: Any) -> str | None:
    if isinstance(attachment, str) and attachment:
        return attachment
    if isinstance(attachment, Mapping) and attachment.get("url"):
        return str(attachment["url"])
    return None
