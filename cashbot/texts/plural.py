"""Counted nouns: «1 устройство», «3 устройства», «5 устройств», «21 устройство».

A noun is given as its forms for this language's plural categories; Russian has three:
(one: 1, 21, 101…; few: 2–4, 22–24…; many: 0, 5–20, 11–14, 25…). An English set would give
("device", "devices") and its own `plural` choosing between two.
"""

from __future__ import annotations

Forms = tuple[str, str, str]

DEVICES: Forms = ("устройство", "устройства", "устройств")
PEOPLE: Forms = ("человек", "человека", "человек")
DAYS: Forms = ("день", "дня", "дней")
TABLES: Forms = ("таблица", "таблицы", "таблиц")
ROWS: Forms = ("строка", "строки", "строк")


def plural(n: int, forms: Forms) -> str:
    """The form of the noun that goes with the number n."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return forms[0]
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return forms[1]
    return forms[2]


def count(n: int, forms: Forms) -> str:
    """The number and its noun: count(3, DEVICES) == "3 устройства"."""
    return f"{n} {plural(n, forms)}"
