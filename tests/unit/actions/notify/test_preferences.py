"""Turning notice kinds off and on in chat and listing them (actions/notify/preferences.py): the
kinds come from the request's words (kept through a login detour) or a button; none named asks
with buttons; the list shows every kind and its state."""
from __future__ import annotations

from actions.common import REQUEST_TEXT_SLOT
from actions.notify.preferences import ActionListNotices, ActionTurnOffNotices, ActionTurnOnNotices
from bot.container import Services
from bot.db.enums import NoticeKind
from bot.notify.preferences import notice_settings
from tests.unit.action_harness import log_in, make_tracker, responses, run
from tests.unit.bot.notify.notice_fixtures import ZHANG_WEI

CLEARED = [{"event": "slot", "timestamp": None, "name": REQUEST_TEXT_SLOT, "value": None}]


def _settings(deps: Services, user_id: int) -> dict[NoticeKind, bool]:
    return notice_settings(deps.session_factory, user_id=user_id)


def test_the_kinds_named_in_the_request_are_turned_off_and_on(action_deps: Services) -> None:
    user = log_in(action_deps, ZHANG_WEI)
    tracker = make_tracker(intent="turn_off_notices", text="不要再给我发欠费和停电提醒了",
                           slots={REQUEST_TEXT_SLOT: "不要再给我发欠费和停电提醒了"})

    messages, events = run(ActionTurnOffNotices(), tracker)

    assert responses(messages) == ["utter_notices_turned_off"]
    assert (messages[0]["kinds"], messages[0]["first"]) == ("欠费提醒、停电通知", "欠费提醒")
    assert events == CLEARED
    assert _settings(action_deps, user.user_id) == {
        NoticeKind.ARREARS: False, NoticeKind.LOW_BALANCE: True, NoticeKind.USAGE_SPIKE: True, NoticeKind.OUTAGE: False}

    tracker = make_tracker(intent="turn_on_notices", text="打开停电通知", slots={REQUEST_TEXT_SLOT: "打开停电通知"})
    messages, _ = run(ActionTurnOnNotices(), tracker)
    assert responses(messages) == ["utter_notices_turned_on"] and messages[0]["kinds"] == "停电通知"
    assert _settings(action_deps, user.user_id)[NoticeKind.OUTAGE] is True


def test_no_kind_named_asks_with_buttons_and_a_button_answers(action_deps: Services) -> None:
    user = log_in(action_deps, ZHANG_WEI)
    asked, _ = run(ActionTurnOffNotices(), make_tracker(intent="turn_off_notices", text="别再提醒我了",
                                                        slots={REQUEST_TEXT_SLOT: "别再提醒我了"}))
    assert responses(asked) == ["utter_ask_notice_kind_off"]
    assert _settings(action_deps, user.user_id) == dict.fromkeys(NoticeKind, True)

    button = make_tracker(intent="turn_off_notices", text='/turn_off_notices{"notice_kind": "all"}',
                          entities={"notice_kind": "all"}, slots={REQUEST_TEXT_SLOT: None})
    messages, _ = run(ActionTurnOffNotices(), button)
    assert responses(messages) == ["utter_notices_turned_off"]
    assert _settings(action_deps, user.user_id) == dict.fromkeys(NoticeKind, False)


def test_the_list_shows_every_kind_and_its_state(action_deps: Services) -> None:
    log_in(action_deps, ZHANG_WEI)
    run(ActionTurnOffNotices(), make_tracker(intent="turn_off_notices", slots={REQUEST_TEXT_SLOT: "关闭余额提醒"}))

    messages, events = run(ActionListNotices(), make_tracker(intent="list_notices", text="我的提醒设置"))

    assert messages[0]["text"].splitlines()[:5] == [
        "您的消息提醒设置：", "· 欠费提醒：已开启", "· 余额不足提醒：已关闭", "· 用电异常提醒：已开启",
        "· 停电通知：已开启",
    ]
    assert messages[0]["text"].splitlines()[5].startswith("工单进度通知始终开启")
    assert events == CLEARED


def test_an_anonymous_chat_changes_nothing(action_deps: Services) -> None:
    tracker = make_tracker(intent="turn_off_notices", slots={REQUEST_TEXT_SLOT: "关闭欠费提醒"})
    assert run(ActionTurnOffNotices(), tracker) == ([], CLEARED)
    assert run(ActionListNotices(), make_tracker(intent="list_notices")) == ([], CLEARED)
