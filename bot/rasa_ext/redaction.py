"""Rasa events as they may leave the process: personal data masked with bot.privacy.masking.redact.

Two consumers:

* the event broker publishes :func:`redact_event` of every event (nobody downstream needs the
  raw values);
* the tracker store stores :func:`storable_events`: user and bot events redacted the same way,
  and a slot whose value holds personal data stored masked with a reference to the raw value,
  which :func:`restored_events` puts back when the conversation is loaded (the dialogue reads
  the login phone in the code step, the ID number in its confirmation step, the contact phone
  when checking the SMS code sent to it …). See bot.privacy.conversations.

The redaction is applied to the fields that carry what people typed or were told, not to
every string: message ids, action names and file links must stay as they are.
"""
from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from typing import Any

from bot.privacy.masking import redact

# SMS codes are checked in the turn they are typed and replaced by a marker (or cleared):
# the raw code is never needed again, so it is not kept anywhere, not even for a while.
DROPPED_SLOTS = frozenset({"verification_code", "rt_sms_code", "ni_sms_code", "pay_sms_code", "autopay_sms_code"})
VAULT_KEY = "vault"

Keep = Callable[[str, Any], str]  # (slot, raw value) -> reference
Forget = Callable[[str], None]  # slot whose kept value is no longer current


def redact_value(value: Any) -> Any:
    """``value`` with every string in it redacted (lists and dicts walked)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [redact_value(item) for item in value]
    if isinstance(value, dict):
        return {key: redact_value(item) for key, item in value.items()}
    return value


def _redact_entities(entities: Any) -> None:
    for entity in entities if isinstance(entities, list) else []:
        if isinstance(entity, dict) and "value" in entity:
            entity["value"] = redact_value(entity["value"])


def _redact_user(event: dict[str, Any]) -> None:
    if isinstance(event.get("text"), str):
        event["text"] = redact(event["text"])
    parse_data = event.get("parse_data")
    if isinstance(parse_data, dict):
        if isinstance(parse_data.get("text"), str):
            parse_data["text"] = redact(parse_data["text"])
        _redact_entities(parse_data.get("entities"))
    if isinstance(event.get("metadata"), dict):
        event["metadata"] = redact_value(event["metadata"])


def _redact_bot(event: dict[str, Any]) -> None:
    if isinstance(event.get("text"), str):
        event["text"] = redact(event["text"])
    data = event.get("data")
    buttons = data.get("buttons") if isinstance(data, dict) else None
    for button in buttons or []:
        if isinstance(button, dict) and isinstance(button.get("title"), str):
            button["title"] = redact(button["title"])


def redact_event(event: dict[str, Any]) -> dict[str, Any]:
    """A redacted copy of one serialised event (``Event.as_dict()``, maybe with ``sender_id``)."""
    event = copy.deepcopy(event)
    kind = event.get("event")
    if kind == "user":
        _redact_user(event)
    elif kind == "bot":
        _redact_bot(event)
    elif kind == "slot":
        event["value"] = redact_value(event.get("value"))
    elif kind == "entities":
        _redact_entities(event.get("entities"))
    return event


def storable_events(events: Iterable[dict[str, Any]], keep: Keep, forget: Forget) -> list[dict[str, Any]]:
    """The events as the tracker store may keep them.

    A slot value that redaction would change is stored masked; unless it is an SMS code, its
    raw value is handed to ``keep`` and the event records the reference. A slot set to
    anything else makes ``forget`` drop a kept value that is no longer current.
    """
    stored = []
    for event in events:
        if event.get("event") != "slot":
            stored.append(redact_event(event))
            continue
        event = copy.deepcopy(event)
        name, value = event["name"], event.get("value")  # a slot event always names its slot
        masked = redact_value(value)
        if masked == value:
            forget(name)
        elif name in DROPPED_SLOTS:
            event["value"] = masked
            forget(name)
        else:
            event["value"] = masked
            event["metadata"] = {**(event.get("metadata") or {}), VAULT_KEY: keep(name, value)}
        stored.append(event)
    return stored


def vault_refs(events: Iterable[dict[str, Any]]) -> list[str]:
    return [ref for event in events if (ref := _ref_of(event))]


def _ref_of(event: dict[str, Any]) -> str | None:
    if event.get("event") != "slot":
        return None
    ref = (event.get("metadata") or {}).get(VAULT_KEY)
    return ref if isinstance(ref, str) else None


def restored_events(events: list[dict[str, Any]], values: dict[str, Any]) -> list[dict[str, Any]]:
    """Stored events with each kept slot value put back; an expired or unknown one becomes
    None, so a form asks that question again rather than working on a masked value."""
    restored = []
    for event in events:
        ref = _ref_of(event)
        if ref is not None:
            event = {**event, "value": values.get(ref)}
            metadata = {key: item for key, item in event["metadata"].items() if key != VAULT_KEY}
            event["metadata"] = metadata
        restored.append(event)
    return restored
