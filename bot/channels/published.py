"""Serves the charts and invoices the assistant publishes, from the Rasa server itself,
at ``GET /webhooks/files/<kind>/<name>`` (see :mod:`bot.services.published_files`).

It is mounted like a channel (credentials.yml) because that is how Rasa lets a project
add routes to its server; it never receives messages.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.container import services
from bot.services.published_files import content_type_of, published_path


class PublishedFilesInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "files"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        files = Blueprint("published_files", __name__)

        @files.route("/<kind:str>/<name:str>", methods=["GET"])
        async def serve(request: Request, kind: str, name: str) -> HTTPResponse:
            path = published_path(services().settings.files_dir, kind, name)
            if path is None:
                return response.json({"error": "not found"}, status=404)
            return await response.file(
                path, mime_type=content_type_of(path),
                headers={"Cache-Control": "private, max-age=86400", "X-Content-Type-Options": "nosniff"},
            )

        return files
