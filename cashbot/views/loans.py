"""Take, return and extend: the date dialog, notes on the card, messages to other people; and
what every card action shares (device_label, open_card_markup, refusal_note)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from cashbot.callbacks import DeviceAction, DeviceCb, DueAction, pack_due
from cashbot.services.errors import (
    AlreadyHolder,
    AlreadyQueued,
    BadDate,
    DeviceFree,
    DeviceReserved,
    DeviceTaken,
    DomainError,
    NotHolder,
    NotQueued,
)
from cashbot.services.inventory import DeviceRef
from cashbot.services.loans import HolderCheck
from cashbot.texts import loans as t
from cashbot.texts.common import esc
from cashbot.texts.plural import PEOPLE, count
from cashbot.views.format import fmt_date, fmt_datetime
from cashbot.views.keyboard import InlineKeyboardBuilder, callback_button

# The quick due-date buttons: a text's name (read in the viewer's language) and days from today.
QUICK_DUE_DAYS = (("BTN_TODAY", 0), ("BTN_TOMORROW", 1), ("BTN_WEEK", 7), ("BTN_NO_DUE", -1))


def device_label(device: DeviceRef) -> str:
    return t.DEVICE.format(number=device.number, name=esc(device.name))


def open_card_markup(device_id: int) -> InlineKeyboardMarkup:
    """On messages to other people: one tap to the device's current card."""
    kb = InlineKeyboardBuilder()
    kb.button(text=t.BTN_OPEN_CARD, callback_data=DeviceCb(action=DeviceAction.OPEN, device_id=device_id))
    return kb.as_markup()


def _due_button(text: str, action: DueAction, device_id: int, days: int = -1) -> InlineKeyboardButton:
    return callback_button(text, pack_due(action=action, device_id=device_id, days=days))


def due_keyboard(device_id: int) -> InlineKeyboardMarkup:
    """Quick dates two a row, then Cancel (built directly: every take and extend shows it)."""
    quick = [_due_button(getattr(t, label), DueAction.DUE, device_id, days) for label, days in QUICK_DUE_DAYS]
    return InlineKeyboardMarkup(
        inline_keyboard=[quick[:2], quick[2:], [_due_button(t.BTN_CANCEL, DueAction.CANCEL, device_id)]]
    )


def ask_due_take(device: DeviceRef) -> tuple[str, InlineKeyboardMarkup]:
    return t.ASK_DUE_TAKE.format(device=device_label(device)), due_keyboard(device.device_id)


def ask_due_extend(check: HolderCheck) -> tuple[str, InlineKeyboardMarkup]:
    current = t.CURRENT_DUE.format(due=fmt_date(check.due_on)) if check.due_on else t.CURRENT_NO_DUE
    text = t.ASK_DUE_EXTEND.format(device=device_label(check.device), current=current)
    if check.waiting:
        text += t.EXTEND_WAITING.format(people=count(check.waiting, PEOPLE))
    return text, due_keyboard(check.device.device_id)


def ask_location(device_id: int) -> tuple[str, InlineKeyboardMarkup]:
    row = [_due_button(t.BTN_SKIP, DueAction.SKIP, device_id), _due_button(t.BTN_CANCEL, DueAction.CANCEL, device_id)]
    return t.ASK_LOCATION, InlineKeyboardMarkup(inline_keyboard=[row])


def bad_date(error: BadDate) -> str:
    if error.reason == "past":
        return t.BAD_DATE_PAST.format(date=fmt_date(date.fromisoformat(error.value)))
    if error.reason == "too_far":
        return t.BAD_DATE_TOO_FAR.format(date=fmt_date(date.fromisoformat(error.value)))
    return t.BAD_DATE_FORMAT.format(value=esc(error.value))


def taken_note(due_on: date | None) -> str:
    return t.TAKEN_DUE.format(due=fmt_date(due_on)) if due_on else t.TAKEN


def extended_note(due_on: date | None) -> str:
    return t.EXTENDED.format(due=fmt_date(due_on)) if due_on else t.EXTENDED_NO_DUE


def waiting_new_due(device: DeviceRef, holder_name: str, due_on: date | None) -> str:
    due = t.NEW_DUE_DATE.format(due=fmt_date(due_on)) if due_on else t.NEW_NO_DUE
    return t.WAITING_NEW_DUE.format(device=device_label(device), holder=esc(holder_name), due=due)


def reserved_note(name: str, until: datetime, tz: ZoneInfo) -> str:
    return t.RESERVED_FOR.format(name=esc(name), until=fmt_datetime(until, tz))


def refusal_note(error: DomainError, tz: ZoneInfo) -> str:
    """Why an action did not happen, as a note on the refreshed card (HTML-safe)."""
    if isinstance(error, DeviceTaken):
        return t.ALREADY_TAKEN_BY.format(name=esc(error.holder_name))
    if isinstance(error, DeviceReserved):
        return reserved_note(error.for_name, error.until, tz)
    return {
        AlreadyHolder: t.ALREADY_YOURS,
        NotHolder: t.NOT_HOLDER,
        DeviceFree: t.DEVICE_FREE,
        AlreadyQueued: t.ALREADY_QUEUED,
        NotQueued: t.NOT_QUEUED,
    }.get(type(error), t.STATE_CHANGED)
