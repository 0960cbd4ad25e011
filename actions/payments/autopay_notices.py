"""Auto-debit news for the mandate's signer, told the next time they chat (with consent and
work-order notices): another user's refused attempt, a card change, a cancellation."""
from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from actions.common import call, deps
from bot.clock import CHINA_TZ
from bot.db.enums import AutopayEventKind
from bot.payments.autopay_events import mark_autopay_notices_delivered, pending_autopay_notices
from bot.text.labels import day_label

NOTICE_RESPONSES = {
    AutopayEventKind.REFUSED_OTHER_USER: "utter_autopay_notice_refused_other_user",
    AutopayEventKind.CARD_CHANGED: "utter_autopay_notice_card_changed",
    AutopayEventKind.CANCELLED: "utter_autopay_notice_cancelled",
    AutopayEventKind.REPLACED: "utter_autopay_notice_replaced",
}


async def deliver_autopay_notices(dispatcher: CollectingDispatcher, *, user_id: int) -> None:
    """Each auto-debit notice for ``user_id`` not told yet, once."""
    d = deps()
    notices = await call(pending_autopay_notices, d.session_factory, user_id=user_id)
    for notice in notices:
        dispatcher.utter_message(
            response=NOTICE_RESPONSES[notice.kind], account_number=notice.account_number,
            method=notice.method_label or "", day=day_label(notice.at.astimezone(CHINA_TZ).date()),
        )
    if notices:
        await call(mark_autopay_notices_delivered, d.session_factory, d.clock, user_id=user_id,
                   notice_ids=[n.id for n in notices])
