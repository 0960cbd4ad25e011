"""What each channel can show and do: the one table the rendering layer
(:mod:`bot.channels.rendering`), the actions (pictures or words) and the push read.

Replies degrade to text where pictures or files cannot go. A channel not in the table is
treated like REST (the web clients that speak Rasa's JSON).
"""
from __future__ import annotations

import enum
from dataclasses import dataclass


class ButtonStyle(str, enum.Enum):
    NATIVE = "native"  # the platform shows buttons (Telegram's inline keyboard, REST's JSON)
    NUMBERED = "numbered"  # options listed in the text; a bare number picks one
    NONE = "none"  # buttons are dropped


class DocumentStyle(str, enum.Enum):
    FILE = "file"  # the file itself is sent (Telegram's sendDocument)
    LINK = "link"  # the signed link stays in the text
    NONE = "none"  # neither: the text stays, nothing else is sent


class LengthUnit(str, enum.Enum):
    CHARS = "chars"
    UTF8_BYTES = "utf8_bytes"
    UTF16_UNITS = "utf16_units"  # what Telegram counts: an emoji outside the BMP is two


@dataclass(frozen=True)
class ChannelLimits:
    """One channel's limits. ``max_text`` is in ``length_unit``s per message, None for no limit."""

    name: str
    max_text: int | None
    length_unit: LengthUnit
    buttons: ButtonStyle
    images: bool
    documents: DocumentStyle
    can_push: bool  # can send a message the user did not ask for (Rasa's output_channel)

    def measure(self, text: str) -> int:
        if self.length_unit is LengthUnit.UTF8_BYTES:
            return len(text.encode("utf-8"))
        if self.length_unit is LengthUnit.UTF16_UNITS:
            return len(text.encode("utf-16-le")) // 2
        return len(text)


# Telegram: 4096 characters (UTF-16 units) per sendMessage. WeChat: a text of about 2048 bytes of UTF-8 per passive
# reply or customer-service message (longer ones are refused or cut); 公众号 messages cannot carry
# arbitrary files, so documents stay links. The hotline IVR reads replies aloud: no pictures, no links.
CHANNELS: dict[str, ChannelLimits] = {
    limits.name: limits
    for limits in (
        ChannelLimits("rest", None, LengthUnit.CHARS, ButtonStyle.NATIVE, True, DocumentStyle.LINK, False),
        ChannelLimits("callback", None, LengthUnit.CHARS, ButtonStyle.NATIVE, True, DocumentStyle.LINK, True),
        ChannelLimits("telegram", 4096, LengthUnit.UTF16_UNITS, ButtonStyle.NATIVE, True, DocumentStyle.FILE, True),
        ChannelLimits("wechat", 2048, LengthUnit.UTF8_BYTES, ButtonStyle.NUMBERED, True, DocumentStyle.LINK, True),
        ChannelLimits("ivr", None, LengthUnit.CHARS, ButtonStyle.NUMBERED, False, DocumentStyle.NONE, False),
        ChannelLimits("webchat", None, LengthUnit.CHARS, ButtonStyle.NATIVE, True, DocumentStyle.LINK, True),
    )
}
DEFAULT_CHANNEL = "rest"

TEXT_ONLY_CHANNELS = frozenset(name for name, limits in CHANNELS.items() if not limits.images)

# Channels that can send a message the user did not ask for (the others answer requests only).
PUSH_CHANNELS = frozenset(name for name, limits in CHANNELS.items() if limits.can_push)


def limits_of(channel: str | None) -> ChannelLimits:
    """The channel's limits; REST's for a channel not in the table."""
    return CHANNELS.get(channel or DEFAULT_CHANNEL, CHANNELS[DEFAULT_CHANNEL])


def can_push(channel: str | None) -> bool:
    return channel in PUSH_CHANNELS


def shows_images(channel: str | None) -> bool:
    return limits_of(channel).images
