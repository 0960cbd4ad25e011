"""``python -m bot notify run``: the new notices are pushed to each user's last chat if it can take
them (Rasa's HTTP API is a loopback stand-in here; tests/e2e/test_alerts.py drives the real one),
and a second run the same day creates and pushes nothing."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

import bot.notify.cli  # noqa: F401  (registers notify run)
from bot.cli import main
from bot.clock import FixedClock
from bot.db.session import SessionFactory
from bot.notify.push import NOTICES_INTENT
from bot.settings import Settings
from tests.unit.bot.applications.test_order_push import _chat
from tests.unit.bot.notify.notice_fixtures import LI_NA, ZHANG_WEI, bind
from tests.unit.bot.notify.rasa_api_stub import TOKEN, RecordingRasaApi, ThreadedRasaApi, Triggered


def test_notify_run_pushes_the_news_once(
    demo_db: SessionFactory, migrated_database_url: str, fixed_clock: FixedClock, capsys: pytest.CaptureFixture[str]
) -> None:
    _chat(demo_db, fixed_clock, ZHANG_WEI, "callback", "zhangwei-app")
    api = ThreadedRasaApi(RecordingRasaApi()).start()
    try:
        settings = Settings(database_url=migrated_database_url, rasa_port=api.port, rasa_api_token=TOKEN)
        assert main(["notify", "run"], settings=settings, clock=fixed_clock) == 0
        fixed_clock.advance(timedelta(hours=2))
        assert main(["notify", "run"], settings=settings, clock=fixed_clock) == 0
    finally:
        api.stop()
    assert capsys.readouterr().out.splitlines() == [
        "checked 2 bound account(s); new notices 1 (arrears 0, low_balance 0, usage_spike 0, outage 1)",
        "    pushed to 1 chat(s); other users hear it with their next message",
        "checked 2 bound account(s); new notices 0 (arrears 0, low_balance 0, usage_spike 0, outage 0)",
    ]
    assert api.api.triggered == [Triggered("zhangwei-app", "callback", NOTICES_INTENT)]


def test_the_low_balance_threshold_is_a_setting(
    demo_db: SessionFactory, migrated_database_url: str, fixed_clock: FixedClock, capsys: pytest.CaptureFixture[str]
) -> None:
    """王芳's ¥56.00 is low once LOW_BALANCE_YUAN is 60 (李娜 bound it; her last chat cannot push)."""
    bind(demo_db, fixed_clock, LI_NA, "3301000002")
    _chat(demo_db, fixed_clock, LI_NA, "rest", "lina-web")
    settings = Settings.from_env({"DATABASE_URL": migrated_database_url, "LOW_BALANCE_YUAN": "60"})
    assert settings.low_balance_yuan == Decimal("60")
    assert main(["notify", "run"], settings=settings, clock=fixed_clock) == 0
    assert capsys.readouterr().out.splitlines() == [
        "checked 3 bound account(s); new notices 2 (arrears 0, low_balance 1, usage_spike 0, outage 1)",
        "    pushed to 0 chat(s); other users hear it with their next message",
    ]
