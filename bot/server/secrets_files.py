"""The shared secrets between our own servers: Rasa's HTTP API token and the action server's.

Each comes from its environment variable when set (RASA_API_TOKEN, ACTION_SERVER_TOKEN).
Otherwise ``python -m bot run`` generates one (256 random bits) into ``var/`` with mode 0600
and reuses it on the next run, so operator commands on the same machine (``python -m bot
orders advance``) find the API token there without anyone copying it around.
"""
from __future__ import annotations

import os
import secrets
from dataclasses import replace
from pathlib import Path

from bot.settings import PROJECT_ROOT, Settings

SECRETS_DIR = PROJECT_ROOT / "var"
RASA_API_TOKEN_FILE = "rasa_api_token"
ACTION_SERVER_TOKEN_FILE = "action_server_token"
TOKEN_BYTES = 32  # 256 bits; the brief asks for at least 128


def resolve_secret(configured: str | None, path: Path, *, create: bool) -> str | None:
    """``configured`` if set; else the secret stored at ``path``; else a new one written there
    (only when ``create``), readable by this user alone."""
    if configured:
        return configured
    stored = _read(path)
    if stored or not create:
        return stored
    path.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return _read(path)
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(token + "\n")
    return token


def with_server_secrets(settings: Settings, secrets_dir: Path = SECRETS_DIR) -> Settings:
    """Settings whose API and action-server tokens are set, generating those not configured."""
    return replace(
        settings,
        rasa_api_token=resolve_secret(settings.rasa_api_token, secrets_dir / RASA_API_TOKEN_FILE, create=True),
        action_server_token=action_server_token(settings, secrets_dir),
    )


def action_server_token(settings: Settings, secrets_dir: Path = SECRETS_DIR) -> str:
    """The action server's secret: configured, or the one in ``var/`` (made if absent). Empty only
    when ``var/`` holds an empty file; the action server then refuses to start."""
    return resolve_secret(settings.action_server_token, secrets_dir / ACTION_SERVER_TOKEN_FILE, create=True) or ""


def rasa_api_token(settings: Settings, secrets_dir: Path = SECRETS_DIR) -> str | None:
    """The token a tool sends to Rasa's HTTP API (configured, or the one ``bot run`` generated)."""
    return resolve_secret(settings.rasa_api_token, secrets_dir / RASA_API_TOKEN_FILE, create=False)


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="ascii").strip() or None
    except FileNotFoundError:
        return None
