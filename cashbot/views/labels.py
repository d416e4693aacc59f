"""Views of /labels and the card's sticker button: menus, captions, progress. Pure functions;
the stickers and sheets themselves are drawn by cashbot/printing.py."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from cashbot.callbacks import LabelsAction, LabelsCb
from cashbot.config import LabelsSettings
from cashbot.services.catalog import CategoryCount
from cashbot.services.labels import Ranges, format_ranges
from cashbot.texts import labels as t
from cashbot.texts.common import esc
from cashbot.texts.plural import DEVICES, count
from cashbot.views.keyboard import InlineKeyboardBuilder, callback_button


def _button(text: str, action: LabelsAction, ref: int = 0) -> InlineKeyboardButton:
    return callback_button(text, LabelsCb(action=action, ref=ref).pack())


def sticker_row(device_id: int) -> list[InlineKeyboardButton]:
    """The admins' [🏷 Наклейка] row on a device card."""
    return [_button(t.BTN_STICKER, LabelsAction.STICKER, device_id)]


def card_link_line(link: str) -> str:
    return t.LINK.format(link=esc(link))


def menu(layout: LabelsSettings) -> tuple[str, InlineKeyboardMarkup]:
    text = t.MENU.format(
        columns=layout.columns, rows=layout.rows, width=_mm(layout.label_width), height=_mm(layout.label_height)
    )
    kb = InlineKeyboardBuilder()
    kb.add(
        _button(t.BTN_ALL, LabelsAction.ALL),
        _button(t.BTN_CATEGORY, LabelsAction.CATEGORIES),
        _button(t.BTN_NUMBERS, LabelsAction.NUMBERS),
    )
    kb.adjust(1)
    return text, kb.as_markup()


def category_picker(categories: list[CategoryCount]) -> tuple[str, InlineKeyboardMarkup]:
    kb = InlineKeyboardBuilder()
    for c in categories:
        if c.devices:
            kb.add(
                _button(t.CATEGORY_BUTTON.format(name=c.name, count=c.devices), LabelsAction.CATEGORY, c.category_id)
            )
    kb.adjust(2)
    kb.row(_button(t.BTN_BACK, LabelsAction.MENU))
    has_any = any(c.devices for c in categories)
    return (t.PICK_CATEGORY if has_any else t.NO_CATEGORIES), kb.as_markup()


def after_import(markup: InlineKeyboardMarkup | None = None) -> InlineKeyboardMarkup:
    """The import's result with a button for the added devices' sheet."""
    rows = list(markup.inline_keyboard) if markup else []
    return InlineKeyboardMarkup(inline_keyboard=rows + [[_button(t.BTN_IMPORTED, LabelsAction.IMPORTED)]])


def bad_numbers(reason: str, part: str, limit: int) -> str:
    return t.BAD_NUMBERS[reason].format(part=esc(part), limit=limit) + t.TRY_AGAIN


def rendering(total: int) -> str:
    return t.RENDERING.format(count=count(total, DEVICES))


def progress(done: int, total: int) -> str:
    return t.PROGRESS.format(done=done, total=total)


def ready(total: int, pages: int) -> str:
    return t.READY.format(count=count(total, DEVICES), pages=pages)


def what_all() -> str:
    return t.WHAT_ALL


def what_category(name: str) -> str:
    return t.WHAT_CATEGORY.format(name=name)


def what_numbers(ranges: Ranges, imported: bool = False) -> str:
    return (t.WHAT_IMPORTED if imported else t.WHAT_NUMBERS).format(ranges=_short(format_ranges(ranges)))


def sheet_caption(what: str) -> str:
    return t.SHEET_CAPTION.format(what=esc(what))


def sticker_caption(number: int, name: str) -> str:
    return t.STICKER_CAPTION.format(number=number, name=esc(name))


def _mm(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",")


def _short(text: str, limit: int = 200) -> str:
    """A caption stays short whatever the ranges (Telegram: 1024 characters)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
