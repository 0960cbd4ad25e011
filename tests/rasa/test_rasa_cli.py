"""Rasa's own checks on this project's data and trained model, run through the real CLI."""
from __future__ import annotations

from pathlib import Path

from bot.settings import PROJECT_ROOT
from tests.conftest import run_module


def test_training_data_validates_without_warnings(rasa_env: dict[str, str]) -> None:
    result = run_module(
        "rasa", "data", "validate", "--fail-on-warnings",
        "--domain", "domain.yml", "--data", "data/nlu", "data/core", "--config", "config.yml",
        env=rasa_env,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


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
