"""故障报修 over REST, end to end: danger words get the safety instruction first (outside any form,
inside another form, anonymous), a report during a known outage offers to stop, and a full repair
order by 张伟 (13800000001) moved on by `python -m bot orders advance` (已派单 → 已到达现场 → 已修复)
and found with 查询工单进度.

The known outage is written here, around the servers' shared clock (BOT_CLOCK_FILE), so it is
under way whatever other tests did to the clock; the full order is filed by address in 滨江区,
where no demo outage is.
"""
from __future__ import annotations

import re
import subprocess
import sys
from datetime import timedelta

from bot.clock import FileClock
from bot.db.enums import OutageKind, OutageStatus
from bot.db.models import Outage
from bot.db.session import SessionFactory
from bot.settings import PROJECT_ROOT
from tests.e2e.conftest import RunningAssistant
from tests.e2e.conversation import Conversation, payloads, response_text, texts

OUTAGE_REASON = "e2e：10千伏闻涛线故障抢修"


def _known_outage(assistant: RunningAssistant) -> None:
    """A fault outage on 滨江区闻涛路 under way now (by the servers' clock)."""
    now = FileClock(assistant.clock_file).now()
    factory = SessionFactory.from_url(assistant.database_url)
    try:
        with factory.session_scope() as session:
            session.add(Outage(kind=OutageKind.FAULT, status=OutageStatus.OPEN, region_code="330108",
                               street="闻涛路", reason=OUTAGE_REASON, starts_at=now - timedelta(hours=1),
                               ends_at=now + timedelta(hours=3), created_at=now - timedelta(hours=1)))
    finally:
        factory.dispose()


def _advance(assistant: RunningAssistant, order_no: str, status: str) -> None:
    moved = subprocess.run(
        [sys.executable, "-m", "bot", "orders", "advance", order_no, status],
        cwd=PROJECT_ROOT, env=assistant.environment, capture_output=True, text=True, timeout=120,
    )
    assert moved.returncode == 0, moved.stderr


def test_danger_words_get_the_safety_instruction_first(assistant: RunningAssistant) -> None:
    chat = Conversation(assistant.rasa_url, "e2e-repairs-danger")
    replies = chat.say("家里电表冒烟了怎么办")
    assert texts(replies) == [response_text("utter_safety_first"), response_text("utter_offer_fault_report")]
    assert "/report_fault" in payloads(replies)
    assert texts(chat.say("/report_fault")) == [response_text("utter_ask_rf_place")]  # anonymous: an address
    assert texts(chat.say("取消")) == [response_text("utter_cancelled")]

    # Inside another form: the instruction first, then the form asks its question again.
    assert texts(chat.say("登录")) == [response_text("utter_ask_login_form_phone_number")]
    assert texts(chat.say("電線著火了")) == [response_text("utter_safety_first"),
                                          response_text("utter_ask_login_form_phone_number")]
    assert texts(chat.say("取消")) == [response_text("utter_cancelled")]


def test_a_report_during_a_known_outage_offers_to_stop(assistant: RunningAssistant) -> None:
    _known_outage(assistant)
    chat = Conversation(assistant.rasa_url, "e2e-repairs-outage")
    assert texts(chat.say("我要报修")) == [response_text("utter_ask_rf_place")]
    replies = chat.say("滨江区闻涛路100号")
    said = texts(replies)
    assert said[0] == response_text("utter_rf_place_taken").format(address="浙江省杭州市滨江区闻涛路100号")
    assert "故障抢修" in said[1] and OUTAGE_REASON in said[1] and "预计" in said[1]
    assert said[2] == response_text("utter_ask_report_fault_form_rf_go_on")
    assert payloads(replies)[-2:] == ["/affirm", "/deny"]
    assert texts(chat.say("/deny")) == [response_text("utter_rf_stopped")]


def test_a_full_repair_order_is_moved_on_site_and_seen_in_progress(
        assistant: RunningAssistant, zhang_wei: Conversation) -> None:
    chat = zhang_wei  # logged in once for the session: a phone gets 10 SMS codes a day

    place = chat.say("故障报修")
    assert texts(place) == [response_text("utter_rf_place_with_accounts")]
    assert '/inform{"account_number": "3301000001"}' in payloads(place)
    said = texts(chat.say("滨江区江南大道1000号"))
    assert said == [response_text("utter_rf_place_taken").format(address="浙江省杭州市滨江区江南大道1000号"),
                    response_text("utter_ask_report_fault_form_rf_fault_type")]
    assert texts(chat.say('/inform{"fault_type": "全部停电"}')) == [
        response_text("utter_ask_report_fault_form_rf_description")]
    assert texts(chat.say("全屋没电，邻居家有电")) == [
        response_text("utter_ask_report_fault_form_rf_photo")]  # REST carries files
    phone = texts(chat.say("/deny"))
    assert phone == [response_text("utter_rf_phone_mine").format(masked_phone="138****0001")]
    summary = texts(chat.say("/affirm"))
    assert summary == [response_text("utter_rf_summary").format(
        place="浙江省杭州市滨江区江南大道1000号", fault_type="全部停电", description="全屋没电，邻居家有电",
        photo="无", phone="138****0001")]
    filed = texts(chat.say("/affirm"))
    order_no = re.search(r"工单号(GD\d{11})", filed[0]).group(1)  # type: ignore[union-attr]
    assert filed == [
        response_text("utter_rf_submitted").format(order_no=order_no, status="已受理", duration="45分钟", area="城区",
                                                   masked_phone="138****0001"),
        response_text("utter_rf_progress_logged_in"),
    ]

    for status in ("已派单", "已到达现场", "已修复"):
        _advance(assistant, order_no, status)
    progress = "\n".join(texts(chat.say(f"查询工单{order_no}")))
    assert f"工单{order_no}｜故障报修｜" in progress and "当前状态：已修复" in progress
    events = re.findall(r"· \d{2}月\d{2}日 \d{2}:\d{2} (\S+)", progress)  # utter_order_event, oldest first
    assert events == ["已受理", "已派单", "已到达现场", "已修复"]
