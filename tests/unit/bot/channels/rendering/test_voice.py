"""Replies spoken on the IVR: the domain's responses as short sentences, buttons as a keypad
menu of at most 5 keys, digits read one by one, money in words, links/images/emoji dropped."""
from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

from bot.channels.rendering.voice import (
    KEYPAD_MORE,
    KEYPAD_OPTION,
    LINK_LINE,
    SpokenReply,
    render_for_voice,
    spoken_sentences,
)
from bot.channels.replies import domain_text
from bot.domain_files import domain_responses
from bot.money import format_yuan, format_yuan_symbol
from bot.privacy.masking import mask_phone

ACCOUNT = "3301000001"
ACCOUNT_SPOKEN = "三 三 零 一 零 零 零 零 零 一"
INVOICE_URL = "http://127.0.0.1:5005/webhooks/files/invoices/AbCdEfGhIjKlMnOpQrStUv.1798761600.AbCdEfGhIjKlMnOpQrStUv.pdf"
LINK_SENTENCE = "详情请在网上国网App查看。"


def response(name: str, **slots: Any) -> dict[str, Any]:
    """The domain's response as Rasa hands it to the channel: text filled in, buttons as they are."""
    message = dict(domain_responses()[name][0])
    message["text"] = str(message["text"]).format(**slots)
    return message


def keypad_line(*titles: str) -> str:
    return "，".join(domain_text(KEYPAD_OPTION, title=title, number=n) for n, title in enumerate(titles, 1)) + "。"


def test_the_domain_says_the_keypad_and_link_lines() -> None:
    assert domain_text(KEYPAD_OPTION, title="查电费", number=1) == "查电费请按1"
    assert domain_text(LINK_LINE) == LINK_SENTENCE
    assert domain_text(KEYPAD_MORE) == "其他选项请直接说出来。"


def test_the_greeting_menu_of_8_is_cut_to_the_first_4_and_its_way_out_and_says_the_rest_can_be_spoken() -> None:
    reply = render_for_voice([response("utter_greet")])
    assert reply.keypad_payloads == ("/query_bill", "/pay_bill", "/bind_account", "/rename_transfer", "/human_handoff")
    assert reply.sentences[-2:] == (
        "查电费请按1，交电费请按2，绑定户号请按3，更名或过户请按4，转人工请按5。", "其他选项请直接说出来。",
    )
    assert reply.sentences[0] == "您好！"
    assert reply.sentences[2] == "请问有什么可以帮您？"


def test_up_to_5_buttons_are_all_read_in_order_and_a_digit_picks_the_payload() -> None:
    buttons = [{"title": title, "payload": f"/p{n}"} for n, title in enumerate(["一", "二", "三", "四", "五"], 1)]
    reply = render_for_voice([{"text": "请选择：", "buttons": buttons}])
    menu = keypad_line("一", "二", "三", "四", "五")
    assert reply == SpokenReply(("请选择：", menu), ("/p1", "/p2", "/p3", "/p4", "/p5"))
    assert reply.keypad_payloads[int("3") - 1] == "/p3"


def test_six_buttons_keep_the_first_four_and_the_last() -> None:
    buttons = [{"title": f"选项{n}", "payload": f"/p{n}"} for n in range(1, 7)]
    reply = render_for_voice([{"text": "请选择。", "buttons": buttons}])
    assert reply.keypad_payloads == ("/p1", "/p2", "/p3", "/p4", "/p6")
    menu = keypad_line("选项1", "选项2", "选项3", "选项4", "选项6")
    assert reply.sentences == ("请选择。", menu, "其他选项请直接说出来。")


def test_only_the_last_question_s_buttons_are_read_after_all_texts() -> None:
    first = {"text": "已查询。", "buttons": [{"title": "查电费", "payload": "/query_bill"}]}
    second = {"text": "需要为您转接人工客服吗？", "buttons": [
        {"title": "转人工客服", "payload": "/human_handoff"}, {"title": "返回菜单", "payload": "/help"},
    ]}
    after = {"text": "您也可以直接说出来。"}
    reply = render_for_voice([first, second, after])
    menu = keypad_line("转人工客服", "返回菜单")
    assert reply.sentences == ("已查询。", "需要为您转接人工客服吗？", "您也可以直接说出来。", menu)
    assert reply.keypad_payloads == ("/human_handoff", "/help")


def test_account_choice_buttons_read_the_account_digit_by_digit() -> None:
    buttons = [{"title": ACCOUNT, "payload": f'/inform{{"account_number":"{ACCOUNT}"}}'},
               {"title": "3301000002", "payload": '/inform{"account_number":"3301000002"}'}]
    reply = render_for_voice([{"text": domain_text("utter_ask_account_for_query"), "buttons": buttons}])
    assert reply.sentences == (
        "您绑定了多个户号，请选择要查询的户号：",
        f"{ACCOUNT_SPOKEN}请按1，三 三 零 一 零 零 零 零 零 二请按2。",
    )


def test_billing_responses_with_slots_filled_are_spoken() -> None:
    messages = [
        response("utter_bill_header", account_number=ACCOUNT, month="2026年10月"),
        response("utter_bill_period", start="2026-09-26", end="2026-10-25"),
        response("utter_bill_amount", kwh=235, amount=format_yuan(12858)),
        response("utter_bill_tier_line", tier="第一档", kwh=235, price="0.538", amount=format_yuan(12643)),
        response("utter_bill_state_overdue", days=3, due="2026-11-25", late_fee=format_yuan_symbol(12)),
        response("utter_balance_due", account_number=ACCOUNT, total=format_yuan(12870), arrears=format_yuan(12858),
                 late_fee=format_yuan(12)),
        response("utter_no_bill_not_issued", account_number=ACCOUNT, month="2026年11月"),
    ]
    assert render_for_voice(messages) == SpokenReply((
        f"户号{ACCOUNT_SPOKEN}，2026年10月电费账单。",
        "计费周期：2026-09-26至2026-10-25。",
        "用电量：235度，电费：一百二十八元五角八分。",
        "第一档：235度乘零点五三八元每度等于一百二十六元四角三分。",
        "状态：已逾期3天（截止日2026-11-25），截至今日违约金一角二分。",
        f"户号{ACCOUNT_SPOKEN}当前应缴一百二十八元七角（电费一百二十八元五角八分，违约金一角二分）。",
        f"户号{ACCOUNT_SPOKEN}2026年11月的账单还没有出账（每月初出上月账单），可以查询最近一期账单。",
    ))


def test_an_invoice_link_is_not_read_its_sentence_points_to_the_app_once() -> None:
    invoice = response(
        "utter_invoice_ready", account_number=ACCOUNT, month="2026年10月", kind="电子发票（增值税普通发票）",
        number="044001900111", amount=format_yuan(12858), url=INVOICE_URL,
    )
    reply = render_for_voice([invoice, {"text": f"缴费凭证：{INVOICE_URL}"}])
    assert reply.sentences == (
        f"已为户号{ACCOUNT_SPOKEN}开具2026年10月的电子发票（增值税普通发票），号码零 四 四 零 零 一 九 零 零 一 一 一，"
        "金额一百二十八元五角八分。",
        LINK_SENTENCE,
    )
    assert not any("http" in sentence or "pdf" in sentence for sentence in reply.sentences)


def test_emoji_markdown_images_documents_and_custom_json_are_not_spoken() -> None:
    messages = [
        {"text": "📊 **近6个月用电量**如下 ✅", "image": "http://127.0.0.1:5005/webhooks/files/charts/x.png"},
        {"text": "![趋势](http://127.0.0.1:5005/c.png)\n- 最高：10月\n- 最低：4月 ⚡️"},
        {"attachment": INVOICE_URL, "custom": {"kind": "card"}},
        {"text": "详见[账单说明](https://www.95598.cn/bill)。可以说`查电费`"},
    ]
    assert render_for_voice(messages) == SpokenReply(
        ("近6个月用电量如下。", "最高：10月。", "最低：4月。", LINK_SENTENCE, "可以说查电费。")
    )


def test_a_long_faq_answer_is_split_at_sentence_ends_in_order_with_prices_and_ranges_spoken() -> None:
    text = str(domain_responses()["utter_faq/tiered_pricing"][0]["text"])
    sentences = spoken_sentences(text)
    assert len(sentences) == 5
    assert "".join(sentences).replace("至", "～").replace("每", "/") == text
    spoken = render_for_voice([{"text": text}]).sentences
    assert spoken[1] == (
        "浙江：年用电量2760千瓦时及以下零点五三八元每千瓦时，2761至4800千瓦时零点五八八元每千瓦时，"
        "4801千瓦时及以上零点八三八元每千瓦时。"
    )
    assert max(len(sentence) for sentence in spoken) < len(text) // 2


def test_peak_valley_times_read_as_a_range_and_small_amounts_as_fen() -> None:
    spoken = render_for_voice([response("utter_faq/peak_valley")]).sentences
    assert spoken[0] == (
        "峰谷分时电价是在阶梯电价基础上按用电时段加减价：浙江居民峰时段（8:00至22:00）每千瓦时加三分，"
        "谷时段（22:00至次日8:00）每千瓦时减二角五分。"
    )


def test_a_masked_phone_and_a_masked_name_read_sensibly() -> None:
    messages = [response("utter_code_sent", masked_phone=mask_phone("13800000001")), {"text": "户名：张*，王*明"}]
    assert render_for_voice(messages).sentences == (
        "验证码已发送至尾号零零零一，5分钟内有效。", "户名：张某，王某明。",
    )


def test_ssml_mode_gives_one_well_formed_speak_document_per_sentence_with_say_as_and_escaped_text() -> None:
    messages = [
        response("utter_balance_due", account_number=ACCOUNT, total="¥128.70", arrears="128.58 元", late_fee="0.12元"),
        {"text": "请回答 <是> & “否”", "buttons": [
            {"title": "预存100元", "payload": "/a"}, {"title": "A&B", "payload": "/b"},
        ]},
    ]
    reply = render_for_voice(messages, ssml=True)
    assert reply.sentences == (
        f'<speak>户号<say-as interpret-as="characters">{ACCOUNT}</say-as>当前应缴'
        '<say-as interpret-as="currency">¥128.70</say-as>（电费<say-as interpret-as="currency">¥128.58</say-as>，'
        '违约金<say-as interpret-as="currency">¥0.12</say-as>）。</speak>',
        "<speak>请回答 &lt;是&gt; &amp; “否”。</speak>",
        '<speak>预存<say-as interpret-as="currency">¥100.00</say-as>请按1，A&amp;B请按2。</speak>',
    )
    for sentence in reply.sentences:
        assert ElementTree.fromstring(sentence).tag == "speak"
    assert reply.keypad_payloads == ("/a", "/b")


def test_nothing_to_say_is_an_empty_reply() -> None:
    assert render_for_voice([]) == SpokenReply((), ())
    assert render_for_voice([{"image": "http://127.0.0.1:5005/c.png"}, {"text": "😀 ~"}]) == SpokenReply((), ())
