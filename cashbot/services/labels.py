"""Which devices go on a label sheet: all, a category, sticker-number ranges.

Number ranges are typed by people ("1-200", "5, 7, 10–20"): each number follows the one
sticker-number rule (`services.fields.clean_number`), ranges are merged and kept in order.
`BadNumbers.reason` says what was wrong; texts/labels.py says it in Russian, the CLI in English.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from cashbot.db.models import Category, Device
from cashbot.services.common import fold
from cashbot.services.errors import BadValue, DomainError
from cashbot.services.fields import clean_number

MAX_PARTS = 50  # "1-5, 9, 12-20, ...": more parts than this is not a range any more
_DASHES = re.compile(r"\s*[-‐‑‒–—−]\s*")
_SEPARATORS = re.compile(r"[\s,;]+")

Ranges = list[tuple[int, int]]


@dataclass
class BadNumbers(DomainError):
    """reason: empty | number (not a sticker number) | order (a range that runs backwards) |
    too_many (more than MAX_PARTS parts) | shape (like "1-2-3"); part: the part refused."""

    reason: str
    part: str = ""


@dataclass(frozen=True)
class LabelDevice:
    number: int
    name: str


def parse_numbers(text: str) -> Ranges:
    """ "1-200", "49", "1-10, 15, 20–25" -> [(1, 10), (15, 15), (20, 25)], merged and sorted."""
    parts = [p for p in _SEPARATORS.split(_DASHES.sub("-", text.strip())) if p]
    if not parts:
        raise BadNumbers("empty")
    if len(parts) > MAX_PARTS:
        raise BadNumbers("too_many", str(len(parts)))
    ranges: Ranges = []
    for part in parts:
        bounds = part.split("-")
        if len(bounds) > 2 or "" in bounds:
            raise BadNumbers("shape", part)
        try:
            low, high = (clean_number(b) for b in (bounds[0], bounds[-1]))
        except BadValue:
            raise BadNumbers("number", part) from None
        if low > high:
            raise BadNumbers("order", part)
        ranges.append((low, high))
    return merge(ranges)


def merge(ranges: Ranges) -> Ranges:
    merged: Ranges = []
    for low, high in sorted(ranges):
        if merged and low <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


def ranges_of(numbers: list[int]) -> Ranges:
    """The numbers as the fewest ranges (the devices an import added, kept for their sheet)."""
    return merge([(n, n) for n in numbers])


def format_ranges(ranges: Ranges) -> str:
    """ "1-3, 7": what parse_numbers reads back."""
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in ranges)


def select_devices(category_id: int | None = None, ranges: Ranges | None = None) -> list[LabelDevice]:
    """Live devices in sticker-number order, of one category and/or within the ranges (merged,
    in order: as parse_numbers and ranges_of give them)."""
    query = Device.select(Device.number, Device.name).where(Device.deleted_at.is_null())
    if category_id is not None:
        query = query.where(Device.category == category_id)
    if ranges is not None and len(ranges) <= MAX_PARTS:
        within = [Device.number.between(low, high) for low, high in ranges]
        condition = within[0]
        for other in within[1:]:
            condition |= other
        query = query.where(condition)
    elif ranges:  # an import's scattered numbers: one span in SQL (SQLite caps expression depth)
        query = query.where(Device.number.between(ranges[0][0], ranges[-1][1]))
    found = [LabelDevice(number, name) for number, name in query.order_by(Device.number).tuples()]
    if ranges is not None and len(ranges) > MAX_PARTS:
        lows = [low for low, _ in ranges]
        found = [d for d in found if (i := bisect_right(lows, d.number) - 1) >= 0 and d.number <= ranges[i][1]]
    return found


def device_label(device_id: int) -> LabelDevice | None:
    """One live device's sticker (the card's button)."""
    row = (
        Device.select(Device.number, Device.name)
        .where((Device.id == device_id) & Device.deleted_at.is_null())
        .tuples()
        .first()
    )
    return LabelDevice(*row) if row else None


def category_id_by_name(name: str) -> int | None:
    """The command line's --category: the name as shown, any letter case (ё = е)."""
    found = Category.get_or_none(Category.search_text == fold(name))
    return found.id if found else None
