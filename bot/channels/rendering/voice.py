"""Replies read aloud: Rasa's bot messages → what the telephone line (IVR) says, with TTS.

The same domain responses as every channel, spoken:

- Texts are cleaned for the ear: emoji, markdown marks and images dropped; symbols said as words
  ("×" 乘, "=" 等于, "2761～4800" 2761至4800, "元/度" 元每度, "更名/过户" 更名或过户); a masked
  name's stars said "某". They are cut into short sentences at Chinese sentence ends and line
  breaks, in order; a sentence with a link (which nobody can follow on the phone) says
  ``utter_voice_link`` ("详情请在网上国网App查看。") instead, once per reply.
- Numbers (:mod:`~bot.channels.rendering.spoken_numbers`): runs of 5 digits or more (户号,
  codes, work orders, phones) are read digit by digit, masked numbers by their tail
  ("尾号零零零一"), amounts as money ("一百二十八元五角八分"); dates, times and short numbers
  stay, TTS reads them well. With ``ssml=True`` they are ``<say-as>`` elements instead, each
  sentence a ``<speak>`` document, and all text XML-escaped.
- Buttons become a keypad menu ("查电费请按1，交电费请按2。", ``utter_keypad_option``), read
  last, after all the reply's texts, so that it is the last thing the caller hears. Only the
  reply's last set of buttons is read (one question per turn: a digit means one thing);
  :attr:`SpokenReply.keypad_payloads` is what each key sends. At most 5 keys: a longer list
  keeps its first 4 options and its last one (menus end with their way out: 转人工, 返回菜单)
  and adds ``utter_keypad_more`` ("其他选项请直接说出来。"): the IVR understands speech, so no
  option is out of reach and no second menu level (or a "0" key meaning something else on
  every menu) is needed.
- Images, documents and custom JSON are not spoken (actions already say in words what a chart
  shows on channels without images: ``shows_images``).

No Rasa imports: unit-tested alone.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.channels.rendering.parts import Option, Text, parts_from_messages
from bot.channels.rendering.spoken_numbers import speak_amount_yuan, speak_digits, speak_numbers
from bot.channels.replies import domain_text

__all__ = [
    "KEYPAD_MORE", "KEYPAD_OPTION", "LINK_LINE", "MAX_KEYS", "SpokenReply", "render_for_voice", "speak_amount_yuan",
    "speak_digits", "spoken_sentences",
]

MAX_KEYS = 5
KEYPAD_OPTION = "utter_keypad_option"  # "{title}请按{number}"
KEYPAD_MORE = "utter_keypad_more"  # after a menu cut to MAX_KEYS keys
LINK_LINE = "utter_voice_link"  # said in place of a sentence that pointed at a link

_LINK = "\x00"  # where a link was, until its sentence is replaced
_SENTENCE = re.compile(r"[^。！？；!?]*(?:[。！？；!?]+[”’」』）)]*)?")
_SPEAKABLE = re.compile(r"[0-9A-Za-z\u3400-\u9fff]")
_END_MARKS = "。！？!?：:…"
_CLOSERS = "”’」』）)"
_EMOJI = re.compile(
    "[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u2190-\u21FF\u2300-\u23FF\u3030\u303D"
    "\uFE0E\uFE0F\u200D\u20E3\U000E0020-\U000E007F©®™]"
)
_CJK = r"[\u3400-\u9fff]"
# Text marks read aloud as words, or dropped, in order.
_CLEANUP: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.MULTILINE), replacement)
    for pattern, replacement in (
        (r"!\[[^\]]*\]\([^)\s]*\)", ""),  # markdown image
        (r"\[([^\]]*)\]\([^)\s]*\)", rf"\1{_LINK}"),  # markdown link: its words, then the link
        (r"(?:https?://|www\.)[^\s\"'<>（）()，。；！？、“”]+", _LINK),
        (r"(?<![0-9*])\*\*(?=[^\s*])(.+?)(?<=[^\s*])\*\*(?![0-9*])", r"\1"),  # **bold**
        (r"(?<![0-9A-Za-z_])__(?=\S)(.+?)(?<=\S)__(?![0-9A-Za-z_])", r"\1"),  # __bold__
        (r"`", ""),
        (r"^[ \t]*(?:#{1,6}|>|[-+·•・])[ \t]*", ""),  # headings, quotes, bullets at line starts
        (r"^[ \t]*\*[ \t]+", ""),  # "* " bullet
        (rf"(?<={_CJK})\*+(?![0-9])", "某"),  # masked name: "张*" → "张某"
        (r"(?<![0-9])\*+(?![0-9])", ""),  # a code masked whole
        (r"(?<=[0-9])\s?[～~—–]\s?(?=[0-9¥￥]|次日)", "至"),  # ranges "2761～4800", "8:00—22:00"
        (r"[～~]", ""),
        (r"\s?×\s?", "乘"),
        (r"\s?=\s?", "等于"),
        (r"[|｜\t\u3000]+", "，"),
        (r"/(?=千瓦时|度|月|年|天|次|kWh)", "每"),
        (r"(?<=[A-Za-z\u3400-\u9fff])/(?=[A-Za-z\u3400-\u9fff])", "或"),  # "更名/过户", "jpg/png"
        (r"[ \t]{2,}", " "),
    )
)


@dataclass(frozen=True)
class SpokenReply:
    """What the IVR says, in order (one TTS prompt per sentence; ``<speak>`` documents in SSML
    mode), and the payloads of the keypad menu the sentences read: the DTMF digit "1" picks
    ``keypad_payloads[0]``, "2" ``keypad_payloads[1]``… (empty when the reply has no buttons)."""

    sentences: tuple[str, ...]
    keypad_payloads: tuple[str, ...] = ()


def render_for_voice(messages: Iterable[Mapping[str, Any]], *, ssml: bool = False) -> SpokenReply:
    """Rasa's bot messages (dicts) → what the IVR says, in order: buttons → keypad menu (≤ 5
    keys), digits read one by one, amounts spoken, emoji/links/images dropped."""
    sentences: list[str] = []
    options: tuple[Option, ...] = ()
    for part in parts_from_messages(messages):
        if isinstance(part, Text):  # images, documents and custom JSON are not spoken
            sentences.extend(spoken_sentences(part.text))
            options = part.options or options
    keys = _keypad_keys(options)
    sentences.extend(_keypad_sentences(keys, more=len(options) > len(keys)))
    unique = _without_repeated_link_lines(sentences)
    spoken = (f"<speak>{speak_numbers(s, ssml=True)}</speak>" if ssml else speak_numbers(s) for s in unique)
    return SpokenReply(tuple(spoken), tuple(option.payload for option in keys))


def spoken_sentences(text: str) -> list[str]:
    """``text`` cleaned for the ear and cut at sentence ends and line breaks, in order (numbers
    still as written: :func:`render_for_voice` speaks them). A sentence that had a link says
    ``utter_voice_link`` instead; a sentence without an end mark gets "。"."""
    sentences = []
    for line in _clean(text).splitlines():
        for match in _SENTENCE.finditer(line):
            sentence = match.group(0).strip(" ，,、")
            if _LINK in sentence:
                sentences.append(domain_text(LINK_LINE))
            elif _SPEAKABLE.search(sentence):
                sentences.append(_ended(sentence))
    return sentences


def _clean(text: str) -> str:
    text = _EMOJI.sub("", text)
    for pattern, replacement in _CLEANUP:
        text = pattern.sub(replacement, text)
    return text


def _ended(sentence: str) -> str:
    if sentence.endswith(("；", ";")):
        return sentence[:-1] + "。"
    return sentence if sentence.rstrip(_CLOSERS).endswith(tuple(_END_MARKS)) else sentence + "。"


def _keypad_keys(options: Sequence[Option]) -> tuple[Option, ...]:
    """At most :data:`MAX_KEYS` options: a longer list keeps its first ones and its last (a menu's
    way out, 转人工 or 返回菜单, comes last)."""
    if len(options) <= MAX_KEYS:
        return tuple(options)
    return (*options[: MAX_KEYS - 1], options[-1])


def _keypad_sentences(keys: Sequence[Option], *, more: bool) -> list[str]:
    if not keys:
        return []
    titles = [_clean(option.title).replace(_LINK, "").strip() or option.payload for option in keys]
    lines = [domain_text(KEYPAD_OPTION, title=title, number=number) for number, title in enumerate(titles, 1)]
    return ["，".join(lines) + "。", *([domain_text(KEYPAD_MORE)] if more else [])]


def _without_repeated_link_lines(sentences: Sequence[str]) -> list[str]:
    link_line = domain_text(LINK_LINE)
    first = sentences.index(link_line) if link_line in sentences else len(sentences)
    return [s for index, s in enumerate(sentences) if s != link_line or index == first]
