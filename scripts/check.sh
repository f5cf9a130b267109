#!/usr/bin/env bash
# Every check, in the order a reviewer would want them: lint, types, tests.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m ruff check toolkit tests scripts
python3 -m mypy
python3 -m pytest -q "$@"
