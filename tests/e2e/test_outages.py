"""停电查询 over REST, end to end: outages announced and closed with `python -m bot outages add|close`
(run with the servers' environment, so on their shared clock), asked about by district and day
anonymously, and by 张伟 (13800000001) for his own account on a named date.

The outages are written here, relative to the servers' clock, in districts no other e2e test uses
(萧山区, and a 户号 list in 西湖区 ten days on), so other tests moving the clock cannot break them.
"""
from __future__ import annotations

import re
import subprocess
import sys
from datetime import date, timedelta

from bot.clock import FileClock
from bot.settings import PROJECT_ROOT
from bot.text.days import DayRange
from tests.e2e.conftest import RunningAssistant
from tests.e2e.conversation import Conversation, payloads, response_text, texts


def _outages(assistant: RunningAssistant, *args: str) -> str:
    """``python -m bot outages …`` as an operator runs it; its output."""
    done = subprocess.run(
        [sys.executable, "-m", "bot", "outages", *args],
        cwd=PROJECT_ROOT, env=assistant.environment, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _day_label(assistant: RunningAssistant, days: int) -> tuple[str, str]:
    """(ISO date, "M月D日" as replies name it) of the servers' today plus ``days``."""
    today = FileClock(assistant.clock_file).now().date()
    day = today + timedelta(days=days)
    return day.isoformat(), DayRange(day, day).label(today)


def _as_typed(iso_day: str) -> str:
    """ "M月D日" as a customer types it (the closest such date is the one meant)."""
    day = date.fromisoformat(iso_day)
    return f"{day.month}月{day.day}日"


def test_an_outage_by_district_and_day_then_closed(assistant: RunningAssistant) -> None:
    added = _outages(assistant, "add", "--kind", "计划检修", "--district", "萧山区", "--street", "人民路",
                     "--start", "明天 09:00", "--end", "明天 15:30", "--reason", "e2e：10千伏人民线计划检修")
    outage_id = re.match(r"#(\d+)  open  计划检修 ", added)
    assert outage_id, added
    _, tomorrow = _day_label(assistant, 1)
    chat = Conversation(assistant.rasa_url, "e2e-outages-district")

    [answer] = texts(chat.say("萧山区明天停电吗"))
    assert answer.splitlines() == [
        f"杭州市萧山区{tomorrow}有以下停电信息：",
        f"· 【计划检修】杭州市萧山区人民路：{tomorrow} 09:00至15:30停电，预计{tomorrow} 15:30恢复送电。"
        "原因：e2e：10千伏人民线计划检修",
    ]

    iso_day, in_a_week = _day_label(assistant, 8)
    none = chat.say(f"萧山区{_as_typed(iso_day)}会停电吗")
    assert texts(none) == [
        response_text("utter_no_outage_area").format(area="杭州市萧山区", days=in_a_week)
    ]
    assert payloads(none) == ["/report_fault"]

    assert "closed" in _outages(assistant, "close", outage_id.group(1))
    assert texts(chat.say("萧山区明天停电吗")) == [
        response_text("utter_no_outage_area").format(area="杭州市萧山区", days=tomorrow)
    ]


def test_an_anonymous_chat_is_asked_for_a_district(assistant: RunningAssistant) -> None:
    chat = Conversation(assistant.rasa_url, "e2e-outages-anonymous")
    replies = chat.say("最近会停电吗")
    assert texts(replies) == [response_text("utter_outage_ask_area")]
    assert payloads(replies) == ["/login"]


def test_a_logged_in_user_asks_about_their_own_account(assistant: RunningAssistant, zhang_wei: Conversation) -> None:
    iso_day, label = _day_label(assistant, 10)
    _outages(assistant, "add", "--kind", "临时检修", "--accounts", "3301000001",
             "--start", f"{iso_day} 08:30", "--end", f"{iso_day} 11:00", "--reason", "e2e：表箱更换")
    chat = zhang_wei  # logged in once for the session: a phone gets 10 SMS codes a day

    [answer] = texts(chat.say(f"我家{_as_typed(iso_day)}停电吗"))
    assert answer.splitlines() == [
        f"户号3301000001所在区域{label}有以下停电信息：",
        f"· 【临时检修】杭州市西湖区（部分用户）：{label} 08:30至11:00停电，预计{label} 11:00恢复送电。"
        "原因：e2e：表箱更换",
    ]
    # Another 西湖区 account, not bound by 张伟: nothing is said about it.
    assert texts(chat.say("户号3301000004明天停电吗")) == [response_text("utter_account_not_bound")]
