"""``python -m bot COMMAND``: database, demo data and operator tools.

Commands live in :data:`COMMANDS`; adding one is one line::

    register(Command("name [sub]", "help", configure_parser, handler))

``handler(args, context)`` returns the exit code (0 ok) or raises :class:`CliError`
with a one-line message (exit 1); argparse usage errors exit 2. Command names with a
space nest: ``"db upgrade"`` is ``python -m bot db upgrade``.
"""
from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TextIO

from bot.billing.tariff import TariffBook
from bot.clock import CHINA_TZ, Clock, clock_from_env
from bot.conversation.handoff import TranscriptLine, recent_handoffs
from bot.db.migrate import current_revision, upgrade
from bot.db.reset import delete_all_rows
from bot.db.session import SessionFactory
from bot.demo.seed import demo_data_present, seed_demo_data
from bot.identity.sms import last_message
from bot.privacy.cli import configure_purge, purge_command
from bot.privacy.masking import mask_phone, redact
from bot.server.dev_secrets import refuse_development_secrets
from bot.settings import Settings


class CliError(Exception):
    """A failure reported to the user as one line, exit status 1."""


@dataclass
class CliContext:
    """What handlers get besides their arguments; the session factory is made lazily."""

    settings: Settings
    clock: Clock
    out: TextIO = field(default_factory=lambda: sys.stdout)
    _session_factory: SessionFactory | None = None

    def session_factory(self) -> SessionFactory:
        if self._session_factory is None:
            self._session_factory = SessionFactory.from_url(self.settings.database_url)
        return self._session_factory

    def print(self, *parts: object) -> None:
        print(*parts, file=self.out)

    def close(self) -> None:
        if self._session_factory is not None:
            self._session_factory.dispose()


ConfigureParser = Callable[[argparse.ArgumentParser], None]
Handler = Callable[[argparse.Namespace, CliContext], int]


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    configure: ConfigureParser
    run: Handler


COMMANDS: list[Command] = []


def register(command: Command) -> Command:
    COMMANDS.append(command)
    return command


def no_arguments(_parser: argparse.ArgumentParser) -> None:
    """``configure`` for commands without options."""


# --- commands --------------------------------------------------------------------


def _db_upgrade(_args: argparse.Namespace, context: CliContext) -> int:
    upgrade(context.settings.database_url)
    context.print(f"database schema at revision {current_revision(context.settings.database_url)}")
    return 0


def _configure_seed(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--reset", action="store_true", help="delete ALL data first, then seed afresh"
    )


def seed_if_absent(context: CliContext, *, reset: bool = False) -> None:
    """Migrate, then seed the demo data unless it is there (``reset`` deletes everything first)."""
    upgrade(context.settings.database_url)
    session_factory = context.session_factory()
    with session_factory.session_scope() as session:
        if reset:
            delete_all_rows(session)
        elif demo_data_present(session):
            context.print("demo data already present; use --reset to recreate it")
            return
    seed_demo_data(session_factory, TariffBook.load(context.settings.tariff_dir), context.clock)
    context.print(f"demo data seeded relative to {context.clock.today().isoformat()}")


def _seed(args: argparse.Namespace, context: CliContext) -> int:
    seed_if_absent(context, reset=args.reset)
    return 0


PHONE_PATTERN = re.compile(r"1\d{10}")


def _phone(value: str) -> str:
    value = value.strip()
    if not PHONE_PATTERN.fullmatch(value):
        raise argparse.ArgumentTypeError("expected an 11-digit mobile number")
    return value


def _configure_sms(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("phone", type=_phone, metavar="PHONE")


def _sms(args: argparse.Namespace, context: CliContext) -> int:
    """Shows the code in full: this is how demo users read their login code."""
    with context.session_factory().session_scope() as session:
        message = last_message(session, args.phone)
        if message is None:
            raise CliError(f"no SMS recorded for {mask_phone(args.phone)}")
        sent_at = message.sent_at.astimezone(CHINA_TZ)
        context.print(f"{sent_at:%Y-%m-%d %H:%M:%S}  [{message.purpose}]  {message.text}")
    return 0


def positive_int(value: str) -> int:
    """argparse type for counts and limits (1 or more)."""
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError("expected a positive whole number")
    return number


def _configure_handoffs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--limit", type=positive_int, default=20, metavar="N",
                        help="how many of the newest hand-offs (default 20)")


def _handoffs(args: argparse.Namespace, context: CliContext) -> int:
    with context.session_factory().session_scope() as session:
        handoffs = recent_handoffs(session, args.limit)
        if not handoffs:
            context.print("no hand-offs")
        for handoff in handoffs:
            created = handoff.created_at.astimezone(CHINA_TZ)
            context.print(redact(
                f"#{handoff.id}  {created:%Y-%m-%d %H:%M}  {handoff.status}  "
                f"{handoff.channel}/{handoff.sender_id}  {handoff.reason}"
            ))
            for line in map(TranscriptLine.from_json, handoff.transcript):
                at = line.at.astimezone(CHINA_TZ)
                context.print(redact(f"    {at:%H:%M:%S} {line.speaker:>4}: {line.text}"))
    return 0


def _gateway(_args: argparse.Namespace, context: CliContext) -> int:
    """Blocks until Ctrl-C; ``make run`` starts it alongside the other servers."""
    from bot.payments.demo_gateway_server import serve  # aiohttp: only for this command

    refuse_development_secrets(context.settings)
    serve(context.settings, context.clock)
    return 0


register(Command("db upgrade", "apply database migrations (Alembic upgrade head)",
                 no_arguments, _db_upgrade))
register(Command("seed", "migrate, then load the demo data unless present", _configure_seed, _seed))
register(Command("sms", "show the last SMS sent to PHONE (demo SMS gateway)", _configure_sms, _sms))
register(Command("handoffs", "list recent hand-offs to human agents (redacted)",
                 _configure_handoffs, _handoffs))
register(Command("gateway", "serve the demo payment gateway on PAYMENT_GATEWAY_HOST/PORT (until Ctrl-C)",
                 no_arguments, _gateway))
register(Command("purge", "delete conversations, uploads, hand-offs and SMS codes older than AGE, "
                 "and expired published files", configure_purge, purge_command))


# --- plumbing --------------------------------------------------------------------


def build_parser(commands: Iterable[Command]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot", description="State Grid customer-service assistant tools."
    )
    subparsers: dict[tuple[str, ...], argparse._SubParsersAction] = {(): _subparsers(parser, "command")}
    for command in commands:
        *groups, leaf = command.name.split()
        for depth in range(1, len(groups) + 1):
            prefix = tuple(groups[:depth])
            if prefix not in subparsers:
                group = subparsers[prefix[:-1]].add_parser(
                    prefix[-1], help=f"{' '.join(prefix)} commands"
                )
                subparsers[prefix] = _subparsers(group, "_".join(prefix) + "_command")
        sub = subparsers[tuple(groups)].add_parser(leaf, help=command.help, description=command.help)
        command.configure(sub)
        sub.set_defaults(_command=command)
    return parser


def _subparsers(parser: argparse.ArgumentParser, dest: str) -> argparse._SubParsersAction:
    return parser.add_subparsers(dest=dest, metavar="COMMAND", required=True)


def main(argv: list[str] | None = None, *, settings: Settings | None = None,
         clock: Clock | None = None) -> int:
    parser = build_parser(COMMANDS)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # usage error (2) or --help (0)
        return int(exit_.code or 0)
    context = CliContext(settings or Settings.from_env(), clock or clock_from_env())
    try:
        return args._command.run(args, context)
    except CliError as error:
        _error(str(error))
    except Exception as error:  # noqa: BLE001 - the CLI's contract is a one-line message
        _error(f"{type(error).__name__}: {_first_line(str(error))}")
    finally:
        context.close()
    return 1


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def _error(message: str) -> None:
    print(f"error: {redact(message)}", file=sys.stderr)
