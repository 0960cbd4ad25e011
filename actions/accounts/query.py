"""What every account query shares: the logged-in user, the account (named → default →
buttons), and the period asked for ("上个月", "今年", "近半年")."""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import REQUEST_TEXT_SLOT, call, chat_identity, deps, latest_entity, who_is_talking
from bot.accounts.binding import Resolution, ResolutionKind, resolve_account
from bot.billing.access import NoBill, NoBillReason
from bot.conversation.payloads import button
from bot.text.labels import month_label
from bot.text.months import MonthQuery, MonthRejected, RejectReason, resolve_months

T = TypeVar("T")

NO_BILL_RESPONSES = {
    NoBillReason.FUTURE: "utter_month_future",
    NoBillReason.NOT_ISSUED: "utter_no_bill_not_issued",
    NoBillReason.BEFORE_OPENED: "utter_no_bill_before_opened",
    NoBillReason.NO_BILLS: "utter_no_bills_yet",
    NoBillReason.MISSING: "utter_no_bill_missing",
}
PERIOD_REJECTIONS = {
    RejectReason.INVALID_MONTH: "utter_month_invalid",
    RejectReason.FUTURE: "utter_month_future",
}


@dataclass(frozen=True)
class Query:
    """One account query: who asks, about which bound account, in which words, on which day."""

    user_id: int
    account_number: str
    text: str
    today: date
    channel: str
    receipt_no: str | None = None  # set only by the receipt buttons of the payment history

    def months(self) -> MonthQuery | MonthRejected:
        return resolve_months(self.text, self.today)


def pay_button(account_number: str) -> dict[str, str]:
    return button("去缴费", "pay_bill", account_number=account_number)


def payments_button(account_number: str) -> dict[str, str]:
    """缴费记录 of the account: where a binder finds the 缴费凭证 of their own payments."""
    return button("缴费记录", "query_payments", account_number=account_number)


def invoice_button(account_number: str, month: date) -> dict[str, str]:
    return button("开具发票", "request_invoice", account_number=account_number, time=month_label(month))


def explain_no_bill(dispatcher: CollectingDispatcher, account_number: str, missing: NoBill) -> None:
    dispatcher.utter_message(
        response=NO_BILL_RESPONSES[missing.reason], account_number=account_number,
        month=month_label(missing.month) if missing.month else "",
        opened=month_label(missing.opened_on) if missing.opened_on else "",
    )


async def fetch(
    dispatcher: CollectingDispatcher, query: Query, expected: type[T], service: Callable[..., Any], *args: Any,
    **kwargs: Any,
) -> T | None:
    """``service(*args, user_id=…, account_number=…, **kwargs)`` for the query's account: its
    answer when it is an ``expected``, else None after saying why (no bill, or not bound)."""
    outcome = await call(service, *args, user_id=query.user_id, account_number=query.account_number, **kwargs)
    if isinstance(outcome, NoBill):
        explain_no_bill(dispatcher, query.account_number, outcome)
        return None
    if not isinstance(outcome, expected):
        dispatcher.utter_message(response="utter_account_not_bound")
        return None
    return outcome


def explain_period(dispatcher: CollectingDispatcher, rejected: MonthRejected) -> bool:
    """Say why the period cannot be queried; False when there was no period to speak of."""
    response = PERIOD_REJECTIONS.get(rejected.reason)
    if response is not None:
        dispatcher.utter_message(response=response)
    return response is not None


class AccountQuery(Action, ABC):
    """Runs :meth:`answer` for a bound account of the logged-in user, or says why not."""

    intent: str  # the request, re-sent by the account-choice buttons

    @abstractmethod
    def name(self) -> str: ...

    @abstractmethod
    async def answer(self, dispatcher: CollectingDispatcher, domain: DomainDict, query: Query) -> None:
        """Answer ``query``; the account is bound to the user (checked again by the services)."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        reset: list[EventType] = [SlotSet("account_number", None), SlotSet(REQUEST_TEXT_SLOT, None)]
        user = await who_is_talking(tracker)
        if user is None:
            return reset
        text = tracker.get_slot(REQUEST_TEXT_SLOT) or ""
        named = tracker.get_slot("account_number")
        resolved = await call(resolve_account, deps().session_factory, user_id=user.user_id, named=named)
        if isinstance(resolved, Resolution):
            self._explain(dispatcher, resolved, text)
            return reset
        channel, _ = chat_identity(tracker)
        query = Query(user.user_id, resolved, text, deps().clock.today(), channel, latest_entity(tracker, "receipt_no"))
        await self.answer(dispatcher, domain, query)
        return reset

    def _explain(self, dispatcher: CollectingDispatcher, resolved: Resolution, text: str) -> None:
        if resolved.kind is ResolutionKind.NEEDS_CHOICE:
            dispatcher.utter_message(response="utter_ask_account_for_query", buttons=[
                button(c.account_number, self.intent, **self._entities(c.account_number, text))
                for c in resolved.choices
            ])
        elif resolved.kind is ResolutionKind.NOT_BOUND:
            dispatcher.utter_message(response="utter_account_not_bound")
        else:
            dispatcher.utter_message(response="utter_no_accounts")

    @staticmethod
    def _entities(account_number: str, text: str) -> dict[str, str]:
        """The button's entities: the account, and the words of the request (its month, say)."""
        entities = {"account_number": account_number}
        if text and not text.startswith("/"):
            entities["time"] = text
        return entities
