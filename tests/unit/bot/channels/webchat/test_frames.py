"""The widget's WebSocket frames, and Rasa's bot messages as the widget's messages."""
from __future__ import annotations

import json

import pytest

from bot.channels.capabilities import ButtonStyle, DocumentStyle, can_push, limits_of, shows_images
from bot.channels.webchat.frames import (
    MAX_FRAME_BYTES,
    MAX_TITLE_CHARS,
    ButtonPress,
    Malformed,
    TextMessage,
    TooLarge,
    bot_frame,
    notice_frame,
    parse_client_frame,
    typing_frame,
    widget_messages,
)

RECEIPT = "http://127.0.0.1:5005/webhooks/files/invoices/AbCdEfGhIjKlMnOpQrStUv.1798761600.AbCdEfGhIjKlMnOpQrStUv.pdf"
CHART = "http://127.0.0.1:5005/webhooks/files/charts/AbCdEfGhIjKlMnOpQrStUv.1798761600.AbCdEfGhIjKlMnOpQrStUv.png"


def test_a_typed_message_and_a_pressed_button() -> None:
    assert parse_client_frame('{"type": "message", "text": "查电费"}') == TextMessage("查电费")
    pressed = parse_client_frame(json.dumps({"type": "button", "payload": "/query_bill", "title": "查电费"}))
    assert pressed == ButtonPress("/query_bill", "查电费")
    untitled = parse_client_frame(json.dumps({"type": "button", "payload": "/query_bill"}))
    assert untitled == ButtonPress("/query_bill", "/query_bill")
    long_title = parse_client_frame(json.dumps({"type": "button", "payload": "/x", "title": "长" * 500}))
    assert isinstance(long_title, ButtonPress) and len(long_title.title) == MAX_TITLE_CHARS


@pytest.mark.parametrize("raw", [
    "not json", "[1, 2]", '"text"', '{"type": "message"}', '{"type": "message", "text": "   "}',
    '{"type": "message", "text": 42}', '{"type": "button", "title": "x"}', '{"type": "typing", "on": true}',
    b"\xff\xfe",
])
def test_anything_else_is_malformed(raw: str | bytes) -> None:
    assert parse_client_frame(raw) == Malformed()


def test_a_frame_over_the_cap_is_refused_unparsed() -> None:
    text = "电" * (MAX_FRAME_BYTES // 3 + 1)  # 3 bytes each in UTF-8
    assert parse_client_frame(json.dumps({"type": "message", "text": text}, ensure_ascii=False)) == TooLarge()
    assert parse_client_frame(b"x" * (MAX_FRAME_BYTES + 1)) == TooLarge()
    fits = "电" * 500
    assert parse_client_frame(json.dumps({"type": "message", "text": fits})) == TextMessage(fits)  # as \\u escapes


def test_server_frames_are_json_with_chinese_kept() -> None:
    assert json.loads(typing_frame(True)) == {"type": "typing", "on": True}
    assert json.loads(notice_frame("太长了")) == {"type": "notice", "text": "太长了"}
    assert "太长了" in notice_frame("太长了")
    assert json.loads(bot_frame([{"text": "你好"}])) == {"type": "bot", "messages": [{"text": "你好"}]}


def test_texts_buttons_and_images_become_widget_messages() -> None:
    messages = [
        {"text": "您好，请选择：", "buttons": [{"title": "查电费", "payload": "/query_bill"}]},
        {"text": "近12个月用电量如图。", "image": CHART},
        {"custom": {"anything": 1}},
    ]
    assert widget_messages(messages) == [
        {"text": "您好，请选择：", "buttons": [{"title": "查电费", "payload": "/query_bill"}]},
        {"text": "近12个月用电量如图。"},
        {"image": CHART},
    ]


def test_a_linked_document_is_lifted_out_of_its_text() -> None:
    assert widget_messages([{"text": f"电子缴费凭证（PR20261123001）：{RECEIPT}"}]) == [
        {"document": {"url": RECEIPT, "title": "电子缴费凭证（PR20261123001）"}},
    ]
    assert widget_messages([{"text": f"已开具发票，金额¥75.86。点击下载PDF：{RECEIPT}"}]) == [
        {"text": "已开具发票，金额¥75.86。点击下载PDF", "document": {"url": RECEIPT, "title": "点击下载PDF"}},
    ]


def test_a_text_without_a_published_link_is_left_alone() -> None:
    text = "请通过 https://www.95598.cn/upload 上传材料。<img src=x onerror=alert(1)>"
    assert widget_messages([{"text": text}]) == [{"text": text}]


def test_the_widget_shows_buttons_images_and_links_and_can_take_pushes() -> None:
    limits = limits_of("webchat")
    assert (limits.buttons, limits.images, limits.documents, limits.max_text) == (
        ButtonStyle.NATIVE, True, DocumentStyle.LINK, None)
    assert can_push("webchat") and shows_images("webchat")
