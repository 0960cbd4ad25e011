"""The tracker store and the event broker keep no raw personal data (bot.rasa_ext.redaction).

Real stores: the SQL tracker store on SQLite and PostgreSQL (its raw ``events`` table is read
back), the slot vault in the migrated business database, RabbitMQ on 127.0.0.1:5672 (skipped
with the reason when it does not answer, unless REQUIRE_RABBITMQ=1).
"""
from __future__ import annotations

import asyncio
import json
import re
import uuid
from datetime import timedelta

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy import func, select, text

from bot.clock import FixedClock
from bot.db.models import SlotVaultEntry, TrackerErasure
from bot.db.session import SessionFactory
from bot.privacy.conversations import ERASURE_SWEEP_AFTER, request_tracker_erasure
from bot.rasa_ext.importer import project_domain
from bot.rasa_ext.stores import ConfiguredEventBroker, ConfiguredSQLTrackerStore, RedactingPikaEventBroker
from tests.unit.bot.rasa_ext.test_stores import RABBITMQ_URL, _rabbitmq_answers, _require

PHONE, CODE, ID_NUMBER = "13800000001", "482913", "33010619900101123X"
RAW = (PHONE, CODE, ID_NUMBER, "6225880112341234")


def _has(raw: str, stored: str) -> bool:
    """``raw`` as a whole number in ``stored`` (not inside a longer one, e.g. a timestamp)."""
    return re.search(rf"(?<!\d){raw}(?!\d)", stored) is not None


@pytest.fixture(scope="module")
def domain() -> Domain:
    return project_domain()


@pytest.fixture
def store(
    empty_database_url: str, domain: Domain, session_factory: SessionFactory, fixed_clock: FixedClock,
    monkeypatch: pytest.MonkeyPatch,
):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TRACKER_STORE_URL", empty_database_url)
    tracker_store = ConfiguredSQLTrackerStore(domain=domain, session_factory=session_factory, clock=fixed_clock)
    try:
        yield tracker_store
    finally:
        tracker_store.engine.dispose()


def _said(text_: str, intent: str, entities: list[dict[str, str]] | None = None) -> UserUttered:
    entities = entities or []
    return UserUttered(text_, intent={"name": intent, "confidence": 0.9}, entities=entities,
                       parse_data={"intent": {"name": intent, "confidence": 0.9}, "entities": entities, "text": text_},
                       input_channel="socketio")


def _login_and_verification(domain: Domain, sender_id: str) -> DialogueStateTracker:
    """A login (phone, SMS code) and a real-name ID number, as the events Rasa stores for them."""
    tracker = DialogueStateTracker(sender_id, domain.slots)
    for event in (
        ActionExecuted("action_listen"),
        _said(f"绑定户号3301000002，我的手机{PHONE}", "bind_account",
              [{"entity": "account_number", "value": "3301000002"}, {"entity": "phone_number", "value": PHONE}]),
        SlotSet("request_text", f"绑定户号3301000002，我的手机{PHONE}"),
        SlotSet("account_number", "3301000002"),
        SlotSet("phone_number", PHONE),  # extracted, then validated
        BotUttered(f"验证码已发送至{PHONE[:3]}****{PHONE[-4:]}，5分钟内有效。"),
        ActionExecuted("action_listen"),
        _said(CODE, "inform", [{"entity": "verification_code", "value": CODE}]),
        SlotSet("verification_code", CODE),
        SlotSet("verification_code", "accepted"),
        ActionExecuted("action_listen"),
        _said(f"身份证号{ID_NUMBER}，卡号6225880112341234", "inform", [{"entity": "id_number", "value": ID_NUMBER}]),
        SlotSet("id_number", ID_NUMBER),
        BotUttered("请核对：3301**********123X", data={"buttons": [{"title": f"是{ID_NUMBER}", "payload": "/affirm"}]}),
    ):
        tracker.update(event)
    return tracker


def _stored_rows(store: ConfiguredSQLTrackerStore, sender_id: str) -> list[str]:
    """The raw ``events`` rows, their JSON with the Chinese unescaped (so ``号`` is not ``\\u53f7``)."""
    with store.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT data FROM events WHERE sender_id = :sender ORDER BY id"), {"sender": sender_id}
        ).scalars()
        return [json.dumps(json.loads(row), ensure_ascii=False) for row in rows]


def test_no_raw_personal_data_reaches_the_events_table(store: ConfiguredSQLTrackerStore, domain: Domain) -> None:
    sender_id = f"chat-{uuid.uuid4().hex[:8]}"
    asyncio.run(store.save(_login_and_verification(domain, sender_id)))

    rows = _stored_rows(store, sender_id)
    assert len(rows) == 14
    everything = "\n".join(rows)
    for raw in RAW:
        assert not _has(raw, everything)
    assert "138****0001" in everything and "3301**********123X" in everything
    user_events = [json.loads(row) for row in rows if json.loads(row)["event"] == "user"]
    assert user_events[2]["text"] == "身份证号3301**********123X，卡号尾号1234"
    assert user_events[2]["parse_data"]["entities"][0]["value"] == "3301**********123X"


@pytest.mark.parametrize("slot", ["rt_sms_code", "ni_sms_code", "pay_sms_code", "autopay_sms_code"])
def test_no_form_keeps_a_raw_sms_code(
    store: ConfiguredSQLTrackerStore, domain: Domain, session_factory: SessionFactory, slot: str
) -> None:
    sender_id = f"chat-{uuid.uuid4().hex[:8]}"
    tracker = DialogueStateTracker(sender_id, domain.slots)
    for event in (ActionExecuted("action_listen"), _said(CODE, "inform", []), SlotSet(slot, CODE)):
        tracker.update(event)
    asyncio.run(store.save(tracker))

    assert not _has(CODE, "\n".join(_stored_rows(store, sender_id)))
    with session_factory.session_scope() as session:
        assert session.execute(select(SlotVaultEntry).where(SlotVaultEntry.slot == slot)).first() is None


def test_the_dialogue_still_reads_what_it_needs_in_later_turns(
    store: ConfiguredSQLTrackerStore, domain: Domain, fixed_clock: FixedClock, session_factory: SessionFactory
) -> None:
    """The code step reads the login phone, the confirmation step the ID number: both come back
    raw from the vault; the SMS code does not (it is never needed again)."""
    sender_id = f"chat-{uuid.uuid4().hex[:8]}"
    asyncio.run(store.save(_login_and_verification(domain, sender_id)))

    tracker = asyncio.run(store.retrieve(sender_id))
    assert tracker is not None
    assert tracker.get_slot("phone_number") == PHONE
    assert tracker.get_slot("id_number") == ID_NUMBER
    assert tracker.get_slot("verification_code") == "accepted"
    assert tracker.get_slot("account_number") == "3301000002"
    assert tracker.latest_message.text == "身份证号3301**********123X，卡号尾号1234"
    code_slots = [e.value for e in tracker.events if isinstance(e, SlotSet) and e.key == "verification_code"]
    assert code_slots == ["******", "accepted"]
    with session_factory.session_scope() as session:
        kept = dict(session.execute(select(SlotVaultEntry.slot, SlotVaultEntry.value)).all())
    assert {slot: kept.get(slot) for slot in ("phone_number", "id_number", "request_text", "verification_code")} == {
        "phone_number": PHONE, "id_number": ID_NUMBER, "request_text": f"绑定户号3301000002，我的手机{PHONE}",
        "verification_code": None,  # SMS codes are never kept
    }

    # The next turn clears the phone (login done): its raw value goes at once.
    tracker.update(SlotSet("phone_number", None))
    asyncio.run(store.save(tracker))
    with session_factory.session_scope() as session:
        assert "phone_number" not in set(session.scalars(select(SlotVaultEntry.slot)))

    # An hour later (SLOT_VAULT_MINUTES) the rest is gone: the form would ask again.
    fixed_clock.advance(timedelta(minutes=61))
    later = asyncio.run(store.retrieve(sender_id))
    assert later is not None
    assert later.get_slot("id_number") is None
    assert later.get_slot("request_text") is None
    later.update(ActionExecuted("action_listen"))
    asyncio.run(store.save(later))  # a save purges what expired (housekeeping: at most once a minute)
    with session_factory.session_scope() as session:
        assert session.scalar(select(func.count()).select_from(SlotVaultEntry)) == 0


def test_a_vault_reference_does_not_work_in_another_conversation(
    store: ConfiguredSQLTrackerStore, domain: Domain
) -> None:
    victim, attacker = f"chat-{uuid.uuid4().hex[:8]}", f"chat-{uuid.uuid4().hex[:8]}"
    asyncio.run(store.save(_login_and_verification(domain, victim)))
    copied = [json.loads(row) for row in _stored_rows(store, victim)]
    with store.engine.begin() as connection:
        for event in copied:
            connection.execute(
                text("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (:s, :t, :ts, :d)"),
                {"s": attacker, "t": event["event"], "ts": event["timestamp"], "d": json.dumps(event)},
            )
    stolen = asyncio.run(store.retrieve(attacker))
    assert stolen is not None
    assert stolen.get_slot("phone_number") is None and stolen.get_slot("id_number") is None


def test_a_queued_erasure_deletes_the_conversation_and_the_turn_in_flight(
    store: ConfiguredSQLTrackerStore, domain: Domain, session_factory: SessionFactory, fixed_clock: FixedClock
) -> None:
    sender_id = f"chat-{uuid.uuid4().hex[:8]}"
    tracker = _login_and_verification(domain, sender_id)
    asyncio.run(store.save(tracker))
    with session_factory.session_scope() as session:  # what the erasure service does mid-turn
        request_tracker_erasure(session, [sender_id], fixed_clock.now())
        assert session.scalar(select(func.count()).select_from(SlotVaultEntry)) == 0

    tracker.update(BotUttered("您的账号已注销"))
    asyncio.run(store.save(tracker))  # the end of the erasing turn writes nothing back
    assert _stored_rows(store, sender_id) == []
    assert asyncio.run(store.retrieve(sender_id)) is None
    with session_factory.session_scope() as session:
        assert session.scalar(select(func.count()).select_from(TrackerErasure)) == 0


def test_other_conversations_of_an_erased_user_are_swept(
    store: ConfiguredSQLTrackerStore, domain: Domain, session_factory: SessionFactory, fixed_clock: FixedClock
) -> None:
    """A chat of the user's on another channel that never comes back is deleted all the same."""
    other, busy = f"wechat-{uuid.uuid4().hex[:8]}", f"chat-{uuid.uuid4().hex[:8]}"
    asyncio.run(store.save(_login_and_verification(domain, other)))
    with session_factory.session_scope() as session:
        request_tracker_erasure(session, [other], fixed_clock.now())

    someone_else = _login_and_verification(domain, busy)
    asyncio.run(store.save(someone_else))
    assert len(_stored_rows(store, other)) == 14  # not yet: that chat may be in the middle of a turn

    fixed_clock.advance(ERASURE_SWEEP_AFTER)
    someone_else.update(ActionExecuted("action_listen"))
    asyncio.run(store.save(someone_else))
    assert _stored_rows(store, other) == []
    assert len(_stored_rows(store, busy)) == 15


def test_the_event_broker_publishes_redacted_events(monkeypatch: pytest.MonkeyPatch) -> None:
    _require("RabbitMQ at 127.0.0.1:5672", "REQUIRE_RABBITMQ", _rabbitmq_answers)
    import aio_pika

    monkeypatch.setenv("EVENT_BROKER_URL", RABBITMQ_URL)
    queue_name = f"test_events_{uuid.uuid4().hex[:12]}"
    sender_id = f"web-{uuid.uuid4().hex[:8]}"
    user = _said(f"手机{PHONE}，验证码{CODE}", "inform", [{"entity": "phone_number", "value": PHONE}])
    published = [
        {"sender_id": sender_id, **user.as_dict()},
        {"sender_id": sender_id, **SlotSet("id_number", ID_NUMBER).as_dict()},
    ]

    async def scenario() -> list[dict[str, object]]:
        config = EndpointConfig(type="bot.rasa_ext.stores.ConfiguredEventBroker", queues=[queue_name])
        broker = await ConfiguredEventBroker.from_endpoint_config(config)
        connection = await aio_pika.connect_robust(RABBITMQ_URL + "/")
        received: list[dict[str, object]] = []
        try:
            assert isinstance(broker, RedactingPikaEventBroker)
            for event in published:
                broker.publish(event)
            channel = await connection.channel()
            queue = await channel.declare_queue(queue_name, durable=True)
            for _ in range(50):
                message = await queue.get(fail=False, no_ack=True)
                if message is None:
                    await asyncio.sleep(0.1)
                    continue
                body = json.loads(message.body)
                if body.get("sender_id") == sender_id:
                    received.append(body)
                if len(received) == len(published):
                    return received
            raise AssertionError(f"only {len(received)} events reached the queue")
        finally:
            if broker is not None:
                await broker.close()
            channel = await connection.channel()
            await channel.queue_delete(queue_name)
            await connection.close()

    user_body, slot_body = asyncio.run(scenario())
    assert not any(_has(raw, json.dumps(user_body, ensure_ascii=False)) for raw in RAW)
    assert user_body["text"] == "手机138****0001，验证码******"
    assert user_body["parse_data"]["entities"][0]["value"] == "138****0001"  # type: ignore[index]
    assert slot_body["value"] == "3301**********123X"
    assert published[0]["text"] == f"手机{PHONE}，验证码{CODE}"  # the caller's event is left as it was


def test_conversations_stored_before_the_upgrade_can_be_redacted(
    store: ConfiguredSQLTrackerStore, domain: Domain
) -> None:
    sender_id = f"chat-{uuid.uuid4().hex[:8]}"
    tracker = _login_and_verification(domain, sender_id)
    with store.engine.begin() as connection:  # as Rasa's own store wrote them: raw
        for event in tracker.events:
            data = event.as_dict()
            connection.execute(
                text("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (:s, :t, :ts, :d)"),
                {"s": sender_id, "t": data["event"], "ts": data["timestamp"], "d": json.dumps(data)},
            )
    before = _stored_rows(store, sender_id)
    with_raw = [row for row in before if any(_has(raw, row) for raw in RAW)]
    assert len(with_raw) == 8  # 3 messages, 4 slots, the button showing the ID number

    changed = store.redact_stored_events(batch=4)

    after = _stored_rows(store, sender_id)
    assert len(after) == 14
    assert changed == sum(old != new for old, new in zip(before, after, strict=True)) >= len(with_raw)
    assert not any(_has(raw, row) for row in after for raw in RAW)
    assert store.redact_stored_events() == 0  # nothing left to do
