"""Pushing a work order's status change to its applicant at once.

An operator's status change (``python -m bot orders advance``) is queued as an order notice
(:mod:`bot.applications.work_orders`) and every chat delivers pending notices with the user's
next message. The applicant hears it at once on the chat they used last when that chat can push
(:mod:`bot.notify.push`: one chat, not every chat they are logged in on).
"""
from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.clock import Clock
from bot.db.models import WorkOrder
from bot.db.session import SessionFactory
from bot.notify.push import (
    PUSH_TIMEOUT_S,
    ChatAddress,
    PushOutcome,
    PushReport,
    last_used_chat,
    push_notices,
    push_target,
)


def applicant_of(session_factory: SessionFactory, *, order_no: str) -> int | None:
    with session_factory.session_scope() as session:
        return session.scalar(select(WorkOrder.user_id).where(WorkOrder.order_no == order_no.strip()))


def push_chat(session_factory: SessionFactory, clock: Clock, *, order_no: str) -> ChatAddress | None:
    """The chat a push about the order goes to: the applicant's last-used chat, if it can push."""
    user_id = applicant_of(session_factory, order_no=order_no)
    if user_id is None:
        return None
    target = push_target(last_used_chat(session_factory, user_id=user_id), clock.now())
    return None if isinstance(target, PushOutcome) else target


async def push_order_update(
    session_factory: SessionFactory, rasa_url: str, *, order_no: str, api_token: str | None = None,
    clock: Clock | None = None, timeout_s: float = PUSH_TIMEOUT_S,
) -> PushReport:
    """Tell the applicant about the order's pending notices now, on the chat they used last."""
    user_id = await asyncio.to_thread(applicant_of, session_factory, order_no=order_no)
    if user_id is None:
        return PushReport(())
    return await push_notices(session_factory, rasa_url, user_id=user_id, api_token=api_token, clock=clock,
                              timeout_s=timeout_s)
