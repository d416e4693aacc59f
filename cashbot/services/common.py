"""Small helpers shared by services: search folding and events (field rules and dates: fields.py)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import NamedTuple

from cashbot.db.models import Event, database_proxy


class DeviceLabel(NamedTuple):
    """A device as messages name it: «№49 · Эвотор»."""

    number: int
    name: str


def clamp_page(page: int, total: int, page_size: int) -> tuple[int, int]:
    """(page, pages) for a list of `total` items: the 0-based page clamped into range, and at
    least one page even when the list is empty. Every paged list clamps through here."""
    pages = max(1, -(-total // page_size))
    return min(max(page, 0), pages - 1), pages


def fold(*parts: object) -> str:
    """Case-folded text for search columns: SQLite's lower()/LIKE fold only ASCII."""
    text = " ".join(str(p) for p in parts if p not in (None, ""))
    return " ".join(text.casefold().replace("ё", "е").split())


# Every change writes an event, so this insert is on every take and return: constant SQL,
# because building it with peewee (`Event.create`) cost several times running it (see
# benchmarks/README.md, hot paths). The time still goes through the model's field converter.
_EVENT_SQL = "INSERT INTO events (at, kind, actor_id, device_id, person_id, details) VALUES (?, ?, ?, ?, ?, ?)"


def record(
    kind: str,
    now: datetime,
    *,
    actor_id: int | None = None,
    device_id: int | None = None,
    person_id: int | None = None,
    **details: object,
) -> int:
    """Append an event; returns its id."""
    return database_proxy.execute_sql(
        _EVENT_SQL,
        (
            Event.at.db_value(now),
            kind,
            actor_id,
            device_id,
            person_id,
            json.dumps(details, ensure_ascii=False, default=str),
        ),
    ).lastrowid
