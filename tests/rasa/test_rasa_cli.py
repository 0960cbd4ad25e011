"""Rasa's own checks on this project's data and trained model, run through the real CLI."""
from __future__ import annotations

import re
from pathlib import Path

from bot.domain_files import load_domain_yaml
from bot.settings import PROJECT_ROOT
from tests.conftest import run_module

WARNING = re.compile(r"UserWarning: (.+)")
UNUSED_UTTERANCE = re.compile(r"The utterance '(utter_\w+)' is not used in any story or rule\.")
# Rasa merges a domain built from the retrieval intents in the NLU data into domain.yml, and
# warns that `faq` is listed twice; leaving it out of domain.yml breaks the rules that use it.
RETRIEVAL_INTENT_MERGE = "The following duplicated intents have been found across multiple domain files: faq"
# Intents only channels send (as /send_file{...}, which skips NLU) or the push injects
# (EXTERNAL_notices): no NLU examples by design.
CHANNEL_ONLY_INTENTS = {"send_file", "EXTERNAL_notices"}
NO_NLU_EXAMPLES = re.compile(
    r"The intent '(\w+)' is listed in the domain file, but is not found in the NLU training data\."
)


def form_slot_responses() -> set[str]:
    """Questions forms ask (utter_ask_<form>_<slot>) and format help after repeated misses (utter_explain_<slot>)."""
    forms = load_domain_yaml()["forms"]
    names = set()
    for form, spec in forms.items():
        for slot in spec["required_slots"]:
            names |= {f"utter_ask_{form}_{slot}", f"utter_explain_{slot}"}
    return names


def uttered_by_code(response: str) -> bool:
    """Responses that code sends (actions, the router's table, forms, Rasa's default fallback), not rules."""
    if response == "utter_default" or response in form_slot_responses():
        return True
    sources = [*(PROJECT_ROOT / "actions").rglob("*.py"), *(PROJECT_ROOT / "bot").rglob("*.py")]
    return any(f'"{response}"' in p.read_text(encoding="utf-8") for p in sources)


def test_training_data_validates_and_every_warning_is_accounted_for(rasa_env: dict[str, str]) -> None:
    result = run_module(
        "rasa", "data", "validate", "--fail-on-warnings",
        "--domain", "domain.yml", "--data", "data/nlu", "data/core", "--config", "config.yml",
        env=rasa_env,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    unexplained = []
    for warning in WARNING.findall(output):
        unused = UNUSED_UTTERANCE.fullmatch(warning.strip())
        if unused and uttered_by_code(unused.group(1)):
            continue
        if warning.strip() == RETRIEVAL_INTENT_MERGE:
            continue
        no_examples = NO_NLU_EXAMPLES.fullmatch(warning.strip())
        if no_examples and no_examples.group(1) in CHANNEL_ONLY_INTENTS:
            continue
        unexplained.append(warning)
    assert unexplained == []


def test_every_test_story_is_predicted_exactly(trained_model: Path, rasa_env: dict[str, str]) -> None:
    out = PROJECT_ROOT / "results" / "core"
    result = run_module(
        "rasa", "test", "core", "--model", str(trained_model), "--stories", "tests/test_stories.yml",
        "--fail-on-prediction-errors", "--out", str(out), "--endpoints", "endpoints.yml",
        env=rasa_env,
    )
    failed = out / "failed_test_stories.yml"
    detail = failed.read_text(encoding="utf-8") if failed.exists() else ""
    assert result.returncode == 0, detail + result.stdout[-3000:] + result.stderr[-3000:]
