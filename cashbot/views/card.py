"""The device card: text and the buttons this viewer may press in this state."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardMarkup

from cashbot.callbacks import DeviceAction, pack_device
from cashbot.services.card import DeviceCard
from cashbot.texts import card as t
from cashbot.texts.common import esc
from cashbot.texts.plural import DAYS, count
from cashbot.views import device_admin
from cashbot.views.format import fmt_date, fmt_datetime, overdue_days, person_link
from cashbot.views.keyboard import callback_button
from cashbot.views.labels import card_link_line


def card_text(card: DeviceCard, tz: ZoneInfo, today: date, note: str | None = None, link: str | None = None) -> str:
    """`link`: the card's deep link (views/links.py), shown last: the sticker's QR opens it."""
    lines = [
        t.TITLE.format(number=card.number, name=esc(card.name)),
        t.CATEGORY.format(category=esc(card.category)),
        t.SERIAL.format(serial=esc(card.serial)),
    ]
    if card.firmware:
        lines.append(t.FIRMWARE.format(firmware=esc(card.firmware)))
    if card.registered_on:
        lines.append(t.REGISTERED.format(date=fmt_date(card.registered_on)))
    if card.comment:
        lines.append(t.COMMENT.format(comment=esc(card.comment)))
    location = card.holder.location if card.holder and card.holder.location else card.location
    if location:
        lines.append(t.LOCATION.format(location=esc(location)))
    lines.append("")
    holder = card.holder
    if holder is None:
        lines.append(t.FREE)
    else:
        lines.append(
            t.HELD_BY_ME if card.is_mine else t.HELD_BY.format(holder=person_link(holder.full_name, holder.username))
        )
        if not card.is_mine and holder.email and holder.email != holder.full_name:
            lines.append(t.HOLDER_EMAIL.format(email=esc(holder.email)))
        if not holder.registered:
            lines.append(t.HOLDER_NOT_REGISTERED)
        lines.append(t.SINCE.format(since=fmt_datetime(holder.since, tz)))
        lines.append(t.DUE.format(due=fmt_date(holder.due_on)) if holder.due_on else t.NO_DUE)
        if days := overdue_days(holder.due_on, today):
            lines.append(t.OVERDUE.format(days=count(days, DAYS)))
        if card.pending_handover_to:
            lines.append(t.HANDOVER_PENDING.format(name=esc(card.pending_handover_to)))
    if card.reserved_for_me:
        lines.append(t.RESERVED_FOR_ME.format(until=fmt_datetime(card.reserved_until, tz)))
    elif card.reserved_for:
        lines.append(t.RESERVED_FOR.format(name=esc(card.reserved_for), until=fmt_datetime(card.reserved_until, tz)))
    if card.waiting:
        lines.append(t.WAITING.format(count=card.waiting))
    if card.my_position:
        lines.append(t.MY_POSITION.format(position=card.my_position))
    if link:
        lines += ["", card_link_line(link)]
    if note:
        lines += ["", f"<i>{note}</i>"]
    return "\n".join(lines)


def card_keyboard(card: DeviceCard, is_admin: bool = False) -> InlineKeyboardMarkup:
    """Two buttons a row, then the admins' rows. Built directly, without a builder: the card is
    on the busiest paths (open, refresh, every action's answer)."""
    device_id = card.device_id
    buttons = []

    def button(text: str, action: DeviceAction) -> None:
        buttons.append(callback_button(text, pack_device(action=action, device_id=device_id)))

    free_for_me = card.holder is None and (card.reserved_for is None or card.reserved_for_me)
    if free_for_me:
        button(t.BTN_TAKE, DeviceAction.TAKE)
    if card.is_mine:
        button(t.BTN_RETURN, DeviceAction.RETURN)
        button(t.BTN_EXTEND, DeviceAction.EXTEND)
        button(t.BTN_HANDOVER, DeviceAction.HAND_OVER)
    elif card.my_position:
        button(t.BTN_UNQUEUE, DeviceAction.LEAVE_QUEUE)
    elif not free_for_me:
        button(t.BTN_QUEUE, DeviceAction.JOIN_QUEUE)
    button(t.BTN_HISTORY, DeviceAction.HISTORY)
    button(t.BTN_REFRESH, DeviceAction.REFRESH)
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    if is_admin:  # two rows of two
        rows += [list(row) for row in device_admin.admin_rows(card)]
    return InlineKeyboardMarkup(inline_keyboard=rows)
