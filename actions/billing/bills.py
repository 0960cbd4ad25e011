"""电费余额 and 账单 queries for a bound account (电e宝's 电费服务核心 / 账单管理)."""
from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.accounts.query import AccountQuery, Query, explain_period, fetch, invoice_button, pay_button
from actions.common import deps, response_text
from actions.payments.records import report_resolved_payments
from bot.billing.bills import BalanceView, BillView, balance, bills_for_months
from bot.money import format_yuan_symbol
from bot.text.labels import day_label, month_label, price_label, tier_label
from bot.text.months import MonthRejected


def bill_state(domain: DomainDict, bill: BillView) -> str:
    """已缴清 / 未缴（截止日）/ 已逾期N天（违约金）, one line."""
    if bill.paid:
        return response_text(domain, "utter_bill_state_paid", paid_on=day_label(bill.paid_on) if bill.paid_on else "")
    if bill.overdue_days > 0:
        return response_text(
            domain, "utter_bill_state_overdue", due=day_label(bill.due_date), days=bill.overdue_days,
            late_fee=format_yuan_symbol(bill.late_fee_fen),
        )
    return response_text(domain, "utter_bill_state_unpaid", due=day_label(bill.due_date))


def bill_lines(domain: DomainDict, bill: BillView) -> list[str]:
    lines = [
        response_text(domain, "utter_bill_header", account_number=bill.account_number, month=month_label(bill.period)),
        response_text(
            domain, "utter_bill_period", start=day_label(bill.period_start), end=day_label(bill.period_end)
        ),
        response_text(domain, "utter_bill_amount", kwh=bill.kwh, amount=format_yuan_symbol(bill.amount_fen)),
    ]
    lines += [
        response_text(
            domain, "utter_bill_tier_line", tier=tier_label(line.tier), kwh=line.kwh,
            price=price_label(line.price),
            amount=format_yuan_symbol(line.amount_fen),
        )
        for line in bill.tier_lines
        if line.kwh
    ]
    if bill.peak_kwh is not None and bill.valley_kwh is not None:
        lines.append(response_text(
            domain, "utter_bill_peak_valley", peak=bill.peak_kwh, valley=bill.valley_kwh,
            adjustment=format_yuan_symbol(bill.peak_valley_adjustment_fen),
        ))
    lines.append(bill_state(domain, bill))
    return lines


def _bill_buttons(bill: BillView) -> list[dict[str, str]]:
    return [invoice_button(bill.account_number, bill.period)] if bill.paid else [pay_button(bill.account_number)]


class ActionQueryBill(AccountQuery):
    """One month's bill in full (tiers, peak/valley, state), or a short list for a range."""

    intent = "query_bill"

    def name(self) -> str:
        return "action_query_bill"

    async def answer(self, dispatcher: CollectingDispatcher, domain: DomainDict, query: Query) -> None:
        asked = query.months()
        if isinstance(asked, MonthRejected) and explain_period(dispatcher, asked):
            return
        months = None if isinstance(asked, MonthRejected) or asked.latest else asked.months
        d = deps()
        found = await fetch(dispatcher, query, tuple, bills_for_months, d.session_factory, d.clock, d.tariffs,
                            months=months)
        if found is None:
            return
        if len(found) == 1 and (months is None or len(months) == 1):
            dispatcher.utter_message(text="\n".join(bill_lines(domain, found[0])), buttons=_bill_buttons(found[0]))
        else:
            self._list(dispatcher, domain, query, found, months or ())

    @staticmethod
    def _list(
        dispatcher: CollectingDispatcher, domain: DomainDict, query: Query, bills: tuple[BillView, ...],
        months: tuple[Any, ...],
    ) -> None:
        lines = [response_text(domain, "utter_bills_header", account_number=query.account_number, count=len(bills))]
        lines += [
            response_text(
                domain, "utter_bills_row", month=month_label(b.period), kwh=b.kwh,
                amount=format_yuan_symbol(b.amount_fen), state=bill_state(domain, b),
            )
            for b in bills
        ]
        missing = [m for m in months if m not in {b.period for b in bills}]
        if missing:
            lines.append(response_text(domain, "utter_bills_missing", months="、".join(map(month_label, missing))))
        lines.append(response_text(
            domain, "utter_bills_total", kwh=sum(b.kwh for b in bills),
            amount=format_yuan_symbol(sum(b.amount_fen for b in bills)),
        ))
        unpaid = any(not b.paid for b in bills)
        dispatcher.utter_message(text="\n".join(lines), buttons=[pay_button(query.account_number)] if unpaid else [])


class ActionQueryBalance(AccountQuery):
    """Arrears (with the late fee accrued to today and the due dates) or the prepaid balance."""

    intent = "query_balance"

    def name(self) -> str:
        return "action_query_balance"

    async def answer(self, dispatcher: CollectingDispatcher, domain: DomainDict, query: Query) -> None:
        await report_resolved_payments(dispatcher, query.user_id, query.account_number)
        d = deps()
        view = await fetch(dispatcher, query, BalanceView, balance, d.session_factory, d.clock)
        if view is None:
            return
        prepaid = format_yuan_symbol(view.prepaid_balance_fen)
        if view.total_due_fen == 0:
            dispatcher.utter_message(
                response="utter_balance_clear", account_number=view.account_number, prepaid=prepaid
            )
            return
        lines = [response_text(
            domain, "utter_balance_due", account_number=view.account_number,
            total=format_yuan_symbol(view.total_due_fen), arrears=format_yuan_symbol(view.arrears_fen),
            late_fee=format_yuan_symbol(view.late_fee_fen),
        )]
        for bill in view.unpaid:
            if bill.overdue_days > 0:
                lines.append(response_text(
                    domain, "utter_balance_overdue_line", month=month_label(bill.period),
                    amount=format_yuan_symbol(bill.amount_due_fen), due=day_label(bill.due_date),
                    days=bill.overdue_days, late_fee=format_yuan_symbol(bill.late_fee_fen),
                ))
            else:
                lines.append(response_text(
                    domain, "utter_balance_unpaid_line", month=month_label(bill.period),
                    amount=format_yuan_symbol(bill.amount_due_fen), due=day_label(bill.due_date),
                ))
        if view.prepaid_balance_fen:
            lines.append(response_text(domain, "utter_balance_prepaid_line", prepaid=prepaid))
        dispatcher.utter_message(text="\n".join(lines), buttons=[pay_button(view.account_number)])
