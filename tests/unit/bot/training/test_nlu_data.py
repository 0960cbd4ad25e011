"""Static checks of the NLU training and held-out data: size, contract, token alignment, no leakage."""
from __future__ import annotations

from collections import Counter
from functools import lru_cache
from pathlib import Path

import jieba
import pytest
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.domain_files import load_domain_yaml

ROOT = Path(__file__).resolve().parents[4]
CONTRACT_INTENTS = {
    "greet", "goodbye", "thank", "affirm", "deny", "help", "cancel", "human_handoff",
    "out_of_scope", "login", "verify_identity", "bind_account", "list_accounts",
    "unbind_account", "query_balance", "query_bill", "query_usage", "request_invoice",
    "pay_bill", "setup_autopay", "rename_transfer", "new_install", "query_progress",
    "report_fault", "query_outage", "faq", "inform",
}
CONTRACT_ENTITIES = {
    "account_number", "phone_number", "id_number", "person_name", "region", "address",
    "amount", "time", "verification_code", "install_type", "change_type", "payment_method",
}
MIN_EXAMPLES_PER_INTENT = 40


@lru_cache(maxsize=1)
def training() -> TrainingData:
    return load_data(str(ROOT / "data" / "nlu"), language="zh")


@lru_cache(maxsize=1)
def heldout() -> TrainingData:
    return load_data(str(ROOT / "tests" / "nlu_heldout"), language="zh")


@lru_cache(maxsize=1)
def tokenizer() -> jieba.Tokenizer:
    """The same segmentation Rasa's JiebaTokenizer uses: jieba plus every file in data/dict/."""
    tok = jieba.Tokenizer()
    for path in sorted((ROOT / "data" / "dict").iterdir()):
        tok.load_userdict(str(path))
    return tok


def test_every_contract_intent_has_enough_examples() -> None:
    counts = Counter(m.get("intent") for m in training().intent_examples)
    missing = {i: counts.get(i, 0) for i in CONTRACT_INTENTS if counts.get(i, 0) < MIN_EXAMPLES_PER_INTENT}
    assert missing == {}


def test_faq_is_a_retrieval_intent_with_responses() -> None:
    topics = {m.get("intent_response_key") for m in training().intent_examples if m.get("intent") == "faq"}
    responses = load_domain_yaml()["responses"]
    assert len(topics) >= 8
    assert {f"utter_{t}" for t in topics} <= set(responses), "every faq/<topic> needs utter_faq/<topic>"


def test_every_contract_entity_is_annotated() -> None:
    assert training().entities >= CONTRACT_ENTITIES


@pytest.mark.parametrize("source", ["training", "heldout"])
def test_entity_spans_align_with_jieba_tokens(source: str) -> None:
    data = training() if source == "training" else heldout()
    misaligned = []
    for message in data.training_examples:
        text = message.get("text")
        bounds = {0, len(text)}
        for _, start, end in tokenizer().tokenize(text):
            bounds.update((start, end))
        for entity in message.get("entities") or []:
            if entity["start"] not in bounds or entity["end"] not in bounds:
                misaligned.append(f"{text!r}: {text[entity['start']:entity['end']]!r}")
    assert misaligned == []


def test_heldout_covers_every_intent_and_never_leaks_into_training() -> None:
    train_texts = {m.get("text") for m in training().training_examples}
    held = heldout().intent_examples
    assert {m.get("intent") for m in held} >= CONTRACT_INTENTS
    assert [m.get("text") for m in held if m.get("text") in train_texts] == []


@pytest.mark.parametrize("word", ["户号", "更名", "过户", "新装", "峰谷", "阶梯", "电e宝"])
def test_domain_words_segment_as_one_token(word: str) -> None:
    assert word in tokenizer().lcut(f"我想问一下{word}的事情")


@pytest.mark.parametrize(
    ("colloquial", "canonical"),
    [("居民", "个人"), ("家里", "个人"), ("公司", "企业"), ("单位", "企业"), ("厂", "企业"),
     ("店铺", "企业"), ("改户名", "更名")],
)
def test_synonyms_map_colloquial_forms_to_canonical_values(colloquial: str, canonical: str) -> None:
    assert training().entity_synonyms.get(colloquial) == canonical
