"""Inline mode (`@bot 49` in any chat): a page of devices with their live status.

Which devices match is the private chat's search (`catalog.search_devices`: one rule for
numbers, serials and text); an empty query lists what the person holds (`catalog.my_loans`).
This module only adds, for the page found, what a shared chat needs to see at a glance: who
holds each device until when, how many wait, and whom it is reserved for.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from cashbot.db.models import Loan, QueueEntry, database_proxy
from cashbot.services import catalog


@dataclass(frozen=True)
class DeviceStatus:
    device_id: int
    number: int
    name: str
    category: str
    holder_id: int | None  # None: nobody holds it
    holder_name: str  # '' when the holder has no name (invited by e-mail)
    holder_username: str | None
    holder_email: str | None
    due_on: date | None
    waiting: int  # people in the queue, the one it is reserved for included
    reserved_for: str | None  # name of the person it is offered to
    reserved_until: datetime | None


@dataclass(frozen=True)
class InlinePage:
    items: list[DeviceStatus]
    next_page: int | None  # None: this was the last page


# One statement for the whole page, keyed by a JSON array of device ids (constant SQL).
_STATUS_SQL = """
SELECT d.id, d.number, d.name, c.name, p.id, COALESCE(p.full_name, ''), p.username, p.email, l.due_on,
       (SELECT COUNT(*) FROM queue_entries q WHERE q.device_id = d.id),
       o.offer_expires_at, op.full_name
FROM devices d
JOIN categories c ON c.id = d.category_id
LEFT JOIN loans l ON l.device_id = d.id AND l.returned_at IS NULL
LEFT JOIN people p ON p.id = l.person_id
LEFT JOIN queue_entries o ON o.device_id = d.id AND o.offered_at IS NOT NULL
LEFT JOIN people op ON op.id = o.person_id
WHERE d.id IN (SELECT value FROM json_each(?)) AND d.deleted_at IS NULL
"""


def device_statuses(device_ids: list[int]) -> list[DeviceStatus]:
    """Live status of these devices, in the order given (deleted ones left out)."""
    if not device_ids:
        return []
    rows = database_proxy.execute_sql(_STATUS_SQL, (json.dumps(device_ids),)).fetchall()
    due_on, expires = Loan.due_on.python_value, QueueEntry.offer_expires_at.python_value
    by_id = {
        row[0]: DeviceStatus(*row[:8], due_on(row[8]), row[9], row[11] if row[10] else None, expires(row[10]))
        for row in rows
    }
    return [by_id[i] for i in device_ids if i in by_id]


def find(query: str, person_id: int, page: int, page_size: int) -> InlinePage:
    """Page `page` (0-based) of what `query` finds, or of the person's own devices when the
    query is empty. A page past the end is empty (Telegram asks for it only if told to)."""
    if not query.strip():
        mine = catalog.my_loans(person_id)
        chunk = mine[page * page_size : (page + 1) * page_size]
        more = (page + 1) * page_size < len(mine)
        return InlinePage(device_statuses([loan.device_id for loan in chunk]), page + 1 if more else None)
    found = catalog.search_devices(query, page, page_size)
    if found.page != page:  # search_devices clamps a page past the end onto the last one
        return InlinePage([], None)
    more = found.page + 1 < found.pages
    return InlinePage(device_statuses([item.device_id for item in found.items]), page + 1 if more else None)
