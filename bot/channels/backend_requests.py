"""What the backend channels (REST, callback) share: the bearer token, and reading
``{"sender", "message"}`` from a request without ever answering 500.

These channels belong to a trusted backend (the utility's app server), which vouches for the
sender id: a chat is logged in per (channel, sender), so whoever may post may speak as any of
their chats. With REST_CHANNEL_TOKEN set every request needs ``Authorization: Bearer <token>``;
the server refuses to start without one when RASA_HOST is not loopback (:mod:`bot.server.auth_tokens`).
"""
from __future__ import annotations

import json

from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.server.auth_tokens import bearer_token, rest_channel_token, token_matches
from bot.settings import Settings

__all__ = ["MAX_SENDER_LENGTH", "BackendAuth", "bad_request", "message_of", "sender_problem"]

MAX_SENDER_LENGTH = 128


def sender_problem(sender: object) -> str | None:
    """Why ``sender`` cannot name a conversation, or None when it can."""
    if not isinstance(sender, str) or not sender.strip():
        return "'sender' is required: a non-empty string naming the conversation"
    if len(sender) > MAX_SENDER_LENGTH:
        return f"'sender' is longer than {MAX_SENDER_LENGTH} characters"
    return None


def bad_request(problem: str) -> HTTPResponse:
    return response.json({"error": problem}, status=400)


def message_of(request: Request) -> tuple[str, str] | HTTPResponse:
    """(sender, message) of a JSON ``{"sender", "message"}`` body, or the 400 explaining what is wrong.
    Anything else in the body (``input_channel``, ``metadata``) is ignored."""
    try:
        body = json.loads(request.body or b"")
    except ValueError:
        return bad_request("the body must be JSON: {\"sender\": ..., \"message\": ...}")
    if not isinstance(body, dict):
        return bad_request("the body must be a JSON object: {\"sender\": ..., \"message\": ...}")
    if problem := sender_problem(body.get("sender")):
        return bad_request(problem)
    message = body.get("message")
    if not isinstance(message, str):
        return bad_request("'message' is required: a string")
    return body["sender"], message


class BackendAuth:
    """The bearer token a backend channel requires (None: open, allowed on loopback only)."""

    def __init__(self, token: str | None = None) -> None:
        self.token = token

    @classmethod
    def from_settings(cls) -> BackendAuth:
        """From the environment (credentials.yml cannot read it); raises
        :class:`bot.server.auth_tokens.ExposedWithoutToken` so Rasa does not start open beyond loopback."""
        settings = Settings.from_env()
        return cls(rest_channel_token(settings.rest_channel_token, settings.rasa_host))

    def unauthorized(self, request: Request) -> HTTPResponse | None:
        """A 401 unless the request carries the bearer token (when one is required)."""
        if self.token is None or token_matches(bearer_token(request.headers.get("authorization")), self.token):
            return None
        return response.json({"error": "not authenticated"}, status=401, headers={"WWW-Authenticate": "Bearer"})
