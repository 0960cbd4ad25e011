"""action_query_outage on the demo data (seeded at 2026-11-23 09:00): the replies for outages
found (under way, coming, past their expected end), none known, and what cannot be answered."""
from __future__ import annotations

from datetime import timedelta

from rasa_sdk.events import SlotSet

from actions.outages.query import MAX_LISTED, ActionQueryOutage
from bot.clock import CHINA_TZ
from bot.container import Services
from bot.db.enums import OutageKind
from bot.outages.registry import NewOutage, add_outage
from tests.unit.action_harness import clock_of, log_in, make_tracker, responses, run

DONE = [SlotSet("request_text", None)]


def _ask(text: str, **entities: str) -> tuple[list[dict], list]:
    return run(ActionQueryOutage(), make_tracker(intent="query_outage", text=text, entities=entities))


def test_by_district_and_day_anonymously(action_deps: Services) -> None:
    messages, events = _ask("西湖区明天停电吗", region="西湖区", time="明天")
    assert events == DONE
    assert [m["text"] for m in messages] == [
        "杭州市西湖区11月24日有以下停电信息：\n"
        "· 【计划检修】杭州市西湖区文三路：11月24日 08:00至17:00停电，预计11月24日 17:00恢复送电。"
        "原因：10千伏文三线线路计划检修"
    ]


def test_the_default_account_while_its_outage_is_under_way(action_deps: Services) -> None:
    log_in(action_deps, "13800000004")  # 赵强: 3301000003 on 拱墅区湖墅南路
    messages, _ = _ask("我家停电了吗")
    [text] = [m["text"] for m in messages]
    assert text.splitlines() == [
        "户号3301000003所在区域11月23日至11月29日有以下停电信息：",
        "· 【故障抢修】杭州市拱墅区湖墅南路：11月23日 08:00至13:00，正在停电，预计11月23日 13:00恢复送电。"
        "原因：10千伏湖墅线电缆故障，正在抢修",
    ]
    clock_of(action_deps).advance(timedelta(hours=5))  # 14:00: past the expected restoration, not closed yet
    log_in(action_deps, "13800000004")  # (the login above has timed out meanwhile)
    messages, _ = _ask("今天停电吗")
    assert "已过预计恢复时间（11月23日 13:00）。如仍未来电，请说“故障报修”" in messages[0]["text"]


def test_none_known_says_how_to_report_a_fault(action_deps: Services) -> None:
    log_in(action_deps, "13800000001")  # 张伟: 3301000001, whose outage is tomorrow
    messages, _ = _ask("今天停电吗", time="今天")
    assert responses(messages) == ["utter_no_outage_account"]
    assert (messages[0]["account_number"], messages[0]["days"]) == ("3301000001", "11月23日")
    messages, _ = _ask("上城区这周停电吗", region="上城区", time="这周")
    assert responses(messages) == ["utter_no_outage_area"]
    assert (messages[0]["area"], messages[0]["days"]) == ("杭州市上城区", "11月23日至11月29日")


def test_a_long_list_is_cut_short(action_deps: Services) -> None:
    deps = action_deps
    start = deps.clock.now().replace(hour=0, minute=0, tzinfo=CHINA_TZ) + timedelta(days=2)
    for hour in range(MAX_LISTED + 2):
        add_outage(deps.session_factory, deps.clock, NewOutage(
            kind=OutageKind.TEMPORARY, reason=f"检修{hour}", district="滨江区",
            starts_at=start + timedelta(hours=hour), ends_at=start + timedelta(hours=hour, minutes=30)))
    messages, _ = _ask("滨江区后天停电吗", region="滨江区", time="后天")
    lines = messages[0]["text"].splitlines()
    assert len(lines) == 1 + MAX_LISTED + 1
    assert lines[1].startswith("· 【临时检修】杭州市滨江区：11月25日 06:00至06:30停电") and lines[1].endswith("检修6")
    assert lines[-1] == "另有2条停电信息未列出，可以说得更具体些，例如“明天”“文三路”。"


def test_what_cannot_be_answered(action_deps: Services) -> None:
    assert responses(_ask("最近停电吗")[0]) == ["utter_outage_ask_area"]
    assert responses(_ask("户号3301000001停电吗", account_number="3301000001")[0]) == ["utter_outage_ask_area"]
    messages, _ = _ask("宁波市海曙区停电吗", region="宁波市海曙区")
    assert responses(messages) == ["utter_outage_unknown_district"] and messages[0]["named"] == "宁波市海曙区"
    assert responses(_ask("西湖区2月30日停电吗", region="西湖区", time="2月30日")[0]) == ["utter_outage_invalid_date"]
    log_in(action_deps, "13800000001")
    assert responses(_ask("3301000004停电吗", account_number="3301000004")[0]) == ["utter_account_not_bound"]
    log_in(action_deps, "13800000002", sender="chat-2")  # 李娜: nothing bound
    tracker = make_tracker(intent="query_outage", text="最近停电吗", sender="chat-2")
    assert responses(run(ActionQueryOutage(), tracker)[0]) == ["utter_outage_ask_area_logged_in"]
