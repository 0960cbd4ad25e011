"""A bare number picks the option a chat was last shown; other chats, old or cleared options do not."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.channels.rendering.numbered_options import OPTIONS_TTL, NumberedOptions, option_number
from bot.clock import FixedClock
from bot.db.models import NumberedOptionSet
from bot.db.session import SessionFactory

MENU = ["/query_bill", "/pay_bill", '/inform{"account_number": "3301000001"}']


@pytest.mark.parametrize(("typed", "number"), [
    ("1", 1), ("１", 1), (" 2 ", 2), ("3。", 3), ("一", 1), ("二", 2), ("两", 2), ("十", 10), ("十二", 12),
    ("二十", 20), ("二十三", 23), ("12", 12), ("０", 0),
])
def test_bare_numbers_are_read(typed: str, number: int) -> None:
    assert option_number(typed) == number


@pytest.mark.parametrize("typed", ["", " ", "查电费", "1个", "第一", "3301000001", "1.5", "-1", "一百", "十十"])
def test_anything_else_is_not_a_number(typed: str) -> None:
    assert option_number(typed) is None


def test_a_number_picks_the_chats_option(session_factory: SessionFactory, fixed_clock: FixedClock) -> None:
    options = NumberedOptions(session_factory, fixed_clock)
    options.remember("wechat", "openid-a", MENU)
    assert options.resolve("wechat", "openid-a", "1") == "/query_bill"
    assert options.resolve("wechat", "openid-a", "二") == "/pay_bill"
    assert options.resolve("wechat", "openid-a", "３") == '/inform{"account_number": "3301000001"}'


def test_no_option_for_out_of_range_numbers_words_or_other_chats(
    session_factory: SessionFactory, fixed_clock: FixedClock,
) -> None:
    options = NumberedOptions(session_factory, fixed_clock)
    options.remember("wechat", "openid-a", MENU)
    assert options.resolve("wechat", "openid-a", "4") is None
    assert options.resolve("wechat", "openid-a", "0") is None
    assert options.resolve("wechat", "openid-a", "查电费") is None
    assert options.resolve("wechat", "openid-b", "1") is None
    assert options.resolve("telegram", "openid-a", "1") is None


def test_new_options_replace_the_old_and_a_reply_without_options_clears_them(
    session_factory: SessionFactory, fixed_clock: FixedClock,
) -> None:
    options = NumberedOptions(session_factory, fixed_clock)
    options.remember("wechat", "openid-a", MENU)
    options.remember("wechat", "openid-a", ["/affirm", "/deny"])
    assert options.resolve("wechat", "openid-a", "2") == "/deny"
    assert options.resolve("wechat", "openid-a", "3") is None
    options.remember("wechat", "openid-a", [])
    assert options.resolve("wechat", "openid-a", "1") is None


def test_options_expire(session_factory: SessionFactory, fixed_clock: FixedClock) -> None:
    options = NumberedOptions(session_factory, fixed_clock)
    options.remember("wechat", "openid-a", MENU)
    fixed_clock.advance(OPTIONS_TTL - timedelta(seconds=1))
    assert options.resolve("wechat", "openid-a", "1") == "/query_bill"
    fixed_clock.advance(timedelta(seconds=1))
    assert options.resolve("wechat", "openid-a", "1") is None


def test_another_replica_resolves_what_one_remembered(
    session_factory: SessionFactory, migrated_database_url: str, fixed_clock: FixedClock,
) -> None:
    NumberedOptions(session_factory, fixed_clock).remember("wechat", "openid-a", MENU)
    other_replica = SessionFactory.from_url(migrated_database_url)
    try:
        assert NumberedOptions(other_replica, fixed_clock).resolve("wechat", "openid-a", "2") == "/pay_bill"
    finally:
        other_replica.dispose()


def test_expired_sets_are_deleted_when_options_are_remembered(
    session_factory: SessionFactory, fixed_clock: FixedClock,
) -> None:
    options = NumberedOptions(session_factory, fixed_clock)
    options.remember("wechat", "openid-old", MENU)
    fixed_clock.advance(OPTIONS_TTL)
    options.remember("wechat", "openid-new", MENU)
    with session_factory.session_scope() as session:
        assert list(session.scalars(select(NumberedOptionSet.sender_id))) == ["openid-new"]
