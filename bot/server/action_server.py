"""The action server (``python -m bot actions``): rasa-sdk's Sanic app behind a shared secret.

rasa-sdk authenticates nobody and trusts the tracker it is posted, so whoever reaches
``/webhook`` could run any action as any chat. Here every route but ``/health`` requires
ACTION_SERVER_TOKEN, which Rasa sends as ``?token=`` (the action endpoint's ``token`` in
endpoints.yml); ``Authorization: Bearer`` is accepted too, for a proxy in front.
The server also stays on ACTION_HOST (loopback by default).

No Rasa imports (rasa_sdk only): the action server does not load Rasa.
"""
from __future__ import annotations

import logging

from rasa_sdk import utils
from rasa_sdk.endpoint import create_app
from rasa_sdk.plugin import plugin_manager
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.server.auth_tokens import bearer_token, token_matches

log = logging.getLogger(__name__)
OPEN_PATHS = frozenset({"/health"})
ACTIONS_PACKAGE = "actions"


def presented_token(request: Request) -> str | None:
    """The token a request carries: ``?token=`` or ``Authorization: Bearer``."""
    return request.args.get("token") or bearer_token(request.headers.get("authorization"))


def create_action_app(token: str, actions_package: str = ACTIONS_PACKAGE) -> Sanic:
    """rasa-sdk's app (no CORS: only Rasa calls it) refusing unauthenticated requests with 401."""
    if not token:
        raise ValueError("the action server needs a token")
    app = create_app(actions_package, cors_origins=None)

    @app.on_request
    async def require_token(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS or token_matches(presented_token(request), token):
            return None
        log.warning("action server refused an unauthenticated %s %s", request.method, request.path)
        return response.json({"error": "not authenticated"}, status=401)

    return app


def serve(token: str, host: str, port: int) -> None:
    """Run until SIGINT/SIGTERM, like ``python -m rasa_sdk`` (its workers and plugins included)."""
    utils.configure_colored_logging("INFO")
    utils.update_sanic_log_level()
    app = create_action_app(token)
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    log.info("Action endpoint is up and running on http://%s:%s", host, port)
    app.run(host, port, workers=utils.number_of_sanic_workers(), access_log=False)
