"""The 公众号's 自定义菜单: one table of menu entries, the JSON WeChat's ``menu/create`` takes,
and the intent payload a ``CLICK`` on each key sends to the dialogue.

The labels are what WeChat shows under the chat (at most 3 groups of 5 entries, 4 Chinese
characters a group name, 8 an entry); keys are what WeChat posts back in ``EventKey``.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.conversation.payloads import payload
from bot.settings import PROJECT_ROOT

__all__ = ["MENU", "MENU_FILE", "MenuEntry", "menu_json", "payload_for_key"]


@dataclass(frozen=True)
class MenuEntry:
    key: str
    label: str
    intent: str


MENU_FILE = PROJECT_ROOT / "data" / "channels" / "wechat_menu.yml"


def _read_menu(path: Path = MENU_FILE) -> tuple[tuple[str, tuple[MenuEntry, ...]], ...]:
    """The menu table (labels are user-facing text, so they live in data, not code)."""
    groups = yaml.safe_load(path.read_text(encoding="utf-8"))
    return tuple(
        (str(group["group"]), tuple(_entry(e) for e in group["entries"])) for group in groups
    )


def _entry(row: dict[str, Any]) -> MenuEntry:
    return MenuEntry(str(row["key"]), str(row["label"]), str(row["intent"]))


# (group label, entries): the table.
MENU = _read_menu()
_BY_KEY = {entry.key: entry for _group, entries in MENU for entry in entries}


def payload_for_key(key: str) -> str | None:
    """The payload a click on ``key`` sends, or None for a key not (or no longer) in the menu."""
    entry = _BY_KEY.get(key)
    return payload(entry.intent) if entry is not None else None


def menu_json() -> dict[str, Any]:
    """The body of ``menu/create``."""
    return {
        "button": [
            {"name": group, "sub_button": [{"type": "click", "name": e.label, "key": e.key} for e in entries]}
            for group, entries in MENU
        ]
    }
