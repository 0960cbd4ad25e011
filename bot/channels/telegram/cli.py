"""``python -m bot telegram set-webhook URL`` (register the webhook, with TELEGRAM_WEBHOOK_SECRET)
and ``python -m bot telegram poll`` (development without a public URL: long-poll the Bot API and
relay each update to the local Rasa server's webhook, with the secret, as Telegram would).

The server itself never calls Telegram at start; these commands are where the webhook is set.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging

import aiohttp
from telegram import Bot

from bot.channels.telegram.application import ALLOWED_UPDATES, SECRET_HEADER, file_base_url
from bot.cli import CliContext, CliError, Command, no_arguments, register
from bot.settings import Settings

__all__ = ["WEBHOOK_PATH", "relay_updates"]

WEBHOOK_PATH = "/webhooks/telegram/webhook"
POLL_TIMEOUT_S = 30
RETRY_AFTER_S = 2.0
log = logging.getLogger(__name__)


def _bot(settings: Settings) -> Bot:
    if not settings.telegram_bot_token:
        raise CliError("TELEGRAM_BOT_TOKEN is not set")
    if not settings.telegram_webhook_secret:
        raise CliError("TELEGRAM_WEBHOOK_SECRET is not set: the webhook would refuse every update")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # request URLs contain the token
    return Bot(settings.telegram_bot_token, base_url=settings.telegram_api_base_url,
               base_file_url=file_base_url(settings.telegram_api_base_url))


def _configure_set_webhook(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("url", metavar="URL", help=f"the public HTTPS URL of {WEBHOOK_PATH}")


async def _set_webhook(bot: Bot, url: str, secret: str) -> None:
    async with bot:
        await bot.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)


def _set_webhook_command(args: argparse.Namespace, context: CliContext) -> int:
    bot = _bot(context.settings)
    assert context.settings.telegram_webhook_secret is not None  # _bot refuses to go on without
    asyncio.run(_set_webhook(bot, args.url, context.settings.telegram_webhook_secret))
    context.print(f"webhook set: {args.url}")
    return 0


async def relay_updates(bot: Bot, webhook_url: str, secret: str, *, rounds: int | None = None) -> int:
    """Long-poll ``bot`` and POST each update to ``webhook_url``; ``rounds`` polls (None: forever).
    An update the server does not take (not 2xx) is asked for again. Returns how many were relayed."""
    relayed = 0
    offset: int | None = None
    async with bot, aiohttp.ClientSession() as http:
        await bot.delete_webhook()  # the Bot API serves getUpdates only without a webhook
        while rounds is None or rounds > 0:
            rounds = None if rounds is None else rounds - 1
            for update in await bot.get_updates(offset=offset, timeout=POLL_TIMEOUT_S, allowed_updates=ALLOWED_UPDATES):
                if not await _relay(http, webhook_url, secret, update.to_dict()):
                    await asyncio.sleep(RETRY_AFTER_S)
                    break
                offset = update.update_id + 1
                relayed += 1
    return relayed


async def _relay(http: aiohttp.ClientSession, webhook_url: str, secret: str, update: dict[str, object]) -> bool:
    """Whether the server took the update."""
    try:
        async with http.post(webhook_url, json=update, headers={SECRET_HEADER: secret}) as reply:
            if reply.status < 300:
                return True
            log.warning("the webhook answered %d; the update is tried again", reply.status)
    except aiohttp.ClientError as error:
        log.warning("the webhook is not reachable (%s); the update is tried again", type(error).__name__)
    return False


def _poll_command(_args: argparse.Namespace, context: CliContext) -> int:
    bot = _bot(context.settings)
    assert context.settings.telegram_webhook_secret is not None
    url = f"{context.settings.rasa_url}{WEBHOOK_PATH}"
    context.print(f"relaying Telegram updates to {url} (Ctrl-C stops)")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(relay_updates(bot, url, context.settings.telegram_webhook_secret))
    return 0


register(Command("telegram set-webhook", "register URL as the bot's webhook, with TELEGRAM_WEBHOOK_SECRET",
                 _configure_set_webhook, _set_webhook_command))
register(Command("telegram poll", "development: long-poll Telegram and relay updates to the local Rasa server",
                 no_arguments, _poll_command))
