"""实名认证: name and ID number, checked, confirmed, verified against the registry."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import call, deps, forget_who_is_talking, who_is_talking
from actions.forms.fields import Answer, FormFields
from actions.forms.person import id_number_answer, person_name_answer
from actions.forms.retrying import RetryingFormValidation
from actions.identity.login import resume_request
from bot.identity.real_name import IdentityRejected, IdentityRejection, verify_identity
from bot.privacy.masking import mask_id_number, mask_name

# One reply for every pair that does not verify this user: telling "verified by another
# account" apart would confirm that a guessed name and ID number belong together.
IDENTITY_REJECTIONS = {
    IdentityRejection.NOT_IN_REGISTRY: "utter_identity_not_matched",
    IdentityRejection.NAME_MISMATCH: "utter_identity_not_matched",
    IdentityRejection.ALREADY_VERIFIED_AS_OTHER: "utter_identity_not_matched",
    IdentityRejection.USER_ALREADY_VERIFIED: "utter_already_verified",
    IdentityRejection.TOO_MANY_ATTEMPTS: "utter_identity_too_many_attempts",
}
# verify_identity's name and ID number, and the slots answering them.
FIELDS = FormFields(
    {"name": Answer("person_name"), "id_number": Answer("id_number")}, other_slots=("identity_confirmed",),
)


class ValidateVerifyIdentityForm(RetryingFormValidation):
    def name(self) -> str:
        return "validate_verify_identity_form"

    async def validate_person_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return person_name_answer("person_name", value, dispatcher, tracker)

    async def validate_id_number(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return id_number_answer("id_number", value, dispatcher, tracker)

    async def validate_identity_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is not True:
            dispatcher.utter_message(response="utter_identity_reenter")
            return FIELDS.cleared()
        user = await who_is_talking(tracker)
        if user is None:  # logged out meanwhile: the form ends and the router starts over
            return {"identity_confirmed": True}
        d = deps()
        outcome = await call(
            verify_identity, d.session_factory, d.clock, user_id=user.user_id, **FIELDS.request_from(tracker),
        )
        forget_who_is_talking(tracker)  # a verification changes the user's real_name_verified
        if isinstance(outcome, IdentityRejected):
            dispatcher.utter_message(response=IDENTITY_REJECTIONS[outcome.reason])
            if outcome.reason is IdentityRejection.USER_ALREADY_VERIFIED:
                return {"identity_confirmed": True}
            if outcome.reason is IdentityRejection.TOO_MANY_ATTEMPTS:  # end the form; resume nothing
                return {"identity_confirmed": True, "pending_intent": None}
            return FIELDS.cleared()
        dispatcher.utter_message(
            response="utter_identity_verified",
            masked_name=mask_name(tracker.get_slot("person_name")), masked_id=outcome.masked_id,
        )
        return {"identity_confirmed": True}


class ActionAskIdentityConfirmed(Action):
    """Asks to confirm the answers, shown masked: the ID number is never echoed in full."""

    def name(self) -> str:
        return "action_ask_verify_identity_form_identity_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(
            response="utter_ask_verify_identity_form_identity_confirmed",
            masked_name=mask_name(tracker.get_slot("person_name") or ""),
            masked_id=mask_id_number(tracker.get_slot("id_number") or ""),
        )
        return []


class ActionAfterVerification(Action):
    def name(self) -> str:
        return "action_after_verification"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return FIELDS.reset_events(retry_count=False) + await resume_request(dispatcher, tracker)
