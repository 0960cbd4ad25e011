"""``python -m bot wechat menu``: print the 公众号's 自定义菜单 JSON (:mod:`bot.channels.wechat.menu`),
or with ``--push`` create it through the WeChat API (WECHAT_APP_ID / WECHAT_APP_SECRET)."""
from __future__ import annotations

import argparse
import asyncio
import json

import aiohttp

from bot.channels.wechat.api import WeChatApi, WeChatApiError
from bot.channels.wechat.menu import menu_json
from bot.cli import CliContext, CliError, Command, register


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--push", action="store_true", help="create the menu through the WeChat API")


def _menu(args: argparse.Namespace, context: CliContext) -> int:
    menu = menu_json()
    context.print(json.dumps(menu, ensure_ascii=False, indent=2))
    if not args.push:
        return 0
    api = WeChatApi.from_settings(context.settings)
    if api is None:
        raise CliError("WECHAT_APP_ID and WECHAT_APP_SECRET must be set to push the menu")
    try:
        asyncio.run(api.create_menu(menu))
    except WeChatApiError as error:
        raise CliError(str(error)) from error
    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
        raise CliError(f"the WeChat API did not answer ({type(error).__name__})") from error
    context.print("menu pushed")
    return 0


register(Command("wechat menu", "print the WeChat 自定义菜单 JSON (--push: create it through the API)",
                 _configure, _menu))
