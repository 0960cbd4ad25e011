"""Groups are told once that the assistant serves private chats only, and Telegram's flood limits
(429 RetryAfter from the fake Bot API) are waited out, when short, by replies and pushes alike."""
from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import pytest

from bot.channels.replies import domain_text
from bot.channels.telegram.callback_data import DatabaseCallbackStore
from bot.channels.telegram.handlers import told_once_per_group
from bot.channels.telegram.input import TelegramInput
from bot.channels.telegram.output import TelegramOutput
from bot.channels.telegram.rate_limits import MAX_RETRY_WAIT_S, FloodWaitTooLong
from bot.clock import FixedClock
from bot.db.session import SessionFactory
from bot.limits.db_counters import DatabaseCounters
from tests.e2e.fake_telegram_api import FakeTelegramApi, TelegramUser
from tests.unit.bot.channels.telegram.serving import Dialogue, run, settings, until

Post = Callable[..., Awaitable[int]]
GROUP, SUPERGROUP = -100512, -1001234567890


def test_a_group_is_told_once_and_nothing_said_there_reaches_the_dialogue(
    channel: TelegramInput, fake_api: FakeTelegramApi, session_factory: SessionFactory, fixed_clock: FixedClock
) -> None:
    dialogue = Dialogue()
    zhang, li = TelegramUser(601), TelegramUser(602)

    async def scenario(post: Post) -> list[int]:
        statuses = [
            await post(zhang.in_group(GROUP, "你好")),
            await post(zhang.in_group(GROUP, "/start@sgcc_e_bot")),
            await post(li.in_group(GROUP, "帮我查电费")),
            await post(li.in_group(SUPERGROUP, "/help", kind="supergroup")),
        ]
        await until(lambda: bool(fake_api.texts(GROUP)) and bool(fake_api.texts(SUPERGROUP)))
        await asyncio.sleep(0.3)  # anything more would have been sent by now
        return statuses

    assert run(channel, dialogue, scenario) == [200, 200, 200, 200]
    notice = domain_text("utter_private_chat_only")
    assert fake_api.texts(GROUP) == [notice] and fake_api.texts(SUPERGROUP) == [notice]
    assert dialogue.received == []

    # Another replica (a channel of its own on the same database) does not tell the group again.
    replica = TelegramInput(settings(fake_api), DatabaseCallbackStore(session_factory, fixed_clock),
                            first_time_in_group=told_once_per_group(DatabaseCounters(session_factory, fixed_clock)))

    async def again(post: Post) -> None:
        assert await post(zhang.in_group(GROUP, "还在吗")) == 200
        await post(zhang.text("你好"))  # the private chat is served as ever
        await until(lambda: fake_api.texts(601) == ["收到：你好"])

    run(replica, Dialogue(), again)
    assert fake_api.texts(GROUP) == [notice]


def _output(channel: TelegramInput) -> TelegramOutput:
    output = channel.get_output_channel()
    assert isinstance(output, TelegramOutput)
    return output


def test_a_push_waits_out_a_short_flood_limit_and_arrives_once(
    channel: TelegramInput, fake_api: FakeTelegramApi
) -> None:
    fake_api.flood("sendMessage", retry_after_s=1)

    async def scenario(_post: Post) -> float:
        started = time.monotonic()
        await _output(channel).send_response("603", {"text": "您的工单有新进展"})
        return time.monotonic() - started

    waited = run(channel, Dialogue(), scenario)
    assert waited >= 1.0
    assert [c.status for c in fake_api.calls_of("sendMessage", 603)] == [429, 200]
    assert fake_api.texts(603) == ["您的工单有新进展"]


def test_a_reply_waits_out_a_short_flood_limit_too(channel: TelegramInput, fake_api: FakeTelegramApi) -> None:
    fake_api.flood("sendMessage", retry_after_s=1)

    async def scenario(post: Post) -> None:
        await post(TelegramUser(604).text("查电费"))
        await until(lambda: fake_api.texts(604) == ["收到：查电费"])

    run(channel, Dialogue(), scenario)
    assert [c.status for c in fake_api.calls_of("sendMessage", 604)] == [429, 200]


def test_a_long_flood_wait_is_not_waited_out_and_blocks_nothing_else(
    channel: TelegramInput, fake_api: FakeTelegramApi
) -> None:
    fake_api.flood("sendMessage", retry_after_s=int(MAX_RETRY_WAIT_S) * 100)

    async def scenario(_post: Post) -> float:
        started = time.monotonic()
        with pytest.raises(FloodWaitTooLong) as refused:
            await _output(channel).send_response("605", {"text": "第一条推送"})
        assert refused.value.wait_s == MAX_RETRY_WAIT_S * 100
        await _output(channel).send_response("606", {"text": "第二条推送"})
        return time.monotonic() - started

    assert run(channel, Dialogue(), scenario) < MAX_RETRY_WAIT_S / 2
    assert fake_api.texts(605) == [] and fake_api.texts(606) == ["第二条推送"]
