"""What ``python -m bot run`` starts the servers with: Rasa's HTTP API behind a token, the action
server behind its own, secrets generated once (0600) and never on a command line, the request
size limit, and no REST channel beyond loopback without its bearer token."""
from __future__ import annotations

import asyncio
import stat
from dataclasses import replace
from pathlib import Path

import aiohttp
import pytest
from sanic import response

from bot.files.attachments import MAX_UPLOAD_BYTES
from bot.rasa_ext.server import rasa_arguments
from bot.server.auth_tokens import ExposedWithoutToken, is_loopback_host, rest_channel_token
from bot.server.launcher import REQUEST_MAX_BYTES, LaunchError, launch_settings, server_commands, server_environment
from bot.server.secrets_files import rasa_api_token, resolve_secret, with_server_secrets
from bot.settings import Settings
from tests.unit.sanic_loopback import new_app, serving

MODEL = Path("models/model.tar.gz")


def test_secrets_are_generated_once_readable_by_the_owner_only(tmp_path: Path) -> None:
    first = launch_settings(Settings(), tmp_path)
    assert first.rasa_api_token and first.action_server_token
    assert first.rasa_api_token != first.action_server_token
    assert len(first.rasa_api_token) >= 43  # 32 random bytes, URL-safe base64: 256 bits
    for name in ("rasa_api_token", "action_server_token"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600
    again = launch_settings(Settings(), tmp_path)
    assert (again.rasa_api_token, again.action_server_token) == (first.rasa_api_token, first.action_server_token)
    assert rasa_api_token(Settings(), tmp_path) == first.rasa_api_token  # what `orders advance` sends


def test_configured_secrets_win_and_nothing_is_written(tmp_path: Path) -> None:
    settings = with_server_secrets(Settings(rasa_api_token="api", action_server_token="act"), tmp_path)
    assert (settings.rasa_api_token, settings.action_server_token) == ("api", "act")
    assert list(tmp_path.iterdir()) == []
    assert resolve_secret(None, tmp_path / "absent", create=False) is None
    assert rasa_api_token(Settings(rasa_api_token="api"), tmp_path) == "api"


def test_secrets_stay_out_of_the_settings_repr() -> None:
    settings = Settings(rasa_api_token="t-api", action_server_token="t-act", rest_channel_token="t-rest")
    assert not any(token in repr(settings) for token in ("t-api", "t-act", "t-rest"))


def test_settings_read_the_new_variables() -> None:
    settings = Settings.from_env({"RASA_API_TOKEN": "a", "ACTION_SERVER_TOKEN": "b", "REST_CHANNEL_TOKEN": "c",
                                  "LOGIN_IDLE_MINUTES": "15", "LOGIN_MAX_AGE_DAYS": "2"})
    assert (settings.rasa_api_token, settings.action_server_token, settings.rest_channel_token) == ("a", "b", "c")
    assert (settings.login_idle_minutes, settings.login_max_age_days) == (15, 2)
    assert Settings.from_env({}).rest_channel_token is None
    assert (Settings.from_env({}).login_idle_minutes, Settings.from_env({}).login_max_age_days) == (30, 7)


def test_the_api_is_started_with_a_token_that_is_not_on_the_command_line(tmp_path: Path) -> None:
    settings = launch_settings(Settings(rasa_port=6005, action_port=6055), tmp_path)
    commands = server_commands(settings, MODEL)
    rasa = commands["rasa server"]
    assert rasa[1:3] == ["-m", "bot.rasa_ext.server"] and "--enable-api" in rasa
    assert rasa[rasa.index("--interface") + 1] == "127.0.0.1" and rasa[rasa.index("--port") + 1] == "6005"
    assert commands["action server"][1:] == ["-m", "bot", "actions", "--port", "6055"]
    command_lines = " ".join(" ".join(command) for command in commands.values())
    assert settings.rasa_api_token not in command_lines and settings.action_server_token not in command_lines
    env = server_environment(settings, base={})
    assert env["RASA_API_TOKEN"] == settings.rasa_api_token
    assert env["ACTION_SERVER_TOKEN"] == settings.action_server_token
    assert env["SANIC_HOST"] == "127.0.0.1"  # the action server stays on loopback by default


def test_the_rasa_wrapper_hands_the_token_to_rasa_run() -> None:
    assert rasa_arguments(["--enable-api", "--port", "5005"], "tok") == [
        "rasa", "run", "--enable-api", "--port", "5005", "--auth-token", "tok",
    ]


def test_the_environment_carries_the_request_size_limit_and_drops_stale_tokens() -> None:
    assert REQUEST_MAX_BYTES == MAX_UPLOAD_BYTES + 64 * 1024 == 10 * 1024 * 1024 + 64 * 1024
    env = server_environment(Settings(), base={"REST_CHANNEL_TOKEN": "stale", "RASA_API_TOKEN": "stale"})
    assert env["SANIC_REQUEST_MAX_SIZE"] == str(REQUEST_MAX_BYTES)
    assert "REST_CHANNEL_TOKEN" not in env and "RASA_API_TOKEN" not in env
    assert server_environment(Settings(rest_channel_token="r"), base={})["REST_CHANNEL_TOKEN"] == "r"


@pytest.mark.parametrize("host", ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LOCALHOST"])
def test_loopback_hosts(host: str) -> None:
    assert is_loopback_host(host)
    assert rest_channel_token(None, host) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "10.0.0.5", "192.168.1.2", "bot.example.cn", "128.0.0.1"])
def test_beyond_loopback_the_rest_channel_needs_a_token(host: str, tmp_path: Path) -> None:
    assert not is_loopback_host(host)
    with pytest.raises(ExposedWithoutToken):
        rest_channel_token(None, host)
    with pytest.raises(LaunchError, match="REST_CHANNEL_TOKEN"):
        launch_settings(Settings(rasa_host=host), tmp_path)
    assert list(tmp_path.iterdir()) == []  # refused before anything is generated
    assert rest_channel_token("t", host) == "t"
    assert launch_settings(Settings(rasa_host=host, rest_channel_token="t"), tmp_path).rest_channel_token == "t"


def test_sanic_refuses_a_body_over_the_limit_with_413(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sanic 21.12 reads SANIC_REQUEST_MAX_SIZE from the environment when an app is made (as Rasa's)."""
    monkeypatch.setenv("SANIC_REQUEST_MAX_SIZE", server_environment(Settings(), base={})["SANIC_REQUEST_MAX_SIZE"])
    app = new_app("size")
    assert app.config.REQUEST_MAX_SIZE == REQUEST_MAX_BYTES

    @app.post("/upload")
    async def upload(request):  # noqa: ANN001, ANN202 - Sanic handler
        return response.json({"bytes": len(request.body)})

    async def scenario() -> tuple[int, int]:
        async with serving(app) as base, aiohttp.ClientSession() as http:
            async with http.post(f"{base}/upload", data=b"x" * MAX_UPLOAD_BYTES) as fits:
                fitting = fits.status
            # Expect: 100-continue: the client hears the 413 instead of a reset while still sending.
            async with http.post(f"{base}/upload", data=b"x" * (11 * 1000 * 1000), expect100=True) as too_big:
                return fitting, too_big.status

    assert asyncio.run(scenario()) == (200, 413)


def test_settings_replace_keeps_tokens(tmp_path: Path) -> None:
    settings = replace(launch_settings(Settings(), tmp_path), rasa_port=7000)
    assert settings.rasa_api_token == (tmp_path / "rasa_api_token").read_text().strip()
