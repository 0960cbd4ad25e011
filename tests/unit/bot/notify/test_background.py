"""Pushing a user's notices in the background (bot.notify.background): the caller goes on at once
while the push still happens, the task is held until it ends, and a failed push is logged by its
kind only (no token, chat or database address) and leaves the notices for the next message.
Rasa's API is a loopback stand-in (rasa_api_stub.py)."""
from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from bot.clock import FixedClock
from bot.db.session import SessionFactory
from bot.notify.background import push_in_background, running_pushes, wait_for_pushes
from bot.notify.push import NOTICES_INTENT, ChatAddress, PushOutcome, PushReport
from tests.unit.bot.applications.test_order_push import _chat
from tests.unit.bot.notify.rasa_api_stub import TOKEN, RecordingRasaApi, Triggered, serving
from tests.unit.db_factories import user_id_of

LI_NA = "13800000002"


def test_the_caller_goes_on_at_once_and_the_push_still_happens(
    demo_db: SessionFactory, fixed_clock: FixedClock
) -> None:
    _chat(demo_db, fixed_clock, LI_NA, "callback", "lina-app")
    api = RecordingRasaApi(gated=True)

    async def scenario() -> tuple[bool, int, list[Triggered], PushReport | None, int]:
        async with serving(api) as url:
            task = push_in_background(demo_db, url, user_id=user_id_of(demo_db, LI_NA), api_token=TOKEN,
                                      clock=fixed_clock)
            done_at_once, held = task.done(), running_pushes()
            await asyncio.sleep(0.3)  # the push reached Rasa, whose answer is held back
            before_answer = list(api.triggered)
            api.gate().set()
            await wait_for_pushes()
            return done_at_once, held, before_answer, task.result(), running_pushes()

    done_at_once, held, before_answer, report, left = asyncio.run(scenario())
    assert (done_at_once, held, before_answer) == (False, 1, [])
    assert report is not None and report.outcomes == ((ChatAddress("callback", "lina-app"), PushOutcome.PUSHED),)
    assert api.triggered == [Triggered("lina-app", "callback", NOTICES_INTENT)]
    assert left == 0


def test_a_push_rasa_refuses_is_logged_without_the_token_or_the_chat(
    demo_db: SessionFactory, fixed_clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    _chat(demo_db, fixed_clock, LI_NA, "telegram", "4242")
    api = RecordingRasaApi(token="the-right-token")
    wrong = "wrong-token-5555"

    async def scenario() -> PushReport | None:
        async with serving(api) as url:
            return await push_in_background(demo_db, url, user_id=user_id_of(demo_db, LI_NA), api_token=wrong,
                                            clock=fixed_clock)

    with caplog.at_level(logging.INFO, logger="bot.notify"):
        report = asyncio.run(scenario())
    assert report is not None and report.pushed == 0 and api.triggered == []
    assert caplog.messages == ["notices push on telegram: FAILED"]
    assert wrong not in caplog.text and "4242" not in caplog.text


def test_a_push_that_breaks_is_logged_by_its_kind_and_the_caller_is_not_disturbed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    missing = SessionFactory.from_url(f"sqlite:///{tmp_path / 'no-such-dir' / 'app.db'}")

    async def scenario() -> PushReport | None:
        return await push_in_background(missing, "http://127.0.0.1:9", user_id=1, api_token=TOKEN)

    try:
        with caplog.at_level(logging.INFO, logger="bot.notify"):
            assert asyncio.run(scenario()) is None
    finally:
        missing.dispose()
    assert caplog.messages == ["pushing notices failed (OperationalError); they wait for the user's next message"]
    assert str(tmp_path) not in caplog.text and TOKEN not in caplog.text


def test_a_user_logged_in_nowhere_is_not_pushed(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    api = RecordingRasaApi()

    async def scenario() -> PushReport | None:
        async with serving(api) as url:
            return await push_in_background(demo_db, url, user_id=user_id_of(demo_db, LI_NA), api_token=TOKEN,
                                            clock=fixed_clock)

    report = asyncio.run(scenario())
    assert report is not None and report.outcomes == () and api.triggered == []
