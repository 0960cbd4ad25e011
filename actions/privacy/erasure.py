"""注销账号 / 删除我的个人信息: the confirmation question, then the erasure (bot.privacy.erasure).

The router sends only logged-in users here (an anonymous chat logs in first). The question
says what goes and what is kept; asking it is recorded server-side, and the erasure checks
that record, so a forged ``erase_confirmed`` slot erases nothing.
"""
from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import call, chat_identity, deps, forget_who_is_talking, who_is_talking
from bot.identity.login import LoggedInUser
from bot.privacy.erasure import Erased, ask_erasure, cancel_erasure, erase_user

CONFIRMED_SLOT = "erase_confirmed"


async def user_or_refusal(dispatcher: CollectingDispatcher, tracker: Tracker) -> LoggedInUser | None:
    """Who is talking; when nobody is (logged out meanwhile), says an erasure needs a login."""
    user = await who_is_talking(tracker)
    if user is None:
        dispatcher.utter_message(response="utter_erase_login_required")
    return user


class ActionAskEraseConfirmed(Action):
    def name(self) -> str:
        return "action_ask_erase_data_form_erase_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        user = await user_or_refusal(dispatcher, tracker)
        if user is None:  # the answer will be refused too
            return []
        channel, sender_id = chat_identity(tracker)
        d = deps()
        await call(ask_erasure, d.session_factory, d.clock, user_id=user.user_id, channel=channel, sender_id=sender_id)
        dispatcher.utter_message(response="utter_ask_erase_data_form_erase_confirmed", masked_phone=user.masked_phone)
        return []


class ActionEraseMyData(Action):
    def name(self) -> str:
        return "action_erase_my_data"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        done: list[EventType] = [SlotSet(CONFIRMED_SLOT, None)]
        user = await user_or_refusal(dispatcher, tracker)
        if user is None:
            return done
        d = deps()
        if tracker.get_slot(CONFIRMED_SLOT) is not True:
            await call(cancel_erasure, d.session_factory, user_id=user.user_id)
            dispatcher.utter_message(response="utter_erase_cancelled")
            return done
        channel, sender_id = chat_identity(tracker)
        outcome = await call(
            erase_user, d.session_factory, d.clock, d.settings.files_dir,
            user_id=user.user_id, channel=channel, sender_id=sender_id,
        )
        forget_who_is_talking(tracker)
        if not isinstance(outcome, Erased):
            dispatcher.utter_message(response="utter_erase_not_confirmed")
            return done
        dispatcher.utter_message(response="utter_erased")
        # This conversation is deleted from the tracker store when Rasa saves it; the chat is anonymous now.
        return [*done, SlotSet("pending_intent", None)]
