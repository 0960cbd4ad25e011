"""``python -m bot``: seeding, reading demo SMS, listing hand-offs, exit codes."""
from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
from datetime import timedelta

import pytest

from bot.cli import COMMANDS, CliContext, Command, build_parser, main
from bot.clock import FixedClock
from bot.conversation.handoff import TranscriptLine, record_handoff
from bot.db.migrate import head_revision
from bot.db.session import SessionFactory
from bot.identity.sms import RecordingSmsGateway
from bot.settings import Settings
from tests.unit.conftest import FIXED_NOW, ROOT


def run_cli(*args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "BOT_FIXED_NOW": FIXED_NOW.isoformat(),
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )


def test_seed_then_read_the_login_code(empty_database_url: str) -> None:
    first = run_cli("seed", database_url=empty_database_url)
    assert first.returncode == 0, first.stderr
    assert "2026-11-23" in first.stdout

    again = run_cli("seed", database_url=empty_database_url)
    assert (again.returncode, again.stdout.strip()) == (
        0, "demo data already present; use --reset to recreate it"
    )

    factory = SessionFactory.from_url(empty_database_url)
    try:
        RecordingSmsGateway(factory, FixedClock(FIXED_NOW)).send(
            "13800000001", "【网上国网】您的登录验证码为 583201，5分钟内有效。", "login"
        )
    finally:
        factory.dispose()
    shown = run_cli("sms", "13800000001", database_url=empty_database_url)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout == "2026-11-23 09:00:00  [login]  【网上国网】您的登录验证码为 583201，5分钟内有效。\n"

    reset = run_cli("seed", "--reset", database_url=empty_database_url)
    assert reset.returncode == 0, reset.stderr
    missing = run_cli("sms", "13800000001", database_url=empty_database_url)  # reset wiped it
    assert (missing.returncode, missing.stderr) == (1, "error: no SMS recorded for 138****0001\n")


def test_db_upgrade(empty_database_url: str) -> None:
    result = run_cli("db", "upgrade", database_url=empty_database_url)
    assert (result.returncode, result.stdout) == (0, f"database schema at revision {head_revision()}\n")


@pytest.mark.parametrize(
    "args", [[], ["db"], ["sms"], ["sms", "12345"], ["handoffs", "--limit", "0"], ["nonsense"]]
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    assert main(args, settings=Settings(database_url="sqlite://")) == 2


def test_failures_exit_1_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    unreachable = Settings(database_url="postgresql://nobody@127.0.0.1:1/none")
    assert main(["sms", "13800000001"], settings=unreachable) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: OperationalError: ") and err.count("\n") == 1


def test_handoffs_are_listed_redacted(
    session_factory: SessionFactory, migrated_database_url: str, fixed_clock: FixedClock,
    capsys: pytest.CaptureFixture[str],
) -> None:
    transcript = [
        TranscriptLine("user", "我的电话13800000001", FIXED_NOW),
        TranscriptLine("bot", "正在为您转接人工客服", FIXED_NOW + timedelta(seconds=3)),
    ]
    handoff_id = record_handoff(session_factory, channel="rest", sender_id="13800000009",
                                reason="用户要求", transcript=transcript, clock=fixed_clock)
    settings = Settings(database_url=migrated_database_url)
    assert main(["handoffs", "--limit", "5"], settings=settings, clock=fixed_clock) == 0
    out = capsys.readouterr().out
    assert "13800000001" not in out and "13800000009" not in out
    assert out.splitlines() == [
        f"#{handoff_id}  2026-11-23 09:00  waiting  rest/138****0009  用户要求",
        "    09:00:00 user: 我的电话138****0001",
        "    09:00:03  bot: 正在为您转接人工客服",
    ]


def test_a_new_command_is_one_registration(capsys: pytest.CaptureFixture[str]) -> None:
    def hello(args: argparse.Namespace, context: CliContext) -> int:
        context.print(f"hello {args.who}")
        return 0

    command = Command("demo hello", "say hello", lambda p: p.add_argument("who"), hello)
    parser = build_parser([*COMMANDS, command])
    args = parser.parse_args(["demo", "hello", "world"])
    out = io.StringIO()
    assert args._command.run(args, CliContext(Settings(), FixedClock(FIXED_NOW), out)) == 0
    assert out.getvalue() == "hello world\n"
