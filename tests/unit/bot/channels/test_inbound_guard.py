"""What every channel does before Rasa: the length cap and the message rates, with the
counters in memory and in the real Redis (several replicas)."""
from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest

from bot.channels import inbound_guard
from bot.channels.inbound_guard import TOO_FAST, TOO_LONG, Admitted, InboundGuard, Refused, screen_inbound
from bot.channels.replies import domain_text
from bot.clock import FixedClock
from bot.container import services
from bot.domain_files import load_domain_yaml
from bot.limits.counters import Counters, RedisCounters
from bot.settings import Settings
from tests.unit.conftest import FIXED_NOW
from tests.unit.limits_fixtures import memory_or_redis, redis_prefix  # noqa: F401 - a fixture

DEFAULTS = Settings()
DOMAIN_RESPONSES = load_domain_yaml()["responses"]
SLOW_DOWN = DOMAIN_RESPONSES[TOO_FAST][0]["text"]


@pytest.fixture(params=["memory", "redis"])
def counters(request: pytest.FixtureRequest, fixed_clock: FixedClock) -> Counters:
    return memory_or_redis(request.param, fixed_clock, request)


def _guard(counters: Counters, clock: FixedClock) -> InboundGuard:
    return InboundGuard(
        counters, clock, max_chars=DEFAULTS.max_message_chars,
        per_chat=DEFAULTS.messages_per_minute, per_channel=DEFAULTS.channel_messages_per_minute,
    )


def test_the_defaults() -> None:
    assert (DEFAULTS.max_message_chars, DEFAULTS.messages_per_minute, DEFAULTS.channel_messages_per_minute) == (
        500, 20, 600
    )


def test_a_message_over_the_cap_never_reaches_the_model(counters: Counters, fixed_clock: FixedClock) -> None:
    guard = _guard(counters, fixed_clock)
    refusal = Refused(domain_text(TOO_LONG, max_chars=500), TOO_LONG)
    assert "500" in refusal.text and refusal.text == DOMAIN_RESPONSES[TOO_LONG][0]["text"].format(max_chars=500)
    assert guard.screen("rest", "a", "电" * 501) == refusal
    started = time.perf_counter()
    assert guard.screen("rest", "b", "电费" * 30_000) == refusal  # 60 000 characters
    assert time.perf_counter() - started < 0.1
    assert guard.screen("rest", "c", "电" * 500) == Admitted("电" * 500)


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_empty_messages_pass_as_they_are(counters: Counters, fixed_clock: FixedClock, text: str) -> None:
    assert _guard(counters, fixed_clock).screen("rest", "a", text) == Admitted(text)


def test_a_chat_sends_at_most_its_messages_a_minute(counters: Counters, fixed_clock: FixedClock) -> None:
    guard = _guard(counters, fixed_clock)
    assert all(guard.screen("rest", "a", f"第{n}条") == Admitted(f"第{n}条") for n in range(20))
    assert guard.screen("rest", "a", "还有") == Refused(SLOW_DOWN, TOO_FAST)
    assert guard.screen("rest", "b", "你好") == Admitted("你好")  # another chat
    assert guard.screen("telegram", "a", "你好") == Admitted("你好")  # the same id on another channel
    fixed_clock.advance(timedelta(seconds=60))
    assert guard.screen("rest", "a", "你好") == Admitted("你好")


def test_overlong_messages_count_against_the_rate(counters: Counters, fixed_clock: FixedClock) -> None:
    guard = _guard(counters, fixed_clock)
    for _ in range(20):
        assert guard.screen("rest", "a", "长" * 1000).reason == TOO_LONG  # type: ignore[union-attr]
    assert guard.screen("rest", "a", "长" * 1000) == Refused(SLOW_DOWN, TOO_FAST)


def test_a_channel_has_a_ceiling_whoever_sends(counters: Counters, fixed_clock: FixedClock) -> None:
    guard = _guard(counters, fixed_clock)
    outcomes = [guard.screen("rest", f"sender-{n // 20}", "你好") for n in range(600)]
    assert outcomes == [Admitted("你好")] * 600
    assert guard.screen("rest", "a-new-sender", "你好") == Refused(SLOW_DOWN, TOO_FAST)
    assert guard.screen("socketio", "a-new-sender", "你好") == Admitted("你好")
    fixed_clock.advance(timedelta(minutes=1))
    assert guard.screen("rest", "a-new-sender", "你好") == Admitted("你好")


def test_replicas_share_the_rates_through_redis(
    redis_prefix: tuple[object, str], fixed_clock: FixedClock  # noqa: F811
) -> None:
    client, prefix = redis_prefix
    replicas = [_guard(RedisCounters(client, prefix), fixed_clock) for _ in range(2)]  # type: ignore[arg-type]
    assert all(isinstance(replicas[n % 2].screen("rest", "a", "你好"), Admitted) for n in range(20))
    assert replicas[0].screen("rest", "a", "你好") == replicas[1].screen("rest", "a", "你好") == Refused(
        SLOW_DOWN, TOO_FAST
    )


def test_messages_pass_when_redis_does_not_answer(fixed_clock: FixedClock) -> None:
    unreachable = RedisCounters.from_url("redis://127.0.0.1:1/0", timeout_s=0.5)
    guard = _guard(unreachable, fixed_clock)
    assert guard.screen("rest", "a", "你好") == Admitted("你好")
    assert guard.screen("rest", "a", "电" * 501).reason == TOO_LONG  # type: ignore[union-attr]


@pytest.fixture
def process_guard(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """screen_inbound as the channels call it, configured from the environment."""
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("BOT_FIXED_NOW", FIXED_NOW.isoformat())
    monkeypatch.setenv("MESSAGES_PER_MINUTE", "2")
    monkeypatch.setenv("MAX_MESSAGE_CHARS", "10")
    services.cache_clear()
    inbound_guard._process_guard.cache_clear()
    try:
        yield
    finally:
        services.cache_clear()
        inbound_guard._process_guard.cache_clear()


@pytest.mark.usefixtures("process_guard")
def test_screen_inbound_applies_the_configured_limits() -> None:
    async def three() -> list[Admitted | Refused]:
        return [await screen_inbound("rest", "a", "你好") for _ in range(3)]

    assert asyncio.run(three()) == [Admitted("你好"), Admitted("你好"), Refused(SLOW_DOWN, TOO_FAST)]
    too_long = asyncio.run(screen_inbound("rest", "b", "电" * 11))
    assert too_long == Refused(domain_text(TOO_LONG, max_chars=10), TOO_LONG)
