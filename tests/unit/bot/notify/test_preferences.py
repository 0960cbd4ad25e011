"""Which kinds a request names, and each user's choices (bot.notify.preferences)."""
from __future__ import annotations

import pytest

from bot.clock import FixedClock
from bot.db.enums import NoticeKind
from bot.db.session import SessionFactory
from bot.notify.preferences import ALL_KINDS, kinds_named, notice_settings, set_notices
from tests.unit.bot.notify.notice_fixtures import LI_NA, ZHANG_WEI
from tests.unit.db_factories import user_id_of

A, L, U, OUT = NoticeKind.ARREARS, NoticeKind.LOW_BALANCE, NoticeKind.USAGE_SPIKE, NoticeKind.OUTAGE


@pytest.mark.parametrize(("text", "kinds"), [
    ("关闭欠费提醒", (A,)),
    ("關閉欠費提醒", (A,)),
    ("開啟停電通知", (OUT,)),
    ("别再发催费消息了", (A,)),
    ("电费快到期的时候提醒我", (A,)),
    ("余额提醒关掉吧", (L,)),
    ("关闭用电异常提醒", (U,)),
    ("关闭用能预警", (U,)),
    ("打开停电通知", (OUT,)),
    ("关闭欠费和停电提醒", (A, OUT)),
    ("关闭所有提醒", ALL_KINDS),
    ("全部提醒都打开", ALL_KINDS),
    ("关闭提醒", ()),
    ("", ()),
    (None, ()),
    ("arrears", (A,)),  # a button's value
    ("all", ALL_KINDS),
])
def test_the_kinds_a_request_names(text: str | None, kinds: tuple[NoticeKind, ...]) -> None:
    assert kinds_named(text) == kinds


def test_every_kind_is_on_until_turned_off_and_choices_are_per_user(
    demo_db: SessionFactory, fixed_clock: FixedClock
) -> None:
    zhang_wei, li_na = user_id_of(demo_db, ZHANG_WEI), user_id_of(demo_db, LI_NA)
    assert notice_settings(demo_db, user_id=zhang_wei) == dict.fromkeys(NoticeKind, True)

    set_notices(demo_db, fixed_clock, user_id=zhang_wei, kinds=(A, OUT), enabled=False)
    set_notices(demo_db, fixed_clock, user_id=zhang_wei, kinds=(A,), enabled=False)  # twice is the same
    assert notice_settings(demo_db, user_id=zhang_wei) == {A: False, L: True, U: True, OUT: False}
    assert notice_settings(demo_db, user_id=li_na) == dict.fromkeys(NoticeKind, True)

    set_notices(demo_db, fixed_clock, user_id=zhang_wei, kinds=ALL_KINDS, enabled=True)
    assert notice_settings(demo_db, user_id=zhang_wei) == dict.fromkeys(NoticeKind, True)
