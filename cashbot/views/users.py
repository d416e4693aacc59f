"""/users views: the people list (paged), a person's card, confirmations. Pure functions."""

from __future__ import annotations

import html
import re
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardMarkup

from cashbot.callbacks import PersonAdminAction, PersonAdminCb
from cashbot.db.models import PersonStatus
from cashbot.services.catalog import HistoryLine, Page
from cashbot.services.common import DeviceLabel
from cashbot.services.people import PersonBrief
from cashbot.services.users import PersonCard
from cashbot.texts import users as t
from cashbot.texts.common import esc
from cashbot.views.format import fmt_date, fmt_datetime
from cashbot.views.keyboard import InlineKeyboardBuilder, callback_button
from cashbot.views.lists import NAME_IN_TEXT, event_phrase, shorten
from cashbot.views.pagination import page_buttons

HISTORY_VALUE = 40  # an old or new value in a history line


def display_name(person: PersonBrief) -> str:
    return person.full_name or person.email or t.NO_NAME


def people_list(page: Page, query: str | None) -> tuple[str, InlineKeyboardMarkup]:
    title = (
        t.USERS_TITLE_QUERY.format(query=esc(query), total=page.total)
        if query
        else t.USERS_TITLE.format(total=page.total)
    )
    lines = [title]
    if not page.items:
        lines.append(t.USERS_EMPTY)
    if page.pages > 1:
        lines.append(t.USERS_PAGE.format(page=page.page + 1, pages=page.pages))
    lines.append(t.USERS_HINT)
    kb = InlineKeyboardBuilder()
    for person in page.items:
        label = f"{t.STATUS_ICON.get(person.status, '')} {display_name(person)}"
        if person.username:
            label += f" @{person.username}"
        kb.row(
            callback_button(
                label[:60],
                PersonAdminCb(action=PersonAdminAction.OPEN, person_id=person.person_id, page=page.page).pack(),
            )
        )
    if pager := page_buttons(
        page.page, page.pages, lambda p: PersonAdminCb(action=PersonAdminAction.PAGE, page=p).pack()
    ):
        kb.row(*pager)
    kb.row(callback_button(t.BTN_SEARCH, PersonAdminCb(action=PersonAdminAction.FIND).pack()))
    if query:
        kb.add(callback_button(t.BTN_ALL, PersonAdminCb(action=PersonAdminAction.PAGE, page=-1).pack()))
    return "\n".join(lines), kb.as_markup()


def history_line(line: HistoryLine, tz: ZoneInfo) -> str:
    """One line of the admin journal: every event, in the same phrases staff history uses.
    Names and old → new values are cut short (a 500-character comment edited on every line
    of a page would not fit one message)."""
    parts = []
    if line.device_number is not None:
        parts.append(f"№{line.device_number} {esc(shorten(line.device_name or '', NAME_IN_TEXT))}:")
    parts.append(event_phrase(line, staff=False))
    if line.kind == "device_edit":
        parts.append(f"{esc(_value(line.details.get('old')))} → {esc(_value(line.details.get('new')))}")
    elif line.kind in ("email_changed", "comment_changed"):
        parts.append(f"{esc(_value(line.details.get('old')))} → {esc(_value(line.details.get('new')))}")
    return t.HISTORY_LINE.format(when=fmt_datetime(line.at, tz), text=" ".join(p for p in parts if p))


def fit_lines(lines: list[str], limit: int = 3900) -> str:
    """Whole lines up to Telegram's limit (cutting mid-line could break an HTML tag). Counted
    as Telegram counts: after tags and entities (an escaped "&" is one character)."""
    kept, size = [], 0
    for line in lines:
        length = len(html.unescape(_TAG.sub("", line))) if "<" in line or "&" in line else len(line)
        if size + length + 1 > limit:
            kept.append("…")
            break
        kept.append(line)
        size += length + 1
    return "\n".join(kept)


_TAG = re.compile(r"<[^>]+>")


def _value(value: object) -> str:
    return t.EMPTY_VALUE if value in (None, "") else shorten(str(value), HISTORY_VALUE)


def _username_link(username: str) -> str:
    return f'<a href="https://t.me/{esc(username)}">@{esc(username)}</a>'


def person_card(
    card: PersonCard, tz: ZoneInfo, note: str | None = None, page: int = 0
) -> tuple[str, InlineKeyboardMarkup]:
    p = card.person
    lines = [
        t.PERSON_TITLE.format(name=esc(display_name(p))),
        t.PERSON_USERNAME.format(username=_username_link(p.username) if p.username else t.NO_USERNAME),
        t.PERSON_EMAIL.format(email=esc(p.email or t.NO_EMAIL)),
        t.PERSON_STATUS.format(status=t.STATUS.get(p.status, p.status)),
        t.PERSON_ROLE_ADMIN if card.is_admin else t.PERSON_ROLE_STAFF,
    ]
    if card.comment:
        lines.append(t.PERSON_COMMENT.format(comment=esc(card.comment)))
    lines.append("")
    if card.loans:
        lines.append(t.PERSON_LOANS)
        lines += [t.PERSON_LOAN.format(number=l.number, name=esc(l.name), due=fmt_date(l.due_on)) for l in card.loans]
    else:
        lines.append(t.PERSON_NO_LOANS)
    if card.queue:
        lines.append(t.PERSON_QUEUE)
        lines += [t.PERSON_PLACE.format(number=q.number, name=esc(q.name), position=q.position) for q in card.queue]
    if card.history:
        lines += ["", t.PERSON_HISTORY] + [history_line(h, tz) for h in card.history]
    if note:
        lines += ["", f"<i>{note}</i>"]
    return fit_lines(lines), person_keyboard(card, page)


def person_keyboard(card: PersonCard, page: int = 0) -> InlineKeyboardMarkup:
    pid, status = card.person.person_id, card.person.status
    kb = InlineKeyboardBuilder()

    def button(text: str, action: PersonAdminAction) -> None:
        kb.button(text=text, callback_data=PersonAdminCb(action=action, person_id=pid, page=page))

    if status == PersonStatus.PENDING:
        button(t.BTN_APPROVE, PersonAdminAction.APPROVE)
        button(t.BTN_REJECT, PersonAdminAction.REJECT)
    button(t.BTN_EMAIL, PersonAdminAction.EMAIL)
    button(t.BTN_COMMENT, PersonAdminAction.COMMENT)
    if status == PersonStatus.BLOCKED:
        button(t.BTN_UNBLOCK, PersonAdminAction.UNBLOCK)
    elif status in (PersonStatus.ACTIVE, PersonStatus.PENDING, PersonStatus.INVITED):
        button(t.BTN_BLOCK, PersonAdminAction.BLOCK)
    button(t.BTN_DELETE, PersonAdminAction.DELETE)
    button(t.BTN_BACK_TO_LIST, PersonAdminAction.PAGE)
    kb.adjust(2)
    return kb.as_markup()


def confirm_delete(person: PersonBrief) -> tuple[str, InlineKeyboardMarkup]:
    kb = InlineKeyboardBuilder()
    kb.button(
        text=t.BTN_CONFIRM_DELETE,
        callback_data=PersonAdminCb(action=PersonAdminAction.CONFIRM_DELETE, person_id=person.person_id),
    )
    kb.button(text=t.BTN_CANCEL, callback_data=PersonAdminCb(action=PersonAdminAction.OPEN, person_id=person.person_id))
    return t.CONFIRM_DELETE_PERSON.format(name=esc(display_name(person))), kb.as_markup()


def holds_devices(devices: list[DeviceLabel]) -> str:
    return t.PERSON_HOLDS.format(devices="\n".join(f"• №{d.number} {esc(d.name)}" for d in devices))


def back_to_list() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[callback_button(t.BTN_BACK_TO_LIST, PersonAdminCb(action=PersonAdminAction.PAGE).pack())]]
    )
