"""A terminal chat client for the REST channel (``python -m bot chat``)."""
from __future__ import annotations

import asyncio
import secrets
from typing import Any

import aiohttp


def auth_headers(token: str | None) -> dict[str, str]:
    """The REST channel's bearer header (REST_CHANNEL_TOKEN), when one is configured."""
    return {"Authorization": f"Bearer {token}"} if token else {}


def new_sender_id() -> str:
    """A fresh conversation id: 128 random bits, so nobody can guess their way into a chat."""
    return f"cli-{secrets.token_hex(16)}"


async def send(
    session: aiohttp.ClientSession, url: str, sender: str, message: str, *, token: str | None = None
) -> list[dict[str, Any]]:
    """Send one user message to the REST channel and return the bot's replies."""
    body = {"sender": sender, "message": message}
    async with session.post(f"{url}/webhooks/rest/webhook", json=body, headers=auth_headers(token)) as r:
        r.raise_for_status()
        return await r.json()


def render(reply: dict[str, Any]) -> str:
    lines = []
    if reply.get("text"):
        lines.append(f"小e：{reply['text']}")
    if reply.get("image"):
        lines.append(f"小e：[图片] {reply['image']}")
    for index, button in enumerate(reply.get("buttons") or [], start=1):
        lines.append(f"    [{index}] {button['title']}")
    return "\n".join(lines)


async def chat(url: str, sender: str | None = None, *, token: str | None = None) -> None:
    """Read lines from the terminal; a number picks a button of the last reply."""
    sender = sender or new_sender_id()
    buttons: list[dict[str, Any]] = []
    print("输入消息与助手对话，输入数字选择按钮，Ctrl-D 退出。")
    async with aiohttp.ClientSession() as session:
        while True:
            try:
                line = (await asyncio.to_thread(input, "您：")).strip()
            except EOFError:
                print()
                return
            if line.isdigit() and 1 <= int(line) <= len(buttons):
                line = buttons[int(line) - 1]["payload"]
            replies = await send(session, url, sender, line, token=token)
            buttons = []
            for reply in replies:
                print(render(reply))
                buttons = reply.get("buttons") or buttons
