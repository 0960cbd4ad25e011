"""Safety first is wired everywhere: the component runs last in the NLU pipeline, every form
lets a danger message pass (and answers it, then goes on), and outside forms a rule answers it."""
from __future__ import annotations

from pathlib import Path

import yaml

from bot.domain_files import load_domain_yaml
from bot.training.rules_generator import FORM_SUBMITS, form_rules

ROOT = Path(__file__).resolve().parents[4]
DANGER = "report_danger"


def test_the_component_runs_after_every_classifier() -> None:
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    names = [step["name"] for step in config["pipeline"]]
    assert names[-1] == "bot.rasa_ext.safety.DangerWordClassifier"
    contentless = names.index("bot.rasa_ext.nlu.ContentlessMessageFallback")
    assert names.index("FallbackClassifier") < contentless < len(names) - 1


def test_every_other_form_ignores_a_danger_message_and_the_report_form_takes_it_as_an_answer() -> None:
    domain = load_domain_yaml()
    assert DANGER in domain["intents"]
    forms = domain["forms"]
    assert set(forms) == set(FORM_SUBMITS)
    for name, form in forms.items():
        ignored = set(form.get("ignored_intents") or [])
        assert {"cancel", "faq", "human_handoff"} <= ignored, name
        assert (DANGER in ignored) is (name != "report_fault_form"), name


def test_inside_every_form_the_safety_instruction_comes_first_then_the_form_goes_on() -> None:
    rules = {rule["rule"]: rule for rule in form_rules()}
    for form in FORM_SUBMITS:
        rule = rules[f"danger words inside {form}: safety first, then the form goes on"]
        assert rule["condition"] == [{"active_loop": form}]
        assert rule["steps"] == [{"intent": DANGER}, {"action": "utter_safety_first"}, {"action": form},
                                 {"active_loop": form}]


def test_outside_forms_the_safety_instruction_then_the_offer_to_report() -> None:
    rules = yaml.safe_load((ROOT / "data" / "core" / "rules" / "repairs.yml").read_text(encoding="utf-8"))["rules"]
    [rule] = [r for r in rules if {"intent": DANGER} in r["steps"]]
    assert rule["steps"] == [{"intent": DANGER}, {"action": "utter_safety_first"},
                             {"action": "utter_offer_fault_report"}]


def test_the_safety_instruction_says_what_to_do() -> None:
    [response] = load_domain_yaml()["responses"]["utter_safety_first"]
    for words in ("远离", "不要触碰", "断开", "总闸", "触电", "切断电源", "95598", "119"):
        assert words in response["text"], words
