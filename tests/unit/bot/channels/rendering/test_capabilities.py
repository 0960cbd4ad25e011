"""The capability table: what each channel takes, which ones can push."""
from __future__ import annotations

from bot.channels.capabilities import (
    PUSH_CHANNELS,
    ButtonStyle,
    DocumentStyle,
    can_push,
    limits_of,
    shows_images,
)


def test_the_chat_apps_and_the_widget_can_push_besides_the_callback_channel() -> None:
    assert {"callback", "telegram", "wechat", "webchat"} == PUSH_CHANNELS
    assert can_push("telegram") and can_push("wechat") and can_push("webchat") and can_push("callback")
    assert not can_push("rest")
    assert not can_push(None)
    assert not can_push("unknown")


def test_an_unknown_channel_is_treated_like_rest() -> None:
    assert limits_of("unknown") == limits_of("rest") == limits_of(None)
    assert shows_images("unknown")
    assert not shows_images("ivr")


def test_each_chat_apps_limits() -> None:
    wechat, telegram = limits_of("wechat"), limits_of("telegram")
    assert (wechat.max_text, wechat.buttons, wechat.documents) == (2048, ButtonStyle.NUMBERED, DocumentStyle.LINK)
    assert (telegram.max_text, telegram.buttons, telegram.documents) == (4096, ButtonStyle.NATIVE, DocumentStyle.FILE)
    assert wechat.measure("电费") == 6
    assert telegram.measure("电费⚡🔌") == 5
