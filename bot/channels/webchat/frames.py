"""The JSON frames of the widget's WebSocket, and Rasa's bot messages as the widget's messages.

Client → server: ``{"type": "message", "text"}`` or ``{"type": "button", "payload", "title"}``.
Server → client: ``{"type": "typing", "on"}``, ``{"type": "bot", "messages": [M…]}`` and
``{"type": "notice", "text"}``, where M is ``{"text"?, "buttons"?: [{"title", "payload"}],
"image"?: url, "document"?: {"url", "title"}}``.

Messages are shaped by the shared rendering layer for the ``webchat`` row of the capability
table (native buttons, images, documents as links). A published document (invoice, receipt,
template) linked in a text is lifted out of it: the text keeps its words, the link becomes the
message's ``document``, titled with the words just before it (else the file's name).
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.channels.rendering.parts import Document, Image, Text, published_documents
from bot.channels.rendering.shaping import render_messages

__all__ = [
    "CHANNEL", "MAX_FRAME_BYTES", "MAX_TITLE_CHARS", "ButtonPress", "Malformed", "TextMessage", "TooLarge",
    "bot_frame", "notice_frame", "parse_client_frame", "typing_frame", "widget_messages",
]

CHANNEL = "webchat"
# A frame carries one message of at most MAX_MESSAGE_CHARS (500) characters, up to 4 bytes each in
# UTF-8 (6 as JSON escapes), plus a button title: larger frames are refused without parsing.
MAX_FRAME_BYTES = 8 * 1024
MAX_TITLE_CHARS = 100
_TRAILING = " \t:：,，;；"


@dataclass(frozen=True)
class TextMessage:
    text: str


@dataclass(frozen=True)
class ButtonPress:
    payload: str
    title: str


@dataclass(frozen=True)
class TooLarge:
    """A frame over :data:`MAX_FRAME_BYTES`: answered with a notice, never parsed."""


@dataclass(frozen=True)
class Malformed:
    """Not JSON, not an object, or not one of the client frames: ignored."""


ClientFrame = TextMessage | ButtonPress | TooLarge | Malformed


def parse_client_frame(raw: str | bytes) -> ClientFrame:
    """What one frame from the widget asks for."""
    size = len(raw) if isinstance(raw, bytes) else len(raw.encode("utf-8", "surrogatepass"))
    if size > MAX_FRAME_BYTES:
        return TooLarge()
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return Malformed()
    if not isinstance(data, dict):
        return Malformed()
    kind = data.get("type")
    if kind == "message" and isinstance(data.get("text"), str) and data["text"].strip():
        return TextMessage(data["text"])
    if kind == "button" and isinstance(data.get("payload"), str) and data["payload"].strip():
        title = data.get("title")
        title = title if isinstance(title, str) and title.strip() else data["payload"]
        return ButtonPress(data["payload"], title.strip()[:MAX_TITLE_CHARS])
    return Malformed()


def _dump(frame: Mapping[str, Any]) -> str:
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"))


def typing_frame(on: bool) -> str:
    return _dump({"type": "typing", "on": on})


def notice_frame(text: str) -> str:
    return _dump({"type": "notice", "text": text})


def bot_frame(messages: list[dict[str, Any]]) -> str:
    return _dump({"type": "bot", "messages": messages})


def widget_messages(messages: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rasa's bot messages (dicts) as the widget's messages M, in order."""
    widget: list[dict[str, Any]] = []
    for part in render_messages(messages, CHANNEL).parts:
        if isinstance(part, Text):
            widget.extend(_text_messages(part))
        elif isinstance(part, Image):
            widget.append({"image": part.url})
        elif isinstance(part, Document):
            widget.append({"document": _document(part.url)})
    return widget


def _document(url: str, title: str = "") -> dict[str, str]:
    return {"url": url, "title": title or Document.at(url).file_name}


def _title_of(text: str) -> str:
    """A linked document's title: the last clause of the words before its link ("电子缴费凭证（PR…）",
    "点击下载PDF", "《授权委托书模板》下载")."""
    last_line = text.splitlines()[-1] if text else ""
    return last_line.rsplit("。", 1)[-1].strip()


def _text_messages(part: Text) -> list[dict[str, Any]]:
    text = part.text
    documents = published_documents(text)
    for url in documents:
        text = text.replace(url, "")
    if documents:
        text = "\n".join(line.rstrip(_TRAILING) for line in text.splitlines()).strip()
    title = _title_of(text) if documents else ""
    message: dict[str, Any] = {}
    if text and text != title:
        message["text"] = text
    if part.options:
        message["buttons"] = [{"title": option.title, "payload": option.payload} for option in part.options]
    if not documents:
        return [message] if message else []
    first, *others = documents
    message["document"] = _document(first, title)
    return [message, *({"document": _document(url)} for url in others)]
