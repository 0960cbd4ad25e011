"""户主认证 (owner certification, by the holder's ID) and the owner's answer to a consent request."""
from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.accounts.binding import choose_buttons
from actions.common import call, deps, latest_entity, latest_intent, who_is_talking
from actions.conversation.notices import push_notices_soon
from bot.accounts.binding import Resolution, resolve_account
from bot.accounts.consent import DecisionRefused, decide_consent
from bot.accounts.ownership import CertifyRefusal, CertifyRefused, certify_owner

CERTIFY_REFUSALS = {
    CertifyRefusal.NOT_BOUND: "utter_certify_not_bound",
    CertifyRefusal.NOT_THE_HOLDER: "utter_certify_not_the_holder",
    CertifyRefusal.ALREADY_CERTIFIED_BY_OTHER: "utter_certify_already_by_other",
}


class ActionCertifyOwner(Action):
    """户主认证 of the named (or default) bound account; the router ensures real-name verification."""

    def name(self) -> str:
        return "action_certify_owner"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        user = await who_is_talking(tracker)
        if user is None:
            return []
        d = deps()
        named = tracker.get_slot("account_number")
        resolved = await call(resolve_account, d.session_factory, user_id=user.user_id, named=named)
        if isinstance(resolved, Resolution):
            if resolved.choices and not named:
                dispatcher.utter_message(
                    response="utter_ask_account_to_certify",
                    buttons=choose_buttons([c.account_number for c in resolved.choices], "certify_owner"),
                )
            else:
                dispatcher.utter_message(response="utter_account_not_bound" if named else "utter_no_accounts")
            return [SlotSet("account_number", None)]
        outcome = await call(certify_owner, d.session_factory, user_id=user.user_id, account_number=resolved)
        if isinstance(outcome, CertifyRefused):
            dispatcher.utter_message(response=CERTIFY_REFUSALS.get(outcome.reason, "utter_verification_required"),
                                     account_number=resolved)
        else:
            dispatcher.utter_message(response="utter_owner_certified", account_number=outcome.account_number)
        return [SlotSet("account_number", None)]


class ActionDecideConsent(Action):
    """The owner's answer to a consent request (buttons carry the request id; re-checked here);
    the requester hears it at once on the chat they used last if it can push, else when they next chat."""

    def name(self) -> str:
        return "action_decide_consent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        user = await who_is_talking(tracker)
        raw_id = latest_entity(tracker, "consent_request_id") or ""
        if user is None or not raw_id.isdigit():
            dispatcher.utter_message(response="utter_consent_not_found")
            return []
        d = deps()
        outcome = await call(
            decide_consent, d.session_factory, d.clock, owner_user_id=user.user_id,
            request_id=int(raw_id), approve=latest_intent(tracker) == "affirm",
        )
        if isinstance(outcome, DecisionRefused):
            dispatcher.utter_message(response="utter_consent_not_found")
            return []
        if outcome.approved:
            dispatcher.utter_message(response="utter_consent_approved_by_you", account_number=outcome.account_number)
        else:
            dispatcher.utter_message(response="utter_consent_refused_by_you")
        push_notices_soon(outcome.requester_user_id)
        return []
