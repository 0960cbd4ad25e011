"""Operator tools for work orders: ``python -m bot orders advance ORDER_NO STATUS [--note TEXT]``
moves an order on (pushed at once to the chat the applicant used last if it can take it, told
with the next message otherwise), ``python -m bot orders list``
shows the newest orders, ``python -m bot orders forward`` retries the 新装 pre-applications the
business system has not acknowledged yet (run it from cron). None prints form data, so no
personal data reaches the terminal."""
from __future__ import annotations

import argparse
import asyncio

from bot.applications.business_system import business_system_from_settings, forward_pending, pending_pre_applications
from bot.applications.order_progress import OrderProblem, OrderProblemReason, advance_order, next_step
from bot.applications.order_push import push_order_update
from bot.applications.work_orders import OrderView, latest_orders
from bot.cli import CliContext, CliError, Command, no_arguments, positive_int, register
from bot.db.enums import WorkOrderStatus
from bot.privacy.masking import redact
from bot.server.secrets_files import rasa_api_token

_PROBLEMS = {
    OrderProblemReason.NOT_FOUND: "no work order {order_no}",
    OrderProblemReason.UNKNOWN_STATUS: "unknown status",
    OrderProblemReason.FINISHED: "{order_no} is already {current}: a final state",
    OrderProblemReason.UNCHANGED: "{order_no} is already {current}",
    OrderProblemReason.OUT_OF_ORDER: ("{order_no} is {current}: not its next step (a repair order goes "
                                      "已受理 → 已派单 → 已到达现场 → 已修复; those two are for repairs only)"),
}


def _status(value: str) -> WorkOrderStatus:
    try:
        return WorkOrderStatus(value.strip())
    except ValueError:
        choices = " ".join(status.value for status in WorkOrderStatus)
        raise argparse.ArgumentTypeError(f"expected one of: {choices}") from None


def _line(view: OrderView) -> str:
    """Number, creation time, kind, status, next step, promised date, account: no personal data."""
    promised = view.promised_by.isoformat() if view.promised_by else "-"
    step = next_step(view.kind, view.status).value
    return (f"{view.order_no}  {view.created_at:%Y-%m-%d %H:%M}  {view.kind.value}  {view.status.value}  "
            f"next={step}  promised={promised}  account={view.account_number or '-'}")


def _configure_advance(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("order_no", metavar="ORDER_NO")
    parser.add_argument("status", type=_status, metavar="STATUS",
                        help="the new status in Chinese, e.g. 审核中, 已派单, 已办结 (repairs: 已到达现场, 已修复)")
    parser.add_argument("--note", default=None, metavar="TEXT", help="a note on the status event")


def _advance(args: argparse.Namespace, context: CliContext) -> int:
    result = advance_order(context.session_factory(), context.clock, order_no=args.order_no,
                           status=args.status, note=args.note)
    if isinstance(result, OrderProblem):
        current = result.current.value if result.current else ""
        raise CliError(_PROBLEMS[result.reason].format(order_no=args.order_no.strip(), current=current))
    context.print(redact(_line(result)))
    if args.note:
        context.print(redact(f"    note: {args.note}"))
    report = asyncio.run(push_order_update(context.session_factory(), context.settings.rasa_url,
                                           order_no=result.order_no, api_token=rasa_api_token(context.settings),
                                           clock=context.clock))
    context.print(f"    pushed to {report.pushed} chat(s); other chats hear it with their next message")
    return 0


def _configure_list(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--limit", type=positive_int, default=20, metavar="N",
                        help="how many of the newest orders (default 20)")


def _list(args: argparse.Namespace, context: CliContext) -> int:
    views = latest_orders(context.session_factory(), limit=args.limit)
    if not views:
        context.print("no work orders")
    for view in views:
        context.print(_line(view))
    return 0


def _forward(_args: argparse.Namespace, context: CliContext) -> int:
    """Exit 1 while some stay pending (the business system is unavailable), so cron notices."""
    session_factory = context.session_factory()
    system = business_system_from_settings(context.settings, session_factory, context.clock)
    forwarded = forward_pending(session_factory, system, context.clock)
    context.print(f"forwarded {forwarded} pre-application(s) to the business system")
    pending = len(pending_pre_applications(session_factory))
    if pending:
        raise CliError(f"{pending} still pending: business system unavailable, try again later")
    return 0


register(Command("orders advance", "move a work order to STATUS and notify its applicant",
                 _configure_advance, _advance))
register(Command("orders list", "list the newest work orders", _configure_list, _list))
register(Command("orders forward", "forward pending 新装 pre-applications to the business system",
                 no_arguments, _forward))
