"""CLI handlers that run the assistant: ``train``, ``run``, ``actions``, ``chat``, ``bench`` and ``rules``."""
from __future__ import annotations

import argparse
import asyncio

from bot.cli import CliContext, Command, no_arguments, register, seed_if_absent


def configure_train(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--force", action="store_true", help="train even if nothing changed")


def train(args: argparse.Namespace, _context: CliContext) -> int:
    from bot.training.fingerprint import ensure_model

    ensure_model(force=args.force)
    return 0


def run(_args: argparse.Namespace, context: CliContext) -> int:
    """Seed the demo database if absent, train if stale, then serve until Ctrl-C."""
    from bot.server.dev_secrets import refuse_development_secrets
    from bot.server.launcher import run_forever
    from bot.training.fingerprint import ensure_model

    refuse_development_secrets(context.settings)  # before seeding or training: one line, exit 1
    seed_if_absent(context)
    return run_forever(context.settings, ensure_model())


def configure_chat(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", help="Rasa server URL (default: from RASA_HOST/RASA_PORT)")
    parser.add_argument("--sender", help="conversation id (default: a new one)")


def chat(args: argparse.Namespace, context: CliContext) -> int:
    from bot.devtools.chat_client import chat as chat_loop

    s = context.settings
    asyncio.run(chat_loop(args.url or f"http://{s.rasa_host}:{s.rasa_port}", args.sender, token=s.rest_channel_token))
    return 0


def configure_actions(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, help="port (default: ACTION_PORT); the host is ACTION_HOST")


def actions(args: argparse.Namespace, context: CliContext) -> int:
    """Serve the actions behind ACTION_SERVER_TOKEN (generated into var/ like ``run`` does when unset)."""
    from bot.server.action_server import serve
    from bot.server.secrets_files import action_server_token

    s = context.settings
    serve(action_server_token(s), s.action_host, args.port or s.action_port)
    return 0


register(Command("train", "train the Rasa model if config, domain or data changed", configure_train, train))
register(Command("run", "seed if needed, train if stale, start the action and Rasa servers", no_arguments, run))
register(Command("chat", "talk to the running assistant in this terminal", configure_chat, chat))
register(Command("actions", "serve the actions (the action server Rasa calls; token required)",
                 configure_actions, actions))


def configure_bench(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rounds", type=int, default=20, help="times the scripted conversation is replayed")


def bench(args: argparse.Namespace, _context: CliContext) -> int:
    from bot.devtools.bench import main as run_bench

    run_bench(args.rounds)
    return 0


register(Command("bench", "measure REST latency and server memory on loopback", configure_bench, bench))


def regenerate_rules(_args: argparse.Namespace, context: CliContext) -> int:
    from bot.settings import PROJECT_ROOT
    from bot.training.rules_generator import GENERATED, RULES_DIR, write_generated_rules

    changed = set(write_generated_rules())
    for generated in GENERATED:
        path = RULES_DIR / generated.name
        context.print(f"{path.relative_to(PROJECT_ROOT)} {'updated' if path in changed else 'already up to date'}")
    return 0


register(Command("rules", "regenerate data/core/rules/*.generated.yml from the routing table and the table of forms",
                 no_arguments, regenerate_rules))
