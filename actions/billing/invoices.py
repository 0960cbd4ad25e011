"""电子发票 / 缴费凭证 for a paid month, as a PDF behind a download link."""
from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.accounts.query import AccountQuery, Query, explain_no_bill, explain_period, pay_button, payments_button
from actions.common import call, deps
from bot.billing.invoices import (
    InvoiceIssued,
    InvoiceKind,
    InvoiceRefusal,
    InvoiceRefused,
    issue_invoice,
)
from bot.files.published import publish
from bot.money import format_yuan_symbol
from bot.reports.invoice_pdf import InvoiceDocument, render_invoice_pdf
from bot.text.labels import month_label
from bot.text.months import MonthRejected
from bot.text.request_words import wants_receipt

KIND_RESPONSES = {InvoiceKind.VAT: "utter_invoice_kind_vat", InvoiceKind.RECEIPT: "utter_invoice_kind_receipt"}
# A binder who is not the holder: the documents name the holder, so say why and what to do.
HOLDER_ONLY_RESPONSES = {
    InvoiceKind.VAT: "utter_invoice_holder_only", InvoiceKind.RECEIPT: "utter_receipt_holder_only",
}


def invoice_document(issued: InvoiceIssued, title: str) -> InvoiceDocument:
    return InvoiceDocument(
        title=title, number=issued.number, issued_on=issued.issued_on, seller_name=issued.seller_name,
        seller_tax_id=issued.seller_tax_id, buyer_name=issued.buyer_name, account_number=issued.account_number,
        address=issued.address, period=issued.period, kwh=issued.kwh, amount_fen=issued.amount_fen,
        tax_rate=issued.tax_rate, paid_at=issued.paid_at.date() if issued.paid_at else None,
    )


class ActionRequestInvoice(AccountQuery):
    intent = "request_invoice"

    def name(self) -> str:
        return "action_request_invoice"

    async def answer(self, dispatcher: CollectingDispatcher, domain: DomainDict, query: Query) -> None:
        asked = query.months()
        if isinstance(asked, MonthRejected) and explain_period(dispatcher, asked):
            return
        if not isinstance(asked, MonthRejected) and len(asked.months) > 1:
            dispatcher.utter_message(response="utter_invoice_one_month")
            return
        month = None if isinstance(asked, MonthRejected) or asked.latest else asked.months[0]
        kind = InvoiceKind.RECEIPT if wants_receipt(query.text) else InvoiceKind.VAT
        d = deps()
        outcome = await call(
            issue_invoice, d.session_factory, d.clock,
            user_id=query.user_id, account_number=query.account_number, month=month, kind=kind,
        )
        if isinstance(outcome, InvoiceRefused):
            if outcome.reason is InvoiceRefusal.HOLDER_ONLY:
                dispatcher.utter_message(
                    response=HOLDER_ONLY_RESPONSES[kind], account_number=query.account_number,
                    buttons=[payments_button(query.account_number)],
                )
            elif outcome.reason is InvoiceRefusal.UNPAID:
                dispatcher.utter_message(response="utter_invoice_unpaid", buttons=[pay_button(query.account_number)])
            elif outcome.no_bill is not None:
                explain_no_bill(dispatcher, query.account_number, outcome.no_bill)
            else:
                dispatcher.utter_message(response="utter_invoice_nothing_paid")
            return
        if not isinstance(outcome, InvoiceIssued):
            dispatcher.utter_message(response="utter_account_not_bound")
            return
        title = domain["responses"][KIND_RESPONSES[outcome.kind]][0]["text"]
        pdf = await call(render_invoice_pdf, invoice_document(outcome, title))
        url = await call(publish, d.settings, d.clock, "invoices", pdf)
        dispatcher.utter_message(
            response="utter_invoice_ready", kind=title, account_number=outcome.account_number,
            month=month_label(outcome.period), number=outcome.number, amount=format_yuan_symbol(outcome.amount_fen),
            url=url,
        )
