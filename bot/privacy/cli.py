"""``python -m bot purge --older-than 180d``: enforce the retention rules (see
:mod:`bot.privacy.retention`), e.g. daily from cron. It prints counts only."""
from __future__ import annotations

import argparse
import re
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import create_engine

from bot.privacy.retention import MINIMUM_RETENTION, purge

if TYPE_CHECKING:
    from bot.cli import CliContext

DEFAULT_RETENTION = "180d"
_DURATION = re.compile(r"\s*([1-9][0-9]{0,5})\s*([dh])\s*", re.IGNORECASE)
_UNITS = {"d": "days", "h": "hours"}


def parse_duration(value: str) -> timedelta:
    """``"180d"`` -> 180 days, ``"24h"`` -> 24 hours (argparse type; at least 24 hours)."""
    match = _DURATION.fullmatch(value)
    if match is None:
        raise argparse.ArgumentTypeError("expected a number of days or hours, e.g. 180d or 24h")
    duration = timedelta(**{_UNITS[match[2].lower()]: int(match[1])})
    if duration < MINIMUM_RETENTION:
        raise argparse.ArgumentTypeError("expected at least 24h (a day's SMS limits count on the codes)")
    return duration


def configure_purge(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--older-than", type=parse_duration, default=parse_duration(DEFAULT_RETENTION),
                        metavar="AGE", help=f"what counts as old, e.g. 180d or 24h (default {DEFAULT_RETENTION})")


def purge_command(args: argparse.Namespace, context: CliContext) -> int:
    tracker_engine = create_engine(context.settings.tracker_store_url, future=True)
    try:
        report = purge(context.session_factory(), tracker_engine, context.settings.files_dir,
                       context.clock.now(), args.older_than)
    finally:
        tracker_engine.dispose()
    context.print(f"purged what is older than {args.older_than} (and expired published files):")
    for line in report.lines():
        context.print(f"  {line}")
    return 0
