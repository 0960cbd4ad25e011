"""One reply, shaped per channel: buttons native, numbered or dropped; images and documents
sent, linked or dropped; texts split at the limit."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.channels.capabilities import ButtonStyle, limits_of
from bot.channels.rendering.parts import Custom, Document, Image, Option, Text, parts_from_message
from bot.channels.rendering.shaping import render_messages
from bot.channels.replies import domain_text

MENU: dict[str, Any] = {
    "text": "请问要办理什么业务？",
    "buttons": [{"title": "查电费", "payload": "/query_bill"}, {"title": "交电费", "payload": "/pay_bill"}],
}
MENU_OPTIONS = (Option("查电费", "/query_bill"), Option("交电费", "/pay_bill"))
INVOICE_URL = "http://127.0.0.1:5005/webhooks/files/invoices/AbCdEfGhIjKlMnOpQrStUv.1798761600.AbCdEfGhIjKlMnOpQrStUv.pdf"
INVOICE: dict[str, Any] = {"text": f"已为户号3301000001开具2026年11月的电子发票。点击下载PDF：{INVOICE_URL}"}
CHART: dict[str, Any] = {"text": "近6个月用电量如图。", "image": "http://127.0.0.1:5005/webhooks/files/charts/x.png"}


def test_telegram_keeps_buttons_native() -> None:
    shaped = render_messages([MENU], "telegram")
    assert shaped.parts == (Text("请问要办理什么业务？", MENU_OPTIONS),)
    assert shaped.numbered_payloads == ()


def test_wechat_lists_buttons_as_numbered_lines_from_the_domain_numbered_across_the_reply() -> None:
    second = {"text": "或者：", "buttons": [{"title": "转人工", "payload": "/human_handoff"}]}
    shaped = render_messages([MENU, second], "wechat")
    numbered = [(1, "查电费"), (2, "交电费"), (3, "转人工")]
    line = [domain_text("utter_option_line", number=number, title=title) for number, title in numbered]
    assert shaped.parts == (
        Text("\n".join(["请问要办理什么业务？", line[0], line[1]])), Text("\n".join(["或者：", line[2]])),
    )
    assert shaped.numbered_payloads == ("/query_bill", "/pay_bill", "/human_handoff")
    assert line[0] == "回复 1：查电费"


def test_buttons_without_a_text_become_a_text_of_their_options() -> None:
    only_buttons = {"buttons": [{"title": "是", "payload": "/affirm"}]}
    assert render_messages([only_buttons], "wechat", option_line="{number}. {title}").parts == (Text("1. 是"),)
    assert render_messages([only_buttons], "telegram").parts == (
        Text("", (Option("是", "/affirm"),)),
    )


def test_a_channel_without_buttons_drops_them_and_keeps_the_text() -> None:
    no_buttons = replace(limits_of("telegram"), buttons=ButtonStyle.NONE)
    shaped = render_messages([MENU], no_buttons)
    assert shaped.parts == (Text("请问要办理什么业务？"),)
    assert shaped.numbered_payloads == ()


def test_a_long_text_is_split_and_its_buttons_go_on_the_last_piece() -> None:
    long_menu = {**MENU, "text": "电费说明" * 1500}  # 6000 characters
    parts = render_messages([long_menu], "telegram").parts
    assert [len(part.text) for part in parts if isinstance(part, Text)] == [4096, 1904]
    assert [part.options for part in parts if isinstance(part, Text)] == [(), MENU_OPTIONS]


def test_numbered_lines_stay_whole_when_a_wechat_text_is_split() -> None:
    long_menu = {**MENU, "text": "说明" * 340}  # 2040 bytes: the option lines do not fit after it
    parts = render_messages([long_menu], "wechat", option_line="回复 {number}：{title}").parts
    assert parts == (Text("说明" * 340), Text("回复 1：查电费\n回复 2：交电费"))


def test_images_go_where_the_channel_shows_them() -> None:
    image = Image("http://127.0.0.1:5005/webhooks/files/charts/x.png")
    assert render_messages([CHART], "telegram").parts == (Text("近6个月用电量如图。"), image)
    assert render_messages([CHART], "wechat").parts == (Text("近6个月用电量如图。"), image)
    assert render_messages([CHART], "ivr").parts == (Text("近6个月用电量如图。"),)


def test_a_published_invoice_link_is_a_file_on_telegram_and_stays_a_link_on_wechat() -> None:
    document = Document(INVOICE_URL, "AbCdEfGhIjKlMnOpQrStUv.1798761600.AbCdEfGhIjKlMnOpQrStUv.pdf")
    assert parts_from_message(INVOICE) == [Text(INVOICE["text"]), document]
    assert render_messages([INVOICE], "telegram").parts == (Text(INVOICE["text"]), document)
    assert render_messages([INVOICE], "wechat").parts == (Text(INVOICE["text"]),)
    assert render_messages([INVOICE], "ivr").parts == (Text(INVOICE["text"]),)


def test_a_link_followed_by_chinese_punctuation_ends_before_it() -> None:
    message = {"text": f"电子缴费凭证：{INVOICE_URL}。请妥善保存"}
    assert parts_from_message(message)[1:] == [Document.at(INVOICE_URL)]


def test_links_of_other_sites_and_charts_are_not_documents() -> None:
    text = "详见 https://www.95598.cn/webhooks/files/other/a.pdf 和 http://127.0.0.1:5005/webhooks/files/charts/x.png"
    assert parts_from_message({"text": text}) == [Text(text)]


def test_an_attachment_no_text_links_gets_a_text_of_its_own_where_links_are_the_way() -> None:
    message = {"text": "您的凭证：", "attachment": "http://127.0.0.1:5005/webhooks/files/invoices/r.pdf"}
    assert render_messages([message], "wechat").parts == (Text("您的凭证："), Text("http://127.0.0.1:5005/webhooks/files/invoices/r.pdf"))
    assert render_messages([message], "telegram").parts == (
        Text("您的凭证："), Document("http://127.0.0.1:5005/webhooks/files/invoices/r.pdf", "r.pdf"),
    )


def test_custom_json_is_read_but_not_sent_to_chat_apps() -> None:
    message = {"custom": {"kind": "map"}}
    assert parts_from_message(message) == [Custom({"kind": "map"})]
    assert render_messages([message], "telegram").parts == ()
