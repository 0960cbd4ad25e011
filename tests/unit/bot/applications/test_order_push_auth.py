"""A work-order push reaches Rasa's HTTP API only with the API token (RASA_API_TOKEN), as
``--auth-token`` reads it (``?token=``); a stand-in API on loopback enforces it like Rasa."""
from __future__ import annotations

from aiohttp import web

from bot.applications.order_push import PushOutcome
from bot.clock import FixedClock
from bot.db.session import SessionFactory
from bot.notify.push import NOTICES_INTENT
from tests.unit.bot.applications.test_order_push import _chat, _order, push_through

TOKEN = "api-token-0123456789"


class GuardedRasaApi:
    """Rasa's two calls a push makes, answering 401 without the right ``?token=``."""

    def __init__(self) -> None:
        self.tokens_seen: list[str | None] = []
        self.triggered: list[str] = []

    def _allowed(self, request: web.Request) -> bool:
        self.tokens_seen.append(request.query.get("token"))
        return request.query.get("token") == TOKEN

    async def tracker(self, request: web.Request) -> web.Response:
        if not self._allowed(request):
            return web.json_response({"reason": "NotAuthenticated"}, status=401)
        return web.json_response({"sender_id": request.match_info["sender"], "active_loop": {}})

    async def trigger(self, request: web.Request) -> web.Response:
        if not self._allowed(request):
            return web.json_response({"reason": "NotAuthenticated"}, status=401)
        self.triggered.append((await request.json())["name"])
        return web.json_response({})


def test_a_push_sends_the_api_token_on_both_calls(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    api = GuardedRasaApi()
    _chat(demo_db, fixed_clock, "13800000002", "callback", "lina-app")
    order_no = _order(demo_db, fixed_clock, "13800000002")
    assert push_through(api, demo_db, order_no, api_token=TOKEN) is PushOutcome.PUSHED
    assert api.tokens_seen == [TOKEN, TOKEN] and api.triggered == [NOTICES_INTENT]


def test_without_the_token_rasa_refuses_and_the_notice_waits(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    api = GuardedRasaApi()
    _chat(demo_db, fixed_clock, "13800000002", "callback", "lina-app")
    order_no = _order(demo_db, fixed_clock, "13800000002")
    assert push_through(api, demo_db, order_no, api_token=None) is PushOutcome.FAILED
    assert api.tokens_seen == [None] and api.triggered == []
