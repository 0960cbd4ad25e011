"""用能预警 notices told in the chat (actions/notify/alerts.py through the notices rule): pushed or
with the next message, once, each in the domain's words with every value it names."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from actions.conversation.notices import ActionPushNotices
from bot.container import Services
from bot.money import yuan_to_fen
from bot.notify.alerts import run_alerts
from bot.notify.push import NOTICES_INTENT
from tests.unit.action_harness import DOMAIN, clock_of, log_in, make_tracker, responses, run
from tests.unit.bot.notify.notice_fixtures import LI_NA, ZHANG_WEI, bind, set_prepaid


def _run(deps: Services) -> None:
    run_alerts(deps.session_factory, deps.clock, low_balance_fen=yuan_to_fen(deps.settings.low_balance_yuan))


def _said(message: dict[str, Any]) -> str:
    """The text the channel shows for an uttered response (every placeholder must be filled)."""
    values = {key: value for key, value in message.items() if key not in ("response", "template")}
    return str(DOMAIN["responses"][message["response"]][0]["text"].format(**values))


def test_the_outage_of_tomorrow_is_told_once(action_deps: Services) -> None:
    log_in(action_deps, ZHANG_WEI)
    _run(action_deps)

    messages, events = run(ActionPushNotices(), make_tracker(intent=NOTICES_INTENT))

    assert responses(messages) == ["utter_alert_outage", "utter_alerts_footer"]
    assert _said(messages[0]) == (
        "【停电通知】户号3301000001所在的杭州市西湖区文三路将于11月24日08:00至17:00计划检修停电，"
        "原因：10千伏文三线线路计划检修。请提前做好准备，实际送电时间以现场为准。"
    )
    assert events == []
    _run(action_deps)
    assert run(ActionPushNotices(), make_tracker(intent=NOTICES_INTENT)) == ([], [])


def test_arrears_are_told_before_the_due_date_and_once_overdue_with_the_late_fee(action_deps: Services) -> None:
    log_in(action_deps, ZHANG_WEI)
    clock = clock_of(action_deps)
    _run(action_deps)
    run(ActionPushNotices(), make_tracker(intent=NOTICES_INTENT))  # the outage of tomorrow
    clock.advance(timedelta(days=4))  # 27 November
    _run(action_deps)
    log_in(action_deps, ZHANG_WEI)  # the login of 4 days ago has ended
    due, _ = run(ActionPushNotices(), make_tracker(intent=NOTICES_INTENT))
    clock.advance(timedelta(days=5))  # 2 December
    _run(action_deps)
    log_in(action_deps, ZHANG_WEI)
    overdue, _ = run(ActionPushNotices(), make_tracker(intent=NOTICES_INTENT))

    assert responses(due) == ["utter_alert_arrears_due", "utter_alerts_footer"]
    assert _said(due[0]) == (
        "【欠费提醒】户号3301000001的2026年10月电费¥107.70将于2026年11月30日到期，请在到期前缴清，"
        "逾期将按日加收违约金。说“交电费”即可缴纳。"
    )
    assert responses(overdue) == ["utter_alert_arrears_overdue", "utter_alerts_footer"]
    assert {key: overdue[0][key] for key in ("overdue_days", "as_of", "late_fee")} == {
        "overdue_days": 2, "as_of": "2026年12月2日", "late_fee": "¥1.00"}  # 0.1 %/day, at least ¥1.00


def test_a_low_balance_is_told_with_the_threshold(action_deps: Services) -> None:
    bind(action_deps.session_factory, action_deps.clock, LI_NA, "3301000002")
    log_in(action_deps, LI_NA)
    set_prepaid(action_deps.session_factory, "3301000002", 1250)
    _run(action_deps)

    messages, _ = run(ActionPushNotices(), make_tracker(intent=NOTICES_INTENT))

    assert responses(messages) == ["utter_alert_low_balance", "utter_alerts_footer"]
    assert _said(messages[0]) == (
        "【余额提醒】户号3301000002的预存电费余额为¥12.50，已低于¥30.00，请及时预存，以免影响用电。说“预存电费”即可充值。"
    )
