"""The contentless-message fallback component, run on real Rasa messages."""
from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.rasa_ext.nlu import ContentlessMessageFallback, has_content


def classified(text: str, intent: str = "inform", confidence: float = 0.9) -> Message:
    message = Message(data={TEXT: text})
    guess = {"name": intent, "confidence": confidence}
    message.data[INTENT] = guess
    message.data[INTENT_RANKING_KEY] = [guess]
    return message


@pytest.mark.parametrize("text", ["", "   ", "？？？", "。。。", "#￥%……&", "!!", "🙂🙂"])
def test_messages_without_words_are_not_understood(text: str) -> None:
    [message] = ContentlessMessageFallback().process([classified(text)])
    assert message.get(INTENT) == {"name": "nlu_fallback", "confidence": 1.0}
    assert [i["name"] for i in message.get(INTENT_RANKING_KEY)] == ["nlu_fallback", "inform"]


@pytest.mark.parametrize("text", ["你好", "3301000001", "ok", "交50元", "？？你好"])
def test_messages_with_words_keep_their_classification(text: str) -> None:
    [message] = ContentlessMessageFallback().process([classified(text)])
    assert message.get(INTENT) == {"name": "inform", "confidence": 0.9}
    assert has_content(text)
