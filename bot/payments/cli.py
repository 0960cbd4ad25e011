"""Payment jobs: ``python -m bot autopay run`` (monthly auto-debit) and ``python -m bot payments
resolve`` (ask the gateway about payments whose outcome is still being confirmed)."""
from __future__ import annotations

import argparse
import asyncio

from bot.cli import CliContext, Command, no_arguments, register
from bot.db.enums import PaymentStatus
from bot.money import format_yuan_symbol
from bot.payments.autopay import run_autopay
from bot.payments.checkout import resolve_pending
from bot.payments.gateway import PaymentGateway, gateway_from_settings
from bot.payments.ledger import PaymentRecord
from bot.server.dev_secrets import refuse_development_secrets


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
    return 0


register(Command("autopay run", "charge every account signed up for auto-debit what it owes today",
                 no_arguments, _autopay_run))
register(Command("payments resolve", "settle payments still pending by asking the payment gateway",
                 no_arguments, _payments_resolve))
