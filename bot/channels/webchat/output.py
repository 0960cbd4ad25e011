"""Replies and pushes to a widget session: ``bot`` frames to every socket the sender has open.

The same output channel serves the replies to a message typed on the socket and the pushes Rasa
sends with ``trigger_intent?output_channel=webchat`` (it asks this channel's input for
``get_output_channel()``): the frames go through the :class:`~bot.channels.webchat.socket.Relay`,
so they reach the page on whichever replica holds its socket.
"""
from __future__ import annotations

from typing import Any

from bot.channels.webchat.frames import CHANNEL, bot_frame, widget_messages
from bot.channels.webchat.socket import Relay
from bot.channels.whole_messages import WholeMessageOutput

__all__ = ["WebchatOutput"]


class WebchatOutput(WholeMessageOutput):
    """Sends to the open sockets of the recipient (a widget session's sender id)."""

    def __init__(self, relay: Relay) -> None:
        self.relay = relay

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        messages = widget_messages([message])
        if messages:
            await self.relay.deliver(recipient_id, bot_frame(messages))

