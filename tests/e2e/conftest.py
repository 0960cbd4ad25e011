"""Start the real assistant (``python -m bot run``: action server + Rasa server) on loopback."""
from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import FileClock
from bot.server.launcher import free_port
from bot.settings import PROJECT_ROOT
from tests.conftest import FIXED_NOW
from tests.e2e.callback_inbox import CallbackInbox
from tests.e2e.conversation import PAST_RESEND_WAIT, Conversation, log_in
from tests.e2e.fake_ivr_client import ivr_environment
from tests.e2e.fake_telegram_api import FakeTelegramApi, telegram_api, telegram_environment  # noqa: F401 (fixture)
from tests.e2e.fake_wechat_api import FakeWeChatApi, wechat_api, wechat_environment  # noqa: F401 (fixture)

READY_MARKER = "助手已就绪"
START_TIMEOUT_S = 300


@dataclass
class RunningAssistant:
    rasa_url: str
    action_url: str
    database_url: str
    tracker_store_url: str
    process: subprocess.Popen[str]
    output: list[str]
    clock_file: Path
    environment: dict[str, str]  # what the servers run with, for operator commands (python -m bot …)

    @property
    def api_token(self) -> str:
        """The token Rasa's HTTP API requires (``?token=``)."""
        return self.environment["RASA_API_TOKEN"]

    def advance_clock(self, delta: timedelta) -> None:
        """Move "now" on for every server at once (BOT_CLOCK_FILE), e.g. past the 60 s
        a phone waits between two SMS codes."""
        FileClock.write(self.clock_file, FileClock(self.clock_file).now() + delta)


def _pump(stream, sink: list[str]) -> None:
    for line in stream:
        sink.append(line)


@pytest.fixture(scope="session")
def callback_inbox() -> Iterator[CallbackInbox]:
    """Where the assistant's callback channel posts (CALLBACK_URL), for the whole session."""
    inbox = CallbackInbox()
    inbox.start()
    yield inbox
    inbox.stop()


@pytest.fixture(scope="session")
def assistant(
    trained_model: Path, tmp_path_factory: pytest.TempPathFactory, callback_inbox: CallbackInbox,
    telegram_api: FakeTelegramApi,  # noqa: F811 (the fixture imported above)
    wechat_api: FakeWeChatApi,  # noqa: F811 (the fixture imported above)
) -> Iterator[RunningAssistant]:
    """One running assistant for the whole session; Ctrl-C (SIGINT) must stop it cleanly."""
    workdir = tmp_path_factory.mktemp("assistant")
    clock_file = workdir / "now"
    FileClock.write(clock_file, datetime.fromisoformat(FIXED_NOW))
    rasa_port, action_port, gateway_port = free_port(), free_port(), free_port()
    env = dict(os.environ)
    env.update(
        DATABASE_URL=os.environ.get("E2E_DATABASE_URL") or f"sqlite:///{workdir / 'app.db'}",
        TRACKER_STORE_URL=f"sqlite:///{workdir / 'tracker.db'}",
        RASA_PORT=str(rasa_port), ACTION_PORT=str(action_port), FILES_DIR=str(workdir / "files"),
        BOT_CLOCK_FILE=str(clock_file), CALLBACK_URL=callback_inbox.url,
        PAYMENT_GATEWAY_PORT=str(gateway_port), DEMO_GATEWAY_DB=str(workdir / "gateway.db"),
        BOT_ENV="demo",  # development secrets allowed (bot.server.dev_secrets), as under `make run`
        # Explicit secrets: operator commands run with this environment must reach the API.
        RASA_API_TOKEN=secrets.token_urlsafe(32), ACTION_SERVER_TOKEN=secrets.token_urlsafe(32),
        # The shared clock stands still between moves, so a per-minute message limit would count
        # whole conversations as one minute: lifted here (tests/unit/bot/channels/test_inbound_guard.py tests them).
        MESSAGES_PER_MINUTE="100000", CHANNEL_MESSAGES_PER_MINUTE="100000",
        **telegram_environment(telegram_api),  # the Telegram channel talks to a fake Bot API
        **wechat_environment(wechat_api),  # the WeChat channel talks to a fake WeChat API
        **ivr_environment(),  # the IVR channel serves (tests/e2e/fake_ivr_client.py speaks to it)
    )
    # Derived settings; and loopback without a REST bearer token, as the chats below send none.
    for derived in ("ACTION_ENDPOINT_URL", "PAYMENT_GATEWAY_URL", "REST_CHANNEL_TOKEN", "RASA_HOST"):
        env.pop(derived, None)
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"], cwd=PROJECT_ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    output: list[str] = []
    threading.Thread(target=_pump, args=(process.stdout, output), daemon=True).start()
    deadline = time.monotonic() + START_TIMEOUT_S
    while not any(READY_MARKER in line for line in output):
        if process.poll() is not None or time.monotonic() > deadline:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
            pytest.fail("assistant did not start:\n" + "".join(output[-80:]))
        time.sleep(0.5)
    running = RunningAssistant(
        rasa_url=f"http://127.0.0.1:{rasa_port}", action_url=f"http://127.0.0.1:{action_port}",
        database_url=env["DATABASE_URL"], tracker_store_url=env["TRACKER_STORE_URL"],
        process=process, output=output, clock_file=clock_file, environment=env,
    )
    yield running
    os.killpg(process.pid, signal.SIGINT)
    try:
        code = process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        pytest.fail("assistant did not stop within 60 s of Ctrl-C")
    assert code == 0, "".join(output[-40:])
    for port in (rasa_port, action_port, gateway_port):
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", port)) != 0, f"port {port} still open after Ctrl-C"


@pytest.fixture(scope="session")
def zhang_wei(assistant: RunningAssistant) -> Conversation:
    """Demo user 13800000001 (张伟, holder of 3301000001), logged in once for the session
    (a phone gets one SMS code per 60 s; tests that need another move the clock on)."""
    chat = Conversation(assistant.rasa_url, "e2e-zhangwei")
    assistant.advance_clock(PAST_RESEND_WAIT)  # another chat may just have had a code for this phone
    chat.say("登录")
    log_in(chat, assistant.database_url, "13800000001")
    return chat
