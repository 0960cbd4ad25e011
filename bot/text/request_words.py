"""Words in a request that change what is answered: a usage *trend* (chart) or a *receipt*
instead of an invoice. Months and years are read by :mod:`bot.text.months`."""
from __future__ import annotations

import re

_CONFIRMS_AN_ACTION = re.compile(r"确认|确定|支付|付款|扣款|缴费|交费")
_TREND = re.compile(r"趋势|走势|曲线|图表|柱状图|统计图|(?:画|发|给|看|出)(?:个|张|一张)?图|变化")
_RECEIPT = re.compile(r"凭证|收据|回单|缴费证明|付款证明")


def wants_trend(text: str | None) -> bool:
    return bool(_TREND.search(text or ""))


def wants_receipt(text: str | None) -> bool:
    return bool(_RECEIPT.search(text or ""))


def confirms_an_action(text: str | None) -> bool:
    """ "确认", "确定支付": a yes that would carry something out, unlike "好的" or "嗯"."""
    return bool(_CONFIRMS_AN_ACTION.search(text or ""))


AUTOPAY_SIGN_UP, AUTOPAY_CHANGE_CARD, AUTOPAY_CANCEL = "sign_up", "change_card", "cancel"
# Checked in this order: "取消代扣" is a cancel, "代扣换卡" a card change, "开通代扣" a sign-up.
_AUTOPAY_CHOICES = (
    (AUTOPAY_CANCEL, re.compile(r"取消|关闭|关掉|停止|暂停|解除|解约|不要|不用|别再|怎么关")),
    (AUTOPAY_CHANGE_CARD, re.compile(r"换|更改|修改|改成|改为|改用")),
    (AUTOPAY_SIGN_UP, re.compile(r"开通|开启|打开|签约|签|办理|设置|恢复|开(?!始)|我要|帮我")),
)


_STATUS_QUESTION = re.compile(r"状态|没有|吗|是否|查看|查询|有没有|开了没")


def autopay_choice(text: str | None) -> str | None:
    """sign_up / change_card / cancel, or None when the words ask none of them ("代扣状态",
    "我开了代扣没有"): then the current state is shown with the choices."""
    words = (text or "").strip()
    if words in (AUTOPAY_SIGN_UP, AUTOPAY_CHANGE_CARD, AUTOPAY_CANCEL):  # a button's value
        return words
    if _STATUS_QUESTION.search(words) and not _AUTOPAY_CHOICES[0][1].search(words):
        return None
    return next((choice for choice, pattern in _AUTOPAY_CHOICES if pattern.search(words)), None)
