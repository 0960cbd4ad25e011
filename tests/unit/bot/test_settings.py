"""Configuration from the environment, and the injectable clocks."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.clock import CHINA_TZ, FixedClock, SystemClock, clock_from_env
from bot.settings import PROJECT_ROOT, Settings

ROOT = Path(__file__).resolve().parents[3]


def test_project_root_is_the_repository() -> None:
    assert PROJECT_ROOT == ROOT


def test_defaults_are_the_embedded_single_machine_setup() -> None:
    settings = Settings.from_env({})
    assert settings.database_url == f"sqlite:///{ROOT / 'var' / 'app.db'}"
    assert settings.tracker_store_url == f"sqlite:///{ROOT / 'var' / 'tracker.db'}"
    assert settings.redis_url is None
    assert settings.event_broker_url is None
    assert (settings.rasa_host, settings.rasa_port) == ("127.0.0.1", 5005)
    assert (settings.action_host, settings.action_port) == ("127.0.0.1", 5055)
    assert settings.sms_gateway == "demo"
    assert settings.identity_registry == "demo"
    assert settings.business_system == "local"
    assert settings.tariff_dir == ROOT / "data" / "tariffs"
    assert settings.action_endpoint_url == "http://127.0.0.1:5055/webhook"
    assert (settings.payment_gateway_host, settings.payment_gateway_port) == ("127.0.0.1", 5077)
    assert settings.payment_gateway_url == "http://127.0.0.1:5077"
    assert settings.payment_gateway_secret == "demo-gateway-secret"
    assert settings.payment_gateway_timeout_s == 3.0
    assert settings.demo_gateway_db == ROOT / "var" / "gateway.db"
    assert settings.demo_gateway_slow_s == 5.0


def test_every_variable_overrides_its_default(tmp_path: Path) -> None:
    env = {
        "DATABASE_URL": "postgresql://app@db.internal:5432/app",
        "TRACKER_STORE_URL": "postgresql://rasa@db.internal:5432/tracker",
        "REDIS_URL": "redis://cache.internal:6379/2",
        "EVENT_BROKER_URL": "amqp://u:p@mq.internal:5672",
        "RASA_HOST": "0.0.0.0",
        "RASA_PORT": "15005",
        "ACTION_HOST": "10.0.0.7",
        "ACTION_PORT": "15055",
        "SMS_GATEWAY": "aliyun",
        "IDENTITY_REGISTRY": "nciic",
        "BUSINESS_SYSTEM": "sgcc-marketing",
        "TARIFF_DIR": str(tmp_path),
        "ACTION_ENDPOINT_URL": "http://actions.internal/webhook",
        "PAYMENT_GATEWAY_HOST": "0.0.0.0",
        "PAYMENT_GATEWAY_PORT": "15077",
        "PAYMENT_GATEWAY_URL": "https://pay.internal/api/",
        "PAYMENT_GATEWAY_SECRET": "s3cret",
        "PAYMENT_GATEWAY_TIMEOUT_S": "1.5",
        "DEMO_GATEWAY_DB": str(tmp_path / "bank.db"),
        "DEMO_GATEWAY_SLOW_S": "0.5",
    }
    assert Settings.from_env(env) == Settings(
        database_url="postgresql://app@db.internal:5432/app",
        tracker_store_url="postgresql://rasa@db.internal:5432/tracker",
        redis_url="redis://cache.internal:6379/2",
        event_broker_url="amqp://u:p@mq.internal:5672",
        rasa_host="0.0.0.0",
        rasa_port=15005,
        action_host="10.0.0.7",
        action_port=15055,
        sms_gateway="aliyun",
        identity_registry="nciic",
        business_system="sgcc-marketing",
        tariff_dir=tmp_path,
        action_endpoint="http://actions.internal/webhook",
        payment_gateway_host="0.0.0.0",
        payment_gateway_port=15077,
        payment_gateway="https://pay.internal/api/",
        payment_gateway_secret="s3cret",
        payment_gateway_timeout_s=1.5,
        demo_gateway_db=tmp_path / "bank.db",
        demo_gateway_slow_s=0.5,
    )
    assert Settings.from_env(env).action_endpoint_url == "http://actions.internal/webhook"
    assert Settings.from_env(env).payment_gateway_url == "https://pay.internal/api"


def test_empty_values_count_as_unset() -> None:
    env = {name: "" for name in ("DATABASE_URL", "REDIS_URL", "EVENT_BROKER_URL", "RASA_PORT", "ACTION_ENDPOINT_URL",
                                 "PAYMENT_GATEWAY_URL", "PAYMENT_GATEWAY_PORT", "PAYMENT_GATEWAY_TIMEOUT_S")}
    assert Settings.from_env(env) == Settings.from_env({})


def test_action_endpoint_is_derived_from_action_host_and_port() -> None:
    settings = Settings.from_env({"ACTION_HOST": "10.0.0.7", "ACTION_PORT": "6000"})
    assert settings.action_endpoint_url == "http://10.0.0.7:6000/webhook"


def test_payment_gateway_url_is_derived_from_its_host_and_port() -> None:
    settings = Settings.from_env({"PAYMENT_GATEWAY_HOST": "10.0.0.8", "PAYMENT_GATEWAY_PORT": "6077"})
    assert settings.payment_gateway_url == "http://10.0.0.8:6077"


def test_an_explicit_env_is_not_mixed_with_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "sqlite:///elsewhere.db")
    monkeypatch.setenv("ACTION_ENDPOINT_URL", "http://elsewhere/webhook")
    settings = Settings.from_env({})
    assert settings.database_url == Settings().database_url
    assert settings.action_endpoint_url == "http://127.0.0.1:5055/webhook"
    assert Settings.from_env().action_endpoint_url == "http://elsewhere/webhook"


def test_a_port_that_is_not_a_number_is_rejected() -> None:
    with pytest.raises(ValueError):
        Settings.from_env({"RASA_PORT": "five"})


def test_clock_pinned_to_a_date_starts_at_nine_in_china(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_FIXED_NOW", "2026-11-23")
    clock = clock_from_env()
    assert isinstance(clock, FixedClock)
    assert clock.now() == datetime(2026, 11, 23, 9, 0, tzinfo=CHINA_TZ)
    assert clock.today() == date(2026, 11, 23)


def test_clock_pinned_to_a_naive_datetime_reads_it_as_china_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_FIXED_NOW", " 2026-11-23T10:30:00 ")
    now = clock_from_env().now()
    assert now == datetime(2026, 11, 23, 10, 30, tzinfo=CHINA_TZ)
    assert now.utcoffset() == timedelta(hours=8)
    assert str(now.tzinfo) == "Asia/Shanghai"


def test_clock_pinned_to_an_aware_datetime_converts_to_china_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_FIXED_NOW", "2026-11-23T20:00:00+00:00")
    clock = clock_from_env()
    assert clock.now() == datetime(2026, 11, 24, 4, 0, tzinfo=CHINA_TZ)
    assert clock.now().tzinfo is CHINA_TZ
    assert clock.today() == date(2026, 11, 24)  # already the next day in China


@pytest.mark.parametrize("value", [None, "", "   "])
def test_without_a_fixed_time_the_wall_clock_is_used(monkeypatch: pytest.MonkeyPatch, value: str | None) -> None:
    if value is None:
        monkeypatch.delenv("BOT_FIXED_NOW", raising=False)
    else:
        monkeypatch.setenv("BOT_FIXED_NOW", value)
    clock = clock_from_env()
    assert isinstance(clock, SystemClock)
    now = clock.now()
    assert now.tzinfo is CHINA_TZ
    assert abs(now - datetime.now(timezone.utc)) < timedelta(seconds=5)
    assert clock.today() == now.date()


def test_fixed_clock_advance_and_set() -> None:
    clock = FixedClock(datetime(2026, 11, 23, 23, 30, tzinfo=CHINA_TZ))
    clock.advance(timedelta(hours=1))
    assert clock.now() == datetime(2026, 11, 24, 0, 30, tzinfo=CHINA_TZ)
    assert clock.today() == date(2026, 11, 24)
    clock.set(date(2027, 1, 1))
    assert clock.now() == datetime(2027, 1, 1, 9, 0, tzinfo=CHINA_TZ)
    clock.set(datetime(2027, 1, 1, 0, 0, tzinfo=timezone.utc))
    assert clock.now() == datetime(2027, 1, 1, 8, 0, tzinfo=CHINA_TZ)
    assert clock.now().tzinfo is CHINA_TZ


def test_fixed_clock_does_not_move_by_itself() -> None:
    clock = FixedClock(date(2026, 11, 23))
    assert clock.now() == clock.now() == datetime(2026, 11, 23, 9, 0, tzinfo=CHINA_TZ)


def test_secrets_environment_and_link_lifetime_come_from_the_environment() -> None:
    from bot.db.id_hash import DEV_ID_HASH_SECRET
    from bot.settings import DEV_FILE_URL_SECRET

    defaults = Settings.from_env({})
    assert (defaults.bot_env, defaults.id_hash_secret, defaults.file_url_secret) == (
        "", DEV_ID_HASH_SECRET, DEV_FILE_URL_SECRET)
    assert defaults.published_file_ttl_hours == 24
    settings = Settings.from_env({"BOT_ENV": " Demo ", "ID_HASH_SECRET": "i", "FILE_URL_SECRET": "f",
                                  "PUBLISHED_FILE_TTL_HOURS": "2"})
    assert (settings.bot_env, settings.id_hash_secret, settings.file_url_secret) == ("demo", "i", "f")
    assert settings.published_file_ttl_hours == 2


def test_secrets_stay_out_of_the_settings_repr() -> None:
    text = repr(Settings.from_env({"ID_HASH_SECRET": "i-secret", "FILE_URL_SECRET": "f-secret",
                                   "PAYMENT_GATEWAY_SECRET": "p-secret"}))
    assert "i-secret" not in text and "f-secret" not in text and "p-secret" not in text
