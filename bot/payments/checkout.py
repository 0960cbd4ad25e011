"""Paying through the gateway exactly once: record, charge, settle; resolve what timed out.

:func:`pay` records the payment under its idempotency key, charges the gateway with the
order id fixed by that key (the gateway is idempotent on it), and settles the answer.
When the gateway does not answer in time the payment stays ``pending`` and the user is
told so; :func:`resolve_pending` later asks the gateway (query by order id) and settles,
closing orders the gateway never received so that a late arrival cannot charge. What the
background job settles is a notice for the payer (:mod:`bot.payments.outcome_notices`).
"""
from __future__ import annotations

import asyncio
from dataclasses import replace

from bot.clock import Clock
from bot.db.enums import PaymentStatus
from bot.db.session import SessionFactory
from bot.payments.gateway import ChargeStatus, GatewayOutcomeUnknown, PaymentGateway
from bot.payments.ledger import (
    PaymentRecord,
    PaymentRefused,
    PaymentRequest,
    begin_payment,
    pending_orders,
    settle,
)

DESCRIPTION = "电费 户号{account_number}"


async def pay(
    session_factory: SessionFactory, clock: Clock, gateway: PaymentGateway, request: PaymentRequest
) -> PaymentRecord | PaymentRefused:
    """Pay once per idempotency key. A key already settled returns that outcome (``existing``)
    without charging; a key still pending is charged again under the same order id, which
    the gateway answers from its record instead of charging twice."""
    record = await asyncio.to_thread(begin_payment, session_factory, clock, request)
    if isinstance(record, PaymentRefused) or record.status is not PaymentStatus.PENDING:
        return record
    try:
        result = await gateway.charge(
            order_id=record.order_id, instrument=record.instrument_token or "", amount_fen=record.amount_fen,
            description=DESCRIPTION.format(account_number=record.account_number),
        )
    except GatewayOutcomeUnknown:
        return record  # pending: resolve_pending finds out what happened
    settled = await asyncio.to_thread(settle, session_factory, clock, result)
    return _keep_existing_flag(settled, record)


async def resolve_pending(
    session_factory: SessionFactory,
    clock: Clock,
    gateway: PaymentGateway,
    *,
    user_id: int | None = None,
    account_number: str | None = None,
) -> list[PaymentRecord]:
    """Settle pending payments (all, or one user's, or one account's) by asking the gateway.

    An order the gateway never received is closed first, so it can no longer be charged,
    and then recorded as not charged. Payments the gateway cannot be asked about right now
    stay pending and are left out of the result. Without ``user_id`` (the background job, with
    no payer watching) each settled payment made in chat is left as a notice for its payer
    (:mod:`bot.payments.outcome_notices`); a user who asks sees the outcome in the answer."""
    tell_payer = user_id is None
    settled = []
    for order_id in await asyncio.to_thread(
        pending_orders, session_factory, user_id=user_id, account_number=account_number
    ):
        try:
            result = await gateway.query(order_id)
            if result.status is ChargeStatus.NOT_FOUND:
                result = await gateway.close(order_id)
        except GatewayOutcomeUnknown:
            continue
        settled.append(await asyncio.to_thread(settle, session_factory, clock, result, tell_payer=tell_payer))
    return settled


def _keep_existing_flag(settled: PaymentRecord, started: PaymentRecord) -> PaymentRecord:
    return replace(settled, existing=True) if started.existing else settled
