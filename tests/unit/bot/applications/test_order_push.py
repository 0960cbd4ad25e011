"""Which chat hears of a work order's status change at once (the applicant's last-used one, if it
can push), and what a push does when the chat is busy with a form or Rasa does not answer. Rasa's
two API calls are served by a loopback stand-in here; tests/e2e/test_order_push.py drives the real Rasa server."""
from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any, Protocol

import pytest
from aiohttp import web
from sqlalchemy import select

from bot.applications.order_push import ChatAddress, PushOutcome, push_chat, push_order_update
from bot.applications.work_orders import create_work_order
from bot.clock import FixedClock
from bot.db.enums import WorkOrderKind
from bot.db.models import ChatIdentity, User
from bot.db.session import SessionFactory
from bot.notify.push import NOTICES_INTENT
from bot.server.launcher import free_port


def _chat(session_factory: SessionFactory, clock: FixedClock, phone: str, channel: str, sender: str,
          *, seen_ago: timedelta = timedelta(0)) -> None:
    with session_factory.session_scope() as session:
        user_id = session.scalars(select(User.id).where(User.phone == phone)).one()
        session.add(ChatIdentity(channel=channel, sender_id=sender, user_id=user_id,
                                 created_at=clock.now() - seen_ago, last_seen_at=clock.now() - seen_ago))


def _order(session_factory: SessionFactory, clock: FixedClock, phone: str) -> str:
    with session_factory.session_scope() as session:
        user_id = session.scalars(select(User.id).where(User.phone == phone)).one()
        return create_work_order(session, clock, kind=WorkOrderKind.RESIDENTIAL_INSTALL, account_id=None,
                                 user_id=user_id, form_data={}, note=None, promised_working_days=5).order_no


def test_only_the_applicants_last_used_chat_is_chosen(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    _chat(demo_db, fixed_clock, "13800000002", "callback", "lina-app", seen_ago=timedelta(minutes=3))
    _chat(demo_db, fixed_clock, "13800000002", "telegram", "4242", seen_ago=timedelta(minutes=1))
    _chat(demo_db, fixed_clock, "13800000002", "wechat", "oLina-openid", seen_ago=timedelta(minutes=2))
    _chat(demo_db, fixed_clock, "13800000001", "callback", "zhangwei-app")
    order_no = _order(demo_db, fixed_clock, "13800000002")
    assert push_chat(demo_db, fixed_clock, order_no=f" {order_no} ") == ChatAddress("telegram", "4242")
    assert push_chat(demo_db, fixed_clock, order_no="GD00000000000") is None


def test_a_last_used_chat_that_cannot_push_leaves_the_news_for_the_next_message(
    demo_db: SessionFactory, fixed_clock: FixedClock
) -> None:
    _chat(demo_db, fixed_clock, "13800000002", "telegram", "4242", seen_ago=timedelta(minutes=5))
    _chat(demo_db, fixed_clock, "13800000002", "rest", "lina-web")
    order_no = _order(demo_db, fixed_clock, "13800000002")
    assert push_chat(demo_db, fixed_clock, order_no=order_no) is None
    report = asyncio.run(push_order_update(demo_db, f"http://127.0.0.1:{free_port()}", order_no=order_no,
                                           clock=fixed_clock))
    assert report.outcomes == ((ChatAddress("rest", "lina-web"), PushOutcome.CANNOT_PUSH),) and report.pushed == 0


def test_a_logged_out_chat_is_not_chosen(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    _chat(demo_db, fixed_clock, "13800000002", "wechat", "oLina-openid", seen_ago=timedelta(minutes=4))
    _chat(demo_db, fixed_clock, "13800000002", "telegram", "4242")
    with demo_db.session_scope() as session:
        telegram = session.scalars(select(ChatIdentity).where(ChatIdentity.sender_id == "4242")).one()
        telegram.user_id = None  # what logging out on Telegram does
    order_no = _order(demo_db, fixed_clock, "13800000002")
    assert push_chat(demo_db, fixed_clock, order_no=order_no) == ChatAddress("wechat", "oLina-openid")


def test_a_wechat_chat_silent_for_over_48_hours_is_not_pushed(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    _chat(demo_db, fixed_clock, "13800000002", "wechat", "oLina-openid", seen_ago=timedelta(hours=49))
    order_no = _order(demo_db, fixed_clock, "13800000002")
    assert push_chat(demo_db, fixed_clock, order_no=order_no) is None
    report = asyncio.run(push_order_update(demo_db, f"http://127.0.0.1:{free_port()}", order_no=order_no,
                                           clock=fixed_clock))
    assert report.outcomes == ((ChatAddress("wechat", "oLina-openid"), PushOutcome.OUTSIDE_WINDOW),)


class FakeRasaApi:
    """Rasa's GET /conversations/{id}/tracker and POST …/trigger_intent, as far as a push uses them."""

    def __init__(self, *, active_loop: str | None = None, trigger_status: int = 200) -> None:
        self.active_loop, self.trigger_status = active_loop, trigger_status
        self.triggered: list[tuple[str, str, Any]] = []

    async def tracker(self, request: web.Request) -> web.Response:
        return web.json_response({"sender_id": request.match_info["sender"],
                                  "active_loop": {"name": self.active_loop} if self.active_loop else {}})

    async def trigger(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.triggered.append((request.match_info["sender"], request.query["output_channel"], body))
        return web.json_response({}, status=self.trigger_status)


class RasaApiStub(Protocol):
    """What a push needs of Rasa's HTTP API: the tracker, and triggering an intent."""

    async def tracker(self, request: web.Request) -> web.Response: ...

    async def trigger(self, request: web.Request) -> web.Response: ...


def push_through(api: RasaApiStub, session_factory: SessionFactory, order_no: str, **options: Any) -> PushOutcome:
    """Push ``order_no``'s update through ``api`` served on loopback (``options``: clock, api_token)."""
    async def scenario() -> PushOutcome:
        app = web.Application()
        app.router.add_get("/conversations/{sender}/tracker", api.tracker)
        app.router.add_post("/conversations/{sender}/trigger_intent", api.trigger)
        runner = web.AppRunner(app)
        await runner.setup()
        port = free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        try:
            report = await push_order_update(session_factory, f"http://127.0.0.1:{port}", order_no=order_no,
                                             **options)
        finally:
            await runner.cleanup()
        [(_, outcome)] = report.outcomes
        return outcome

    return asyncio.run(scenario())


@pytest.mark.parametrize(("api_settings", "outcome", "triggered"), [
    ({}, PushOutcome.PUSHED, 1),
    ({"active_loop": "new_install_form"}, PushOutcome.IN_FORM, 0),
    ({"trigger_status": 500}, PushOutcome.FAILED, 1),
])
def test_a_push_triggers_the_update_unless_the_chat_is_in_a_form(
    demo_db: SessionFactory, fixed_clock: FixedClock, api_settings: dict, outcome: PushOutcome, triggered: int
) -> None:
    api = FakeRasaApi(**api_settings)
    _chat(demo_db, fixed_clock, "13800000002", "callback", "lina app/1")
    order_no = _order(demo_db, fixed_clock, "13800000002")
    assert push_through(api, demo_db, order_no, clock=fixed_clock) is outcome
    assert api.triggered == [("lina app/1", "callback", {"name": NOTICES_INTENT})] * triggered


def test_an_unreachable_rasa_leaves_the_notice_for_the_next_message(
    demo_db: SessionFactory, fixed_clock: FixedClock
) -> None:
    _chat(demo_db, fixed_clock, "13800000002", "callback", "lina-app")
    order_no = _order(demo_db, fixed_clock, "13800000002")
    report = asyncio.run(push_order_update(demo_db, f"http://127.0.0.1:{free_port()}", order_no=order_no))
    assert [outcome for _, outcome in report.outcomes] == [PushOutcome.FAILED] and report.pushed == 0


def test_someone_on_wechat_and_telegram_is_pushed_once_where_they_wrote_last(
    demo_db: SessionFactory, fixed_clock: FixedClock
) -> None:
    api = FakeRasaApi()
    _chat(demo_db, fixed_clock, "13800000002", "telegram", "123456789", seen_ago=timedelta(minutes=10))
    _chat(demo_db, fixed_clock, "13800000002", "wechat", "oLina-openid", seen_ago=timedelta(minutes=2))
    order_no = _order(demo_db, fixed_clock, "13800000002")
    assert push_through(api, demo_db, order_no, clock=fixed_clock) is PushOutcome.PUSHED
    assert api.triggered == [("oLina-openid", "wechat", {"name": NOTICES_INTENT})]


@pytest.mark.parametrize(("channel", "sender"), [("wechat", "oLina-openid"), ("telegram", "123456789")])
def test_a_chat_app_push_asks_rasa_for_that_apps_output_channel(
    demo_db: SessionFactory, fixed_clock: FixedClock, channel: str, sender: str
) -> None:
    api = FakeRasaApi()
    _chat(demo_db, fixed_clock, "13800000002", channel, sender)
    order_no = _order(demo_db, fixed_clock, "13800000002")
    assert push_through(api, demo_db, order_no, clock=fixed_clock) is PushOutcome.PUSHED
    assert api.triggered == [(sender, channel, {"name": NOTICES_INTENT})]
