#!/usr/bin/env bash
# Build .venv from a CPython 3.10 and install the pinned dependencies (constraints.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${VENV:-.venv}
# Debian packages from outside PyPI, with apt-get (as root or with sudo). A fresh machine has no package
# lists yet: update once, only when the install needs it. Usage: install_debian_packages WHAT PACKAGE…
install_debian_packages() {
  local what=$1 sudo=""
  shift
  echo "==> Installing $what ($*)…"
  if ! command -v apt-get >/dev/null; then
    echo "No apt-get here: install $* by other means." >&2
    return 1
  fi
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1 \
    || { $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null; } \
    || { echo "Could not install $* (apt-get, as root or with sudo)." >&2; return 1; }
}
# A CJK font for the usage charts (matplotlib) and invoice PDFs (fpdf2): Debian's fonts-wqy-microhei
# (TrueType, ~5 MB; bot/reports/fonts.py looks for it). Skipped when present or when CJK_FONT_PATH names a file.
install_cjk_font() {
  local package=fonts-wqy-microhei font=/usr/share/fonts/truetype/wqy/wqy-microhei.ttc
  if [ -f "$font" ] || { [ -n "${CJK_FONT_PATH:-}" ] && [ -f "$CJK_FONT_PATH" ]; }; then return 0; fi
  install_debian_packages "a CJK font for charts and PDFs" "$package" \
    || { echo "Install a CJK TrueType font and set CJK_FONT_PATH to its file, then retry." >&2; return 1; }
  [ -f "$font" ] || { echo "$package is installed but $font is missing." >&2; return 1; }
}
# Debian's chromium for the web widget's browser tests (tests/e2e/browser.py drives it with Playwright,
# which never downloads a browser of its own). Skipped when present or when CHROMIUM_PATH names one.
# `make run` does not need it, so a failure here only warns; the browser tests then say what is missing.
install_chromium() {
  if [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then return 0; fi
  install_debian_packages "Chromium for the web widget's browser tests" chromium \
    || echo "Warning: no Chromium, so tests/e2e/test_webchat_browser.py will fail (\`make run\` works without it)." >&2
}
install_cjk_font
install_chromium
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
