#!/usr/bin/env bash
# A fresh install the way the container and a self-hoster do it, checked end to end:
# build the wheel, install requirements.lock (hashes checked) and the wheel (--no-deps) into a
# clean venv, then `cashbot migrate && cashbot check` (and `python -m cashbot check`) from an
# empty folder, with the checkout nowhere on the path. Run by .ci/run.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
PYTHON="${PYTHON:-python3}"
pip=(--quiet --disable-pip-version-check)

"$PYTHON" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install "${pip[@]}" --require-hashes -r "$repo/requirements.lock"
# Built from a copy of what the Dockerfile copies (an in-tree build would reuse a stale build/).
mkdir "$work/source"
cp -r "$repo/pyproject.toml" "$repo/README.md" "$repo/cashbot" "$work/source/"
"$work/venv/bin/python" -m pip wheel "${pip[@]}" --no-deps --wheel-dir "$work/dist" "$work/source"
"$work/venv/bin/python" -m pip install "${pip[@]}" --no-deps "$work"/dist/cashbot-*.whl
"$work/venv/bin/python" -m pip check

mkdir "$work/site"
cd "$work/site"
# Only what a self-hoster would set; nothing inherited from the developer's shell.
run() {
    env -i PATH="$work/venv/bin:/usr/bin:/bin" HOME="$work" \
        CASHBOT_TELEGRAM__TOKEN="123456:CHECK-abcdefghijklmnopqrstuvwxyz" \
        CASHBOT_SECRETS_DIR="$work/no-secrets" "$@"
}
location="$(run python -c 'import cashbot; print(cashbot.__file__)')"
case "$location" in
    "$work/venv/"*) ;;
    *) echo "check-install: cashbot imported from $location, not from the clean venv" >&2; exit 1 ;;
esac
if run python -c 'import pytest' 2>/dev/null; then
    echo "check-install: test packages ended up in the runtime install" >&2; exit 1
fi
run cashbot migrate --status
run cashbot migrate
run cashbot check
run python -m cashbot check
run litestream version >/dev/null
# A sticker and a label sheet from the installed wheel: the bundled font and the drawing
# libraries are in the runtime install.
run python -c 'from cashbot.config import LabelsSettings
from cashbot.printing import Label, sheet_pdf, sticker_png
label = Label(49, "Касса «Эвотор»", "https://t.me/cashbot_bot?start=d49")
assert sticker_png(label).startswith(b"\x89PNG") and sheet_pdf([label], LabelsSettings()).startswith(b"%PDF-")'

# The translation catalogs are in the wheel: English texts and plural forms resolve.
run python -c 'from cashbot.i18n import use_locale
from cashbot.texts import card
from cashbot.texts.plural import DAYS, count
assert count(5, DAYS) == "5 дней"
with use_locale("en"):
    assert count(5, DAYS) == "5 days" and card.BTN_TAKE != card.MSGIDS["BTN_TAKE"]'

test -f data/cashbot.sqlite3
echo "check-install: the wheel installs into a clean venv and migrates from $work/site: ok"
