"""户号绑定: bind (with owner consent, within the daily look-up limit), list and default, unbind."""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import call, deps, latest_entity, latest_intent, response_text, who_is_talking
from actions.conversation.notices import push_notices_soon
from actions.files.uploads import FILE_INTENT, account_on_photo, photo_problem_response
from actions.forms.retrying import RetryingFormValidation
from actions.identity.login import resume_request
from bot.accounts.binding import (
    AccountNumberRejected,
    AccountNumberRejection,
    BindRefusal,
    BindRefused,
    Bound,
    ConsentRequired,
    NotBound,
    bind,
    list_bound,
    parse_account_number,
    resolve_account,
    set_default,
    unbind,
)
from bot.accounts.consent import request_owner
from bot.accounts.lookup import lookup_for_binding
from bot.accounts.lookup_limits import LookupLimitReached
from bot.accounts.preview import AccountPreview
from bot.accounts.search import add_pending, pending, search_for_binding
from bot.accounts.search_terms import SearchTerms, search_terms
from bot.applications.regions import region_code_named
from bot.conversation.payloads import button
from bot.conversation.routing import NOTHING, ROUTE_SLOT, ROUTES
from bot.files.barcode import account_from_barcode_digits

NUMBER_REJECTIONS = {
    AccountNumberRejection.EMPTY: "utter_account_number_wrong_length",
    AccountNumberRejection.WRONG_LENGTH: "utter_account_number_wrong_length",
    AccountNumberRejection.NOT_DIGITS: "utter_account_number_not_digits",
}


def choose_buttons(numbers: list[str], intent: str = "inform") -> list[dict[str, str]]:
    return [button(number, intent, account_number=number) for number in numbers]


async def offer_search_results(dispatcher: CollectingDispatcher, user_id: int, terms: SearchTerms) -> None:
    """Up to five matches, added to the user's pending list (待绑定列表), offered as buttons."""
    d = deps()
    found = await call(
        search_for_binding, d.session_factory, d.clock, user_id=user_id, holder_name=terms.holder_name,
        address=terms.address, daily_limit=d.settings.binding_lookups_per_day,
    )
    if isinstance(found, LookupLimitReached):
        say_lookups_exhausted(dispatcher, found)
        return
    offered = []
    for candidate in found:
        preview = await call(
            add_pending, d.session_factory, d.clock, user_id=user_id, account_number=candidate.account_number
        )
        if not isinstance(preview, BindRefused):
            offered.append(candidate)
    if not offered:
        dispatcher.utter_message(response="utter_search_no_match")
        return
    dispatcher.utter_message(response="utter_search_results", buttons=_account_buttons(offered, "inform"))


def say_lookups_exhausted(dispatcher: CollectingDispatcher, reached: LookupLimitReached) -> None:
    dispatcher.utter_message(response="utter_binding_lookups_exhausted", limit=reached.limit)


def _account_buttons(accounts: Sequence[AccountPreview], intent: str) -> list[dict[str, str]]:
    """One button per account (number, masked holder, partial address) sending ``intent`` with it."""
    return [
        button(f"{a.account_number} {a.holder_masked} {a.address_partial}", intent, account_number=a.account_number)
        for a in accounts
    ]


class ValidateBindAccountForm(RetryingFormValidation):
    def name(self) -> str:
        return "validate_bind_account_form"

    async def validate_account_number(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        user = await who_is_talking(tracker)
        if user is None:
            return {"account_number": None}
        if latest_intent(tracker) == FILE_INTENT:  # a photo of the bill's barcode or QR code
            photo = await account_on_photo(tracker)
            if not isinstance(photo, str):
                return self.reject(dispatcher, tracker, "account_number", photo_problem_response(photo))
            return await self._accept_if_bindable(dispatcher, tracker, user.user_id, photo)
        text = str(value or "")
        terms = search_terms(
            (tracker.latest_message or {}).get("text") or text,
            person_name=latest_entity(tracker, "person_name"), address=latest_entity(tracker, "address"),
        )
        if terms is not None:  # 户名+地址: offer the matches instead of a 户号
            await offer_search_results(dispatcher, user.user_id, terms)
            return {"account_number": None}
        number = parse_account_number(text)
        if isinstance(number, AccountNumberRejected):
            number = account_from_barcode_digits(text) or number  # the digits under a bill's barcode
        if isinstance(number, AccountNumberRejected):
            return self.reject(dispatcher, tracker, "account_number", NUMBER_REJECTIONS[number.reason])
        return await self._accept_if_bindable(dispatcher, tracker, user.user_id, number)

    async def _accept_if_bindable(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, user_id: int, number: str
    ) -> dict[str, Any]:
        d = deps()
        region_code = await call(region_code_named, d.session_factory, tracker.get_slot("region"))
        preview = await call(
            lookup_for_binding, d.session_factory, d.clock, user_id=user_id, account_number=number,
            daily_limit=d.settings.binding_lookups_per_day, region_code=region_code,
        )
        if isinstance(preview, LookupLimitReached):
            say_lookups_exhausted(dispatcher, preview)
            return {"account_number": None}
        if isinstance(preview, BindRefused):
            if preview.reason is BindRefusal.ALREADY_BOUND:
                dispatcher.utter_message(response="utter_account_already_bound", account_number=number)
                return {"account_number": None}
            return self.reject(dispatcher, tracker, "account_number", "utter_account_not_found")
        return self.accept("account_number", number)


class ActionAskBindConfirmed(Action):
    """Shows the account found (holder masked, address partial) and asks to confirm."""

    def name(self) -> str:
        return "action_ask_bind_account_form_bind_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        user = await who_is_talking(tracker)
        number = tracker.get_slot("account_number")
        d = deps()
        preview = (
            await call(
                lookup_for_binding, d.session_factory, d.clock, user_id=user.user_id, account_number=number,
                daily_limit=d.settings.binding_lookups_per_day,
            )
            if user and number else None
        )
        if isinstance(preview, LookupLimitReached):
            say_lookups_exhausted(dispatcher, preview)
            return [SlotSet("account_number", None)]
        if preview is None or isinstance(preview, BindRefused):
            dispatcher.utter_message(response="utter_account_not_found")
            return [SlotSet("account_number", None)]
        dispatcher.utter_message(
            response="utter_ask_bind_account_form_bind_confirmed", account_number=preview.account_number,
            masked_holder=preview.holder_masked, partial_address=preview.address_partial,
            category=preview.category.value,
        )
        return []


class ConfirmedAccountSubmission(Action, ABC):
    """Submits a form that named an account and asked to confirm: acts only on a confirmed
    answer from a logged-in user, and always clears the form's two slots."""

    confirm_slot: str
    declined_response: str

    @abstractmethod
    def name(self) -> str: ...

    @abstractmethod
    async def submit(self, dispatcher: CollectingDispatcher, user_id: int, number: str) -> None:
        """Carry out the confirmed request and tell the user the outcome."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        number = tracker.get_slot("account_number")
        reset: list[EventType] = [SlotSet(s, None) for s in ("account_number", "region", self.confirm_slot)]
        user = await who_is_talking(tracker)
        if user is None or not number:
            return reset
        if tracker.get_slot(self.confirm_slot) is not True:
            dispatcher.utter_message(response=self.declined_response, account_number=number)
        else:
            await self.submit(dispatcher, user.user_id, number)
        return reset


class ActionBindAccount(ConfirmedAccountSubmission):
    """Binds, or asks the certified owner's consent; then resumes a request that needed an
    account (更名/过户 with none bound), like the resumes after login and verification."""

    confirm_slot = "bind_confirmed"
    declined_response = "utter_bind_declined"

    def name(self) -> str:
        return "action_bind_account"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events = await super().run(dispatcher, tracker, domain)
        user = await who_is_talking(tracker)
        if tracker.get_slot("pending_intent") in ROUTES and user is not None:
            bound = await call(list_bound, deps().session_factory, user.user_id)
            if bound:  # a request waiting for a bound account can go on
                return events + await resume_request(dispatcher, tracker)
        return [*events, SlotSet("pending_intent", None), SlotSet(ROUTE_SLOT, NOTHING)]

    async def submit(self, dispatcher: CollectingDispatcher, user_id: int, number: str) -> None:
        d = deps()
        outcome = await call(
            bind, d.session_factory, d.clock, user_id=user_id, account_number=number,
            daily_limit=d.settings.binding_lookups_per_day,
        )
        if isinstance(outcome, LookupLimitReached):
            say_lookups_exhausted(dispatcher, outcome)
        elif isinstance(outcome, Bound):
            response = "utter_bound_as_default" if outcome.is_default else "utter_bound"
            dispatcher.utter_message(response=response, account_number=outcome.account_number)
        elif isinstance(outcome, BindRefused):
            refusal = "utter_account_already_bound" if outcome.reason is BindRefusal.ALREADY_BOUND else (
                "utter_account_not_found")
            dispatcher.utter_message(response=refusal, account_number=number)
        else:
            dispatcher.utter_message(response="utter_consent_requested")
            await ask_owner_now(outcome)
        await offer_rest_of_pending_list(dispatcher, user_id)


async def ask_owner_now(requested: ConsentRequired) -> None:
    """Push the request to the owner's last-used chat, in the background (told with their next
    message anyway)."""
    owner = await call(request_owner, deps().session_factory, request_id=requested.request_id)
    if owner is not None:
        push_notices_soon(owner)


async def offer_rest_of_pending_list(dispatcher: CollectingDispatcher, user_id: int) -> None:
    """Several matches can be bound one after another: offer what is left on the 待绑定列表."""
    left = await call(pending, deps().session_factory, user_id)
    if left:
        dispatcher.utter_message(
            response="utter_pending_remaining", count=len(left), buttons=_account_buttons(left, "bind_account")
        )


class ActionListAccounts(Action):
    """Lists bound accounts (default marked); with a 户号 in the message, makes it the default."""

    def name(self) -> str:
        return "action_list_accounts"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        user = await who_is_talking(tracker)
        if user is None:
            return []
        named = latest_entity(tracker, "account_number") if latest_intent(tracker) == "list_accounts" else None
        if named:
            outcome = await call(set_default, deps().session_factory, user_id=user.user_id, account_number=named)
            if isinstance(outcome, NotBound):
                dispatcher.utter_message(response="utter_account_not_bound")
                return []
            dispatcher.utter_message(response="utter_default_set", account_number=outcome.account_number)
        accounts = await call(list_bound, deps().session_factory, user.user_id)
        if not accounts:
            dispatcher.utter_message(response="utter_no_accounts")
            return []
        marker = response_text(domain, "utter_account_list_default_marker")
        lines = [
            response_text(
                domain, "utter_account_list_line", account_number=a.account_number,
                masked_holder=a.holder_masked, partial_address=a.address_partial,
            ) + (marker if a.is_default else "")
            for a in accounts
        ]
        dispatcher.utter_message(response="utter_account_list", accounts="\n".join(lines))
        return []


class ValidateUnbindAccountForm(RetryingFormValidation):
    def name(self) -> str:
        return "validate_unbind_account_form"

    async def validate_account_number(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        number = parse_account_number(str(value or ""))
        if isinstance(number, AccountNumberRejected):
            return self.reject(dispatcher, tracker, "account_number", NUMBER_REJECTIONS[number.reason])
        user = await who_is_talking(tracker)
        resolved = (
            await call(resolve_account, deps().session_factory, user_id=user.user_id, named=number) if user else None
        )
        if not isinstance(resolved, str):
            return self.reject(dispatcher, tracker, "account_number", "utter_account_not_bound")
        return self.accept("account_number", resolved)


class ActionAskUnbindAccount(Action):
    """Offers the bound accounts as buttons."""

    def name(self) -> str:
        return "action_ask_unbind_account_form_account_number"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        user = await who_is_talking(tracker)
        accounts = await call(list_bound, deps().session_factory, user.user_id) if user else []
        if not accounts:
            dispatcher.utter_message(response="utter_no_accounts")
            return []
        dispatcher.utter_message(
            response="utter_choose_account_to_unbind",
            buttons=choose_buttons([a.account_number for a in accounts]),
        )
        return []


class ActionUnbindAccount(ConfirmedAccountSubmission):
    confirm_slot = "unbind_confirmed"
    declined_response = "utter_unbind_declined"

    def name(self) -> str:
        return "action_unbind_account"

    async def submit(self, dispatcher: CollectingDispatcher, user_id: int, number: str) -> None:
        outcome = await call(unbind, deps().session_factory, user_id=user_id, account_number=number)
        if isinstance(outcome, NotBound):
            dispatcher.utter_message(response="utter_account_not_bound")
        elif outcome.new_default:
            dispatcher.utter_message(
                response="utter_unbound_new_default", account_number=number, new_default=outcome.new_default
            )
        else:
            dispatcher.utter_message(response="utter_unbound", account_number=number)
