#!/usr/bin/env bash
# Build .venv from a CPython 3.10 and install the pinned dependencies (constraints.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${VENV:-.venv}
python=$(scripts/find_python310.sh)
echo "==> Python 3.10: $python"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))'; then
  rm -rf "$venv"
  "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade "pip<25" wheel
echo "==> Installing dependencies (Rasa and TensorFlow: about 2–3 minutes on a fresh machine)…"
"$venv/bin/python" -m pip install --disable-pip-version-check -r requirements.txt -c constraints.txt
"$venv/bin/python" -m pip check
"$venv/bin/python" -c "import rasa, rasa_sdk, jieba; print('==> rasa', rasa.__version__, '/ rasa-sdk', rasa_sdk.__version__)"
