#!/usr/bin/env bash
# Translation catalogs (docs/architecture.md "Languages"), after changing a text in cashbot/texts:
#   scripts/i18n.sh            1. extract every marked text into cashbot/locales/cashbot.pot
#                              2. update the English catalog from it (new texts appear with an
#                                 empty msgstr to translate; the Russian catalog holds only
#                                 plural forms and is edited by hand)
#                              3. compile every catalog's .mo, which is what the bot reads
#                                 (committed; tests/test_catalogs.py keeps it equal to its .po)
#   scripts/i18n.sh compile    step 3 only (after translating in en.po)
#   scripts/i18n.sh merge F.po add F's English entries for texts the English catalog lacks
#                              (a translation done elsewhere, a merged branch), then compile
set -euo pipefail
cd "$(dirname "$0")/.."
python=.venv/bin/python
locales=cashbot/locales
english="$locales/en/LC_MESSAGES/cashbot.po"
case "${1:-}" in
    compile) ;;
    merge)
        "$python" - "$english" "${2:?scripts/i18n.sh merge FILE.po}" <<'PY'
import sys
from babel.messages.pofile import read_po, write_po
with open(sys.argv[1], "rb") as ours, open(sys.argv[2], "rb") as theirs:
    catalog, other = read_po(ours, locale="en"), read_po(theirs, locale="en")
added = [m for m in other if m.id and m.string and m.id not in catalog]
for message in added:
    catalog[message.id] = message
with open(sys.argv[1], "wb") as out:
    write_po(out, catalog, width=0)
print(f"{len(added)} entries added to {sys.argv[1]}", file=sys.stderr)
PY
        ;;
    "")
        .venv/bin/pybabel extract -F babel.cfg -k N_ -k _ -k ngettext:1,2 -k plural_forms:1,2 \
            --no-wrap --sort-by-file --omit-header -o "$locales/cashbot.pot" cashbot 2>/dev/null
        .venv/bin/pybabel update --no-wrap --no-fuzzy-matching -i "$locales/cashbot.pot" -d "$locales" -D cashbot -l en
        ;;
    *) echo "usage: scripts/i18n.sh [compile | merge FILE.po]" >&2; exit 2 ;;
esac
.venv/bin/pybabel compile --statistics -d "$locales" -D cashbot
