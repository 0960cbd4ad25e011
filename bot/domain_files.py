"""The domain's files and their merged content, read with the yaml library (no Rasa import).

``domain.yml`` is the entry point (session settings, intents, entities, shared slots); each
feature's slots, forms, actions and responses live in ``domain/<feature>.yml``. Rasa merges them
through ``bot.rasa_ext.importer.ProjectImporter``; code and tests that only need the content
(a response's text, the forms' slots) read it here. A key defined in two files is refused: Rasa
would only warn and keep one of them.
"""
from __future__ import annotations

import copy
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.settings import PROJECT_ROOT

DOMAIN_FILE = PROJECT_ROOT / "domain.yml"
PARTS_DIR_NAME = "domain"
DOMAIN_VERSION = "3.1"
LIST_SECTIONS = ("intents", "entities", "actions")
MAPPING_SECTIONS = ("slots", "forms", "responses")
ENTRY_ONLY_SECTIONS = ("session_config",)


class DomainFileError(ValueError):
    """A domain file Rasa would load differently from what its author meant."""


def domain_paths(entry: Path = DOMAIN_FILE) -> list[Path]:
    """The entry file, then every part in ``domain/`` beside it, in name order."""
    return [entry, *sorted((entry.parent / PARTS_DIR_NAME).glob("*.yml"))]


def read_yaml(path: Path) -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {}


def item_name(item: Any) -> str:
    """An intent/entity/action list item is a name, or a one-key mapping ``{name: options}``."""
    return str(next(iter(item))) if isinstance(item, dict) else str(item)


def _section_names(content: dict[str, Any], section: str) -> Iterable[str]:
    value = content.get(section) or ()
    return (item_name(item) for item in value) if section in LIST_SECTIONS else iter(value)


def duplicate_keys(files: dict[Path, dict[str, Any]]) -> list[str]:
    """``section.key`` for every key that more than one of ``files`` defines, with the files."""
    owners: dict[tuple[str, str], list[Path]] = {}
    for path, content in files.items():
        for section in (*LIST_SECTIONS, *MAPPING_SECTIONS):
            for name in _section_names(content, section):
                owners.setdefault((section, name), []).append(path)
    return [
        f"{section}.{name}: {', '.join(p.name for p in paths)}"
        for (section, name), paths in owners.items()
        if len(paths) > 1
    ]


def check_domain_files(entry: Path = DOMAIN_FILE) -> None:
    """Raise :class:`DomainFileError` unless every file has the version and no key is defined twice."""
    _check({path: read_yaml(path) for path in domain_paths(entry)}, entry)


def _check(files: dict[Path, dict[str, Any]], entry: Path) -> None:
    problems = duplicate_keys(files)
    for path, content in files.items():
        if str(content.get("version")) != DOMAIN_VERSION:
            problems.append(f"{path.name}: version must be \"{DOMAIN_VERSION}\"")
        if path != entry:
            problems += [f"{path.name}: {key} belongs in {entry.name}" for key in ENTRY_ONLY_SECTIONS if key in content]
    if problems:
        raise DomainFileError("; ".join(problems))


@lru_cache(maxsize=4)
def _merged(entry: Path) -> dict[str, Any]:
    files = {path: read_yaml(path) for path in domain_paths(entry)}
    _check(files, entry)
    merged: dict[str, Any] = dict(files[entry])
    for content in list(files.values())[1:]:
        for section in LIST_SECTIONS:
            merged[section] = [*(merged.get(section) or []), *(content.get(section) or [])]
        for section in MAPPING_SECTIONS:
            merged[section] = {**(merged.get(section) or {}), **(content.get(section) or {})}
    return merged


def load_domain_yaml(entry: Path = DOMAIN_FILE) -> dict[str, Any]:
    """All domain files merged into one dict shaped like a single domain.yml (a fresh copy)."""
    return copy.deepcopy(_merged(entry))


def domain_responses(entry: Path = DOMAIN_FILE) -> dict[str, Any]:
    """The merged ``responses`` (read once and shared: do not modify)."""
    return _merged(entry)["responses"]
