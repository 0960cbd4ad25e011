"""Rasa's callback channel (POST /webhooks/callback/webhook; replies are posted to the client's
own URL), with that URL taken from the ``CALLBACK_URL`` setting: credentials.yml cannot read the
environment. Because it posts, this channel can also deliver messages nobody asked for
(work-order pushes, :mod:`bot.services.order_push`)."""
from __future__ import annotations

from typing import Any

from rasa.core.channels.callback import CallbackInput
from rasa.core.channels.channel import InputChannel
from rasa.utils.endpoints import EndpointConfig

from bot.settings import Settings


class CallbackFromSettingsInput(CallbackInput):
    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        url = (credentials or {}).get("url") or Settings.from_env().callback_url
        return cls(EndpointConfig(url=url))
