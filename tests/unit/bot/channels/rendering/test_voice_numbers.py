"""Numbers as the IVR reads them: long digit runs one by one, masked numbers by their tail,
money as words; dates, times and short numbers left to TTS."""
from __future__ import annotations

import pytest

from bot.channels.rendering.spoken_numbers import speak_amount_yuan, speak_digits, speak_numbers


def test_digits_are_chinese_digit_words_separated_so_tts_cannot_read_one_number() -> None:
    assert speak_digits("3100") == "三 一 零 零"
    assert speak_digits("3301000001") == "三 三 零 一 零 零 零 零 零 一"
    assert speak_digits("13800000001", one="幺") == "幺 三 八 零 零 零 零 零 零 零 幺"
    assert speak_digits("0001", separator="") == "零零零一"
    assert speak_digits("123x") == "一 二 三 X"


@pytest.mark.parametrize(("written", "spoken"), [
    ("¥128.58", "一百二十八元五角八分"),
    ("128.58元", "一百二十八元五角八分"),
    ("128.58 元", "一百二十八元五角八分"),
    ("0.00元", "零元"),
    ("100元", "一百元"),
    ("5000.00元", "五千元"),
    ("12.05元", "十二元零五分"),
    ("10.10元", "十元一角"),
    ("0.58元", "五角八分"),
    ("0.03元", "三分"),
    ("-¥3.00", "负三元"),
    ("-0.00元", "零元"),
    ("1,280.00元", "一千二百八十元"),
    ("100000.10元", "十万元一角"),
    ("0.538元", "零点五三八元"),
])
def test_amounts_are_read_as_money(written: str, spoken: str) -> None:
    assert speak_amount_yuan(written) == spoken


def test_something_else_is_not_an_amount() -> None:
    with pytest.raises(ValueError, match="not an amount"):
        speak_amount_yuan("一百元")


@pytest.mark.parametrize(("text", "spoken"), [
    ("户号3301000001当前应缴128.58元。", "户号三 三 零 一 零 零 零 零 零 一当前应缴一百二十八元五角八分。"),
    ("户号3301000000123", "户号三 三 零 一 零 零 零 零 零 零 一 二 三"),
    ("验证码123456", "验证码一 二 三 四 五 六"),
    ("工单号GD202611230001", "工单号GD二 零 二 六 一 一 二 三 零 零 零 一"),
    ("请拨打95598", "请拨打九 五 五 九 八"),
    ("客服电话13800000001", "客服电话幺 三 八 零 零 零 零 零 零 零 幺"),
    ("营业厅0571-87654321", "营业厅零 五 七 幺 八 七 六 五 四 三 二 幺"),
    ("验证码已发送至138****0001", "验证码已发送至尾号零零零一"),
    ("您是用尾号0001的手机来电", "您是用尾号零零零一的手机来电"),
    ("联系电话0571-****1234", "联系电话尾号一二三四"),
    ("证件3301**********123X", "证件尾号一二三X"),
    ("户号33010000012026年10月的账单", "户号三 三 零 一 零 零 零 零 零 一2026年10月的账单"),
    ("输入0.01至5000.00元", "输入一分至五千元"),
])
def test_numbers_in_a_text_are_read_for_the_ear(text: str, spoken: str) -> None:
    assert speak_numbers(text) == spoken


@pytest.mark.parametrize("text", [
    "2026年10月用电235度",
    "缴费截止日2026-11-25",
    "峰时段8:00至22:00",
    "超过30%",
    "3月",
    "共1234度",
    "读数12345.67",
])
def test_dates_times_and_short_numbers_stay_for_tts(text: str) -> None:
    assert speak_numbers(text) == text


def test_ssml_marks_numbers_with_say_as_and_escapes_the_rest() -> None:
    spoken = speak_numbers("户号3301000001<A&B>应缴¥128.58，拨打13800000001，尾号0001，单价0.538元", ssml=True)
    assert spoken == (
        '户号<say-as interpret-as="characters">3301000001</say-as>&lt;A&amp;B&gt;'
        '应缴<say-as interpret-as="currency">¥128.58</say-as>，'
        '拨打<say-as interpret-as="telephone">13800000001</say-as>，'
        '尾号<say-as interpret-as="characters">0001</say-as>，单价0.538元'
    )


def test_ssml_amounts_are_normalised_and_ranges_keep_both_ends() -> None:
    assert speak_numbers("-¥3.00", ssml=True) == '<say-as interpret-as="currency">-¥3.00</say-as>'
    assert speak_numbers("100元至1,280元", ssml=True) == (
        '<say-as interpret-as="currency">¥100.00</say-as>至<say-as interpret-as="currency">¥1280.00</say-as>'
    )
