"""Words in a request that change what is answered: a usage *trend* (chart) or a *receipt*
instead of an invoice. Months and years are read by :mod:`bot.text.months`."""
from __future__ import annotations

import re

_TREND = re.compile(r"趋势|走势|曲线|图表|柱状图|统计图|(?:画|发|给|看|出)(?:个|张|一张)?图|变化")
_RECEIPT = re.compile(r"凭证|收据|回单|缴费证明|付款证明")


def wants_trend(text: str | None) -> bool:
    return bool(_TREND.search(text or ""))


def wants_receipt(text: str | None) -> bool:
    return bool(_RECEIPT.search(text or ""))
