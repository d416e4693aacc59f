"""Device administration views: the admin rows of a card, the edit menu, pickers, the journal,
and the messages people get when an admin gives or takes a device. Pure functions."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from cashbot.callbacks import DeviceAction, DeviceAdminAction, DeviceCb, pack_device_admin
from cashbot.services.card import DeviceCard
from cashbot.services.catalog import CategoryCount, Page
from cashbot.services.device_admin import FIELDS, OPTIONAL
from cashbot.services.inventory import DeviceRef
from cashbot.services.people import PersonBrief
from cashbot.texts import device_admin as t
from cashbot.texts.common import esc
from cashbot.views.format import fmt_date
from cashbot.views.keyboard import InlineKeyboardBuilder, callback_button
from cashbot.views.labels import sticker_row
from cashbot.views.pagination import page_buttons
from cashbot.views.users import display_name, fit_lines, history_line


def _button(text: str, action: DeviceAdminAction, device_id: int, arg: int = 0) -> InlineKeyboardButton:
    return callback_button(text, pack_device_admin(action=action, device_id=device_id, arg=arg))


def admin_rows(card: DeviceCard) -> list[list[InlineKeyboardButton]]:
    """The extra rows admins see on every device card."""
    d = card.device_id
    give_or_take = (
        _button(t.BTN_TAKE_BACK, DeviceAdminAction.TAKE_BACK, d)
        if card.holder is not None
        else _button(t.BTN_GIVE, DeviceAdminAction.GIVE, d)
    )
    return [
        [_button(t.BTN_EDIT, DeviceAdminAction.EDIT, d), _button(t.BTN_JOURNAL, DeviceAdminAction.JOURNAL, d)],
        [give_or_take, _button(t.BTN_DELETE_DEVICE, DeviceAdminAction.DELETE, d)],
        sticker_row(d),
    ]


def back_to_card(device_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[_button(t.BTN_BACK_TO_CARD, DeviceAdminAction.CARD, device_id)]])


def edit_menu(card: DeviceCard) -> tuple[str, InlineKeyboardMarkup]:
    kb = InlineKeyboardBuilder()
    for index, field in enumerate(FIELDS):
        kb.add(_button(t.FIELD_NAMES[field], DeviceAdminAction.FIELD, card.device_id, index))
    kb.adjust(2)
    kb.row(_button(t.BTN_BACK_TO_CARD, DeviceAdminAction.CARD, card.device_id))
    return t.EDIT_MENU.format(number=card.number, name=esc(card.name)), kb.as_markup()


def current_value(card: DeviceCard, field: str) -> str:
    value = getattr(card, field)
    if isinstance(value, date):
        return fmt_date(value)
    return esc(value) if value not in (None, "") else t.EMPTY_VALUE


def ask_value(card: DeviceCard, field: str) -> tuple[str, InlineKeyboardMarkup]:
    template = t.ASK_VALUE_DATE if field == "registered_on" else t.ASK_VALUE
    text = template.format(field=t.FIELD_NAMES[field], current=current_value(card, field))
    kb = InlineKeyboardBuilder()
    if field in OPTIONAL:
        kb.add(_button(t.BTN_CLEAR, DeviceAdminAction.CLEAR, card.device_id, FIELDS.index(field)))
    kb.add(_button(t.BTN_CANCEL, DeviceAdminAction.CARD, card.device_id))
    return text, kb.as_markup()


def category_picker(card: DeviceCard, categories: list[CategoryCount]) -> tuple[str, InlineKeyboardMarkup]:
    kb = InlineKeyboardBuilder()
    for c in categories:
        label = ("• " if c.name == card.category else "") + c.name
        kb.add(_button(label, DeviceAdminAction.CATEGORY, card.device_id, c.category_id))
    kb.adjust(2)
    kb.row(_button(t.BTN_CANCEL, DeviceAdminAction.CARD, card.device_id))
    return t.ASK_CATEGORY.format(current=esc(card.category)), kb.as_markup()


def journal(device: DeviceRef, page: Page, tz: ZoneInfo) -> tuple[str, InlineKeyboardMarkup]:
    lines = [t.JOURNAL_TITLE.format(number=device.number, name=esc(device.name), total=page.total)]
    lines += [history_line(line, tz) for line in page.items] or [t.JOURNAL_EMPTY]
    text = fit_lines(lines)  # a guard: a large page of long lines never overflows a message
    kb = InlineKeyboardBuilder()
    if pager := page_buttons(
        page.page,
        page.pages,
        lambda p: pack_device_admin(action=DeviceAdminAction.JOURNAL, device_id=device.device_id, arg=p),
    ):
        kb.row(*pager)
    kb.row(_button(t.BTN_BACK_TO_CARD, DeviceAdminAction.CARD, device.device_id))
    return text, kb.as_markup()


def skip_keyboard(device_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                _button(t.BTN_SKIP, DeviceAdminAction.SKIP, device_id),
                _button(t.BTN_CANCEL, DeviceAdminAction.CARD, device_id),
            ]
        ]
    )


def assignee_choice(device_id: int, candidates: list[PersonBrief]) -> tuple[str, InlineKeyboardMarkup]:
    kb = InlineKeyboardBuilder()
    for person in candidates:
        label = display_name(person) + (f" @{person.username}" if person.username else "")
        kb.row(_button(label[:60], DeviceAdminAction.PICK, device_id, person.person_id))
    kb.row(_button(t.BTN_CANCEL, DeviceAdminAction.CARD, device_id))
    return t.ASSIGNEE_MANY, kb.as_markup()


def confirm_delete(card: DeviceCard) -> tuple[str, InlineKeyboardMarkup]:
    kb = InlineKeyboardBuilder()
    kb.add(
        _button(t.BTN_CONFIRM_DELETE, DeviceAdminAction.CONFIRM_DELETE, card.device_id),
        _button(t.BTN_CANCEL, DeviceAdminAction.CARD, card.device_id),
    )
    return t.CONFIRM_DELETE_DEVICE.format(number=card.number, name=esc(card.name)), kb.as_markup()


def _open_card(device_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [callback_button(t.BTN_OPEN_CARD, DeviceCb(action=DeviceAction.OPEN, device_id=device_id).pack())]
        ]
    )


def told_assigned(device: DeviceRef, admin_name: str, due_on: date | None) -> tuple[str, InlineKeyboardMarkup]:
    text = t.TOLD_ASSIGNED.format(admin=esc(admin_name), number=device.number, name=esc(device.name))
    if due_on:
        text += "\n" + t.TOLD_DUE.format(due=fmt_date(due_on))
    return text, _open_card(device.device_id)


def told_unassigned(device: DeviceRef, admin_name: str) -> tuple[str, InlineKeyboardMarkup]:
    return (
        t.TOLD_UNASSIGNED.format(admin=esc(admin_name), number=device.number, name=esc(device.name)),
        _open_card(device.device_id),
    )


def told_reservation_cancelled(device: DeviceRef) -> tuple[str, InlineKeyboardMarkup]:
    return (
        t.TOLD_RESERVATION_CANCELLED.format(number=device.number, name=esc(device.name)),
        _open_card(device.device_id),
    )
