"""Danger words: a message that names smoke, fire, a fallen wire, an electric shock, leaking
current, sparks or a burning smell gets the safety instruction before anything else.

Plain rules, no model: the answer must not depend on a classifier's guess. Matching is on the
text normalised with NFKC, without spaces, and with the Traditional forms customers type mapped
to Simplified ones (冒煙 → 冒烟, 觸電 → 触电). A negation is not read ("没有冒烟" still matches):
a safety reminder too many is harmless, one too few is not. "漏电保护器" (the residual-current
breaker) alone is a device's name, not leaking current, so it does not count by itself.
"""
from __future__ import annotations

import re
import unicodedata

# Traditional → Simplified for the characters of the danger words.
_SIMPLIFIED = str.maketrans({
    "煙": "烟", "電": "电", "觸": "触", "線": "线", "燒": "烧", "著": "着", "墜": "坠", "斷": "断",
    "氣": "气", "聞": "闻", "閃": "闪", "發": "发", "熱": "热", "燙": "烫", "關": "关", "頭": "头",
    "災": "灾", "擊": "击", "傷": "伤", "塊": "块", "這": "这", "個": "个", "麼": "么", "裡": "里",
    "墻": "墙", "牆": "墙", "鐵": "铁", "門": "门", "殼": "壳", "龍": "龙", "開": "开", "護": "护",
    "壞": "坏", "熔": "熔", "鬆": "松", "掛": "挂", "來": "来", "們": "们", "塑": "塑",
})

# Each kind of danger, with the ways people say it (the first word names the kind).
DANGER_PATTERNS: dict[str, re.Pattern[str]] = {
    "冒烟": re.compile(r"冒(?:青|黑|白)?烟|在?冒出?烟|(?:起|有|出)烟了?|烟雾"),
    "着火": re.compile(r"着火|着了火|起火|失火|火灾|烧起来|燃起来|冒火|明火|火苗|火光"),
    "电线掉落": re.compile(
        r"电线[^。，,！!？?]{0,4}(?:掉|落|垂|断|耷拉|搭在|拖)|(?:掉|落|垂)(?:下来|在?地上?)[^。，,！!？?]{0,3}电线"
        r"|(?:高压|电)线[^。，,]{0,3}(?:掉地|落地|断了|断落)|线杆[^。，,]{0,3}(?:倒|断)|电线杆(?:倒|断)"
    ),
    "触电": re.compile(r"触电|被电(?:到|击|打|着|伤)|电(?:到|击|伤|倒)人|电击|电伤"),
    "漏电": re.compile(r"漏电(?!保护|开关|断路)|(?:外壳|墙|水管|铁门|门把|水龙头)[^。，,]{0,4}(?:带电|麻手|有电)|麻手"),
    "火花": re.compile(r"火花|打火(?!机)|电火|火星|电弧|拉弧|噼啪|啪啪响"),
    "烧焦味": re.compile(
        r"烧焦|焦(?:糊|煳)?味|糊味|煳味|烧糊|塑料味|烧.{0,2}味"
        r"|(?:插座|电表|开关|电线)[^。，,]{0,4}(?:发烫|烫手|烧坏|烧黑|熔化|融化)"
    ),
}


def normalise(text: str | None) -> str:
    """NFKC, no whitespace, Traditional danger characters as Simplified."""
    folded = unicodedata.normalize("NFKC", text or "")
    return "".join(folded.split()).translate(_SIMPLIFIED)


def danger_kinds(text: str | None) -> list[str]:
    """Every kind of danger ``text`` names ("冒烟", "触电"…), in :data:`DANGER_PATTERNS` order."""
    plain = normalise(text)
    if not plain or plain.startswith("/"):  # a button payload is never a description
        return []
    return [kind for kind, pattern in DANGER_PATTERNS.items() if pattern.search(plain)]


def is_dangerous(text: str | None) -> bool:
    """Whether ``text`` names any danger (see the module docstring)."""
    return bool(danger_kinds(text))
