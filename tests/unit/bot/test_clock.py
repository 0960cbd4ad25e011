"""The clock processes share through a file (BOT_CLOCK_FILE), as the end-to-end tests use it."""
from __future__ import annotations

import os
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import CHINA_TZ, FileClock, FixedClock, clock_from_env

START = datetime(2026, 11, 23, 10, 0, tzinfo=CHINA_TZ)


def test_reads_the_time_written_to_the_file(tmp_path: Path) -> None:
    path = tmp_path / "now"
    FileClock.write(path, START)
    clock = FileClock(path)
    assert clock.now() == START
    assert clock.today() == date(2026, 11, 23)


def test_a_second_reader_sees_the_clock_move_on(tmp_path: Path) -> None:
    path = tmp_path / "now"
    FileClock.write(path, START)
    reader = FileClock(path)
    assert reader.now() == START
    FileClock.write(path, START + timedelta(seconds=61))
    assert reader.now() == START + timedelta(seconds=61)
    assert not list(tmp_path.glob("*.part"))


def test_a_date_means_nine_in_the_morning_china_time(tmp_path: Path) -> None:
    path = tmp_path / "now"
    path.write_text("2026-10-01\n", encoding="utf-8")
    assert FileClock(path).now() == datetime(2026, 10, 1, 9, 0, tzinfo=CHINA_TZ)


def test_utc_input_is_shown_in_china_time(tmp_path: Path) -> None:
    path = tmp_path / "now"
    path.write_text("2026-11-23T02:00:00+00:00", encoding="utf-8")
    assert FileClock(path).now() == START


def test_the_file_wins_over_a_fixed_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "now"
    FileClock.write(path, START)
    monkeypatch.setenv("BOT_FIXED_NOW", "2020-01-01")
    monkeypatch.setenv("BOT_CLOCK_FILE", os.fspath(path))
    assert clock_from_env().now() == START
    monkeypatch.delenv("BOT_CLOCK_FILE")
    fixed = clock_from_env()
    assert isinstance(fixed, FixedClock) and fixed.today() == date(2020, 1, 1)
