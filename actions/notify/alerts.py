"""Telling a user their 用能预警 notices (欠费, 余额不足, 用电异常, 停电 the day before), once each:
with their next message, or pushed into the chat they used last (``EXTERNAL_notices``). What the
notices name was read by ``python -m bot notify run``; what is no longer true is dropped unsaid
(:mod:`bot.notify.alert_delivery`)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.common import call, deps
from bot.clock import CHINA_TZ
from bot.db.enums import NoticeKind
from bot.money import format_yuan_symbol
from bot.notify.alert_delivery import AlertNotice, mark_alerts_delivered, pending_alerts
from bot.text.labels import change_label, day_label, month_label


async def deliver_alert_notices(dispatcher: CollectingDispatcher, *, user_id: int) -> None:
    """Each notice of ``user_id`` not told yet, once, then how to turn a kind off."""
    d = deps()
    notices = await call(pending_alerts, d.session_factory, d.clock, user_id=user_id)
    for notice in notices:
        response, values = alert_message(notice)
        dispatcher.utter_message(response=response, **values)
    if notices:
        dispatcher.utter_message(response="utter_alerts_footer")
        await call(mark_alerts_delivered, d.session_factory, d.clock, user_id=user_id,
                   notice_ids=[notice.id for notice in notices])


def alert_message(notice: AlertNotice) -> tuple[str, dict[str, Any]]:
    """The response that tells ``notice``, and the values it names."""
    details, number = notice.details, notice.account_number
    if notice.kind is NoticeKind.ARREARS:
        values = {
            "account_number": number, "month": month_label(date.fromisoformat(details["period"])),
            "amount": format_yuan_symbol(int(details["amount_fen"])),
            "due_date": day_label(date.fromisoformat(details["due_date"])),
        }
        if details["stage"] == "due":
            return "utter_alert_arrears_due", values
        return "utter_alert_arrears_overdue", {
            **values, "overdue_days": details["overdue_days"], "as_of": day_label(date.fromisoformat(details["as_of"])),
            "late_fee": format_yuan_symbol(int(details["late_fee_fen"])),
        }
    if notice.kind is NoticeKind.LOW_BALANCE:
        return "utter_alert_low_balance", {
            "account_number": number, "balance": format_yuan_symbol(int(details["balance_fen"])),
            "threshold": format_yuan_symbol(int(details["threshold_fen"])),
        }
    if notice.kind is NoticeKind.USAGE_SPIKE:
        return "utter_alert_usage_spike", {
            "account_number": number, "month": month_label(date.fromisoformat(details["period"])),
            "kwh": details["kwh"], "last_year_kwh": details["last_year_kwh"],
            "change": change_label(Decimal(details["change_pct"])),
        }
    starts = datetime.fromisoformat(details["starts_at"]).astimezone(CHINA_TZ)
    ends = datetime.fromisoformat(details["ends_at"]).astimezone(CHINA_TZ)
    return "utter_alert_outage", {
        "account_number": number, "area": details["area"], "starts": _moment(starts),
        "ends": f"{ends:%H:%M}" if ends.date() == starts.date() else _moment(ends),
        "outage_kind": details["outage_kind"], "reason": details["reason"],
    }


def _moment(at: datetime) -> str:
    """"12月3日08:00"."""
    return f"{at.month}月{at.day}日{at:%H:%M}"
