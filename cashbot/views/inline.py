"""Inline mode results: one article per device (title, live status, the card it posts).

What a result posts lands in a shared chat: no e-mail there unless the holder is the person
posting (a holder recorded by e-mail only is named by a placeholder instead)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
)

from cashbot.services.inline import DeviceStatus
from cashbot.texts import card as card_t
from cashbot.texts import inline as t
from cashbot.texts.common import esc
from cashbot.texts.plural import DAYS, count
from cashbot.views.format import fmt_date, fmt_datetime, overdue_days, person_link
from cashbot.views.links import device_link
from cashbot.views.lists import NAME_IN_TEXT, PERSON_IN_TEXT, shorten


def register_button() -> InlineQueryResultsButton:
    """The only thing someone who may not search gets: a way into the private chat."""
    return InlineQueryResultsButton(text=t.REGISTER_FIRST, start_parameter=t.REGISTER_START_PARAMETER)


def results(
    items: list[DeviceStatus], sender_person_id: int, bot_username: str, tz: ZoneInfo, now: datetime
) -> list[InlineQueryResultArticle]:
    today = now.astimezone(tz).date()
    return [_article(item, sender_person_id, bot_username, tz, today, now) for item in items]


def _article(
    item: DeviceStatus, sender_person_id: int, bot_username: str, tz: ZoneInfo, today: date, now: datetime
) -> InlineQueryResultArticle:
    open_in_bot = InlineKeyboardButton(text=t.BTN_OPEN_IN_BOT, url=device_link(bot_username, item.number))
    return InlineQueryResultArticle(
        id=f"d{item.device_id}",
        title=t.RESULT_TITLE.format(number=item.number, name=shorten(item.name, NAME_IN_TEXT)),
        description=status_line(item, sender_person_id, tz, today)
        + t.STATUS_CATEGORY.format(category=shorten(item.category, NAME_IN_TEXT)),
        input_message_content=InputTextMessageContent(message_text=posted_card(item, sender_person_id, tz, today, now)),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[[open_in_bot]]),
    )


def holder_shown(item: DeviceStatus, sender_person_id: int) -> str:
    """The holder's name; their e-mail only to themselves; else a placeholder."""
    if item.holder_name:
        return item.holder_name
    if item.holder_id == sender_person_id and item.holder_email:
        return item.holder_email
    return t.NAMELESS_HOLDER


def status_line(item: DeviceStatus, sender_person_id: int, tz: ZoneInfo, today: date) -> str:
    """Plain text for the result's description: free / held by whom until when / overdue /
    reserved, and the queue."""
    if item.holder_id is None:
        line = (
            t.STATUS_RESERVED.format(
                until=fmt_datetime(item.reserved_until, tz), name=shorten(item.reserved_for, PERSON_IN_TEXT)
            )
            if item.reserved_for is not None
            else t.STATUS_FREE
        )
    else:
        line = (
            t.STATUS_HELD_BY_YOU
            if item.holder_id == sender_person_id
            else t.STATUS_HELD.format(holder=shorten(holder_shown(item, sender_person_id), PERSON_IN_TEXT))
        )
        line += t.STATUS_DUE.format(due=fmt_date(item.due_on)) if item.due_on else t.STATUS_NO_DUE
        if days := overdue_days(item.due_on, today):
            line += t.STATUS_OVERDUE.format(days=count(days, DAYS))
    if item.waiting:
        line += t.STATUS_WAITING.format(count=item.waiting)
    return line


def posted_card(item: DeviceStatus, sender_person_id: int, tz: ZoneInfo, today: date, now: datetime) -> str:
    """The compact card a chosen result posts (HTML), in the card's own words."""
    lines = [
        card_t.TITLE.format(number=item.number, name=esc(shorten(item.name, NAME_IN_TEXT))),
        card_t.CATEGORY.format(category=esc(shorten(item.category, NAME_IN_TEXT))),
        "",
    ]
    if item.holder_id is None:
        lines.append(card_t.FREE)
    else:
        name = shorten(holder_shown(item, sender_person_id), PERSON_IN_TEXT)
        lines.append(card_t.HELD_BY.format(holder=person_link(name, item.holder_username)))
        lines.append(card_t.DUE.format(due=fmt_date(item.due_on)) if item.due_on else card_t.NO_DUE)
        if days := overdue_days(item.due_on, today):
            lines.append(card_t.OVERDUE.format(days=count(days, DAYS)))
    if item.reserved_for is not None:
        lines.append(
            card_t.RESERVED_FOR.format(
                name=esc(shorten(item.reserved_for, PERSON_IN_TEXT)), until=fmt_datetime(item.reserved_until, tz)
            )
        )
    if item.waiting:
        lines.append(card_t.WAITING.format(count=item.waiting))
    lines += ["", t.STATUS_AT.format(at=fmt_datetime(now, tz))]
    return "\n".join(lines)
