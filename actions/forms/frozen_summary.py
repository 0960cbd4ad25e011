"""The application forms' summaries, frozen server-side (:mod:`bot.applications.form_summaries`).

A form's summary question freezes what it shows (:func:`freeze`); the confirmation and the
submission check that the application built from the slots then is the same
(:func:`confirmation`, :func:`take`). Anything changed in between — an entity in the SMS-code
or confirming turn, a typed ``/inform{...}`` — brings a new summary to confirm, and a code that
did not go to the application's phone brings a new code, before anything is filed.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import call, chat_identity, deps
from actions.forms.retrying import accept
from bot.applications.form_summaries import (
    SUMMARY_VALID_FOR,
    ChatForm,
    SummaryCheck,
    check_summary,
    discard_summary,
    freeze_summary,
    record_code,
    take_summary,
)

# What a confirmation is checked against: (the content filed now, the phone its code went to).
ContentNow = Callable[[Tracker], Awaitable[tuple[Any, str | None]]]

RECHECK_RESPONSES = {
    SummaryCheck.MISSING: "utter_form_summary_recheck",
    SummaryCheck.CHANGED: "utter_form_summary_changed",
    SummaryCheck.EXPIRED: "utter_form_summary_expired",
    SummaryCheck.CODE_MISSING: "utter_form_code_again",
}


def chat_form(tracker: Tracker, form: str) -> ChatForm:
    channel, sender_id = chat_identity(tracker)
    return ChatForm(channel, sender_id, form)


async def freeze(tracker: Tracker, form: str, content: Any) -> None:
    """The summary of ``content`` is being shown."""
    d = deps()
    await call(freeze_summary, d.session_factory, d.clock, chat=chat_form(tracker, form), content=content)


async def code_entered(tracker: Tracker, form: str, phone: str) -> None:
    """A correct code sent to ``phone`` was entered in ``form``."""
    d = deps()
    await call(record_code, d.session_factory, d.clock, chat=chat_form(tracker, form), phone=phone)


async def confirmation(tracker: Tracker, form: str, content: Any, *, phone: str | None) -> SummaryCheck:
    """Whether a 提交 now confirms exactly the summary shown (nothing is used up)."""
    d = deps()
    return await call(check_summary, d.session_factory, d.clock, chat=chat_form(tracker, form),
                      content=content, phone=phone)


async def take(tracker: Tracker, form: str, content: Any, *, phone: str | None) -> SummaryCheck:
    """:func:`confirmation` at submission; when it holds, the summary is used up."""
    d = deps()
    return await call(take_summary, d.session_factory, d.clock, chat=chat_form(tracker, form),
                      content=content, phone=phone)


async def discard(tracker: Tracker, form: str) -> None:
    await call(discard_summary, deps().session_factory, chat=chat_form(tracker, form))


def recheck_slots(
    dispatcher: CollectingDispatcher, check: SummaryCheck, *, confirmed_slot: str, code_slot: str
) -> dict[str, Any]:
    """Says why the confirmation does not count; the slots to clear so the form shows a new
    summary (after a new code when the code is what failed)."""
    dispatcher.utter_message(response=RECHECK_RESPONSES[check],
                             minutes=int(SUMMARY_VALID_FOR.total_seconds() // 60))
    cleared: dict[str, Any] = {confirmed_slot: None}
    if check is SummaryCheck.CODE_MISSING:
        cleared[code_slot] = None
    return cleared


async def confirmed_answer(
    value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, *, form: str, slot: str, code_slot: str,
    content_now: ContentNow,
) -> dict[str, Any]:
    """The summary-confirmation step: 提交 counts only for the summary shown; anything changed
    since brings a new one (after a new code when the code is what failed)."""
    if value is not True:
        return accept(slot, False)
    content, phone = await content_now(tracker)
    check = await confirmation(tracker, form, content, phone=phone)
    if check is not SummaryCheck.HOLDS:
        return recheck_slots(dispatcher, check, confirmed_slot=slot, code_slot=code_slot)
    return accept(slot, True)


def back_to_summary(
    dispatcher: CollectingDispatcher, check: SummaryCheck, *, form: str, confirmed_slot: str, code_slot: str
) -> list[EventType]:
    """At submission: nothing filed, the form goes on to a new summary."""
    cleared = recheck_slots(dispatcher, check, confirmed_slot=confirmed_slot, code_slot=code_slot)
    return [*(SlotSet(slot, value) for slot, value in cleared.items()), FollowupAction(form)]
