#!/usr/bin/env bash
# Install everything the toolkit needs on a fresh Debian machine.
#   scripts/setup.sh         the toolkit itself (Python packages)
#   scripts/setup.sh --test  also the test tools: LibreOffice Calc headless, python3-uno, poppler-utils,
#                            Chromium (renders the HTML report) and Dovecot (the IMAP server collect is
#                            tested against)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--test" ]; then
  debian_packages="libreoffice-calc-nogui python3-uno poppler-utils chromium dovecot-imapd"
  if ! dpkg -s $debian_packages >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $debian_packages
  fi
  python3 -m pip install --quiet --disable-pip-version-check -e '.[dev]'
else
  python3 -m pip install --quiet --disable-pip-version-check -e .
fi
