"""Reading the register: search, lists, my devices, my queues, history (the device card:
services/card.py).

Every list is paged in SQL and selects only what its screen shows (DESIGN.md, Performance).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from peewee import JOIN, fn

from cashbot.db.models import Category, Device, Event, Loan, Person, QueueEntry, database_proxy
from cashbot.services.common import clamp_page, fold
from cashbot.services.errors import DeviceNotFound

# How a person is named on screens: the name Telegram gave, else the e-mail (someone invited
# by an import or an assignment has no name until they register). '' only if neither.
SHOWN_NAME_SQL = "COALESCE(NULLIF({p}.full_name, ''), {p}.email, '')"


def shown_name(full_name: str | None, email: str | None) -> str | None:
    return full_name or email or None


@dataclass(frozen=True)
class DeviceItem:
    device_id: int
    number: int
    name: str
    category: str
    holder_name: str | None  # None: nobody holds it ('' would still be a holder)
    due_on: date | None
    reserved: bool


@dataclass(frozen=True)
class Page:
    items: list
    total: int
    page: int  # 0-based, clamped into range
    pages: int


@dataclass(frozen=True)
class CategoryCount:
    category_id: int
    name: str
    devices: int


@dataclass(frozen=True)
class MyLoan:
    device_id: int
    number: int
    name: str
    since: datetime
    due_on: date | None


@dataclass(frozen=True)
class MyPlace:
    device_id: int
    number: int
    name: str
    position: int
    offered_until: datetime | None


@dataclass(frozen=True)
class PastHolder:
    full_name: str
    since: datetime
    until: datetime | None  # None: holds it now


@dataclass(frozen=True)
class DeviceHistory:
    device_id: int
    number: int
    name: str
    holders: list[PastHolder]
    events: list[HistoryLine]


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    kind: str
    actor_name: str | None
    person_name: str | None
    device_number: int | None
    device_name: str | None
    details: dict


def paged(query, page: int, page_size: int, total: int, to_item) -> Page:
    page, pages = clamp_page(page, total, page_size)
    rows = query.paginate(page + 1, page_size) if total else []
    return Page([to_item(r) for r in rows], total, page, pages)


# Lists (search results, /all, a category) are the busiest screens after the card: like the
# card, their two statements are constant SQL, because building them with peewee cost about
# as much as the search itself (benchmarks/README.md). `{where}` is one of _LIST_FILTERS.
_LIST_COLUMNS = (
    """
SELECT d.id, d.number, d.name, c.name,
       CASE WHEN l.id IS NOT NULL THEN """
    + SHOWN_NAME_SQL.format(p="p")
    + """ END, l.due_on, o.id
FROM {source}
JOIN categories c ON c.id = d.category_id
LEFT JOIN loans l ON l.device_id = d.id AND l.returned_at IS NULL
LEFT JOIN people p ON p.id = l.person_id
LEFT JOIN queue_entries o ON o.device_id = d.id AND o.offered_at IS NOT NULL
"""
)
_LIST_PAGE_SQL = (
    _LIST_COLUMNS.format(source="devices d")
    + """
WHERE d.deleted_at IS NULL AND {where}
ORDER BY d.number
LIMIT ? OFFSET ?
"""
)
_LIST_COUNT_SQL = "SELECT COUNT(*) FROM devices d WHERE d.deleted_at IS NULL AND {where}"
_LIST_FILTERS = {
    "number": "d.number = ?",
    "text": "instr(d.search_text, ?) > 0",
    "category": "d.category_id = ?",
    "id": "d.id = ?",
    # Digits that are no sticker number, inside serials: a full scan, but only after the
    # sticker lookup found nothing (serials are not folded: digits need no folding).
    "serial": "instr(d.serial, ?) > 0",
    "all": "?",  # always true: the parameter is 1
}
# Text of three characters or more: the trigram index `devices_fts` (migration 002) holds
# {number: search_text} of exactly the live devices, so it counts the hits alone and hands
# out one page of numbers in list order; only that page is joined back. `instr` read every
# row for the count (see benchmarks/README.md, hot paths).
_INDEX_COUNT_SQL = "SELECT COUNT(*) FROM devices_fts WHERE devices_fts MATCH ?"
_INDEX_PAGE_SQL = (
    """
WITH hit AS (SELECT rowid AS number FROM devices_fts WHERE devices_fts MATCH ?
             ORDER BY rowid LIMIT ? OFFSET ?)
"""
    + _LIST_COLUMNS.format(source="hit JOIN devices d ON d.number = hit.number AND d.deleted_at IS NULL")
    + """
ORDER BY d.number
"""
)
_LIST_SQL = {
    kind: (_LIST_COUNT_SQL.format(where=where), _LIST_PAGE_SQL.format(where=where))
    for kind, where in _LIST_FILTERS.items()
}
_LIST_SQL["index"] = (_INDEX_COUNT_SQL, _INDEX_PAGE_SQL)
INDEXED_NEEDLE = 3  # the trigram index finds nothing shorter: such needles use instr


def _items(kind: str, value: object, page: int, page_size: int) -> Page:
    count_sql, page_sql = _LIST_SQL[kind]
    total = database_proxy.execute_sql(count_sql, (value,)).fetchone()[0]
    page, pages = clamp_page(page, total, page_size)
    rows = database_proxy.execute_sql(page_sql, (value, page_size, page * page_size)).fetchall() if total else []
    items = [
        DeviceItem(device_id, number, name, category, holder, _as_date(due_on), offer_id is not None)
        for device_id, number, name, category, holder, due_on, offer_id in rows
    ]
    return Page(items, total, page, pages)


def _as_date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def fts_phrase(needle: str) -> str:
    """The needle as one FTS5 string: whatever a person typed (quotes, *, -, OR, parentheses,
    column filters) is matched literally, never read as query syntax."""
    return '"' + needle.replace('"', '""') + '"'


_ID_BY_SERIAL_SQL = "SELECT id FROM devices WHERE serial = ? AND deleted_at IS NULL LIMIT 1"


def search_devices(text: str, page: int, page_size: int) -> Page:
    """Digits (optionally after № or #) are a sticker number, exact. Digits that are no live
    sticker number are a serial (most serials are digits): the device with exactly that
    serial, else those whose serial contains them (three digits or more). Other text matches
    inside name, serial and category, case-insensitively in any script; text equal to a live
    serial finds that device alone (so it opens the card)."""
    text = text.strip()
    digits = text.lstrip("№#").strip()
    if digits.isascii() and digits.isdigit():  # "²" is a digit to Python, not a sticker number
        return _search_digits(digits, typed_as_number=text != digits, page=page, page_size=page_size)
    needle = fold(text)
    if not needle:
        return Page([], 0, 0, 1)
    if len(needle) >= INDEXED_NEEDLE and "\x00" not in needle:  # FTS5 reads MATCH up to a NUL
        found = _items("index", fts_phrase(needle), page, page_size)
    else:
        found = _items("text", needle, page, page_size)
    if found.total > 1:  # one hit or none: an exact serial could change nothing
        return _exact_serial(text, page, page_size) or found
    return found


def _search_digits(digits: str, *, typed_as_number: bool, page: int, page_size: int) -> Page:
    # Serials carry leading zeros, sticker numbers are printed without: "00123" is a serial first.
    if digits[0] == "0" and not typed_as_number and (exact := _exact_serial(digits, page, page_size)):
        return exact
    if len(digits) <= 18:  # beyond SQLite's integer range: no such sticker
        found = _items("number", int(digits), page, page_size)
        if found.total or typed_as_number:  # "№50" asks for a sticker number only
            return found
    if digits[0] != "0" and (exact := _exact_serial(digits, page, page_size)):
        return exact
    if len(digits) < INDEXED_NEEDLE:  # "5" is in half the serials: no list of those
        return Page([], 0, 0, 1)
    return _items("serial", digits, page, page_size)


def _exact_serial(serial: str, page: int, page_size: int) -> Page | None:
    """The one live device with exactly this serial, as a one-item list; None if none."""
    row = database_proxy.execute_sql(_ID_BY_SERIAL_SQL, (serial,)).fetchone()
    if row is None:
        return None
    found = _items("id", row[0], page, page_size)
    return found if found.total else None


def list_devices(page: int, page_size: int, category_id: int | None = None) -> Page:
    if category_id is not None:
        return _items("category", category_id, page, page_size)
    return _items("all", 1, page, page_size)


def categories_with_counts() -> list[CategoryCount]:
    count = fn.COUNT(Device.id)
    rows = (
        Category.select(Category.id, Category.name, count.alias("n"))
        .join(Device, JOIN.LEFT_OUTER, on=(Device.category == Category.id) & Device.deleted_at.is_null())
        .group_by(Category.id)
        .order_by(Category.name)
    )
    return [CategoryCount(r.id, r.name, r.n) for r in rows]


def category_name(category_id: int) -> str | None:
    category = Category.get_or_none(Category.id == category_id)
    return category.name if category else None


# A sticker's deep link looks the number up first: constant SQL, because building the lookup
# with peewee cost far more than running it (see benchmarks/README.md, hot paths).
_ID_BY_NUMBER_SQL = "SELECT id FROM devices WHERE number = ? AND deleted_at IS NULL LIMIT 1"


def device_id_by_number(number: int) -> int | None:
    row = database_proxy.execute_sql(_ID_BY_NUMBER_SQL, (number,)).fetchone()
    return row[0] if row else None


# /mine: constant SQL, because building this query with peewee cost far more than running it
# (see benchmarks/README.md, hot paths).
_MY_LOANS_SQL = """
SELECT d.id, d.number, d.name, l.taken_at, l.due_on
FROM loans l JOIN devices d ON d.id = l.device_id
WHERE l.person_id = ? AND l.returned_at IS NULL
ORDER BY l.due_on ASC NULLS LAST, d.number
"""


def my_loans(person_id: int) -> list[MyLoan]:
    """What I hold: those with a return date first, soonest first."""
    rows = database_proxy.execute_sql(_MY_LOANS_SQL, (person_id,)).fetchall()
    taken_at, due_on = Loan.taken_at.python_value, Loan.due_on.python_value
    return [
        MyLoan(device_id, number, name, taken_at(since), due_on(due)) for device_id, number, name, since, due in rows
    ]


def my_queue(person_id: int) -> list[MyPlace]:
    mine = list(
        QueueEntry.select(QueueEntry, Device.id, Device.number, Device.name)
        .join(Device)
        .where(QueueEntry.person == person_id, Device.deleted_at.is_null())
        .order_by(QueueEntry.joined_at)
    )
    places = []
    for entry in mine:
        ahead = (
            QueueEntry.select()
            .where(
                QueueEntry.device == entry.device_id,
                (QueueEntry.joined_at < entry.joined_at)
                | ((QueueEntry.joined_at == entry.joined_at) & (QueueEntry.id < entry.id)),
            )
            .count()
        )
        places.append(
            MyPlace(
                entry.device_id,
                entry.device.number,
                entry.device.name,
                ahead + 1,
                entry.offer_expires_at if entry.offered_at else None,
            )
        )
    return places


def history(
    *, device_id: int | None = None, person_id: int | None = None, limit: int = 10, offset: int = 0
) -> list[HistoryLine]:
    """Recent events about a device or a person (as actor or subject), newest first."""
    actor, subject = Person.alias(), Person.alias()
    query = (
        Event.select(Event, actor.full_name, actor.email, subject.full_name, subject.email, Device.number, Device.name)
        .join(actor, JOIN.LEFT_OUTER, on=(actor.id == Event.actor))
        .switch(Event)
        .join(subject, JOIN.LEFT_OUTER, on=(subject.id == Event.person))
        .switch(Event)
        .join(Device, JOIN.LEFT_OUTER, on=(Device.id == Event.device))
    )
    if device_id is not None:
        query = query.where(Event.device == device_id)
    if person_id is not None:
        query = query.where((Event.person == person_id) | (Event.actor == person_id))
    lines = []
    for e in query.order_by(Event.id.desc()).limit(limit).offset(offset):
        actor_row, subject_row, device_row = (
            getattr(e, "actor", None),
            getattr(e, "person", None),
            getattr(e, "device", None),
        )
        lines.append(
            HistoryLine(
                e.at,
                e.kind,
                shown_name(actor_row.full_name, actor_row.email) if actor_row else None,
                shown_name(subject_row.full_name, subject_row.email) if subject_row else None,
                device_row.number if device_row else None,
                device_row.name if device_row else None,
                json.loads(e.details or "{}"),
            )
        )
    return lines


def device_holders(device_id: int, limit: int = 5) -> list[PastHolder]:
    """Who held the device, from and to, newest first (the card's history)."""
    rows = (
        Loan.select(Loan.taken_at, Loan.returned_at, Person.full_name, Person.email)
        .join(Person)
        .where(Loan.device == device_id)
        .order_by(Loan.taken_at.desc(), Loan.id.desc())
        .limit(limit)
    )
    return [PastHolder(shown_name(r.person.full_name, r.person.email) or "", r.taken_at, r.returned_at) for r in rows]


def device_history(device_id: int, limit: int = 10) -> DeviceHistory:
    """The card's [History]: recent holders (who, from, to) and recent events."""
    device = Device.get_or_none((Device.id == device_id) & Device.deleted_at.is_null())
    if device is None:
        raise DeviceNotFound()
    return DeviceHistory(
        device.id,
        device.number,
        device.name,
        device_holders(device_id, limit=5),
        history(device_id=device_id, limit=limit),
    )
