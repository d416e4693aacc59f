#!/usr/bin/env bash
# Translation catalogs (docs/architecture.md "Languages"), after changing a text in cashbot/texts:
#   1. extract every marked text into cashbot/locales/cashbot.pot
#   2. update the English catalog from it (new texts appear with an empty msgstr to translate;
#      the Russian catalog holds only plural forms and is edited by hand)
#   3. compile every catalog's .mo, which is what the bot reads (committed; a test keeps it
#      equal to its .po)
# `scripts/i18n.sh compile` does step 3 only (after translating in en.po).
set -euo pipefail
cd "$(dirname "$0")/.."
pybabel=.venv/bin/pybabel
locales=cashbot/locales
if [ "${1:-}" != "compile" ]; then
    "$pybabel" extract -F babel.cfg -k N_ -k _ -k ngettext:1,2 -k plural_forms:1,2 \
        --no-wrap --sort-by-file --omit-header -o "$locales/cashbot.pot" cashbot 2>/dev/null
    "$pybabel" update --no-wrap --no-fuzzy-matching -i "$locales/cashbot.pot" -d "$locales" -D cashbot -l en
fi
"$pybabel" compile --statistics -d "$locales" -D cashbot
