"""Signatures and the XML WeChat posts: checked as wechatpy computes them, parsed without
entities, and the passive reply read back by wechatpy's own parser."""
from __future__ import annotations

import pytest
from wechatpy import parse_message
from wechatpy.exceptions import InvalidSignatureException
from wechatpy.utils import check_signature

from bot.channels.wechat.messages import MAX_BODY_BYTES, BadXml, encrypted_part, parse_inbound, text_reply
from bot.channels.wechat.safe_mode import SafeMode
from bot.channels.wechat.signature import signature_of, signed

TEXT = (
    "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[o-user]]></FromUserName>"
    "<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType>"
    "<Content><![CDATA[查电费]]></Content><MsgId>6001</MsgId></xml>"
)


def test_the_signature_is_the_one_wechatpy_checks() -> None:
    signature = signature_of("token", "1700000000", "n0nce")
    check_signature("token", signature, "1700000000", "n0nce")  # raises when they differ
    with pytest.raises(InvalidSignatureException):
        check_signature("other-token", signature, "1700000000", "n0nce")
    assert signed("token", signature, "1700000000", "n0nce")
    assert signed("token", signature.upper(), "1700000000", "n0nce")


@pytest.mark.parametrize("signature, timestamp, nonce", [
    (None, "1700000000", "n0nce"), ("", "1700000000", "n0nce"),
    ("deadbeef", "1700000000", "n0nce"), (signature_of("token", "1700000000", "n0nce"), None, "n0nce"),
    (signature_of("token", "1700000000", "n0nce"), "1700000001", "n0nce"),
])
def test_a_missing_or_wrong_signature_is_not_signed(signature: str | None, timestamp: str | None, nonce: str) -> None:
    assert not signed("token", signature, timestamp, nonce)


def test_a_text_message_and_its_retry_key() -> None:
    message = parse_inbound(TEXT.encode())
    assert (message.from_user, message.to_user, message.msg_type) == ("o-user", "gh_1", "text")
    assert message.content == "查电费"
    assert message.dedup_key == "id:6001"


def test_an_event_is_keyed_by_sender_and_time() -> None:
    event = parse_inbound(
        "<xml><ToUserName>gh_1</ToUserName><FromUserName>o-user</FromUserName><CreateTime>1700000001</CreateTime>"
        "<MsgType>event</MsgType><Event>CLICK</Event><EventKey>QUERY_BALANCE</EventKey></xml>"
    )
    assert (event.event, event.event_key, event.dedup_key) == ("click", "QUERY_BALANCE", "ev:o-user:1700000001")


@pytest.mark.parametrize("body", [
    b"", b"not xml", b"<xml><ToUserName>gh_1</ToUserName>",  # malformed
    b"<root><MsgType>text</MsgType></root>",  # not WeChat's root
    b"<xml><MsgType>text</MsgType><Content>hi</Content></xml>",  # no sender
    # An external entity (XXE) and entity expansion ("billion laughs") are refused outright.
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><Content>&e;</Content></xml>',
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aa"><!ENTITY b "&a;&a;&a;">]><xml><Content>&b;</Content></xml>',
    b"<xml>" + b" " * MAX_BODY_BYTES + b"</xml>",
])
def test_what_is_not_a_wechat_message_is_refused(body: bytes) -> None:
    with pytest.raises(BadXml):
        parse_inbound(body)


def test_an_encrypted_envelope_without_encrypt_is_refused() -> None:
    with pytest.raises(BadXml):
        encrypted_part(b"<xml><ToUserName>gh_1</ToUserName></xml>")
    assert encrypted_part(b"<xml><Encrypt><![CDATA[abc==]]></Encrypt></xml>") == "abc=="


def test_the_passive_reply_survives_cdata_terminators() -> None:
    message = parse_inbound(TEXT)
    content = "电费 ]]> <b>不是标签</b> & 结束"
    reply = parse_message(text_reply(message, content, 1700000002))
    assert (reply.type, reply.content, reply.source, reply.target) == ("text", content, "gh_1", "o-user")


@pytest.mark.parametrize("key", ["too-short", "!" * 43])
def test_a_malformed_encoding_aes_key_is_a_clear_error_at_start(key: str) -> None:
    with pytest.raises(ValueError, match="WECHAT_ENCODING_AES_KEY"):
        SafeMode("token", key, "wx-app")
