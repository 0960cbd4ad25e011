"""Abuse limits over REST: an overlong message never reaches the model and the server
answers the next one at once; an anonymous chat's file is not stored. (Per-minute rates
are lifted for these servers, whose clock stands still: tests/unit/bot/channels/test_inbound_guard.py
covers them.)"""
from __future__ import annotations

import hashlib
import time
from pathlib import Path

from bot.channels.replies import domain_text
from bot.settings import Settings
from tests.e2e.conftest import RunningAssistant
from tests.e2e.conversation import Conversation, texts
from tests.sample_files import minimal_pdf


def test_a_60_kb_message_is_refused_politely_and_the_server_goes_on(assistant: RunningAssistant) -> None:
    chat = Conversation(assistant.rasa_url, "e2e-long-message")
    started = time.perf_counter()
    replies = texts(chat.say("电费" * 30_000))
    assert time.perf_counter() - started < 5
    refusal = domain_text("utter_message_too_long", max_chars=Settings().max_message_chars)
    assert replies == [refusal]
    assert texts(chat.say("你好"))  # the model is still there and answers
    assert refusal not in texts(chat.say("查" * Settings().max_message_chars))  # the limit itself is admitted


def test_an_anonymous_upload_is_refused_and_not_stored(assistant: RunningAssistant) -> None:
    chat = Conversation(assistant.rasa_url, "e2e-anonymous-upload")
    document = minimal_pdf("e2e-anonymous-upload")
    assert texts(chat.send_file(document, "证明.pdf")) == [domain_text("utter_upload_login_required")]
    digest = hashlib.sha256(document).hexdigest()
    assert not (Path(assistant.environment["FILES_DIR"]) / "uploads" / digest[:2] / f"{digest}.pdf").exists()
