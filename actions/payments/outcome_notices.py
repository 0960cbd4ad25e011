"""How a payment the payer left while it was still being confirmed ended, told the next time they
chat (or pushed at once: :mod:`bot.notify.push`), with the other notices."""
from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from actions.common import call, deps
from bot.clock import CHINA_TZ
from bot.money import format_yuan_symbol
from bot.payments.outcome_notices import mark_payment_outcomes_told, pending_payment_outcomes
from bot.text.labels import day_label


async def deliver_payment_outcome_notices(dispatcher: CollectingDispatcher, *, user_id: int) -> None:
    """Each settled outcome of ``user_id``'s payments not told yet, once."""
    d = deps()
    notices = await call(pending_payment_outcomes, d.session_factory, user_id=user_id)
    for notice in notices:
        date = day_label(notice.made_at.astimezone(CHINA_TZ).date())
        amount = format_yuan_symbol(notice.amount_fen)
        if notice.succeeded:
            dispatcher.utter_message(response="utter_payment_outcome_paid", date=date,
                                     account_number=notice.account_number, amount=amount,
                                     receipt_no=notice.receipt_no)
        else:
            dispatcher.utter_message(response="utter_payment_outcome_not_charged", date=date,
                                     account_number=notice.account_number, amount=amount)
    if notices:
        await call(mark_payment_outcomes_told, d.session_factory, user_id=user_id,
                   payment_ids=[n.payment_id for n in notices])
