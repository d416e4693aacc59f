"""Counted nouns: «1 устройство», «3 устройства», «5 устройств»; "1 device", "3 devices".

A noun is given as the msgid pair gettext wants (singular, plural, in Russian); the form for a
number comes from the current language's catalog through `ngettext`, so each language counts
by its own CLDR rule: Russian has three forms (one: 1, 21…; few: 2–4, 22–24…; many: 0, 5–20,
25…), kept in cashbot/locales/ru, English two.
"""

from __future__ import annotations

from cashbot.i18n import ngettext

Forms = tuple[str, str]


def plural_forms(singular: str, plural: str) -> Forms:
    """A noun to count (Babel extracts both msgids from this call)."""
    return (singular, plural)


DEVICES = plural_forms("устройство", "устройства")
PEOPLE = plural_forms("человек", "человека")
DAYS = plural_forms("день", "дня")
TABLES = plural_forms("таблица", "таблицы")
ROWS = plural_forms("строка", "строки")


def plural(n: int, forms: Forms) -> str:
    """The form of the noun that goes with the number n, in the current language."""
    return ngettext(forms[0], forms[1], abs(n))


def count(n: int, forms: Forms) -> str:
    """The number and its noun: count(3, DEVICES) == "3 устройства"."""
    return f"{n} {plural(n, forms)}"
