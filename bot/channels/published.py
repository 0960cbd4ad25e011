"""Serves the charts, invoices and receipts the assistant publishes, from the Rasa server
itself, at ``GET /webhooks/files/<kind>/<name>`` (see :mod:`bot.files.published`):
a signed link until it expires, 403 for anything else, 410 once expired.

It is mounted like a channel (credentials.yml) because that is how Rasa lets a project
add routes to its server; it never receives messages. Mounting it is also where the Rasa
server refuses to start with the development secrets (:mod:`bot.server.dev_secrets`).
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.container import services
from bot.files.published import PUBLIC_KINDS, Access, content_type_of, look_up

_REFUSALS = {Access.FORBIDDEN: "forbidden", Access.GONE: "gone", Access.NOT_FOUND: "not found"}
# Personal documents: not kept by shared caches or the browser, no Referer leaking the link.
_PRIVATE_HEADERS = {"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer",
                    "X-Content-Type-Options": "nosniff"}
_PUBLIC_HEADERS = {"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"}


class PublishedFilesInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "files"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        services()  # at start-up: refuses the development secrets outside BOT_ENV=demo
        files = Blueprint("published_files", __name__)

        @files.route("/<kind:str>/<name:str>", methods=["GET"])
        async def serve(request: Request, kind: str, name: str) -> HTTPResponse:
            deps = services()
            found = look_up(deps.settings, deps.clock.now(), kind, name)
            if found.access is not Access.SERVE or found.path is None:
                return response.json({"error": _REFUSALS[found.access]}, status=found.access.value,
                                     headers=_PRIVATE_HEADERS)
            headers = _PUBLIC_HEADERS if kind in PUBLIC_KINDS else _PRIVATE_HEADERS
            return await response.file(found.path, mime_type=content_type_of(found.path), headers=headers)

        return files
