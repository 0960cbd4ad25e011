"""The WeChat API client against the fake WeChat API on loopback: the access token is fetched
once, refreshed when WeChat rejects it, and never appears in what an error says."""
from __future__ import annotations

import asyncio

import pytest

from bot.channels.wechat.api import WeChatApi, WeChatApiError
from bot.channels.wechat.menu import MENU, menu_json, payload_for_key
from bot.domain_files import load_domain_yaml
from tests.e2e.fake_wechat_api import APP_ID, APP_SECRET, FakeWeChatApi


def test_the_token_is_cached_and_refreshed_when_wechat_rejects_it(fake_api: FakeWeChatApi) -> None:
    client = WeChatApi(fake_api.url, APP_ID, APP_SECRET)

    async def talk() -> None:
        await client.send_text("o-1", "第一条")
        await client.send_text("o-1", "第二条")
        fake_api.expire_tokens()
        await client.send_text("o-1", "第三条")

    asyncio.run(talk())
    assert fake_api.texts("o-1") == ["第一条", "第二条", "第三条"]
    assert fake_api.token_requests == 2


def test_a_wrong_secret_is_an_error_that_does_not_show_it(fake_api: FakeWeChatApi) -> None:
    client = WeChatApi(fake_api.url, APP_ID, "wrong-secret-value")
    with pytest.raises(WeChatApiError) as refused:
        asyncio.run(client.send_text("o-1", "你好"))
    assert refused.value.errcode == 40001
    assert "wrong-secret-value" not in str(refused.value)
    assert fake_api.texts("o-1") == []


def test_media_upload_and_the_menu(fake_api: FakeWeChatApi) -> None:
    client = WeChatApi(fake_api.url, APP_ID, APP_SECRET)

    async def run() -> str:
        await client.create_menu(menu_json())
        return await client.upload_media("image", "chart.png", b"\x89PNG-bytes", "image/png")

    media_id = asyncio.run(run())
    assert media_id.startswith("media-")
    assert fake_api.uploads == [("image", b"\x89PNG-bytes")]
    [menu] = fake_api.menus
    assert [group["name"] for group in menu["button"]] == [group for group, _entries in MENU]


def test_every_menu_key_sends_an_intent_and_an_unknown_key_nothing() -> None:
    keys = [entry["key"] for group in menu_json()["button"] for entry in group["sub_button"]]
    assert len(keys) == len(set(keys))
    assert all((payload_for_key(key) or "").startswith("/") for key in keys)
    assert payload_for_key("QUERY_BALANCE") == "/query_balance"
    assert payload_for_key("NO_SUCH_KEY") is None
    assert len(menu_json()["button"]) <= 3 and all(len(g["sub_button"]) <= 5 for g in menu_json()["button"])


def test_the_menu_file_fits_wechat_and_names_intents_of_the_domain() -> None:
    intents = set(load_domain_yaml()["intents"])
    for group, entries in MENU:
        assert len(group) <= 4 and 1 <= len(entries) <= 5
        for entry in entries:
            assert len(entry.label) <= 8 and entry.intent in intents, entry
