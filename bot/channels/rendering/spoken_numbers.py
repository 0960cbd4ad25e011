"""Numbers as a voice reads them (the IVR: :mod:`~bot.channels.rendering.voice`).

- Runs of 5 digits or more (户号 10-13 digits, SMS codes 6, work orders, 95598) are read digit by
  digit, the digit words separated by spaces so TTS cannot read them as one big number:
  "3301000001" → "三 三 零 一 零 零 零 零 零 一". A 户号 glued to a year ("户号3301000001" +
  "2026年10月") keeps its year.
- Mobile and landline numbers are read digit by digit too, with 1 as "幺", the way phone numbers
  are read aloud in China ("幺三八…"): on a phone line 一 (yī) and 七 (qī) are easily confused.
  Elsewhere (户号, codes, tails) 1 stays "一", as the customer reads it on the bill.
- Masked numbers are read by their tail, which is all the caller can check: "138****0001",
  "0571-****1234", "3301**********123X" and "尾号0001" → "尾号零零零一" (4 digits or fewer: no spaces,
  a short run of digit words is never read as a number).
- Money ("¥128.58", "-¥3.00", "128.58元", "128.58 元", "1,280.00元") → "一百二十八元五角八分"; a
  range "0.01至5000.00元" has both ends read as money. More than two decimals is a price per kWh
  ("0.538元") and is read as a decimal: "零点五三八元".
- Dates, times and other short numbers (2026年10月, 8:00, 235度, 30%) stay: TTS reads them well.

In SSML mode the same matches become ``<say-as>`` elements (``characters``, ``telephone``,
``currency``) and everything else is XML-escaped. Digits are found with look-arounds, never
``\\b`` (a Chinese character is a word character to ``re``).
"""
from __future__ import annotations

import re
from decimal import Decimal
from xml.sax.saxutils import escape

import cn2an

__all__ = ["speak_amount_yuan", "speak_digits", "speak_numbers"]

DIGIT_WORDS = "零一二三四五六七八九"
PHONE_ONE = "幺"
TAIL_WORD = "尾号"

_NUM = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?"
_AMOUNT = (
    rf"(?<![0-9.,])(?:(?P<low>{_NUM})\s?至\s?)?"
    rf"(?P<sign>(?<![0-9A-Za-z.])[-−])?(?:[¥￥]\s?(?P<symbol>{_NUM})|(?P<unit>{_NUM})\s?元)(?![0-9])"
)
_MASKED = r"(?<![0-9A-Za-z*])(?:[0-9]+-?)?\*{2,}-?(?P<masked>[0-9]{1,6}[Xx]?)(?![0-9*])"
_TAIL = r"尾号[:：\s]?(?P<tail>[0-9]{1,8}[Xx]?)(?![0-9])"
_PHONE = r"(?<![0-9.])(?P<phone>(?:\+?86[-\s]?)?1[3-9][0-9]{9}|0[0-9]{2,3}-[0-9]{7,8})(?![0-9])"
# 5 digits or more; a year glued after a 户号 ("33010000012026年") is left to TTS.
_DIGITS = r"(?<![0-9.])(?P<digits>[0-9]{5,}(?=(?:19|20)[0-9]{2}年)|[0-9]{5,}(?![0-9]|\.[0-9]))"
_SPOKEN = re.compile("|".join([_AMOUNT, _MASKED, _TAIL, _PHONE, _DIGITS]))
_AMOUNT_TEXT = re.compile(rf"\s*(?P<sign>[-−])?\s*[¥￥]?\s*(?P<number>{_NUM})\s*元?\s*")


def speak_digits(digits: str, *, one: str = "一", separator: str = " ") -> str:
    """``digits`` read one by one, Chinese digit words separated by ``separator``: "3100" → "三 一 零 零".
    Other characters (an ID number's X) are kept as they are; spaces and hyphens are dropped.
    ``one="幺"`` reads 1 the way phone numbers are read aloud ("幺三八…")."""
    words = [
        (one if char == "1" else DIGIT_WORDS[int(char)]) if char.isascii() and char.isdigit() else char.upper()
        for char in digits
        if char not in " -+"
    ]
    return separator.join(words)


def speak_amount_yuan(text_amount: str) -> str:
    """An amount of money as written in replies ("¥128.58", "-¥3.00", "128.58元", "128.58 元",
    "1,280.00元", "100") → spoken: "一百二十八元五角八分", "负三元", "零元", "一百元". More than two
    decimals (a price per kWh, "0.538元") is read as a decimal: "零点五三八元"."""
    match = _AMOUNT_TEXT.fullmatch(text_amount)
    if match is None:
        raise ValueError(f"not an amount of money: {text_amount!r}")
    number = match.group("number").replace(",", "")
    amount = Decimal(number)
    sign = "负" if match.group("sign") and amount != 0 else ""
    if "." in number and len(number.split(".")[1]) > 2:
        return f"{sign}{cn2an.an2cn(str(amount), 'low')}元"
    fen = int(amount * 100)
    yuan, jiao, fen = fen // 100, fen // 10 % 10, fen % 10
    spoken = f"{cn2an.an2cn(str(yuan), 'low')}元" if yuan else ""
    if jiao:
        spoken += f"{DIGIT_WORDS[jiao]}角"
    if fen:
        spoken += f"{'零' if yuan and not jiao else ''}{DIGIT_WORDS[fen]}分"
    return sign + (spoken or "零元")


def speak_numbers(text: str, *, ssml: bool = False) -> str:
    """``text`` with its numbers as a voice reads them (see the module docstring); with ``ssml``,
    the numbers are ``<say-as>`` elements and the rest of the text is XML-escaped (no ``<speak>``
    around it: the caller wraps whole sentences)."""
    pieces: list[str] = []
    done = 0
    for match in _SPOKEN.finditer(text):
        before = text[done:match.start()]
        pieces.append(escape(before) if ssml else before)
        pieces.append(_say_as(match) if ssml else _spoken(match))
        done = match.end()
    rest = text[done:]
    pieces.append(escape(rest) if ssml else rest)
    return "".join(pieces)


def _spoken(match: re.Match[str]) -> str:
    kind = match.lastgroup
    if kind in ("symbol", "unit"):
        low = match.group("low")
        amount = speak_amount_yuan((match.group("sign") or "") + match.group(kind))
        return f"{speak_amount_yuan(low)}至{amount}" if low else amount
    if kind in ("masked", "tail"):
        tail = match.group(kind)
        return TAIL_WORD + speak_digits(tail, separator="" if len(tail) <= 4 else " ")
    if kind == "phone":
        return speak_digits(match.group(kind), one=PHONE_ONE)
    return speak_digits(match.group("digits"))


def _say_as(match: re.Match[str]) -> str:
    kind = match.lastgroup
    if kind in ("symbol", "unit"):
        low, number = match.group("low"), match.group(kind).replace(",", "")
        if "." in number and len(number.split(".")[1]) > 2:  # a price: TTS reads the decimal
            return escape(match.group(0))
        amount = _currency((match.group("sign") or "") + number)
        return f"{_currency(low)}至{amount}" if low else amount
    if kind in ("masked", "tail"):
        return TAIL_WORD + _element("characters", match.group(kind))
    if kind == "phone":
        return _element("telephone", match.group(kind))
    return _element("characters", match.group("digits"))


def _currency(amount: str) -> str:
    negative = amount.startswith(("-", "−"))
    number = Decimal(amount.lstrip("-−").replace(",", ""))
    return _element("currency", f"{'-' if negative and number else ''}¥{number:.2f}")


def _element(interpret_as: str, content: str) -> str:
    return f'<say-as interpret-as="{interpret_as}">{escape(content)}</say-as>'
