"""FAQ answers: the topic the ResponseSelector chose (``faq/<topic>``), answered with its response
``utter_faq/<topic>`` — or, for 阶梯电价 asked by a logged-in user with a default bound account, with
that account's own tiers and prices (:mod:`bot.conversation.faq_facts`).

The rules answer the retrieval intent ``faq`` with this action (inside forms too, which then go on),
where Rasa's built-in ``utter_faq`` could only send the static text.
"""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.billing.usage import tier_position_line
from actions.common import call, deps, response_text, who_is_talking
from bot.conversation.faq_facts import AccountTariff, TierBand, account_tariff
from bot.text.labels import price_label, tier_label

# The FAQ's responses: utter_faq/<topic> for the retrieval intent faq (the validator names them "utter_faq").
FAQ_RESPONSES = "utter_faq"
FAQ_RESPONSE_PREFIX = FAQ_RESPONSES + "/"
TIERED_PRICING = "utter_faq/tiered_pricing"


def selected_faq(tracker: Tracker) -> str | None:
    """The response (``utter_faq/<topic>``) the ResponseSelector chose for the latest message."""
    selector = (tracker.latest_message or {}).get("response_selector") or {}
    chosen = selector.get("faq") or selector.get("default") or {}
    action = (chosen.get("response") or {}).get("utter_action")
    return action if isinstance(action, str) and action.startswith(FAQ_RESPONSE_PREFIX) else None


def band_line(domain: dict[str, Any], band: TierBand) -> str:
    price = price_label(band.price)
    if band.up_to_kwh is None:
        return response_text(domain, "utter_faq_tier_band_top", tier=tier_label(band.number),
                             start=band.from_kwh, price=price)
    if band.from_kwh == 1:
        return response_text(domain, "utter_faq_tier_band_first", tier=tier_label(band.number),
                             end=band.up_to_kwh, price=price)
    return response_text(domain, "utter_faq_tier_band", tier=tier_label(band.number),
                         start=band.from_kwh, end=band.up_to_kwh, price=price)


def tariff_answer(domain: dict[str, Any], tariff: AccountTariff) -> str:
    """The 阶梯电价 answer for one account, line by line."""
    who = {"account_number": tariff.account_number, "region": tariff.region_name, "category": tariff.category}
    if tariff.flat:
        return response_text(domain, "utter_faq_tariff_flat", price=price_label(tariff.bands[0].price), **who)
    lines = [response_text(domain, "utter_faq_tiers_of_account", **who)]
    lines += [band_line(domain, band) for band in tariff.bands]
    if tariff.peak_valley is not None:
        lines.append(response_text(
            domain, "utter_faq_tiers_peak_valley", peak=price_label(tariff.peak_valley.peak_delta),
            valley=price_label(abs(tariff.peak_valley.valley_delta)),
        ))
    lines.append(tier_position_line(domain, tariff.position))
    lines.append(response_text(domain, "utter_faq_tiers_source"))
    return "\n".join(lines)


class ActionAnswerFaq(Action):
    """Answer the FAQ topic of the latest message."""

    def name(self) -> str:
        return "action_answer_faq"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        response = selected_faq(tracker)
        if response is None or response not in domain.get("responses", {}):
            dispatcher.utter_message(response="utter_ask_rephrase")
            return []
        if response == TIERED_PRICING:
            user = await who_is_talking(tracker)
            if user is not None:
                d = deps()
                tariff = await call(account_tariff, d.session_factory, d.clock, d.tariffs, user_id=user.user_id)
                if tariff is not None:
                    dispatcher.utter_message(text=tariff_answer(domain, tariff))
                    return []
        dispatcher.utter_message(response=response)
        return []
