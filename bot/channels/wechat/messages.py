"""The XML WeChat posts, parsed without external entities or entity expansion (defusedxml),
and the passive text reply.

Only the fields the connector uses are read; an unknown message type is kept with its type,
so the caller can acknowledge it.
"""
from __future__ import annotations

from dataclasses import dataclass
from xml.etree.ElementTree import Element  # noqa: S405 - the type only; parsing is defusedxml's

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

# WeChat's messages are a few hundred bytes; an encrypted one grows by a third.
MAX_BODY_BYTES = 64 * 1024


class BadXml(ValueError):
    """The body is not a WeChat message (malformed, hostile, or missing a field)."""


@dataclass(frozen=True)
class Inbound:
    """One message or event from a user (``from_user`` is their openid)."""

    to_user: str
    from_user: str
    create_time: str
    msg_type: str
    msg_id: str = ""
    content: str = ""
    recognition: str = ""
    media_id: str = ""
    event: str = ""
    event_key: str = ""

    @property
    def dedup_key(self) -> str:
        """What identifies a retry: the MsgId, or for events the sender and the time."""
        return f"id:{self.msg_id}" if self.msg_id else f"ev:{self.from_user}:{self.create_time}"


def _root(body: bytes | str) -> Element:
    if len(body) > MAX_BODY_BYTES:
        raise BadXml("body too large")
    try:
        root = fromstring(body, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError) as error:
        raise BadXml(type(error).__name__) from error
    if root.tag != "xml":
        raise BadXml("root is not <xml>")
    return root


def _field(root: Element, name: str) -> str:
    node = root.find(name)
    return (node.text or "").strip() if node is not None else ""


def encrypted_part(body: bytes | str) -> str:
    """The ``Encrypt`` field of a 安全模式 request."""
    encrypted = _field(_root(body), "Encrypt")
    if not encrypted:
        raise BadXml("no Encrypt")
    return encrypted


def parse_inbound(body: bytes | str) -> Inbound:
    root = _root(body)
    values = {
        "to_user": _field(root, "ToUserName"), "from_user": _field(root, "FromUserName"),
        "create_time": _field(root, "CreateTime"), "msg_type": _field(root, "MsgType").lower(),
    }
    if not all(values.values()):
        raise BadXml("a required field is missing")
    return Inbound(
        **values, msg_id=_field(root, "MsgId"), content=_field(root, "Content"),
        recognition=_field(root, "Recognition"), media_id=_field(root, "MediaId"),
        event=_field(root, "Event").lower(), event_key=_field(root, "EventKey"),
    )


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def text_reply(message: Inbound, content: str, create_time: int) -> str:
    """The passive reply XML answering ``message`` with ``content``."""
    return (
        f"<xml><ToUserName>{_cdata(message.from_user)}</ToUserName>"
        f"<FromUserName>{_cdata(message.to_user)}</FromUserName>"
        f"<CreateTime>{int(create_time)}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content>{_cdata(content)}</Content></xml>"
    )
