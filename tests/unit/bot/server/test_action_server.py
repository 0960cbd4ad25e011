"""The action server (``python -m bot actions``, what the launcher starts) refuses every call
without ACTION_SERVER_TOKEN: rasa-sdk itself would run any action for whoever reaches it.
A real server process on a free loopback port; the action called is a real one."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
import rasa_sdk

from bot.server.auth_tokens import bearer_token, token_matches
from bot.server.launcher import free_port
from bot.settings import PROJECT_ROOT

TOKEN = "an-action-server-secret-0123456789"
# What Rasa posts to run the fallback action (no database needed).
ACTION_CALL = {
    "next_action": "action_handle_nlu_fallback",
    "sender_id": "someone",
    "version": rasa_sdk.__version__,
    "domain": {},
    "tracker": {"sender_id": "someone", "slots": {}, "latest_message": {}, "events": [], "paused": False,
                "followup_action": None, "active_loop": {}, "latest_action_name": None},
}


@pytest.fixture(scope="module")
def action_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    workdir = tmp_path_factory.mktemp("actions")
    port = free_port()
    env = {**os.environ, "ACTION_SERVER_TOKEN": TOKEN, "ACTION_HOST": "127.0.0.1",
           "DATABASE_URL": f"sqlite:///{workdir / 'app.db'}", "FILES_DIR": str(workdir / "files")}
    log = (workdir / "server.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "bot", "actions", "--port", str(port)], cwd=PROJECT_ROOT,
                               env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{url}/health", process, workdir / "server.log")
        yield url
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def _wait_for(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"action server exited:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.3)
    pytest.fail("action server did not answer within 60 s")


def _call(url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, object]:
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=20) as reply:  # noqa: S310 - loopback
            return reply.status, json.load(reply)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def _webhook(base: str, query: dict[str, str] | None = None, headers: dict[str, str] | None = None):
    url = f"{base}/webhook" + (f"?{urlencode(query)}" if query else "")
    return _call(url, data=json.dumps(ACTION_CALL).encode(), headers=headers)


def test_webhook_without_token_is_refused(action_server: str) -> None:
    assert _webhook(action_server) == (401, {"error": "not authenticated"})


@pytest.mark.parametrize("query", [{"token": "wrong"}, {"token": TOKEN[:-1]}, {"token": TOKEN + "x"}, {"token": ""}])
def test_webhook_with_a_wrong_token_is_refused(action_server: str, query: dict[str, str]) -> None:
    assert _webhook(action_server, query)[0] == 401


def test_webhook_with_the_token_runs_the_action(action_server: str) -> None:
    status, body = _webhook(action_server, {"token": TOKEN})
    assert status == 200
    assert [r["response"] for r in body["responses"]] == ["utter_ask_rephrase"]


def test_a_bearer_header_is_accepted_too(action_server: str) -> None:
    status, body = _webhook(action_server, headers={"Authorization": f"Bearer {TOKEN}"})
    assert status == 200 and body["responses"]
    assert _webhook(action_server, headers={"Authorization": "Bearer nope"})[0] == 401


def test_the_action_list_needs_the_token_and_health_does_not(action_server: str) -> None:
    assert _call(f"{action_server}/actions")[0] == 401
    status, actions = _call(f"{action_server}/actions?token={TOKEN}")
    assert status == 200 and {"name": "action_handle_nlu_fallback"} in actions
    assert _call(f"{action_server}/health") == (200, {"status": "ok"})


def test_token_checks() -> None:
    assert token_matches("abc", "abc")
    assert not token_matches("abd", "abc") and not token_matches(None, "abc") and not token_matches("", "abc")
    assert bearer_token("Bearer abc") == "abc" and bearer_token("bearer  abc ") == "abc"
    assert bearer_token("Basic abc") is None and bearer_token("Bearer") is None and bearer_token(None) is None


def test_the_action_server_does_not_start_without_a_token(tmp_path: Path) -> None:
    from bot.server.action_server import create_action_app
    from bot.server.secrets_files import action_server_token
    from bot.settings import Settings

    with pytest.raises(ValueError):
        create_action_app("")
    (tmp_path / "action_server_token").write_text("")  # an emptied secret file: fail closed
    assert action_server_token(Settings(), tmp_path) == ""
    generated = action_server_token(Settings(), tmp_path / "fresh")
    assert len(generated) >= 43 and action_server_token(Settings(), tmp_path / "fresh") == generated
