"""Rasa's stores as configured by environment variables, against the real local services.

The tracker store runs on SQLite and on PostgreSQL (the ``empty_database_url`` fixture;
REQUIRE_POSTGRES=1 turns an unreachable server into a failure). The Redis lock store and the
RabbitMQ broker need 127.0.0.1:6379 and :5672; if one does not answer, its tests are skipped
with the reason, unless REQUIRE_REDIS=1 / REQUIRE_RABBITMQ=1, which makes that a failure.
"""
from __future__ import annotations

import asyncio
import importlib
import json
import logging
import os
import socket
import uuid
from collections.abc import Callable, Iterator

import pytest
import redis
from rasa.core.brokers.pika import PikaEventBroker
from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy import inspect

import bot.rasa_ext
from bot.clock import FixedClock
from bot.db.session import SessionFactory
from bot.privacy.masking import uninstall_log_redaction
from bot.rasa_ext.importer import project_domain
from bot.rasa_ext.stores import ConfiguredEventBroker, ConfiguredLockStore, ConfiguredSQLTrackerStore
from bot.settings import PROJECT_ROOT

REDIS_URL = "redis://127.0.0.1:6379/3"
RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672"



def _require(service: str, flag: str, check: Callable[[], object]) -> None:
    """Skip (or fail, when ``flag``=1) if ``service`` does not answer."""
    try:
        check()
    except (OSError, redis.RedisError) as error:
        reason = f"{service} not reachable: {error}"
        if os.environ.get(flag) == "1":
            pytest.fail(f"{flag}=1 but {reason}")
        pytest.skip(reason)


def test_importing_the_rasa_adapters_switches_on_log_redaction() -> None:
    try:
        importlib.reload(bot.rasa_ext)
        record = logging.getLogRecordFactory()("rasa", logging.INFO, __file__, 1, "手机 %s", ("13800000001",), None)
        assert record.getMessage() == "手机 138****0001"
    finally:
        uninstall_log_redaction()


@pytest.fixture(scope="module")
def domain() -> Domain:
    return project_domain()


# --- tracker store -------------------------------------------------------------------


def _conversation(domain: Domain, sender_id: str) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender_id, domain.slots)
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered(
        "我的电费是多少", intent={"name": "query_bill", "confidence": 0.97},
        parse_data={"intent": {"name": "query_bill", "confidence": 0.97}, "entities": [], "text": "我的电费是多少"},
        input_channel="rest",
    ))
    tracker.update(BotUttered("请提供您的户号"))
    return tracker


def _store(
    monkeypatch: pytest.MonkeyPatch, url: str, domain: Domain, business: SessionFactory, clock: FixedClock
) -> ConfiguredSQLTrackerStore:
    """The tracker store on ``url``; the slot vault and erasure queue in the business database."""
    monkeypatch.setenv("TRACKER_STORE_URL", url)
    return ConfiguredSQLTrackerStore(domain=domain, session_factory=business, clock=clock)


def test_tracker_store_uses_tracker_store_url(
    empty_database_url: str, domain: Domain, monkeypatch: pytest.MonkeyPatch,
    session_factory: SessionFactory, fixed_clock: FixedClock,
) -> None:
    store = _store(monkeypatch, empty_database_url, domain, session_factory, fixed_clock)
    try:
        assert store.engine.url.render_as_string(hide_password=False) == empty_database_url
        assert "events" in inspect(store.engine).get_table_names()
    finally:
        store.engine.dispose()


def test_a_conversation_survives_a_restart(
    empty_database_url: str, domain: Domain, monkeypatch: pytest.MonkeyPatch,
    session_factory: SessionFactory, fixed_clock: FixedClock,
) -> None:
    sender_id = f"web-{uuid.uuid4().hex[:8]}"
    first = _store(monkeypatch, empty_database_url, domain, session_factory, fixed_clock)
    try:
        asyncio.run(first.save(_conversation(domain, sender_id)))
    finally:
        first.engine.dispose()

    restarted = _store(monkeypatch, empty_database_url, domain, session_factory, fixed_clock)  # a new process
    try:
        tracker = asyncio.run(restarted.retrieve(sender_id))
        unknown = asyncio.run(restarted.retrieve("nobody"))
        keys = list(asyncio.run(restarted.keys()))
    finally:
        restarted.engine.dispose()

    assert unknown is None
    assert keys == [sender_id]
    assert tracker is not None
    assert tracker.sender_id == sender_id
    assert tracker.latest_message.text == "我的电费是多少"
    assert tracker.latest_message.intent["name"] == "query_bill"
    assert tracker.get_latest_input_channel() == "rest"
    assert [e.text for e in tracker.events if isinstance(e, BotUttered)] == ["请提供您的户号"]
    assert [type(e) for e in tracker.events] == [ActionExecuted, UserUttered, BotUttered]


def test_tracker_store_default_is_the_embedded_sqlite_file(domain: Domain, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without TRACKER_STORE_URL the store opens var/tracker.db; the connection is faked so the
    demo database, which a running assistant may be using, is not touched."""
    monkeypatch.delenv("TRACKER_STORE_URL", raising=False)
    opened: list[str] = []

    def fake_init(self: object, *, domain: Domain | None, dialect: str, host: str, **_: object) -> None:
        opened.append(f"{dialect} {host}")

    monkeypatch.setattr("rasa.core.tracker_store.SQLTrackerStore.__init__", fake_init)
    ConfiguredSQLTrackerStore(domain=domain)
    assert opened == [f"sqlite sqlite:///{PROJECT_ROOT / 'var' / 'tracker.db'}"]


# --- lock store ----------------------------------------------------------------------


def test_lock_store_is_in_memory_without_redis_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    store = ConfiguredLockStore()
    assert isinstance(store, InMemoryLockStore)
    assert LockStore.create(store) is store


@pytest.fixture
def redis_lock_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[redis.Redis, str]]:
    """REDIS_URL pointed at db 3, a fresh conversation id, and its key removed afterwards."""
    client = redis.Redis(host="127.0.0.1", port=6379, db=3, socket_timeout=3)
    _require("Redis at 127.0.0.1:6379", "REQUIRE_REDIS", client.ping)
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    conversation_id = f"test-{uuid.uuid4().hex}"
    try:
        yield client, conversation_id
    finally:
        client.delete(f"assistant:lock:{conversation_id}")
        client.close()


def test_lock_store_is_redis_with_redis_url(redis_lock_env: tuple[redis.Redis, str]) -> None:
    store = ConfiguredLockStore()
    assert isinstance(store, RedisLockStore)
    kwargs = store.red.connection_pool.connection_kwargs
    assert (kwargs["host"], kwargs["port"], kwargs["db"]) == ("127.0.0.1", 6379, 3)
    assert store.key_prefix == "assistant:lock:"


def test_redis_lock_is_shared_between_store_instances(redis_lock_env: tuple[redis.Redis, str]) -> None:
    client, conversation_id = redis_lock_env
    key = f"assistant:lock:{conversation_id}"
    first, second = ConfiguredLockStore(), ConfiguredLockStore()  # e.g. two Rasa replicas
    order: list[str] = []

    async def second_replica() -> None:
        async with second.lock(conversation_id, wait_time_in_seconds=0.05):
            order.append("second")

    async def scenario() -> None:
        async with first.lock(conversation_id, wait_time_in_seconds=0.05):
            assert client.exists(key)  # the lock lives in Redis, not in the process
            waiting = asyncio.create_task(second_replica())
            await asyncio.sleep(0.5)
            assert not waiting.done()  # the other replica is held back ...
            assert second.is_someone_waiting(conversation_id)
            lock = second.get_lock(conversation_id)
            assert lock is not None and [t.number for t in lock.tickets] == [0, 1]
            order.append("first")
        await asyncio.wait_for(waiting, timeout=5)  # ... until the first one lets go

    asyncio.run(scenario())
    assert order == ["first", "second"]
    assert not client.exists(key)  # released by the last holder


# --- event broker --------------------------------------------------------------------


def test_no_event_broker_without_event_broker_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EVENT_BROKER_URL", raising=False)
    config = EndpointConfig(type="bot.rasa_ext.stores.ConfiguredEventBroker", queues=["rasa_events"])
    assert asyncio.run(ConfiguredEventBroker.from_endpoint_config(config)) is None


def _rabbitmq_answers() -> None:
    socket.create_connection(("127.0.0.1", 5672), timeout=3).close()


def test_event_broker_publishes_to_rabbitmq(monkeypatch: pytest.MonkeyPatch) -> None:
    _require("RabbitMQ at 127.0.0.1:5672", "REQUIRE_RABBITMQ", _rabbitmq_answers)
    import aio_pika

    monkeypatch.setenv("EVENT_BROKER_URL", RABBITMQ_URL)
    queue_name = f"test_events_{uuid.uuid4().hex[:12]}"
    sender_id = f"web-{uuid.uuid4().hex[:8]}"

    async def scenario() -> dict[str, object]:
        config = EndpointConfig(type="bot.rasa_ext.stores.ConfiguredEventBroker", queues=[queue_name])
        broker = await ConfiguredEventBroker.from_endpoint_config(config)
        connection = await aio_pika.connect_robust(RABBITMQ_URL + "/")
        try:
            assert isinstance(broker, PikaEventBroker)
            assert broker.is_ready()
            assert (broker.host, broker.port, broker.username) == ("127.0.0.1", 5672, "guest")
            broker.publish({"event": "user", "sender_id": sender_id, "text": "你好"})  # sent in the background

            channel = await connection.channel()
            queue = await channel.declare_queue(queue_name, durable=True)
            for _ in range(50):
                message = await queue.get(fail=False, no_ack=True)
                if message is not None:
                    body = json.loads(message.body)
                    if body.get("sender_id") == sender_id:
                        return body
                else:
                    await asyncio.sleep(0.1)
            raise AssertionError("the event never reached the queue")
        finally:
            if broker is not None:
                await broker.close()
            channel = await connection.channel()
            await channel.queue_delete(queue_name)
            await connection.close()

    assert asyncio.run(scenario()) == {"event": "user", "sender_id": sender_id, "text": "你好"}
