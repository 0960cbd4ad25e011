"""Train the Rasa model only when its inputs changed.

The fingerprint is a SHA-256 over the config, the domain's files and every training-data file, stored
beside the model. ``make train``, ``make run`` and the test suite all go through here, so one
run of the suite trains at most once and every test shares that model. Two processes that
need the model at once train it once: the second waits on a lock file, then finds it fresh.
"""
from __future__ import annotations

import fcntl
import hashlib
import subprocess
import sys
from pathlib import Path

from bot.domain_files import domain_paths
from bot.settings import PROJECT_ROOT

MODEL_NAME = "current"
TRAINING_DATA_DIRS = ("data/nlu", "data/core")


def training_inputs(root: Path = PROJECT_ROOT) -> list[Path]:
    """Every file whose change must retrain the model (the jieba dictionary included)."""
    files = [root / "config.yml", *domain_paths(root / "domain.yml")]
    for folder in (*TRAINING_DATA_DIRS, "data/dict"):
        files += sorted(p for p in (root / folder).rglob("*") if p.is_file())
    return files


def fingerprint(root: Path = PROJECT_ROOT) -> str:
    digest = hashlib.sha256()
    for path in training_inputs(root):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def model_path(root: Path = PROJECT_ROOT) -> Path:
    return root / "models" / f"{MODEL_NAME}.tar.gz"


def _fingerprint_path(root: Path) -> Path:
    return root / "models" / f"{MODEL_NAME}.fingerprint"


def is_stale(root: Path = PROJECT_ROOT) -> bool:
    stamp = _fingerprint_path(root)
    if not model_path(root).exists() or not stamp.exists():
        return True
    return stamp.read_text().strip() != fingerprint(root)


def ensure_model(root: Path = PROJECT_ROOT, *, force: bool = False) -> Path:
    """Train if the model is missing or stale; return the model's path."""
    (root / "models").mkdir(exist_ok=True)
    with open(root / "models" / ".train.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        return _ensure_model_locked(root, force)


def _ensure_model_locked(root: Path, force: bool) -> Path:
    if force or is_stale(root):
        wanted = fingerprint(root)
        command = [
            sys.executable, "-m", "rasa", "train",
            "--config", "config.yml", "--domain", "domain.yml",
            "--data", *TRAINING_DATA_DIRS,
            "--out", "models", "--fixed-model-name", MODEL_NAME,
        ]
        print("正在训练模型（约数分钟）…", flush=True)
        subprocess.run(command, cwd=root, check=True)
        _fingerprint_path(root).write_text(wanted + "\n")
    else:
        print(f"模型已是最新：{model_path(root).relative_to(root)}", flush=True)
    return model_path(root)
