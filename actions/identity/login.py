"""登录/注册 by phone and SMS code, the request router, and resuming after a detour."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import (
    REQUEST_TEXT_SLOT,
    call,
    chat_identity,
    deps,
    forget_who_is_talking,
    latest_entity,
    latest_intent,
    login_state_of,
    request_text,
    who_is_talking,
)
from actions.conversation.notices import deliver_notices
from actions.files.uploads import FILE_INTENT, account_on_photo, explain_photo_problem
from actions.forms.retrying import RetryingFormValidation
from bot.accounts.binding import list_bound
from bot.conversation.routing import NOTHING, ROUTE_SLOT, ROUTES, decide
from bot.identity.login import LoggedIn, LoggedInUser, LoginExpired, LoginRefused, complete_login, logout, start_login
from bot.identity.verification import CodeRejection, IssueRefusal
from bot.limits.windows import chat_key
from bot.privacy.masking import mask_phone

ISSUE_REFUSALS = {
    IssueRefusal.INVALID_PHONE: "utter_invalid_phone",
    IssueRefusal.RESEND_TOO_SOON: "utter_code_resend_too_soon",
    IssueRefusal.DAILY_LIMIT: "utter_code_daily_limit",
    IssueRefusal.CHAT_DAILY_LIMIT: "utter_code_chat_daily_limit",
    IssueRefusal.TOO_MANY_PHONES: "utter_code_too_many_phones",
}
CODE_REJECTIONS = {
    CodeRejection.WRONG: "utter_code_wrong",
    CodeRejection.BAD_FORMAT: "utter_code_bad_format",
    CodeRejection.EXPIRED: "utter_code_expired",
    CodeRejection.TOO_MANY_ATTEMPTS: "utter_code_too_many_attempts",
    CodeRejection.NO_CODE: "utter_code_missing",
    CodeRejection.CHAT_GUESS_LIMIT: "utter_code_guess_limit",
}
# After these the code is gone (or this chat may not check codes today): the form asks for the phone again.
CODE_GONE = {
    CodeRejection.EXPIRED, CodeRejection.TOO_MANY_ATTEMPTS, CodeRejection.NO_CODE, CodeRejection.CHAT_GUESS_LIMIT,
}
ALREADY_DONE = {"login": "utter_already_logged_in", "verify_identity": "utter_already_verified"}
# Slots a request sets afresh from its own message's entities (slot: entity).
FRESH_SLOTS = {
    "account_number": "account_number", "region": "region", "pay_amount": "amount", "pay_method": "payment_method",
    "autopay_choice": "autopay_choice", "change_type": "change_type", "install_type": "install_type",
}
# Answers that belong to an earlier request's confirmation: never carried into a new one.
CLEARED_SLOTS = ("pay_confirmed", "payment_key", "autopay_confirmed", "rt_confirmed", "rt_refused", "ni_confirmed")
DETOUR_NOTICE = {
    "login_form": "utter_login_required", "verify_identity_form": "utter_verification_required",
    "bind_account_form": "utter_bind_required",
}


async def route(
    dispatcher: CollectingDispatcher, tracker: Tracker, intent: str
) -> list[EventType]:
    """Send ``intent`` to its flow, through login or verification first when it needs them."""
    state = await login_state_of(tracker)
    user = state if isinstance(state, LoggedInUser) else None
    if user is not None:
        await deliver_notices(dispatcher, user_id=user.user_id)
    done = ALREADY_DONE.get(intent)
    if done and user is not None and (intent == "login" or user.real_name_verified):
        dispatcher.utter_message(response=done, masked_phone=user.masked_phone)
        return [SlotSet(ROUTE_SLOT, NOTHING)]
    has_accounts = (
        not ROUTES[intent].needs_account or user is None
        or bool(await call(list_bound, deps().session_factory, user.user_id))
    )
    decision = decide(
        intent, logged_in=user is not None, verified=bool(user and user.real_name_verified), has_accounts=has_accounts
    )
    if decision.resume:
        expired = isinstance(state, LoginExpired) and decision.target == "login_form"
        dispatcher.utter_message(response="utter_login_expired" if expired else DETOUR_NOTICE[decision.target])
    # Rules (data/core/rules.yml) run the target named by this categorical slot next.
    return [SlotSet("pending_intent", decision.resume), SlotSet(ROUTE_SLOT, decision.target)]


class ActionRouteRequest(Action):
    """Entry point of every request that may need a logged-in or verified user."""

    def name(self) -> str:
        return "action_route_request"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        intent = latest_intent(tracker)
        if intent == FILE_INTENT:
            return await self._route_photo(dispatcher, tracker)
        if intent not in ROUTES:
            dispatcher.utter_message(response="utter_menu")
            return [SlotSet(ROUTE_SLOT, NOTHING)]
        active_form = tracker.active_loop.get("name")
        if active_form and ROUTES[intent].target == active_form:
            # The user is answering the form they are in ("确认绑定" inside the bind form): go on with it.
            return [SlotSet(ROUTE_SLOT, active_form)]
        # A 户号 (and region, amount, way to pay) named in this very message is what the request is
        # about; never older ones.
        fresh = [SlotSet(slot, latest_entity(tracker, entity)) for slot, entity in FRESH_SLOTS.items()]
        fresh += [SlotSet(slot, None) for slot in CLEARED_SLOTS]
        fresh.append(SlotSet(REQUEST_TEXT_SLOT, request_text(tracker)))
        return fresh + await route(dispatcher, tracker, intent)

    @staticmethod
    async def _route_photo(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        """A file sent outside any form is read as a bill photo: bind the 户号 on it."""
        photo = await account_on_photo(tracker)
        if not isinstance(photo, str):
            explain_photo_problem(dispatcher, photo)
            return [SlotSet(ROUTE_SLOT, NOTHING)]
        dispatcher.utter_message(response="utter_barcode_read", account_number=photo)
        fresh = [SlotSet("account_number", photo), SlotSet("region", None), SlotSet(REQUEST_TEXT_SLOT, None)]
        return fresh + await route(dispatcher, tracker, "bind_account")


async def resume_request(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """After a login or verification detour: continue with what the user asked for, if anything."""
    pending = tracker.get_slot("pending_intent")
    if pending in ROUTES:
        return [SlotSet("pending_intent", None), *await route(dispatcher, tracker, pending)]
    await deliver_notices_to_whoever_is_talking(dispatcher, tracker)
    return [SlotSet("pending_intent", None), SlotSet(ROUTE_SLOT, NOTHING)]


async def deliver_notices_to_whoever_is_talking(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    user = await who_is_talking(tracker)
    if user is not None:
        await deliver_notices(dispatcher, user_id=user.user_id)


class ActionAfterLogin(Action):
    def name(self) -> str:
        return "action_after_login"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        clear = [SlotSet("phone_number", None), SlotSet("verification_code", None)]
        return clear + await resume_request(dispatcher, tracker)


class ActionLogout(Action):
    def name(self) -> str:
        return "action_logout"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        channel, sender_id = chat_identity(tracker)
        was_logged_in = await call(logout, deps().session_factory, channel=channel, sender_id=sender_id)
        forget_who_is_talking(tracker)
        dispatcher.utter_message(response="utter_logged_out" if was_logged_in else "utter_not_logged_in")
        return [SlotSet("pending_intent", None)]


class ValidateLoginForm(RetryingFormValidation):
    def name(self) -> str:
        return "validate_login_form"

    async def validate_phone_number(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        d = deps()
        outcome = await call(
            start_login, d.session_factory, d.sms_gateway, d.clock,
            phone_text=str(value or ""), requester=chat_key(*chat_identity(tracker)),
        )
        if isinstance(outcome, LoginRefused):
            if outcome.reason is IssueRefusal.INVALID_PHONE:
                return self.reject(dispatcher, tracker, "phone_number", "utter_invalid_phone")
            dispatcher.utter_message(response=ISSUE_REFUSALS[outcome.reason], seconds_left=outcome.seconds_left)
            return {"phone_number": None}
        dispatcher.utter_message(response="utter_code_sent", masked_phone=mask_phone(outcome.phone))
        return self.accept("phone_number", outcome.phone)

    async def validate_verification_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        phone = tracker.get_slot("phone_number")
        if not phone:
            return {"verification_code": None}
        channel, sender_id = chat_identity(tracker)
        d = deps()
        outcome = await call(
            complete_login, d.session_factory, d.clock,
            channel=channel, sender_id=sender_id, phone=phone, code=str(value or "").strip(),
        )
        if isinstance(outcome, LoggedIn):
            forget_who_is_talking(tracker)
            response = "utter_registered_and_logged_in" if outcome.newly_registered else "utter_login_success"
            dispatcher.utter_message(response=response, masked_phone=outcome.user.masked_phone)
            return self.accept("verification_code", "accepted")
        if outcome.reason in CODE_GONE:
            dispatcher.utter_message(response=CODE_REJECTIONS[outcome.reason])
            return {"verification_code": None, "phone_number": None}
        if outcome.reason is CodeRejection.WRONG:
            return self.reject(
                dispatcher, tracker, "verification_code", "utter_code_wrong", tries_left=outcome.tries_left
            )
        return self.reject(dispatcher, tracker, "verification_code", CODE_REJECTIONS[outcome.reason])


class ActionDeliverNotices(Action):
    """News waiting for a logged-in user (consent requests and decisions), e.g. after a greeting."""

    def name(self) -> str:
        return "action_deliver_notices"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        await deliver_notices_to_whoever_is_talking(dispatcher, tracker)
        return []
