"""缴费记录, 缴费凭证 (receipts), and news of payments whose outcome was still being confirmed."""
from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.accounts.query import AccountQuery, Query
from actions.billing.invoices import invoice_document
from actions.common import call, deps, response_text
from bot.billing.invoices import InvoiceIssued
from bot.conversation.payloads import button
from bot.db.enums import PaymentPurpose, PaymentStatus
from bot.files.published import publish
from bot.money import format_yuan_symbol
from bot.payments.checkout import resolve_pending
from bot.payments.history import PaymentHistory, PaymentLine, payment_history, payment_receipt
from bot.reports.invoice_pdf import render_invoice_pdf
from bot.text.labels import day_label

STATUS_RESPONSES = {
    PaymentStatus.SUCCEEDED: "utter_payment_status_succeeded",
    PaymentStatus.PENDING: "utter_payment_status_pending",
    PaymentStatus.DECLINED: "utter_payment_status_declined",
}
PURPOSE_RESPONSES = {
    PaymentPurpose.BILL: "utter_payment_purpose_bill",
    PaymentPurpose.PREPAY: "utter_payment_purpose_prepay",
    PaymentPurpose.AUTOPAY: "utter_payment_purpose_autopay",
}


async def report_resolved_payments(dispatcher: CollectingDispatcher, user_id: int, account_number: str) -> None:
    """Ask the gateway about the account's payments still being confirmed, and say how they ended."""
    d = deps()
    for record in await resolve_pending(
        d.session_factory, d.clock, d.payment_gateway, user_id=user_id, account_number=account_number
    ):
        if record.status is PaymentStatus.SUCCEEDED:
            dispatcher.utter_message(
                response="utter_payment_resolved_succeeded", date=day_label(record.created_at_date),
                amount=format_yuan_symbol(record.amount_fen), receipt_no=record.receipt_no,
            )
        else:
            dispatcher.utter_message(
                response="utter_payment_resolved_declined", date=day_label(record.created_at_date),
                amount=format_yuan_symbol(record.amount_fen),
            )


async def publish_receipt(domain: DomainDict, user_id: int, receipt_no: str) -> str | None:
    """The download link of a payment's 缴费凭证 PDF; None when it is not the user's to see."""
    d = deps()
    issued = await call(payment_receipt, d.session_factory, user_id=user_id, receipt_no=receipt_no)
    if not isinstance(issued, InvoiceIssued):
        return None
    title = domain["responses"]["utter_invoice_kind_receipt"][0]["text"]
    pdf = await call(render_invoice_pdf, invoice_document(issued, title))
    return await call(publish, d.settings, d.clock, "invoices", pdf)


class ActionQueryPayments(AccountQuery):
    """The latest payments with their receipts; a receipt button sends that receipt's PDF."""

    intent = "query_payments"

    def name(self) -> str:
        return "action_query_payments"

    async def answer(self, dispatcher: CollectingDispatcher, domain: DomainDict, query: Query) -> None:
        if query.receipt_no:
            url = await publish_receipt(domain, query.user_id, query.receipt_no)
            if url is None:
                dispatcher.utter_message(response="utter_receipt_not_found")
            else:
                dispatcher.utter_message(response="utter_receipt_ready", receipt_no=query.receipt_no, url=url)
            return
        await report_resolved_payments(dispatcher, query.user_id, query.account_number)
        history = await call(
            payment_history, deps().session_factory, user_id=query.user_id, account_number=query.account_number
        )
        if not isinstance(history, PaymentHistory):
            dispatcher.utter_message(response="utter_account_not_bound")
            return
        lines = history.lines
        if not lines:
            response = "utter_no_own_payments" if history.own_only else "utter_no_payments"
            dispatcher.utter_message(response=response, account_number=query.account_number)
            return
        header = "utter_payments_header_own" if history.own_only else "utter_payments_header"
        text = [response_text(domain, header, account_number=query.account_number)]
        text += [self._line(domain, line) for line in lines]
        receipts = [line.receipt_no for line in lines if line.receipt_no and line.status is PaymentStatus.SUCCEEDED]
        buttons = [
            button(f"凭证 {number}", "query_payments", account_number=query.account_number, receipt_no=number)
            for number in receipts[:3]
        ]
        dispatcher.utter_message(text="\n".join(text), buttons=buttons)

    @staticmethod
    def _line(domain: DomainDict, line: PaymentLine) -> str:
        return response_text(
            domain, "utter_payments_line", date=day_label(line.paid_on), amount=format_yuan_symbol(line.amount_fen),
            purpose=response_text(domain, PURPOSE_RESPONSES[line.purpose]), method=line.method_label,
            status=response_text(domain, STATUS_RESPONSES[line.status]),
        )
