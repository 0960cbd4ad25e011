"""Payment jobs: ``python -m bot autopay run`` (monthly auto-debit) and ``python -m bot payments
resolve`` (ask the gateway about payments whose outcome is still being confirmed; each payer
hears how theirs ended at once on the chat they used last if it can push, else with their next
message)."""
from __future__ import annotations

import argparse
import asyncio

from bot.cli import CliContext, Command, no_arguments, register
from bot.db.enums import PaymentStatus
from bot.db.session import SessionFactory
from bot.money import format_yuan_symbol
from bot.notify.push import push_notices
from bot.payments.autopay import run_autopay
from bot.payments.checkout import resolve_pending
from bot.payments.gateway import PaymentGateway, gateway_from_settings
from bot.payments.ledger import PaymentRecord
from bot.payments.outcome_notices import payers_to_tell
from bot.server.dev_secrets import refuse_development_secrets
from bot.server.secrets_files import rasa_api_token


def _line(record: PaymentRecord) -> str:
    """One payment, without personal data: account, order, amount, outcome."""
    outcome = record.status.value
    if record.status is PaymentStatus.DECLINED:
        outcome += f" ({record.failure_reason})"
    return f"{record.account_number}  {record.order_id}  {format_yuan_symbol(record.amount_fen)}  {outcome}"


def _gateway(context: CliContext) -> PaymentGateway:
    """The gateway client; never with a development secret outside the demo (bot.server.dev_secrets)."""
    refuse_development_secrets(context.settings)
    return gateway_from_settings(context.settings, context.session_factory(), context.clock)


def _autopay_run(_args: argparse.Namespace, context: CliContext) -> int:
    gateway = _gateway(context)
    session_factory = context.session_factory()
    result = asyncio.run(run_autopay(session_factory, context.clock, gateway))
    for record in result.charged:
        context.print(_line(record))
    context.print(
        f"charged {len(result.charged)}, nothing owed {result.nothing_owed}, skipped {result.skipped}"
    )
    return 0


def _payments_resolve(_args: argparse.Namespace, context: CliContext) -> int:
    gateway = _gateway(context)
    session_factory = context.session_factory()
    settled = asyncio.run(resolve_pending(session_factory, context.clock, gateway))
    for record in settled:
        context.print(_line(record))
    context.print(f"resolved {len(settled)}")
    payers = payers_to_tell(session_factory, order_ids=[record.order_id for record in settled])
    if payers:
        pushed = asyncio.run(_push_payers(session_factory, context, payers))
        context.print(f"    pushed to {pushed} chat(s); other payers hear it with their next message")
    return 0


async def _push_payers(session_factory: SessionFactory, context: CliContext, payers: list[int]) -> int:
    """Push each payer's notices to the chat they used last; how many chats were pushed."""
    token, pushed = rasa_api_token(context.settings), 0
    for user_id in payers:
        report = await push_notices(session_factory, context.settings.rasa_url, user_id=user_id, api_token=token,
                                    clock=context.clock)
        pushed += report.pushed
    return pushed


register(Command("autopay run", "charge every account signed up for auto-debit what it owes today",
                 no_arguments, _autopay_run))
register(Command("payments resolve", "settle payments still pending by asking the payment gateway",
                 no_arguments, _payments_resolve))
