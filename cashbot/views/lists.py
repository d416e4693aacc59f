"""Lists of devices and people's own lists: pure functions of service results.

Every text stays far below Telegram's 4096 characters: names are shortened before they are
escaped, and a page holds at most `ui.page_size` (≤ 30) lines."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from cashbot.callbacks import (
    CategoryAdminAction,
    CategoryAdminCb,
    CategoryCb,
    DeviceAction,
    DeviceCb,
    MyHistoryCb,
    PageCb,
    PageKind,
    pack_category,
    pack_device,
)
from cashbot.services.catalog import DeviceItem, HistoryLine, MyLoan, MyPlace, Page, PastHolder
from cashbot.texts import card as card_t
from cashbot.texts import events as events_t
from cashbot.texts import lists as t
from cashbot.texts.common import esc
from cashbot.texts.plural import DAYS, count
from cashbot.views.format import fmt_date, fmt_datetime, overdue_days
from cashbot.views.keyboard import InlineKeyboardBuilder, callback_button
from cashbot.views.pagination import add_nav, nav_buttons

# Worst case at the largest page (30 lines): ~125 visible characters a line, under 4096.
NAME_IN_TEXT = 40
NAME_IN_BUTTON = 40
PERSON_IN_TEXT = 30
QUERY_SHOWN = 60


def shorten(value: str | None, limit: int) -> str:
    value = " ".join((value or "").split())
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def device_button_text(number: int, name: str) -> str:
    return f"№{number} · {shorten(name, NAME_IN_BUTTON)}"


def not_found(query: str) -> str:
    """The failed-search reply: depends on nothing but the query text. Digits are shown as
    typed (a serial's leading zeros included)."""
    query = query.strip()
    digits = query.lstrip("№#").strip()
    if digits.isascii() and digits.isdigit() and len(digits) <= QUERY_SHOWN:
        head = (
            t.NOT_FOUND_NUMBER.format(number=digits)
            if digits != query  # "№50": a sticker
            else t.NOT_FOUND_DIGITS.format(digits=digits)
        )
    else:
        head = t.NOT_FOUND_TEXT.format(query=esc(shorten(query, QUERY_SHOWN)))
    return head + t.NOT_FOUND_HINT


def _item_line(item: DeviceItem, today: date) -> str:
    if item.holder_name is not None:  # '' is a holder without name or e-mail, still held
        mark = t.ITEM_HELD
        tail = t.ITEM_HOLDER.format(holder=esc(shorten(item.holder_name or events_t.SOMEONE, PERSON_IN_TEXT)))
        if item.due_on:
            tail += t.ITEM_DUE.format(due=fmt_date(item.due_on))
            if overdue_days(item.due_on, today):
                tail += t.ITEM_OVERDUE
    elif item.reserved:
        mark, tail = t.ITEM_RESERVED, t.ITEM_RESERVED_NOTE
    else:
        mark, tail = t.ITEM_FREE, ""
    return t.ITEM_LINE.format(mark=mark, number=item.number, name=esc(shorten(item.name, NAME_IN_TEXT))) + tail


def device_list(
    title: str, page: Page, kind: PageKind, ref: int, today: date, extra: Iterable[tuple[str, str]] = ()
) -> tuple[str, InlineKeyboardMarkup]:
    """A page of devices: a line per device, a button per device opening its card, the
    navigation row, then `extra` (text, callback_data) buttons one per row."""
    lines = [title]
    if page.pages > 1:
        lines.append(t.PAGE_OF.format(page=page.page + 1, pages=page.pages))
    lines.append("")
    lines += [_item_line(item, today) for item in page.items]
    lines += ["", f"<i>{t.LIST_LEGEND}</i>"]
    # Rows built directly (no builder): one button a row, the nav row has at most 7.
    rows = [[_open_button(item.number, item.name, item.device_id)] for item in page.items]
    if nav := nav_buttons(kind, ref, page.page, page.pages):
        rows.append(nav)
    rows += [[_button(text, data)] for text, data in extra]
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows)


def _open_button(number: int, name: str, device_id: int) -> InlineKeyboardButton:
    return _button(device_button_text(number, name), pack_device(action=DeviceAction.OPEN, device_id=device_id))


def search_results(query: str, page: Page, list_id: int, today: date) -> tuple[str, InlineKeyboardMarkup]:
    title = t.SEARCH_TITLE.format(query=esc(shorten(query, QUERY_SHOWN)), total=page.total)
    return device_list(title, page, PageKind.SEARCH, list_id, today)


def all_devices(page: Page, today: date) -> tuple[str, InlineKeyboardMarkup | None]:
    if not page.total:
        return t.ALL_EMPTY, None
    return device_list(t.ALL_TITLE.format(total=page.total), page, PageKind.ALL, 0, today)


def category_devices(name: str, category_id: int, page: Page, today: date) -> tuple[str, InlineKeyboardMarkup]:
    back = [(t.BTN_BACK_TO_CATEGORIES, pack_category(category_id=0))]
    shown = esc(shorten(name, NAME_IN_TEXT))
    if not page.total:
        kb = InlineKeyboardBuilder()
        kb.button(text=back[0][0], callback_data=back[0][1])
        return t.CATEGORY_EMPTY.format(category=shown), kb.as_markup()
    return device_list(
        t.CATEGORY_TITLE.format(category=f"<b>{shown}</b>", total=page.total),
        page,
        PageKind.CATEGORY,
        category_id,
        today,
        back,
    )


def categories(page: Page, is_admin: bool) -> tuple[str, InlineKeyboardMarkup | None]:
    """Category buttons with counts (a page of them), then the admins' management button."""
    kb = InlineKeyboardBuilder()
    for c in page.items:
        kb.row(
            _button(
                t.CATEGORY_BUTTON.format(name=shorten(c.name, NAME_IN_BUTTON), count=c.devices),
                CategoryCb(category_id=c.category_id).pack(),
            )
        )
    add_nav(kb, PageKind.CATEGORIES, 0, page.page, page.pages)
    if is_admin:
        kb.row(_button(t.BTN_MANAGE_CATEGORIES, CategoryAdminCb(action=CategoryAdminAction.LIST).pack()))
    text = t.CATEGORIES_TITLE if page.total else t.CATEGORIES_EMPTY
    return text, (kb.as_markup() if page.total or is_admin else None)


def mine(page: Page, today: date, tz: ZoneInfo) -> tuple[str, InlineKeyboardMarkup]:
    kb = InlineKeyboardBuilder()
    if not page.total:
        text = t.MINE_EMPTY
    else:
        lines = [t.MINE_TITLE.format(total=page.total)]
        if page.pages > 1:
            lines.append(t.PAGE_OF.format(page=page.page + 1, pages=page.pages))
        for loan in page.items:
            lines += ["", _mine_line(loan, today, tz)]
            kb.row(_open_button(loan.number, loan.name, loan.device_id))
        text = "\n".join(lines)
        add_nav(kb, PageKind.MINE, 0, page.page, page.pages)
    kb.row(_button(t.BTN_MY_HISTORY, MyHistoryCb().pack()))
    return text, kb.as_markup()


def _mine_line(loan: MyLoan, today: date, tz: ZoneInfo) -> str:
    due = t.MINE_DUE.format(due=fmt_date(loan.due_on)) if loan.due_on else t.MINE_NO_DUE
    if days := overdue_days(loan.due_on, today):
        due += t.MINE_OVERDUE.format(days=count(days, DAYS))
    return t.MINE_LINE.format(
        number=loan.number, name=esc(shorten(loan.name, NAME_IN_TEXT)), since=fmt_datetime(loan.since, tz), due=due
    )


def wishlist(page: Page, tz: ZoneInfo) -> tuple[str, InlineKeyboardMarkup | None]:
    if not page.total:
        return t.WISHLIST_EMPTY, None
    kb = InlineKeyboardBuilder()
    lines = [t.WISHLIST_TITLE.format(total=page.total)]
    if page.pages > 1:
        lines.append(t.PAGE_OF.format(page=page.page + 1, pages=page.pages))
    for place in page.items:
        lines += ["", _wish_line(place, tz)]
        kb.row(_open_button(place.number, place.name, place.device_id))
    add_nav(kb, PageKind.WISHLIST, 0, page.page, page.pages)
    return "\n".join(lines), kb.as_markup()


def _wish_line(place: MyPlace, tz: ZoneInfo) -> str:
    where = (
        t.WISHLIST_YOUR_TURN.format(until=fmt_datetime(place.offered_until, tz))
        if place.offered_until
        else t.WISHLIST_POSITION.format(position=place.position)
    )
    return t.WISHLIST_LINE.format(number=place.number, name=esc(shorten(place.name, NAME_IN_TEXT)), place=where)


def event_phrase(line: HistoryLine, *, staff: bool = True) -> str | None:
    """A readable Russian phrase for one event; None for bookkeeping a staff history leaves
    out (`staff=False`, the admin journal: every event)."""
    if staff and line.kind in events_t.STAFF_HIDDEN:
        return None
    template = events_t.PHRASES.get(line.kind, events_t.OTHER)
    details = line.details

    def name(value: object) -> str:
        return esc(shorten(str(value) if value not in (None, "") else events_t.SOMEONE, PERSON_IN_TEXT))

    def value(key: str) -> str:
        return esc(shorten(str(details.get(key) or ""), NAME_IN_TEXT))

    due = details.get("due_on")
    field = details.get("field") or ""
    return template.format(
        actor=name(line.actor_name),
        person=name(line.person_name),
        from_name=name(details.get("from_name")),
        to_name=name(details.get("to_name") or line.person_name),
        due=events_t.DUE_UNTIL.format(due=fmt_date(date.fromisoformat(due))) if due else events_t.DUE_NONE,
        field=esc(card_t.FIELD_NAMES.get(field, field)),
        category=value("name"),
        old=value("old"),
        new=value("new"),
    )


def _event_lines(events: list[HistoryLine], tz: ZoneInfo, with_device: bool) -> list[str]:
    lines = []
    for event in events:
        what = event_phrase(event)
        if what is None:
            continue
        if with_device and event.device_number is not None:
            what = (
                t.EVENT_DEVICE.format(number=event.device_number, name=esc(shorten(event.device_name, NAME_IN_BUTTON)))
                + what
            )
        lines.append(t.EVENT_LINE.format(at=fmt_datetime(event.at, tz), what=what))
    return lines


def device_history(
    number: int, name: str, device_id: int, holders: list[PastHolder], events: list[HistoryLine], tz: ZoneInfo
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [t.DEVICE_HISTORY_TITLE.format(number=number, name=esc(shorten(name, NAME_IN_TEXT)))]
    if holders:
        lines += ["", t.HOLDERS_TITLE]
        lines += [
            t.HOLDER_LINE.format(
                name=esc(shorten(h.full_name, PERSON_IN_TEXT)),
                since=fmt_datetime(h.since, tz),
                until=fmt_datetime(h.until, tz) if h.until else t.HOLDER_NOW,
            )
            for h in holders
        ]
    event_lines = _event_lines(events, tz, with_device=False)
    if event_lines:
        lines += ["", t.EVENTS_TITLE, *event_lines]
    if not holders and not event_lines:
        lines += ["", t.HISTORY_EMPTY]
    kb = InlineKeyboardBuilder()
    kb.button(text=t.BTN_BACK_TO_CARD, callback_data=DeviceCb(action=DeviceAction.REFRESH, device_id=device_id))
    return "\n".join(lines), kb.as_markup()


def my_history(events: list[HistoryLine], tz: ZoneInfo) -> tuple[str, InlineKeyboardMarkup]:
    lines = [t.MY_HISTORY_TITLE, ""]
    lines += _event_lines(events, tz, with_device=True) or [t.HISTORY_EMPTY]
    kb = InlineKeyboardBuilder()
    kb.button(text=t.BTN_BACK_TO_MINE, callback_data=PageCb(kind=PageKind.MINE, ref=0, page=0))
    return "\n".join(lines), kb.as_markup()


def _button(text: str, data: str) -> InlineKeyboardButton:
    return callback_button(text, data)
