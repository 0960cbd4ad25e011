"""Safety first: a message that names a danger (冒烟, 着火, a fallen wire, 触电, 漏电, 火花,
烧焦味: :mod:`bot.repairs.danger`) is classified ``report_danger`` with confidence 1.0, whatever
the classifiers guessed, so the rules answer it with the safety instruction on every channel, in
or out of a form, logged in or not. The text and entities are kept; the guesses stay in the
ranking after it. A ``report_danger`` guessed for a message without a danger word is taken back:
the next guess wins if it reaches ``threshold`` (FallbackClassifier's, 0.45), else the message is
not understood (``nlu_fallback``). So the intent depends on the word list alone.
"""
from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.repairs.danger import is_dangerous

DANGER_INTENT = "report_danger"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class DangerWordClassifier(GraphComponent, IntentClassifier):
    """Sets ``report_danger`` (1.0) exactly when the message names a danger (see the module)."""

    def __init__(self, threshold: float = 0.45) -> None:
        self.threshold = threshold

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"threshold": 0.45}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> DangerWordClassifier:
        return cls(float(config.get("threshold", 0.45)))

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            ranking = [guess for guess in message.data.get(INTENT_RANKING_KEY) or []
                       if guess.get(INTENT_NAME_KEY) != DANGER_INTENT]
            if is_dangerous(message.get(TEXT)):
                danger = {INTENT_NAME_KEY: DANGER_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}
                message.data[INTENT] = danger
                message.data[INTENT_RANKING_KEY] = [danger, *ranking]
            elif (message.get(INTENT) or {}).get(INTENT_NAME_KEY) == DANGER_INTENT:
                fallback = {INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME, PREDICTED_CONFIDENCE_KEY: 1.0}
                sure = ranking and float(ranking[0].get(PREDICTED_CONFIDENCE_KEY) or 0.0) >= self.threshold
                message.data[INTENT] = ranking[0] if sure else fallback
                message.data[INTENT_RANKING_KEY] = ranking if sure else [fallback, *ranking]
        return messages
