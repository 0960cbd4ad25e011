"""A payment settled by the background job while its payer was away is told to the payer with
their other notices (pushed, or with their next message), once, in the domain's words."""
from __future__ import annotations

from sqlalchemy import select

from actions.conversation.notices import ActionPushNotices
from bot.container import Services
from bot.db.models import PaymentInstrument
from bot.notify.push import NOTICES_INTENT
from bot.payments.gateway import ChargeResult, ChargeStatus, DeclineReason
from bot.payments.ledger import PaymentRecord, PaymentRequest, begin_payment, idempotency_key, settle
from tests.unit.action_harness import log_in, make_tracker, responses, run

ZHAO_QIANG = "13800000004"  # binds 3301000003; card …9999


def _settled_by_the_job(deps: Services, user_id: int, amount_fen: int, result: ChargeStatus) -> PaymentRecord:
    with deps.session_factory.session_scope() as session:
        card = session.scalars(select(PaymentInstrument.id).where(PaymentInstrument.token == "zq-card")).one()
    request = PaymentRequest(user_id, "3301000003", amount_fen, card, idempotency_key("t", str(amount_fen)))
    pending = begin_payment(deps.session_factory, deps.clock, request)
    assert isinstance(pending, PaymentRecord)
    reason = DeclineReason.INSUFFICIENT_FUNDS if result is ChargeStatus.DECLINED else None
    answer = ChargeResult(pending.order_id, result, reason=reason, transaction_id="TX1" if reason is None else None)
    return settle(deps.session_factory, deps.clock, answer, tell_payer=True)


def test_the_payer_is_told_how_each_payment_ended_once(action_deps: Services) -> None:
    user = log_in(action_deps, ZHAO_QIANG)
    paid = _settled_by_the_job(action_deps, user.user_id, 2000, ChargeStatus.SUCCEEDED)
    _settled_by_the_job(action_deps, user.user_id, 3050, ChargeStatus.DECLINED)

    messages, events = run(ActionPushNotices(), make_tracker(intent=NOTICES_INTENT))

    assert responses(messages) == ["utter_payment_outcome_paid", "utter_payment_outcome_not_charged"]
    assert {k: messages[0][k] for k in ("date", "account_number", "amount", "receipt_no")} == {
        "date": "2026年11月23日", "account_number": "3301000003", "amount": "¥20.00", "receipt_no": paid.receipt_no}
    assert {k: messages[1][k] for k in ("date", "account_number", "amount")} == {
        "date": "2026年11月23日", "account_number": "3301000003", "amount": "¥30.50"}
    assert events == []
    assert run(ActionPushNotices(), make_tracker(intent=NOTICES_INTENT)) == ([], [])
