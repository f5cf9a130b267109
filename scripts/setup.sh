#!/usr/bin/env bash
# Install the toolkit on a Debian or Ubuntu machine, into .venv/ (never into the system's Python).
#   scripts/setup.sh         the toolkit itself
#   scripts/setup.sh --test  also the test tools: LibreOffice Calc headless, python3-uno, poppler-utils,
#                            Chromium (renders the HTML report), Dovecot (a real IMAP server for the
#                            mail tests), and the Python test packages (editable install)
# PYTHON names the interpreter to build the environment from (default: python3). Windows and macOS:
# `python3 scripts/install.py` does the same without this script (see README).
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-python3}"

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
apt_install() {
  if ! dpkg -s "$@" >/dev/null 2>&1; then
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@"
  fi
}

# Debian and Ubuntu ship venv's pip bootstrap separately.
if ! "$python" -c "import ensurepip" >/dev/null 2>&1 && command -v apt-get >/dev/null; then
  apt_install python3-venv
fi

if [ "${1:-}" = "--test" ]; then
  apt_install libreoffice-calc-nogui python3-uno poppler-utils chromium dovecot-imapd
  "$python" scripts/install.py --dev
else
  "$python" scripts/install.py
fi
