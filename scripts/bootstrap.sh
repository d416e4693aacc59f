#!/usr/bin/env bash
# Create .venv with the pinned dependencies (requirements-dev.lock: the bot's and the test
# tools') and cashbot itself, editable; again only when pyproject.toml or the lock changes.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
stamp=.venv/.installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ requirements-dev.lock -nt "$stamp" ]; then
    echo "setting up .venv (first run takes a minute)..." >&2
    "$PYTHON" -m venv .venv
    pip=(.venv/bin/python -m pip --quiet --disable-pip-version-check)
    "${pip[@]}" install --upgrade pip
    "${pip[@]}" install --require-hashes -r requirements-dev.lock
    "${pip[@]}" install --no-deps -e .
    touch "$stamp"
fi
