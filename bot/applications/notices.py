"""The 办理须知 (business notices) the customer reads before applying, kept as Markdown
in ``data/notices`` so they can be worded without touching code."""
from __future__ import annotations

from functools import cache

from bot.settings import PROJECT_ROOT

NOTICES_DIR = PROJECT_ROOT / "data" / "notices"


@cache
def read_notice(filename: str) -> str:
    """The notice in ``data/notices/<filename>``, read once per process."""
    return (NOTICES_DIR / filename).read_text(encoding="utf-8").strip()
