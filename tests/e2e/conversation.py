"""A REST-channel conversation driven the way a client app would, plus the domain's response texts."""
from __future__ import annotations

import asyncio
import json
import re
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode
from urllib.request import urlopen

import aiohttp
from sqlalchemy import create_engine, select, text

from bot.applications.work_orders import create_work_order
from bot.clock import FileClock
from bot.db.enums import WorkOrderKind
from bot.db.models import User
from bot.db.session import SessionFactory
from bot.devtools.chat_client import send
from bot.domain_files import load_domain_yaml

PAST_RESEND_WAIT = timedelta(seconds=61)  # a phone gets one SMS code per 60 s


@lru_cache(maxsize=1)
def responses() -> dict[str, list[dict[str, Any]]]:
    return load_domain_yaml()["responses"]


def response_text(name: str) -> str:
    return responses()[name][0]["text"]


class Conversation:
    """One user (sender id) talking to the assistant over the REST channel."""

    def __init__(self, rasa_url: str, sender: str) -> None:
        self.rasa_url = rasa_url
        self.sender = sender

    def say(self, message: str) -> list[dict[str, Any]]:
        async def _send() -> list[dict[str, Any]]:
            async with aiohttp.ClientSession() as session:
                return await send(session, self.rasa_url, self.sender, message)

        return asyncio.run(_send())

    def send_file(self, data: bytes, filename: str) -> list[dict[str, Any]]:
        """Send a file the way a client app with file support would: the REST channel's upload."""

        async def _upload() -> list[dict[str, Any]]:
            form = aiohttp.FormData()
            form.add_field("sender", self.sender)
            form.add_field("file", data, filename=filename, content_type="application/octet-stream")
            url = f"{self.rasa_url}/webhooks/rest/upload"
            async with aiohttp.ClientSession() as session, session.post(url, data=form) as reply:
                assert reply.status == 200, await reply.text()
                return await reply.json()

        return asyncio.run(_upload())

    def tracker(self, api_token: str) -> dict[str, Any]:
        """The conversation as Rasa's HTTP API shows it (the API requires its token)."""
        url = f"{self.rasa_url}/conversations/{quote(self.sender, safe='')}/tracker?{urlencode({'token': api_token})}"
        with urlopen(url) as reply:  # noqa: S310
            return json.load(reply)


def texts(replies: list[dict[str, Any]]) -> list[str]:
    return [r["text"] for r in replies if r.get("text")]


def payloads(replies: list[dict[str, Any]]) -> list[str]:
    return [b["payload"] for r in replies for b in r.get("buttons") or []]


def last_sms_code(database_url: str, phone: str) -> str:
    """The code in the last SMS the demo gateway recorded for ``phone`` (what the user reads)."""
    engine = create_engine(database_url, future=True)
    with engine.connect() as connection:
        body = connection.execute(
            text("SELECT text FROM sms_messages WHERE phone = :p ORDER BY id DESC LIMIT 1"), {"p": phone}
        ).scalar_one()
    engine.dispose()
    return re.search(r"(?<!\d)\d{6}(?!\d)", body).group(0)


def log_in(chat: Conversation, database_url: str, phone: str) -> list[dict[str, Any]]:
    """Answer the login form's two questions; returns the replies to the code."""
    sent = texts(chat.say(phone))
    assert any("验证码已发送" in t for t in sent), sent
    return chat.say(last_sms_code(database_url, phone))


def work_order_for(database_url: str, clock_file: Path, phone: str) -> str:
    """A 个人新装 on file for the customer ``phone`` (the chat flow that files one has its own e2e test)."""
    factory = SessionFactory.from_url(database_url)
    try:
        with factory.session_scope() as session:
            user_id = session.scalars(select(User.id).where(User.phone == phone)).one()
            order = create_work_order(
                session, FileClock(clock_file), kind=WorkOrderKind.RESIDENTIAL_INSTALL, account_id=None,
                user_id=user_id, form_data={"address": "浙江省杭州市上城区解放路90号"}, note=None,
                promised_working_days=5,
            )
            return order.order_no
    finally:
        factory.dispose()
