"""The domain in parts: domain.yml plus one file per feature in domain/, merged without surprises."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.domain_files import (
    DOMAIN_FILE,
    DomainFileError,
    check_domain_files,
    domain_paths,
    duplicate_keys,
    load_domain_yaml,
    read_yaml,
)

FEATURES = {
    "identity", "accounts", "billing", "payments", "applications", "conversation", "privacy", "files",
    "outages",
    "notify",
    "repairs",
}
SHARED_STEPS = {"forms"}  # steps several forms share: utter_doc_*, utter_sms_*, frozen summaries
CHANNEL_PARTS = {"voice"}  # what only a channel's renderer says (the IVR's keypad menu and prompts)


def _write(path: Path, content: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")


def test_the_parts_are_the_features_and_the_shared_form_steps() -> None:
    entry, *parts = domain_paths()
    assert entry == DOMAIN_FILE
    assert {p.stem for p in parts} <= FEATURES | SHARED_STEPS | CHANNEL_PARTS
    assert {p.stem for p in parts} >= SHARED_STEPS


@pytest.mark.parametrize("path", domain_paths(), ids=lambda p: p.name)
def test_every_domain_file_is_version_3_1(path: Path) -> None:
    assert read_yaml(path)["version"] == "3.1"


def test_no_key_is_defined_in_two_files() -> None:
    assert duplicate_keys({path: read_yaml(path) for path in domain_paths()}) == []
    check_domain_files()


def test_shared_form_steps_are_named_for_the_step_not_a_form() -> None:
    shared = read_yaml(DOMAIN_FILE.parent / "domain" / "forms.yml")["responses"]
    assert [name for name in shared if name.startswith("utter_doc_")]
    assert [name for name in shared if name.startswith("utter_sms_")]
    assert [name for name in shared if name.startswith(("utter_rt_", "utter_ni_", "utter_ei_"))] == []


def test_the_merge_holds_every_part(tmp_path: Path) -> None:
    entry = tmp_path / "domain.yml"
    _write(entry, {"version": "3.1", "intents": ["greet"], "slots": {"a": {"type": "any", "mappings": []}}})
    part = {"version": "3.1", "actions": ["action_x"], "responses": {"utter_x": []}}
    _write(tmp_path / "domain" / "billing.yml", part)
    merged = load_domain_yaml(entry)
    assert merged["intents"] == ["greet"]
    assert merged["actions"] == ["action_x"]
    assert set(merged["slots"]) == {"a"}
    assert set(merged["responses"]) == {"utter_x"}


def test_a_key_in_two_files_is_refused(tmp_path: Path) -> None:
    entry = tmp_path / "domain.yml"
    _write(entry, {"version": "3.1", "responses": {"utter_x": []}})
    _write(tmp_path / "domain" / "billing.yml", {"version": "3.1", "responses": {"utter_x": []}})
    with pytest.raises(DomainFileError, match=r"responses\.utter_x: domain\.yml, billing\.yml"):
        check_domain_files(entry)


def test_a_part_without_the_version_is_refused(tmp_path: Path) -> None:
    entry = tmp_path / "domain.yml"
    _write(entry, {"version": "3.1"})
    _write(tmp_path / "domain" / "files.yml", {"responses": {"utter_y": []}})
    with pytest.raises(DomainFileError, match="files.yml: version"):
        check_domain_files(entry)


def test_session_settings_stay_in_the_entry_file(tmp_path: Path) -> None:
    entry = tmp_path / "domain.yml"
    _write(entry, {"version": "3.1"})
    _write(tmp_path / "domain" / "privacy.yml", {"version": "3.1", "session_config": {"session_expiration_time": 5}})
    with pytest.raises(DomainFileError, match="privacy.yml: session_config belongs in domain.yml"):
        check_domain_files(entry)


def test_callers_get_their_own_copy() -> None:
    load_domain_yaml()["responses"].clear()
    assert load_domain_yaml()["responses"]
