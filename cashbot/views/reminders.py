"""Reminder and digest messages: pure functions of service results."""

from __future__ import annotations

from datetime import date, timedelta

from aiogram.types import InlineKeyboardMarkup

from cashbot.callbacks import DeviceAction, DeviceCb
from cashbot.services.reminders import (
    BLOCKED,
    DUE_TODAY,
    MAX_DEVICES_PER_MESSAGE,
    OVERDUE,
    UNDELIVERED,
    DueLoan,
    OverdueLine,
    PersonReminder,
)
from cashbot.texts import reminders as t
from cashbot.texts.common import esc
from cashbot.texts.plural import DAYS, count
from cashbot.views.format import fmt_date, person_link
from cashbot.views.keyboard import InlineKeyboardBuilder
from cashbot.views.lists import NAME_IN_TEXT, shorten

LONG_OVERDUE_DAYS = 7  # after a week the tone changes
MAX_TEXT = 3900  # under Telegram's 4096, with room for the header


def _line(loan: DueLoan, today: date) -> str:
    values = dict(
        number=loan.number,
        name=esc(shorten(loan.name, NAME_IN_TEXT)),
        due=fmt_date(loan.due_on),
        days=count(loan.days_overdue, DAYS),
    )
    if loan.kind == OVERDUE:
        return (t.LINE_LONG_OVERDUE if loan.days_overdue > LONG_OVERDUE_DAYS else t.LINE_OVERDUE).format(**values)
    if loan.kind == DUE_TODAY:
        return t.LINE_TODAY.format(**values)
    tomorrow = loan.due_on == today + timedelta(days=1)
    return (t.LINE_SOON_TOMORROW if tomorrow else t.LINE_SOON).format(**values)


def reminder_message(reminder: PersonReminder, today: date) -> tuple[str, InlineKeyboardMarkup]:
    """One message for all of a person's due devices, a [Вернул] [Продлить] row per device
    (the device card's own callbacks, so the normal return and extend flows run)."""
    worst = max((loan.days_overdue for loan in reminder.loans if loan.kind == OVERDUE), default=None)
    if worst is not None and worst > LONG_OVERDUE_DAYS:
        header, footer = t.HEADER_LONG_OVERDUE, t.FOOTER_LONG_OVERDUE
    else:
        header, footer = (t.HEADER_OVERDUE if worst is not None else t.HEADER_SOON), t.FOOTER
    # Most urgent first: the list is ordered by due date already.
    shown = reminder.loans[:MAX_DEVICES_PER_MESSAGE]
    lines = [header, ""] + [_line(loan, today) for loan in shown]
    if len(reminder.loans) > len(shown):
        lines.append(t.MORE.format(count=len(reminder.loans) - len(shown)))
    lines += ["", footer]
    keyboard = InlineKeyboardBuilder()
    for loan in shown:
        keyboard.button(
            text=t.BTN_RETURNED.format(number=loan.number),
            callback_data=DeviceCb(action=DeviceAction.REMINDER_RETURN, device_id=loan.device_id),
        )
        keyboard.button(
            text=t.BTN_EXTEND.format(number=loan.number),
            callback_data=DeviceCb(action=DeviceAction.REMINDER_EXTEND, device_id=loan.device_id),
        )
    keyboard.adjust(2)
    return "\n".join(lines), keyboard.as_markup()


def digest_messages(lines: list[OverdueLine], today: date) -> list[str]:
    """The admin digest, split into as many messages as Telegram's length limit needs."""
    if not lines:
        return []
    marks = {BLOCKED: t.DIGEST_BLOCKED, UNDELIVERED: t.DIGEST_UNDELIVERED, None: ""}
    items = [
        t.DIGEST_LINE.format(
            number=line.number,
            name=esc(line.name),
            holder=person_link(line.holder_name, line.holder_username),
            days=count(line.days_overdue, DAYS),
            due=fmt_date(line.due_on),
        )
        + marks[line.not_reached]
        for line in lines
    ]
    if not_reached := sum(1 for line in lines if line.not_reached):
        items += ["", t.DIGEST_NOT_REACHED.format(count=not_reached)]
    messages, current = [], [t.DIGEST_HEADER.format(day=fmt_date(today), count=len(lines)), ""]
    for item in items:
        if sum(len(x) + 1 for x in current) + len(item) > MAX_TEXT:
            messages.append("\n".join(current))
            current = [t.DIGEST_CONTINUED, ""]
        current.append(item)
    messages.append("\n".join(current))
    return messages
