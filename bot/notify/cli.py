"""``python -m bot notify run``: today's 用能预警 and other proactive notices (e.g. daily from cron).

Each user with a new notice hears it at once on the chat they used last if its channel can push,
otherwise with their next message; a second run the same day creates and pushes nothing.
"""
from __future__ import annotations

import argparse
import asyncio

from bot.cli import CliContext, Command, no_arguments, register
from bot.db.session import SessionFactory
from bot.money import yuan_to_fen
from bot.notify.alerts import run_alerts
from bot.notify.push import push_notices
from bot.server.secrets_files import rasa_api_token


def _notify_run(_args: argparse.Namespace, context: CliContext) -> int:
    session_factory = context.session_factory()
    report = run_alerts(session_factory, context.clock, low_balance_fen=yuan_to_fen(context.settings.low_balance_yuan))
    by_kind = ", ".join(f"{kind.value} {count}" for kind, count in report.created.items())
    context.print(f"checked {report.accounts} bound account(s); new notices {report.total} ({by_kind})")
    if report.users:
        pushed = asyncio.run(_push(session_factory, context, report.users))
        context.print(f"    pushed to {pushed} chat(s); other users hear it with their next message")
    return 0


async def _push(session_factory: SessionFactory, context: CliContext, users: tuple[int, ...]) -> int:
    token, pushed = rasa_api_token(context.settings), 0
    for user_id in users:
        report = await push_notices(session_factory, context.settings.rasa_url, user_id=user_id, api_token=token,
                                    clock=context.clock)
        pushed += report.pushed
    return pushed


register(Command("notify run", "create today's notices (arrears, low balance, usage spike, outage tomorrow) "
                 "and push them to users' last chats", no_arguments, _notify_run))
