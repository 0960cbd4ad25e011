"""The WeChat API client against the fake WeChat API on loopback: the access token is fetched
once, kept until shortly before it expires, replaced once when WeChat rejects it (for every call
refused the same token), shared through Redis between replicas, and never appears in what an
error says."""
from __future__ import annotations

import asyncio

import pytest
import redis

from bot.channels.wechat.api import EXPIRY_MARGIN_S, WeChatApi, WeChatApiError
from bot.channels.wechat.menu import MENU, menu_json, payload_for_key
from bot.channels.wechat.token_cache import RedisSharedToken
from bot.domain_files import load_domain_yaml
from tests.e2e.fake_wechat_api import APP_ID, APP_SECRET, FakeWeChatApi
from tests.unit.limits_fixtures import redis_prefix  # noqa: F401 (fixture)


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


def test_the_token_is_kept_until_shortly_before_it_expires(fake_api: FakeWeChatApi) -> None:
    now = [1000.0]
    client = WeChatApi(fake_api.url, APP_ID, APP_SECRET, monotonic=lambda: now[0])

    async def talk() -> None:
        await client.send_text("o-2", "一")
        now[0] += 7200 - EXPIRY_MARGIN_S - 1  # still kept
        await client.send_text("o-2", "二")
        assert fake_api.token_requests == 1
        now[0] += 1  # the fake says 7200 s: a new one is fetched this long before
        await client.send_text("o-2", "三")

    asyncio.run(talk())
    assert fake_api.token_requests == 2 and fake_api.texts("o-2") == ["一", "二", "三"]


def test_calls_refused_the_same_token_fetch_one_new_token(fake_api: FakeWeChatApi) -> None:
    client = WeChatApi(fake_api.url, APP_ID, APP_SECRET)

    async def talk() -> None:
        await client.send_text("o-3", "之前")
        fake_api.expire_tokens()
        await asyncio.gather(*(client.send_text("o-3", f"并发{n}") for n in range(4)))

    asyncio.run(talk())
    assert fake_api.token_requests == 2
    assert sorted(fake_api.texts("o-3")) == sorted(["之前", *(f"并发{n}" for n in range(4))])


def test_media_calls_take_a_new_token_when_refused(fake_api: FakeWeChatApi) -> None:
    client = WeChatApi(fake_api.url, APP_ID, APP_SECRET)
    fake_api.media["m-1"] = b"\xff\xd8photo"

    async def talk() -> tuple[bytes, str]:
        await client.send_text("o-4", "先拿一个令牌")
        fake_api.expire_tokens()
        photo = await client.download_media("m-1", 1024)
        fake_api.expire_tokens()
        return photo, await client.upload_media("image", "chart.png", b"\x89PNG", "image/png")

    photo, media_id = asyncio.run(talk())
    assert photo == b"\xff\xd8photo" and media_id.startswith("media-")
    assert fake_api.token_requests == 3 and fake_api.uploads == [("image", b"\x89PNG")]


def test_replicas_share_the_token_through_redis(
    fake_api: FakeWeChatApi, redis_prefix: tuple[redis.Redis, str]  # noqa: F811 (the fixture imported above)
) -> None:
    client, prefix = redis_prefix
    first, second = (WeChatApi(fake_api.url, APP_ID, APP_SECRET, shared=RedisSharedToken(client, f"{prefix}token"))
                     for _replica in range(2))

    async def talk() -> None:
        await first.send_text("o-5", "一号")
        await second.send_text("o-5", "二号")  # takes the token the first one fetched
        assert fake_api.token_requests == 1
        fake_api.expire_tokens()
        await first.send_text("o-5", "一号又来")  # fetches and shares a new one
        await second.send_text("o-5", "二号又来")  # its token is refused: it takes the shared one
        assert fake_api.token_requests == 2
        ttl_ms = client.pttl(f"{prefix}token")
        assert 0 < ttl_ms <= (7200 - EXPIRY_MARGIN_S) * 1000

    asyncio.run(talk())
    assert fake_api.texts("o-5") == ["一号", "二号", "一号又来", "二号又来"]


def test_without_redis_each_replica_keeps_its_own_token(fake_api: FakeWeChatApi) -> None:
    unreachable = RedisSharedToken.from_url("redis://127.0.0.1:1/0", APP_ID, timeout_s=0.5)
    client = WeChatApi(fake_api.url, APP_ID, APP_SECRET, shared=unreachable)

    async def talk() -> None:
        await client.send_text("o-6", "一")
        await client.send_text("o-6", "二")

    asyncio.run(talk())
    assert fake_api.texts("o-6") == ["一", "二"] and fake_api.token_requests == 1


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
