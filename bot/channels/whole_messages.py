"""An output channel that takes each bot message whole.

Rasa's :class:`OutputChannel` splits a message into ``send_text_message``, ``send_image_url``,
``send_attachment``… calls; a connector whose rendering works on whole messages (buttons with
their text, an image with its caption) implements only :meth:`send_response`, and every
per-part call Rasa makes on its own (e.g. ``utter_message`` from a custom output) is turned
back into one message.
"""
from __future__ import annotations

from abc import abstractmethod
from typing import Any

from rasa.core.channels.channel import OutputChannel

__all__ = ["WholeMessageOutput"]


class WholeMessageOutput(OutputChannel):
    @abstractmethod
    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """Send one whole bot message (``text``, ``buttons``, ``image``, ``attachment``…)."""

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send_response(recipient_id, {"text": text, "buttons": buttons})

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"image": image})

    async def send_attachment(self, recipient_id: str, attachment: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"attachment": attachment})
