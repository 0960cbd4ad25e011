#!/usr/bin/env bash
# Print the path of a CPython 3.10 interpreter: $PYTHON, python3.10 on PATH, or pyenv's 3.10.x.
# Rasa 3.6 needs Python >=3.8,<3.11, and this project pins 3.10.
set -euo pipefail

is_310() { [ -n "$1" ] && [ -x "$(command -v "$1" 2>/dev/null)" ] &&
  "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' 2>/dev/null; }

candidates=("${PYTHON:-}" python3.10)
pyenv_root=$(pyenv root 2>/dev/null || echo "${PYENV_ROOT:-$HOME/.pyenv}")
for dir in "$pyenv_root"/versions/3.10*; do
  [ -d "$dir" ] && candidates+=("$dir/bin/python3.10" "$dir/bin/python")
done
candidates+=(/usr/bin/python3.10 /usr/local/bin/python3.10)

for candidate in "${candidates[@]}"; do
  if is_310 "$candidate"; then command -v "$candidate"; exit 0; fi
done
cat >&2 <<'MSG'
No Python 3.10 found. Rasa 3.6 needs CPython 3.10 (not 3.11+). Install one, e.g.
  pyenv install 3.10.13        (or: apt-get install python3.10 python3.10-venv)
then run `make setup` again, or point to it with `make setup PYTHON=/path/to/python3.10`.
MSG
exit 1
