"""Operator tools for the outage table (停电信息):

``python -m bot outages add --kind 计划检修 --district 西湖区 [--street 文三路 | --accounts 3301000001,…]
--start "2026-12-05 08:00" --end "2026-12-05 17:00" --reason "10千伏线路检修"`` announces an outage
(times in China time; the day may also be said as customers do: ``--start "明天 08:00"``);
``python -m bot outages close ID`` closes it (power restored, or called off);
``python -m bot outages list [--all] [--limit N]`` shows the newest (open ones unless ``--all``).
"""
from __future__ import annotations

import argparse
import re
from datetime import date, datetime, time

from bot.cli import CliContext, CliError, Command, positive_int, register
from bot.clock import CHINA_TZ
from bot.db.enums import OutageKind
from bot.outages.matching import OutageView
from bot.outages.registry import (
    NewOutage,
    OutageProblem,
    OutageProblemReason,
    add_outage,
    close_outage,
    list_outages,
)
from bot.text.days import DayRange, resolve_days

_PROBLEMS = {
    OutageProblemReason.UNKNOWN_DISTRICT: "unknown district {detail} (see data/regions.yml)",
    OutageProblemReason.NO_AREA: "name the area: --district, optionally with --street, or --accounts",
    OutageProblemReason.STREET_AND_ACCOUNTS: "an outage covers a street or a list of accounts, not both",
    OutageProblemReason.UNKNOWN_ACCOUNTS: "unknown account number(s): {detail}",
    OutageProblemReason.OTHER_DISTRICT: "the accounts are not all in the outage's district (they are in {detail})",
    OutageProblemReason.ENDS_BEFORE_START: "--end must come after --start",
    OutageProblemReason.NAIVE_TIME: "times must be in China time",
    OutageProblemReason.EMPTY_REASON: "--reason must not be empty",
    OutageProblemReason.TOO_LONG: "--reason is at most 200 characters, --street at most 64",
    OutageProblemReason.NOT_FOUND: "no outage #{detail}",
    OutageProblemReason.ALREADY_CLOSED: "outage #{detail} is already closed",
}
_KINDS = {"planned": OutageKind.PLANNED, "fault": OutageKind.FAULT, "temporary": OutageKind.TEMPORARY}
_CLOCK_TIME = re.compile(r"^(?P<day>.*?)\s*(?P<hour>\d{1,2}):(?P<minute>\d{2})$")


def _kind(value: str) -> OutageKind:
    value = value.strip()
    if value.lower() in _KINDS:
        return _KINDS[value.lower()]
    try:
        return OutageKind(value)
    except ValueError:
        choices = " ".join([kind.value for kind in OutageKind] + list(_KINDS))
        raise argparse.ArgumentTypeError(f"expected one of: {choices}") from None


def parse_moment(text: str, today: date) -> datetime:
    """ "2026-12-05 08:00", or a day as customers say it and a time ("明天 08:00", "12月5日 8:00"),
    in China time."""
    match = _CLOCK_TIME.match(text.strip())
    if match is None:
        raise ValueError(f"expected a day and HH:MM, got {text!r}")
    day_text = match["day"].strip()
    try:
        day = date.fromisoformat(day_text) if day_text else today
    except ValueError:
        resolved = resolve_days(day_text, today)
        if not isinstance(resolved, DayRange) or resolved.first != resolved.last:
            raise ValueError(f"not one day: {day_text!r}") from None
        day = resolved.first
    return datetime.combine(day, time(int(match["hour"]), int(match["minute"])), CHINA_TZ)


def _line(view: OutageView, accounts: int) -> str:
    start, end = view.starts_at.astimezone(CHINA_TZ), view.ends_at.astimezone(CHINA_TZ)
    state = "closed" if view.closed else "open"
    listed = f"  accounts={accounts}" if accounts else ""
    return (f"#{view.id}  {state}  {view.kind.value}  {start:%Y-%m-%d %H:%M} → {end:%Y-%m-%d %H:%M}  "
            f"{view.area_label}{listed}  {view.reason}")


def _fail(problem: OutageProblem, detail: object = "") -> CliError:
    return CliError(_PROBLEMS[problem.reason].format(detail=problem.detail or detail))


def _configure_add(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kind", type=_kind, required=True, metavar="KIND",
                        help="计划检修 (planned), 故障抢修 (fault) or 临时检修 (temporary)")
    parser.add_argument("--district", default=None, metavar="DISTRICT", help="a code or name: 330106, 西湖区")
    parser.add_argument("--street", default=None, metavar="STREET", help="only addresses on this street: 文三路")
    parser.add_argument("--accounts", default="", metavar="N,N,…", help="only these account numbers (户号)")
    parser.add_argument("--start", required=True, metavar="WHEN", help='"2026-12-05 08:00" or "明天 08:00"')
    parser.add_argument("--end", required=True, metavar="WHEN", help="the expected restoration, same format")
    parser.add_argument("--reason", required=True, metavar="TEXT", help="what customers are told")


def _add(args: argparse.Namespace, context: CliContext) -> int:
    today = context.clock.today()
    try:
        starts_at, ends_at = parse_moment(args.start, today), parse_moment(args.end, today)
    except ValueError as error:
        raise CliError(str(error)) from None
    new = NewOutage(
        kind=args.kind, reason=args.reason, starts_at=starts_at, ends_at=ends_at, district=args.district,
        street=args.street, account_numbers=[n for n in re.split(r"[,，\s]+", args.accounts) if n],
    )
    result = add_outage(context.session_factory(), context.clock, new)
    if isinstance(result, OutageProblem):
        raise _fail(result)
    context.print(_line(result, len(new.account_numbers)))
    return 0


def _configure_close(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("outage_id", type=positive_int, metavar="ID")


def _close(args: argparse.Namespace, context: CliContext) -> int:
    result = close_outage(context.session_factory(), context.clock, outage_id=args.outage_id)
    if isinstance(result, OutageProblem):
        raise _fail(result, args.outage_id)
    context.print(_line(result, 0))
    return 0


def _configure_list(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--all", action="store_true", help="closed outages too")
    parser.add_argument("--limit", type=positive_int, default=20, metavar="N",
                        help="how many of the newest (default 20)")


def _list(args: argparse.Namespace, context: CliContext) -> int:
    rows = list_outages(context.session_factory(), include_closed=args.all, limit=args.limit)
    if not rows:
        context.print("no outages" if args.all else "no open outages")
    for view, accounts in rows:
        context.print(_line(view, accounts))
    return 0


register(Command("outages add", "announce an outage of a district, a street or a list of accounts",
                 _configure_add, _add))
register(Command("outages close", "close an outage (power restored or called off)", _configure_close, _close))
register(Command("outages list", "list the newest outages (open ones unless --all)", _configure_list, _list))
