"""The development secrets are refused outside BOT_ENV=demo, by every server at start."""
from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.db.id_hash import DEV_ID_HASH_SECRET, hash_id_number
from bot.server.dev_secrets import DevelopmentSecretsRefused, development_secrets_in_use, refuse_development_secrets
from bot.settings import PROJECT_ROOT, Settings

SECRET_VARIABLES = ("ID_HASH_SECRET", "PAYMENT_GATEWAY_SECRET", "FILE_URL_SECRET")
REAL = {"ID_HASH_SECRET": "id-secret-of-this-site", "PAYMENT_GATEWAY_SECRET": "gateway-secret-of-this-site",
        "FILE_URL_SECRET": "file-secret-of-this-site"}


def test_the_published_id_hash_secret_gives_the_id_number_back() -> None:
    """Why: with the default key a stored hash and its stored masked form (3301**********123X)
    give the number back. Here one birth year is searched: 100 districts x 365 days."""
    stored = hash_id_number("33010619900101123X", secret=DEV_ID_HASH_SECRET)
    days = [date(1990, 1, 1) + timedelta(days=n) for n in range(365)]
    found = [candidate for district in range(100) for day in days
             if hash_id_number(candidate := f"3301{district:02d}{day:%Y%m%d}123X", secret=DEV_ID_HASH_SECRET)
             == stored]
    assert found == ["33010619900101123X"]


def test_development_values_are_refused_outside_the_demo() -> None:
    with pytest.raises(DevelopmentSecretsRefused) as refused:
        refuse_development_secrets(Settings.from_env({}))
    message = str(refused.value.code)
    assert "\n" not in message and all(name in message for name in SECRET_VARIABLES)
    assert refused.value.code != 0  # SystemExit with a message: status 1


@pytest.mark.parametrize("missing", SECRET_VARIABLES)
def test_each_development_value_is_named(missing: str) -> None:
    env = {name: value for name, value in REAL.items() if name != missing}
    assert development_secrets_in_use(Settings.from_env(env)) == [missing]
    with pytest.raises(DevelopmentSecretsRefused, match=missing):
        refuse_development_secrets(Settings.from_env({**env, "BOT_ENV": "production"}))


def test_real_secrets_start_without_a_word(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.server.dev_secrets"):
        refuse_development_secrets(Settings.from_env(REAL))
    assert caplog.records == []


def test_the_demo_starts_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.server.dev_secrets"):
        refuse_development_secrets(Settings.from_env({"BOT_ENV": "demo"}))
    [record] = caplog.records
    assert record.levelno == logging.WARNING and "BOT_ENV=demo" in record.getMessage()
    assert all(name in record.getMessage() for name in SECRET_VARIABLES)


# --- every server, as started -----------------------------------------------------


def _production_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in {"BOT_ENV", *SECRET_VARIABLES}}
    return {**env, "PYTHONPATH": str(PROJECT_ROOT), **extra}


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def _refused(result: subprocess.CompletedProcess[str]) -> bool:
    lines = result.stderr.strip().splitlines()
    return result.returncode == 1 and len(lines) == 1 and lines[0].startswith("error: refusing to start") and all(
        name in lines[0] for name in SECRET_VARIABLES)


def test_python_m_bot_run_refuses_before_seeding_or_training(tmp_path: Path) -> None:
    database = tmp_path / "app.db"
    result = _run(["-m", "bot", "run"], _production_env(DATABASE_URL=f"sqlite:///{database}"))
    assert _refused(result), result.stderr
    assert not database.exists()


def test_python_m_bot_gateway_refuses(tmp_path: Path) -> None:
    result = _run(["-m", "bot", "gateway"], _production_env(DEMO_GATEWAY_DB=str(tmp_path / "g.db")))
    assert _refused(result), result.stderr
    assert not (tmp_path / "g.db").exists()


@pytest.mark.parametrize("command", [["autopay", "run"], ["payments", "resolve"]])
def test_the_payment_jobs_refuse(tmp_path: Path, command: list[str]) -> None:
    database = tmp_path / "app.db"
    result = _run(["-m", "bot", *command], _production_env(DATABASE_URL=f"sqlite:///{database}"))
    assert _refused(result), result.stderr
    assert not database.exists()


def test_the_action_server_refuses_when_it_loads_the_actions() -> None:
    refused = _run(["-c", "import actions"], _production_env())
    assert _refused(refused), refused.stderr
    allowed = _run(["-c", "import actions"], _production_env(**REAL))
    assert allowed.returncode == 0 and "refusing" not in allowed.stderr, allowed.stderr


@pytest.fixture
def production_services(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    from bot.container import services

    monkeypatch.delenv("BOT_ENV", raising=False)
    for name in SECRET_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    services.cache_clear()
    yield
    services.cache_clear()


def test_the_rasa_server_refuses_when_it_mounts_the_file_routes(production_services: None) -> None:
    from bot.channels.published import PublishedFilesInput  # imports rasa and sanic
    from bot.container import services

    with pytest.raises(DevelopmentSecretsRefused):
        PublishedFilesInput().blueprint(lambda _message: None)
    with pytest.raises(DevelopmentSecretsRefused):
        services()


def test_the_services_start_with_real_secrets(production_services: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.container import services

    for name, value in REAL.items():
        monkeypatch.setenv(name, value)
    try:
        assert services().settings.file_url_secret == REAL["FILE_URL_SECRET"]
    finally:
        services().session_factory.dispose()
