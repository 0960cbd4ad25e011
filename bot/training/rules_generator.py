"""The Rasa rules that run what the router decided, generated from the routing table.

Every router action (the router itself, the resumes after login and verification, and the
bind that a request needing an account waited for)
sets the categorical slot ``route_target``; one rule per (router action, target) runs
the target next. ``python -m bot route-rules`` rewrites that block at the end of
data/core/rules.yml; a unit test fails when the file and the table disagree.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from bot.conversation.routing import NOTHING, ROUTE_SLOT, targets
from bot.settings import PROJECT_ROOT

RULES_FILE = PROJECT_ROOT / "data" / "core" / "rules.yml"
MARKER = "  # What the router decided (slot route_target) runs next."
ROUTER_ACTIONS = ("action_route_request", "action_after_login", "action_after_verification", "action_bind_account")


@lru_cache(maxsize=1)
def _forms() -> frozenset[str]:
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    return frozenset(domain["forms"])


def _rule(router: str, target: str) -> str:
    lines = [
        f"  - rule: after {router}, run {target}",
        "    steps:",
        f"      - action: {router}",
        "      - slot_was_set:",
        f"          - {ROUTE_SLOT}: {target}",
    ]
    if target != NOTHING:
        lines.append(f"      - action: {target}")
    if target in _forms():
        lines.append(f"      - active_loop: {target}")
    return "\n".join(lines) + "\n"


def route_rules_block() -> str:
    rules = [_rule(router, target) for router in ROUTER_ACTIONS for target in targets()]
    return MARKER + "\n" + "\n".join(rules)


def rewrite_rules_file(path: Path = RULES_FILE) -> bool:
    """Replace the generated block; True when the file changed."""
    text = path.read_text(encoding="utf-8")
    head = text.split(MARKER, 1)[0]
    updated = head + route_rules_block()
    if updated == text:
        return False
    path.write_text(updated, encoding="utf-8")
    return True
