"""A widget conversation replayed from its tracker's events: what was said, nothing internal."""
from __future__ import annotations

from typing import Any

from bot.channels.webchat.history import TITLE_KEY, history_messages

T0 = 1795420800.0  # 2026-11-23T08:00:00Z
MENU = [{"title": "查电费", "payload": "/query_bill"}, {"title": "交电费", "payload": "/pay_bill"}]
CHART = "http://127.0.0.1:5005/webhooks/files/charts/AbCdEfGhIjKlMnOpQrStUv.1798761600.AbCdEfGhIjKlMnOpQrStUv.png"


def user(text: str, at: float, metadata: dict[str, Any] | None = None, intent: str = "greet") -> dict[str, Any]:
    return {"event": "user", "timestamp": at, "text": text, "metadata": metadata or {},
            "parse_data": {"intent": {"name": intent}}, "input_channel": "webchat"}


def bot(text: str | None, at: float, **data: Any) -> dict[str, Any]:
    return {"event": "bot", "timestamp": at, "text": text, "data": data, "metadata": {"utter_action": "utter_x"}}


def test_user_texts_and_bot_messages_in_order_with_their_times() -> None:
    events = [
        {"event": "action", "timestamp": T0, "name": "action_session_start"},
        {"event": "session_started", "timestamp": T0},
        user("你好", T0 + 1),
        {"event": "user_featurization", "timestamp": T0 + 1},
        bot("您好，请选择：", T0 + 2, buttons=MENU),
        {"event": "slot", "timestamp": T0 + 2, "name": "x", "value": 1},
        user("看看用电趋势", T0 + 3),
        bot("近12个月用电量如图。", T0 + 4, image=CHART, attachment=CHART),  # as Rasa's tracker keeps it
    ]
    assert history_messages(events) == [
        {"from": "user", "text": "你好", "at": "2026-11-23T08:00:01+00:00"},
        {"from": "bot", "text": "您好，请选择：", "buttons": MENU, "at": "2026-11-23T08:00:02+00:00"},
        {"from": "user", "text": "看看用电趋势", "at": "2026-11-23T08:00:03+00:00"},
        {"from": "bot", "text": "近12个月用电量如图。", "at": "2026-11-23T08:00:04+00:00"},
        {"from": "bot", "image": CHART, "at": "2026-11-23T08:00:04+00:00"},
    ]


def test_a_pressed_button_is_shown_by_its_title() -> None:
    events = [
        bot("请选择：", T0, buttons=MENU),
        user("/pay_bill", T0 + 1, {TITLE_KEY: "交电费"}, intent="pay_bill"),
        user("/query_bill", T0 + 2, intent="query_bill"),  # no title sent: the offered button's
        user('/inform{"x": "1"}', T0 + 3, intent="inform"),  # a payload no button explains
    ]
    assert [(m["from"], m.get("text")) for m in history_messages(events)] == [
        ("bot", "请选择："), ("user", "交电费"), ("user", "查电费"),
    ]


def test_a_sent_file_is_shown_by_its_name() -> None:
    events = [user('/send_file{"attachment_id": "7"}', T0, {TITLE_KEY: "bill.jpg"}, intent="send_file")]
    assert [m["text"] for m in history_messages(events)] == ["bill.jpg"]


def test_the_injected_intents_of_pushes_are_left_out_but_their_replies_kept() -> None:
    events = [
        user("EXTERNAL: EXTERNAL_order_update", T0, intent="EXTERNAL_order_update"),
        {"event": "user", "timestamp": T0, "text": None, "parse_data": {"intent": {"name": "EXTERNAL_order_update"}}},
        bot("您的工单GD2026112300001状态已更新为：已派单。", T0 + 1),
    ]
    assert history_messages(events) == [
        {"from": "bot", "text": "您的工单GD2026112300001状态已更新为：已派单。", "at": "2026-11-23T08:00:01+00:00"},
    ]


def test_texts_are_kept_as_text_and_only_the_newest_are_replayed() -> None:
    hostile = '<img src=x onerror="alert(1)">'
    events = [user(f"第{n}条 {hostile}", T0 + n) for n in range(10)]
    replayed = history_messages(events, limit=3)
    assert [m["text"] for m in replayed] == [f"第{n}条 {hostile}" for n in (7, 8, 9)]
    assert history_messages([]) == []
