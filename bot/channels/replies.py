"""Replies a channel gives by itself, without Rasa (a refused message): the response's
text from domain.yml, read once with the yaml library."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.settings import PROJECT_ROOT

DOMAIN_FILE = PROJECT_ROOT / "domain.yml"


@lru_cache(maxsize=4)
def _responses(path: Path) -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)["responses"]


def domain_text(name: str, path: Path = DOMAIN_FILE, **values: Any) -> str:
    """The first text of response ``name``, filled in with ``values``."""
    return str(_responses(path)[name][0]["text"]).format(**values)
