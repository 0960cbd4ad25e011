"""The danger-word component, run on real Rasa messages (no training): report_danger with 1.0
exactly when a danger word is present, whatever the classifiers guessed."""
from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.rasa_ext.safety import DANGER_INTENT, DangerWordClassifier


def classified(text: str, *guesses: tuple[str, float]) -> Message:
    ranking = [{"name": name, "confidence": confidence} for name, confidence in guesses]
    message = Message(data={TEXT: text, ENTITIES: [{"entity": "region", "value": "西湖区"}]})
    message.data[INTENT] = ranking[0] if ranking else None
    message.data[INTENT_RANKING_KEY] = ranking
    return message


@pytest.mark.parametrize(
    ("text", "guess"),
    [("家里电表冒烟了怎么办", "faq"), ("西湖区电线掉地上了", "report_fault"), ("有人触电了", "nlu_fallback"),
     ("電線著火了", "greet"), ("插座有火花还有烧焦味", "report_danger")],
)
def test_a_danger_word_wins_over_any_guess(text: str, guess: str) -> None:
    [message] = DangerWordClassifier().process([classified(text, (guess, 0.8), ("inform", 0.1))])
    assert message.get(INTENT) == {"name": DANGER_INTENT, "confidence": 1.0}
    ranking = [g["name"] for g in message.get(INTENT_RANKING_KEY)]
    assert ranking[0] == DANGER_INTENT and ranking.count(DANGER_INTENT) == 1
    assert message.get(TEXT) == text
    assert message.get(ENTITIES) == [{"entity": "region", "value": "西湖区"}]


def test_other_messages_keep_their_classification() -> None:
    [message] = DangerWordClassifier().process([classified("我家没电了", ("report_fault", 0.9), ("faq", 0.05))])
    assert message.get(INTENT) == {"name": "report_fault", "confidence": 0.9}
    assert [g["name"] for g in message.get(INTENT_RANKING_KEY)] == ["report_fault", "faq"]


def test_a_guessed_danger_without_a_danger_word_is_taken_back() -> None:
    [sure] = DangerWordClassifier().process([classified("电表坏了", ("report_danger", 0.7), ("report_fault", 0.6))])
    assert sure.get(INTENT) == {"name": "report_fault", "confidence": 0.6}
    assert [g["name"] for g in sure.get(INTENT_RANKING_KEY)] == ["report_fault"]
    [unsure] = DangerWordClassifier(threshold=0.45).process(
        [classified("嗯那个", ("report_danger", 0.5), ("greet", 0.2))])
    assert unsure.get(INTENT) == {"name": "nlu_fallback", "confidence": 1.0}
    assert [g["name"] for g in unsure.get(INTENT_RANKING_KEY)] == ["nlu_fallback", "greet"]


def test_a_message_without_any_classification_still_gets_the_danger() -> None:
    message = Message(data={TEXT: "冒烟了"})
    DangerWordClassifier().process([message])
    assert message.get(INTENT) == {"name": DANGER_INTENT, "confidence": 1.0}


def test_the_default_threshold_is_the_fallback_classifiers() -> None:
    assert DangerWordClassifier.get_default_config() == {"threshold": 0.45}
