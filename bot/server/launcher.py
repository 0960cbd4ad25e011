"""Start the demo payment gateway, the action server and the Rasa server together, and stop them cleanly.

``make run`` ends up here. All servers bind to loopback by default; ports come from
RASA_PORT / ACTION_PORT / PAYMENT_GATEWAY_PORT. Ctrl-C (SIGINT) or SIGTERM stops them all.

Nothing is served open: Rasa's HTTP API requires RASA_API_TOKEN and the action server
ACTION_SERVER_TOKEN (both generated into var/ when not configured, see
:mod:`bot.server.secrets_files`); the REST channel requires REST_CHANNEL_TOKEN beyond loopback.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from urllib.parse import urlencode

from bot.files.attachments import MAX_UPLOAD_BYTES
from bot.server.auth_tokens import ExposedWithoutToken, rest_channel_token
from bot.server.secrets_files import RASA_API_TOKEN_FILE, SECRETS_DIR, with_server_secrets
from bot.settings import PROJECT_ROOT, Settings

READY_TIMEOUT_S = 240.0
STOP_TIMEOUT_S = 20.0
# Sanic refuses larger bodies with 413 before buffering them: the largest upload plus room for the form.
REQUEST_MAX_BYTES = MAX_UPLOAD_BYTES + 64 * 1024


class LaunchError(RuntimeError):
    """A server failed to start."""


def server_environment(settings: Settings, base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment every server runs with: every setting made explicit, so all agree."""
    env = dict(os.environ if base is None else base)
    secrets = {
        "RASA_API_TOKEN": settings.rasa_api_token,
        "ACTION_SERVER_TOKEN": settings.action_server_token,
        "REST_CHANNEL_TOKEN": settings.rest_channel_token,
    }
    for name, value in secrets.items():
        if value:
            env[name] = value
        else:
            env.pop(name, None)
    env.update(
        RASA_HOST=settings.rasa_host,
        RASA_PORT=str(settings.rasa_port),
        SANIC_REQUEST_MAX_SIZE=str(REQUEST_MAX_BYTES),
        LOGIN_IDLE_MINUTES=str(settings.login_idle_minutes),
        LOGIN_MAX_AGE_DAYS=str(settings.login_max_age_days),
        ACTION_ENDPOINT_URL=settings.action_endpoint_url,
        DATABASE_URL=settings.database_url,
        TRACKER_STORE_URL=settings.tracker_store_url,
        FILES_DIR=str(settings.files_dir),
        PUBLIC_URL=settings.public_url,
        SANIC_HOST=settings.action_host,
        PAYMENT_GATEWAY_HOST=settings.payment_gateway_host,
        PAYMENT_GATEWAY_PORT=str(settings.payment_gateway_port),
        PAYMENT_GATEWAY_URL=settings.payment_gateway_url,
        PAYMENT_GATEWAY_SECRET=settings.payment_gateway_secret,
        PAYMENT_GATEWAY_TIMEOUT_S=str(settings.payment_gateway_timeout_s),
        DEMO_GATEWAY_DB=str(settings.demo_gateway_db),
        DEMO_GATEWAY_SLOW_S=str(settings.demo_gateway_slow_s),
        CALLBACK_URL=settings.callback_url,
        PYTHONPATH=os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")])),
    )
    return env


def server_commands(settings: Settings, model: Path) -> dict[str, list[str]]:
    """How each server is started. Tokens travel in the environment, never on a command line
    (``ps`` shows command lines to every local user)."""
    s = settings
    return {
        "payment gateway": [sys.executable, "-m", "bot", "gateway"],
        "action server": [sys.executable, "-m", "bot", "actions", "--port", str(s.action_port)],
        "rasa server": [
            sys.executable, "-m", "bot.rasa_ext.server", "--enable-api",
            "--interface", s.rasa_host, "--port", str(s.rasa_port),
            "--model", str(model), "--endpoints", "endpoints.yml",
            "--credentials", "credentials.yml",
        ],
    }


def launch_settings(settings: Settings, secrets_dir: Path = SECRETS_DIR) -> Settings:
    """The settings the servers get: tokens resolved or generated; refuses an open REST channel."""
    try:
        rest_channel_token(settings.rest_channel_token, settings.rasa_host)
    except ExposedWithoutToken as error:
        raise LaunchError(str(error)) from error
    return with_server_secrets(settings, secrets_dir)


@dataclass
class Servers:
    """The running server processes."""

    settings: Settings
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    secrets_dir: Path = SECRETS_DIR

    @property
    def rasa_url(self) -> str:
        return self.settings.rasa_url

    @property
    def action_url(self) -> str:
        return f"http://{self.settings.action_host}:{self.settings.action_port}"

    @property
    def gateway_url(self) -> str:
        """The demo payment gateway this launcher starts (PAYMENT_GATEWAY_URL may point elsewhere)."""
        return f"http://{self.settings.payment_gateway_host}:{self.settings.payment_gateway_port}"

    def start(self, model: Path, *, log_dir: Path | None = None) -> None:
        self.settings = launch_settings(self.settings, self.secrets_dir)
        env = server_environment(self.settings)
        for name, command in server_commands(self.settings, model).items():
            if log_dir is None:
                self.processes[name] = _spawn(command, env)
                continue
            log_dir.mkdir(parents=True, exist_ok=True)
            # The child keeps its own copy of the file descriptor; ours is closed right away.
            with open(log_dir / f"{name.replace(' ', '_')}.log", "ab") as output:
                self.processes[name] = _spawn(command, env, output)

    def wait_until_ready(self, timeout_s: float = READY_TIMEOUT_S) -> None:
        checks = {
            "payment gateway": f"{self.gateway_url}/health",
            "action server": f"{self.action_url}/health",
            "rasa server": f"{self.rasa_url}/status?{urlencode({'token': self.settings.rasa_api_token or ''})}",
        }
        deadline = time.monotonic() + timeout_s
        pending = dict(checks)
        while pending:
            for name, url in list(pending.items()):
                if self.processes[name].poll() is not None:
                    raise LaunchError(f"{name} exited with code {self.processes[name].returncode}")
                if _answers(url):
                    del pending[name]
            if time.monotonic() > deadline:
                raise LaunchError(f"not ready after {timeout_s:.0f}s: {', '.join(pending)}")
            if pending:
                time.sleep(0.5)

    def stop(self) -> dict[str, int]:
        """Ask every server to stop (SIGINT), then kill what is left; return exit codes."""
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGINT)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        codes: dict[str, int] = {}
        for name, process in self.processes.items():
            try:
                codes[name] = process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                codes[name] = process.wait()
        return codes

    def any_exited(self) -> str | None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                return name
        return None


def _spawn(command: list[str], env: dict[str, str], output: IO[bytes] | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        command, cwd=PROJECT_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT if output else None,
        start_new_session=True,
    )


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback only
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def run_forever(settings: Settings, model: Path) -> int:
    """Start the servers, print how to talk to them, and block until Ctrl-C."""
    servers = Servers(settings)
    stopping = False

    def request_stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    print("正在启动演示支付网关、动作服务器和 Rasa 服务器（加载模型约需 20–60 秒）…", flush=True)
    try:
        servers.start(model)
        servers.wait_until_ready()
        print(_how_to_talk(servers), flush=True)
        while not stopping:
            exited = servers.any_exited()
            if exited:
                print(f"{exited} 意外退出。", file=sys.stderr)
                return 1
            time.sleep(0.5)
        return 0
    except LaunchError as error:
        print(f"启动失败：{error}", file=sys.stderr)
        return 1
    finally:
        print("正在停止服务…", flush=True)
        servers.stop()
        print("已停止。", flush=True)


def _how_to_talk(servers: Servers) -> str:
    bearer = " -H \"Authorization: Bearer $REST_CHANNEL_TOKEN\"" if servers.settings.rest_channel_token else ""
    api_token = "RASA_API_TOKEN" if os.environ.get("RASA_API_TOKEN") else servers.secrets_dir / RASA_API_TOKEN_FILE
    return (
        "\n助手已就绪。\n"
        f"  网页聊天演示页（浏览器打开）：{servers.settings.public_url}/webhooks/webchat/\n"
        f"  对话（另开一个终端）：make chat   或   .venv/bin/python -m bot chat --url {servers.rasa_url}\n"
        f"  REST：curl -s {servers.rasa_url}/webhooks/rest/webhook{bearer} "
        "-H 'Content-Type: application/json' -d '{\"sender\":\"demo\",\"message\":\"你好\"}'\n"
        f"  HTTP API 令牌（?token=）：{api_token}\n"
        "  演示登录验证码：.venv/bin/python -m bot sms 13800000001\n"
        f"  演示支付网关：{servers.gateway_url}（规则见 data/demo_gateway.yml）\n"
        "  按 Ctrl-C 停止。\n"
    )
