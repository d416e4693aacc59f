"""One pagination component for every list (search, /all, categories, /mine, /wishlist,
admins' /users): ◀️, a small window of page numbers with the current one marked, ▶️.

Buttons carry only PageCb(kind, ref, page) (packed by `pack_page`, the same string without a
model per button): the list's query stays server-side. The current page's button carries
HERE: pressing it is answered "you are here" without touching the message."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from aiogram.types import InlineKeyboardButton

from cashbot.callbacks import HERE, PageKind, pack_page
from cashbot.services.catalog import Page
from cashbot.services.common import clamp_page
from cashbot.views.keyboard import InlineKeyboardBuilder, callback_button

WINDOW = 5
PREV, NEXT = "◀️", "▶️"


def page_of(items: Sequence, page: int, page_size: int) -> Page:
    """Page an already small in-memory list (one person's loans or queues) like the SQL lists:
    0-based page clamped into range."""
    total = len(items)
    page, pages = clamp_page(page, total, page_size)
    return Page(list(items[page * page_size : (page + 1) * page_size]), total, page, pages)


def page_window(page: int, pages: int, width: int = WINDOW) -> list[int]:
    """0-based page numbers to show: `width` of them around `page`, shifted at the ends."""
    start = max(0, min(page - width // 2, pages - width))
    return list(range(start, min(pages, start + width)))


def nav_buttons(kind: PageKind, ref: int, page: int, pages: int) -> list[InlineKeyboardButton]:
    """The navigation row of a PageCb list; empty for a single page."""
    return page_buttons(page, pages, lambda target: pack_page(kind=kind, ref=ref, page=target))


def page_buttons(page: int, pages: int, pack: Callable[[int], str]) -> list[InlineKeyboardButton]:
    """The navigation row; empty for a single page. `pack(n)`: the callback data of page n
    (lists whose own callback class carries the page, e.g. /users and a device's journal)."""
    if pages <= 1:
        return []

    def button(text: str, target: int) -> InlineKeyboardButton:
        return callback_button(text, pack(target))

    row = [button(PREV, page - 1)] if page > 0 else []
    row += [
        callback_button(f"· {n + 1} ·", HERE) if n == page else button(str(n + 1), n) for n in page_window(page, pages)
    ]
    if page < pages - 1:
        row.append(button(NEXT, page + 1))
    return row


def add_nav(builder: InlineKeyboardBuilder, kind: PageKind, ref: int, page: int, pages: int) -> None:
    """Append the navigation row to a keyboard being built (after its item rows)."""
    row = nav_buttons(kind, ref, page, pages)
    if row:
        builder.row(*row)
