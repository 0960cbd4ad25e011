"""Rasa rules written as YAML in the layout of the hand-written rule files.

PyYAML's dumper would put list items flush with their key and reorder nothing we care about,
but the rule files are read by people next to hand-written ones, so they are laid out the same way.
"""
from __future__ import annotations

import json
from typing import Any

import yaml

Rule = dict[str, Any]  # one entry of a rule file's ``rules:`` list, as PyYAML loads it
RULE_KEYS = ("rule", "condition", "steps", "wait_for_user_input")


def _scalar(value: object) -> str:
    """A YAML scalar that reads back as ``value`` (quoted only when plain text would not)."""
    plain = "null" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
    if yaml.safe_load(plain) == value:
        return plain
    return json.dumps(value, ensure_ascii=False)


def _event_lines(event: dict[str, Any], indent: str) -> list[str]:
    """One step or condition (``- action: x``, ``- slot_was_set:`` with its list, ...)."""
    (key, value), = event.items()
    if not isinstance(value, list):
        return [f"{indent}- {key}: {_scalar(value)}"]
    lines = [f"{indent}- {key}:"]
    for item in value:
        (name, setting), = item.items()
        lines.append(f"{indent}    - {name}: {_scalar(setting)}")
    return lines


def _rule_lines(rule: Rule) -> list[str]:
    unknown = set(rule) - set(RULE_KEYS)
    if unknown:
        raise ValueError(f"rule {rule.get('rule')!r} has keys this writer does not lay out: {sorted(unknown)}")
    lines = [f"  - rule: {_scalar(rule['rule'])}"]
    for key in ("condition", "steps"):
        if key in rule:
            lines.append(f"    {key}:")
            for event in rule[key]:
                lines += _event_lines(event, "      ")
    if "wait_for_user_input" in rule:
        lines.append(f"    wait_for_user_input: {_scalar(rule['wait_for_user_input'])}")
    return lines


def rules_file_text(header: str, rules: list[Rule]) -> str:
    """A whole rule file: the ``# ...`` header lines, the version, then the rules."""
    comments = [f"# {line}".rstrip() for line in header.splitlines()]
    blocks = ["\n".join(_rule_lines(rule)) for rule in rules]
    return "\n".join(comments) + '\nversion: "3.1"\n\nrules:\n' + "\n\n".join(blocks) + "\n"
