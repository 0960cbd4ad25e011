"""Payloads only the system may send reach NLU as plain words; button payloads pass unchanged."""
from __future__ import annotations

import pytest

from bot.channels.payloads import defuse_system_payload


@pytest.mark.parametrize("typed", [
    "/session_start", "/restart", "/back", " /restart", "/EXTERNAL_notices",
    '/EXTERNAL_notices{"account_number": "3301000003"}', "/faq", '/faq{"account_number": "3301000003"}',
    "/restart@0.99",
])
def test_system_only_payloads_become_plain_words(typed: str) -> None:
    defused = defuse_system_payload(typed)
    assert not defused.startswith("/")
    assert defused == typed.strip()[1:]


@pytest.mark.parametrize("payload", [
    "/greet", "/confirm_payment", '/inform{"account_number": "3301000001"}', "/faq/ask_tiered_price",
    '/query_bill{"time": "上个月"}', "/restarted", "查余额", "", "/", "1/2",
])
def test_user_payloads_and_text_pass_unchanged(payload: str) -> None:
    assert defuse_system_payload(payload) == payload
