"""Fixtures shared by the model-backed suites (tests/rasa, tests/e2e).

The model is trained at most once per run (``bot.training.fingerprint.ensure_model`` is a no-op when the
fingerprint matches, and ``make test`` trains before pytest starts).

Fixture modules shared by any suite are registered in ``pytest_plugins`` here: pytest accepts
it only in the root conftest.
"""
from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT

pytest_plugins = ["tests.unit.gateway_fixtures"]  # demo_gateway: the demo payment gateway on loopback

FIXED_NOW = "2026-11-23T10:00:00"
# The suite and the servers it starts run as the demo: the development secrets are allowed,
# with a warning (bot.server.dev_secrets). Tests of the refusal build their own settings or environment.
os.environ["BOT_ENV"] = "demo"


@pytest.fixture(scope="session")
def trained_model() -> Path:
    from bot.training.fingerprint import ensure_model

    return ensure_model()


def run_module(*args: str, env: dict[str, str] | None = None, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    """Run ``python -m …`` in the project root and capture its output as text."""
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=PROJECT_ROOT, env=env or dict(os.environ),
        capture_output=True, text=True, timeout=timeout,
    )


@pytest.fixture(scope="session")
def rasa_env() -> Iterator[dict[str, str]]:
    """Environment for Rasa CLI subprocesses (endpoints.yml needs ACTION_ENDPOINT_URL and
    ACTION_SERVER_TOKEN set; no action server runs for these, so any token will do)."""
    env = dict(os.environ)
    env.setdefault("ACTION_ENDPOINT_URL", "http://127.0.0.1:5055/webhook")
    env.setdefault("ACTION_SERVER_TOKEN", secrets.token_urlsafe(32))
    yield env
