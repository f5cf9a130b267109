#!/usr/bin/env bash
# Every check, in the order a reviewer would want them: lint, types, tests (in .venv when there is one).
set -euo pipefail
cd "$(dirname "$0")/.."
python=python3
[ -x .venv/bin/python ] && python=.venv/bin/python
"$python" -m ruff check toolkit tests scripts
"$python" -m mypy
"$python" -m pytest -q "$@"
