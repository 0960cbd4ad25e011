"""The model is retrained exactly when its inputs change (never trained here)."""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT
from bot.training.fingerprint import fingerprint, is_stale, model_path, training_inputs

PROJECT_FILES = {
    "config.yml": "language: zh\npipeline: []\n",
    "domain.yml": "version: '3.1'\nintents:\n  - greet\n",
    "domain/conversation.yml": "version: '3.1'\nresponses:\n  utter_greet:\n    - text: 你好\n",
    "data/nlu/x.yml": "version: '3.1'\nnlu:\n- intent: greet\n  examples: |\n    - 你好\n",
    "data/core/r.yml": "version: '3.1'\nrules: []\n",
    "data/dict/d.txt": "网上国网 10 n\n",
    "data/tariffs/zhejiang.yml": "tiers: []\n",
}
# What training_inputs lists for PROJECT_FILES (the tariffs are not a training input), in order.
INPUTS = ["config.yml", "domain.yml", "domain/conversation.yml", "data/nlu/x.yml", "data/core/r.yml", "data/dict/d.txt"]
NEW_INPUTS = ["domain/privacy.yml", "data/nlu/new.yml", "data/core/stories/more.yml", "data/dict/extra.txt"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name, text in PROJECT_FILES.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def _mark_trained(root: Path, stamp: str) -> None:
    model_path(root).parent.mkdir(exist_ok=True)
    model_path(root).write_bytes(b"not really a model")
    (root / "models" / "current.fingerprint").write_text(stamp + "\n")


def test_inputs_are_config_domain_and_training_data(project: Path) -> None:
    assert [p.relative_to(project).as_posix() for p in training_inputs(project)] == INPUTS


def test_fingerprint_is_stable(project: Path) -> None:
    first = fingerprint(project)
    assert len(first) == 64
    assert fingerprint(project) == first


def test_fingerprint_does_not_depend_on_where_the_project_lives(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    copy = tmp_path_factory.mktemp("copy")
    for path in training_inputs(project):
        target = copy / path.relative_to(project)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    assert fingerprint(copy) == fingerprint(project)


@pytest.mark.parametrize("name", INPUTS)
def test_fingerprint_changes_when_an_input_changes(project: Path, name: str) -> None:
    before = fingerprint(project)
    with (project / name).open("a", encoding="utf-8") as file:
        file.write("# edited\n")
    assert fingerprint(project) != before


@pytest.mark.parametrize("name", NEW_INPUTS)
def test_fingerprint_changes_when_an_input_file_is_added(project: Path, name: str) -> None:
    before = fingerprint(project)
    (project / name).parent.mkdir(parents=True, exist_ok=True)
    (project / name).write_text("version: '3.1'\n", encoding="utf-8")
    assert fingerprint(project) != before


def test_fingerprint_changes_when_an_input_file_is_renamed(project: Path) -> None:
    before = fingerprint(project)
    (project / "data/nlu/x.yml").rename(project / "data/nlu/y.yml")
    assert fingerprint(project) != before


@pytest.mark.parametrize("name", ["data/tariffs/zhejiang.yml", "data/tariffs/beijing.yml", "README.md", "tests/t.yml"])
def test_files_outside_the_inputs_do_not_count(project: Path, name: str) -> None:
    before = fingerprint(project)
    (project / name).parent.mkdir(parents=True, exist_ok=True)
    (project / name).write_text("tiers: [changed]\n", encoding="utf-8")
    assert fingerprint(project) == before


def test_is_stale_follows_the_stored_fingerprint(project: Path) -> None:
    assert is_stale(project)  # no model yet

    _mark_trained(project, fingerprint(project))
    assert not is_stale(project)

    (project / "data/dict/d.txt").write_text("网上国网 10 n\n电费 5 n\n", encoding="utf-8")
    assert is_stale(project)

    _mark_trained(project, fingerprint(project))
    assert not is_stale(project)


def test_a_model_without_its_fingerprint_is_stale(project: Path) -> None:
    _mark_trained(project, fingerprint(project))
    (project / "models" / "current.fingerprint").unlink()
    assert is_stale(project)


def test_a_fingerprint_without_its_model_is_stale(project: Path) -> None:
    _mark_trained(project, fingerprint(project))
    model_path(project).unlink()
    assert is_stale(project)


def test_a_wrong_fingerprint_is_stale(project: Path) -> None:
    _mark_trained(project, "0" * 64)
    assert is_stale(project)


def test_writing_the_model_itself_does_not_make_it_stale(project: Path) -> None:
    _mark_trained(project, fingerprint(project))
    model_path(project).write_bytes(b"retrained model bytes")
    assert not is_stale(project)


def test_the_real_projects_jieba_dictionary_is_an_input() -> None:
    inputs = training_inputs()
    dictionaries = sorted((PROJECT_ROOT / "data" / "dict").glob("*.txt"))
    assert dictionaries
    assert set(dictionaries) <= set(inputs)
    assert not any("tariffs" in p.parts for p in inputs)
