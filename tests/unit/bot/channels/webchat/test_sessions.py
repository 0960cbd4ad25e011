"""Widget session tokens: unguessable, recognised without being stored, and never the sender id."""
from __future__ import annotations

import hashlib
import re
import secrets

import pytest

from bot.channels.webchat.sessions import SENDER_PREFIX, SessionKeys, sender_id_of

KEYS = SessionKeys("a-test-secret")


def test_a_new_token_names_a_sender_derived_from_its_hash() -> None:
    token = KEYS.new_token()
    sender = KEYS.sender_of(token)
    assert sender == SENDER_PREFIX + hashlib.sha256(token.encode()).hexdigest()[:32]
    assert re.fullmatch(r"webchat-[0-9a-f]{32}", sender)
    assert token not in sender and token.split(".")[0] not in sender


def test_tokens_are_unique_and_long() -> None:
    tokens = {KEYS.new_token() for _ in range(200)}
    assert len(tokens) == 200
    assert all(len(token.split(".")[0]) == 43 for token in tokens)  # 32 random bytes


def test_a_token_of_another_secret_or_a_forged_mac_names_no_sender() -> None:
    token = KEYS.new_token()
    random_part, mac = token.split(".")
    assert SessionKeys("another-secret").sender_of(token) is None
    forged = mac[:-1] + ("A" if mac[-1] != "A" else "B")
    assert KEYS.sender_of(f"{random_part}.{forged}") is None
    assert KEYS.sender_of(f"{secrets.token_urlsafe(32)}.{mac}") is None


@pytest.mark.parametrize("token", [
    None, "", 42, "webchat-0123", secrets.token_urlsafe(32), "x" * 43 + "." + "y" * 21, " " + "a" * 43 + "." + "b" * 22,
])
def test_a_malformed_token_names_no_sender(token: object) -> None:
    assert KEYS.sender_of(token) is None


def test_the_same_token_always_names_the_same_sender() -> None:
    token = KEYS.new_token()
    assert SessionKeys("a-test-secret").sender_of(token) == KEYS.sender_of(token) == sender_id_of(token)
