"""One IVR turn: the activities of a request → what the IVR says and does.

* ``start``: the greeting a new chat gets (``/greet``, as Telegram's /start). When the caller is
  a mainland mobile, its menu is not read; the caller is offered to log in with the number
  ("您是用尾号0001的手机来电…确认请按1"), and key 1 runs the login form with it (the SMS code is
  still asked, as on every channel).
* ``message``: recognised speech. Below ``IVR_MIN_CONFIDENCE`` it is not sent yet: "您是要……吗？
  确认请按1，重新说请按2" names the menu entry the NLU reads in it, or else quotes it; 1 sends it.
  A bare number said ("二") picks an option of the menu heard, like a key.
* ``DTMF``: :mod:`bot.channels.ivr.keypad`.
* ``noUserInput`` and no-match (the assistant's fallback responses) reprompt; the
  :data:`MISSES_BEFORE_TRANSFER`-th in a row transfers the call to a human agent: a hand-off
  record with the transcript, and a ``transfer`` event to ``IVR_TRANSFER_TARGET``. A hand-off
  the dialogue itself made (转人工) transfers too, and a goodbye hangs up.

Every text reaching the dialogue passes :func:`bot.channels.inbound_guard.screen_inbound`;
replies are spoken with :func:`bot.channels.rendering.voice.render_for_voice`, whose keypad
menu is remembered per call (channel ``ivr``).
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rasa.core.channels.channel import UserMessage

from bot.channels.inbound_guard import Refused, screen_inbound
from bot.channels.ivr.activities import Activity, hangup_event, mainland_mobile, message_activity, transfer_event
from bot.channels.ivr.calls import Calls, CallState, CallStatus
from bot.channels.ivr.keypad import CONFIRM_HEARD, LOGIN_WITH_CALLER, SAY_AGAIN, Keys, read_keys
from bot.channels.ivr.output import CHANNEL, FALLBACK_RESPONSES, GOODBYE_RESPONSES, HANDOFF_RESPONSES, TurnOutput
from bot.channels.rendering.numbered_options import NumberedOptions
from bot.channels.rendering.voice import render_for_voice
from bot.channels.replies import domain_text
from bot.channels.seen_once import SeenOnce
from bot.clock import Clock
from bot.conversation.dialogue import HandoffReason
from bot.conversation.handoff import TranscriptLine, record_handoff, transcript_from_events
from bot.db.session import SessionFactory
from bot.domain_files import domain_responses
from bot.settings import Settings

__all__ = ["MISSES_BEFORE_TRANSFER", "NO_USER_INPUT", "IvrDialogue", "Reply"]

log = logging.getLogger(__name__)
OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
Classify = Callable[[str], Awaitable[str | None]]  # text → the NLU's intent name
History = Callable[[str], Awaitable[Sequence[Mapping[str, Any]]]]  # sender → its tracker events (dicts)

MISSES_BEFORE_TRANSFER = 3  # two reprompts, then a person
NO_USER_INPUT = "no_user_input"  # the hand-off reason after silence
START_PAYLOAD = "/greet"
LOGIN_PAYLOAD = "/login"
ASKS_PHONE = "utter_ask_login_form_phone_number"
MENU_RESPONSE = "utter_greet"


@dataclass(frozen=True)
class Reply:
    """What one activity gets: sentences to speak, the keypad menu they read (None keeps the
    one the caller heard before) and an ending event ("transfer", "hangup" or None)."""

    sentences: tuple[str, ...] = ()
    keypad: tuple[str, ...] | None = None
    end: str | None = None


def _without_buttons(messages: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in m.items() if k not in ("buttons", "quick_replies")} for m in messages]


def _menu_labels() -> dict[str, str]:
    """Intent → its title in the greeting's menu ("query_bill" → "查电费")."""
    buttons = domain_responses()[MENU_RESPONSE][0].get("buttons") or []
    return {str(b["payload"]).lstrip("/"): str(b["title"]) for b in buttons}


class IvrDialogue:
    """The turn logic of the channel, around what it needs from outside (all injectable)."""

    def __init__(
        self, on_new_message: OnNewMessage, *, calls: Calls, options: NumberedOptions, seen: SeenOnce,
        settings: Settings, clock: Clock, session_factory: SessionFactory,
        classify: Classify | None = None, history: History | None = None,
    ) -> None:
        self._on_new_message = on_new_message
        self._calls = calls
        self._options = options
        self._seen = seen
        self._settings = settings
        self._clock = clock
        self._session_factory = session_factory
        self._classify = classify
        self._history = history

    async def answer(self, conversation: str, activities: Sequence[Activity]) -> list[dict[str, Any]] | CallStatus:
        """The activities to answer with, or the call's status when it is not live (410/404).
        An activity id seen before is skipped; nothing follows a transfer or a hang-up."""
        answer: list[dict[str, Any]] = []
        for activity in activities:
            call = await asyncio.to_thread(self._calls.touch, conversation)
            if isinstance(call, CallStatus):
                return call
            if not await asyncio.to_thread(self._seen.first_time, f"{conversation}:{activity.id}"):
                log.info("IVR activity %s of %s was seen before; skipped", activity.id, conversation)
                continue
            reply = await self._reply(call, activity)
            if reply.keypad is not None:
                await asyncio.to_thread(self._options.remember, CHANNEL, conversation, list(reply.keypad))
            now = self._clock.now()
            answer.extend(message_activity(sentence, now) for sentence in reply.sentences)
            if reply.end == "transfer":
                answer.append(transfer_event(self._settings.ivr_transfer_target, now))
            elif reply.end == "hangup":
                answer.append(hangup_event(now))
            if reply.end is not None:
                break
        return answer

    async def _reply(self, call: CallState, activity: Activity) -> Reply:
        if activity.type == "message":
            return await self._on_speech(call, activity)
        if activity.name == "start":
            return await self._on_start(call, activity)
        if activity.name == "DTMF":
            return await self._on_keys(call, activity.value)
        if activity.name == "noUserInput":
            return await self._on_silence(call)
        log.info("IVR event %r ignored", activity.name[:40])
        return Reply()

    # --- the kinds of activity ---------------------------------------------------------------

    async def _on_start(self, call: CallState, activity: Activity) -> Reply:
        output = await self._converse(call, START_PAYLOAD)
        phone = mainland_mobile(activity.parameters.get("caller"))
        if phone is None:
            return self._speak(output.messages)
        await asyncio.to_thread(self._calls.update, call.conversation_id, caller=phone)
        offer = {"text": domain_text("utter_ivr_offer_caller_login", last_four=phone[-4:])}
        return self._speak([*_without_buttons(output.messages), offer], keypad=(LOGIN_WITH_CALLER,))

    async def _on_speech(self, call: CallState, activity: Activity) -> Reply:
        screened = await screen_inbound(CHANNEL, call.conversation_id, activity.text)
        if isinstance(screened, Refused):
            return self._speak([{"text": screened.text}])
        if call.pending_text is not None or call.digits:
            await asyncio.to_thread(self._calls.update, call.conversation_id, pending_text=None, digits="")
        if activity.confidence is not None and activity.confidence < self._settings.ivr_min_confidence:
            await asyncio.to_thread(self._calls.update, call.conversation_id, pending_text=screened.text)
            heard = await self._heard_as(screened.text)
            question = {"text": domain_text("utter_ivr_confirm_heard", heard=heard)}
            return self._speak([question], keypad=(CONFIRM_HEARD, SAY_AGAIN))
        picked = await asyncio.to_thread(self._options.resolve, CHANNEL, call.conversation_id, screened.text)
        if picked is not None:  # "二" said instead of keyed: the option, as on WeChat
            return await self._picked(call, picked)
        return await self._dialogue_turn(call, screened.text)

    async def _on_keys(self, call: CallState, value: str) -> Reply:
        keys = read_keys(value, call.digits)
        if keys.choice is not None:
            payload = await asyncio.to_thread(self._options.resolve, CHANNEL, call.conversation_id, keys.choice)
            if payload is not None:
                return await self._picked(call, payload)
            keys = Keys(buffer=keys.choice)  # no such option: the first digit of a number
        if keys.typed is not None:
            await asyncio.to_thread(self._calls.update, call.conversation_id, digits="")
            screened = await screen_inbound(CHANNEL, call.conversation_id, keys.typed)
            if isinstance(screened, Refused):
                return self._speak([{"text": screened.text}])
            return await self._dialogue_turn(call, screened.text)
        if keys.buffer != call.digits:
            await asyncio.to_thread(self._calls.update, call.conversation_id, digits=keys.buffer)
        return Reply()  # more digits to come

    async def _on_silence(self, call: CallState) -> Reply:
        misses = await asyncio.to_thread(self._calls.add_miss, call.conversation_id)
        if misses >= MISSES_BEFORE_TRANSFER:
            return await self._transfer(call, NO_USER_INPUT)
        reprompt = self._speak([{"text": domain_text("utter_ivr_no_input")}])
        return Reply(reprompt.sentences, None)  # the menu heard before still holds

    # --- what they lead to ------------------------------------------------------------------

    async def _picked(self, call: CallState, payload: str) -> Reply:
        if payload == LOGIN_WITH_CALLER:
            output = await self._converse(call, LOGIN_PAYLOAD)
            if ASKS_PHONE in output.responses() and call.caller is not None:
                output = await self._converse(call, call.caller)
            return self._speak(output.messages)
        if payload in (CONFIRM_HEARD, SAY_AGAIN):
            await asyncio.to_thread(self._calls.update, call.conversation_id, pending_text=None)
            if payload == CONFIRM_HEARD and call.pending_text is not None:
                return await self._dialogue_turn(call, call.pending_text)
            return self._speak([{"text": domain_text("utter_ivr_say_again")}], keypad=())
        screened = await screen_inbound(CHANNEL, call.conversation_id, payload)
        if isinstance(screened, Refused):
            return self._speak([{"text": screened.text}])
        return await self._dialogue_turn(call, screened.text)

    async def _dialogue_turn(self, call: CallState, text: str) -> Reply:
        """``text`` to the dialogue; its reply spoken, counted as a miss when it is a fallback."""
        output = await self._converse(call, text)
        said = output.responses()
        if said & FALLBACK_RESPONSES:
            misses = await asyncio.to_thread(self._calls.add_miss, call.conversation_id)
            if misses >= MISSES_BEFORE_TRANSFER:
                return await self._transfer(call, HandoffReason.REPEATED_MISUNDERSTANDING.value)
        elif call.misses:
            await asyncio.to_thread(self._calls.update, call.conversation_id, misses=0)
        reply = self._speak(output.messages)
        if said & HANDOFF_RESPONSES:
            return Reply(reply.sentences, (), "transfer")
        if said & GOODBYE_RESPONSES:
            return Reply(reply.sentences, (), "hangup")
        return reply

    async def _transfer(self, call: CallState, reason: str) -> Reply:
        """Record the hand-off with the transcript, then hand the call over."""
        text = domain_text("utter_ivr_transfer")
        events = await self._history(call.conversation_id) if self._history is not None else []
        transcript = [*transcript_from_events(events), TranscriptLine("bot", text, self._clock.now())]
        handoff_id = await asyncio.to_thread(
            record_handoff, self._session_factory, channel=CHANNEL, sender_id=call.conversation_id,
            reason=reason, transcript=transcript, clock=self._clock,
        )
        await asyncio.to_thread(self._calls.update, call.conversation_id, misses=0, pending_text=None, digits="")
        log.info("IVR call %s transferred to a human agent (hand-off %d, %s)", call.conversation_id, handoff_id, reason)
        return Reply(self._speak([{"text": text}]).sentences, (), "transfer")

    async def _heard_as(self, text: str) -> str:
        """How the confirmation names what was heard: the menu entry the NLU finds in it, else
        the words themselves, quoted."""
        if self._classify is not None:
            try:
                intent = await self._classify(text)
            except Exception:  # the NLU is a nicety here: the words will do
                log.exception("the NLU could not read low-confidence speech")
                intent = None
            label = _menu_labels().get(intent or "")
            if label:
                return label
        return f"“{text}”"

    async def _converse(self, call: CallState, text: str) -> TurnOutput:
        output = TurnOutput()
        try:
            await self._on_new_message(UserMessage(text, output, call.conversation_id, input_channel=CHANNEL))
        except Exception:  # as Rasa's own webhook: log, answer with what was said so far
            log.exception("an IVR turn could not be handled")
        return output

    def _speak(self, messages: Sequence[Mapping[str, Any]], keypad: tuple[str, ...] | None = None) -> Reply:
        """``messages`` as spoken sentences; their keypad menu unless ``keypad`` names the options."""
        spoken = render_for_voice(messages, ssml=self._settings.ivr_ssml)
        return Reply(spoken.sentences, spoken.keypad_payloads if keypad is None else keypad)
