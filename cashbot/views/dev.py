"""Developer tools: the /dev menu and the small texts built from service results."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardMarkup

from cashbot.callbacks import DevAction, DevCb
from cashbot.texts import dev as t
from cashbot.texts.common import esc
from cashbot.texts.plural import ROWS, TABLES, count
from cashbot.views.keyboard import InlineKeyboardBuilder

DANGEROUS = (DevAction.DUMP, DevAction.DELETE_FREE, DevAction.RESET)


def menu() -> tuple[str, InlineKeyboardMarkup]:
    kb = InlineKeyboardBuilder()
    for text, action in (
        (t.BTN_LOG_FILE, DevAction.LOG_FILE),
        (t.BTN_LOG_TAIL, DevAction.LOG_TAIL),
        (t.BTN_EXPORT, DevAction.EXPORT),
        (t.BTN_BACKUP, DevAction.BACKUP),
        (t.BTN_MIGRATIONS, DevAction.MIGRATIONS),
        (t.BTN_DUMP, DevAction.DUMP),
        (t.BTN_DELETE_FREE, DevAction.DELETE_FREE),
        (t.BTN_RESET, DevAction.RESET),
    ):
        kb.button(text=text, callback_data=DevCb(action=action))
    kb.adjust(2, 2, 1, 1, 2)
    return t.MENU, kb.as_markup()


def log_tail(lines: str) -> str:
    return t.LOG_TAIL.format(lines=esc(lines))


def migrations(applied: list[str], pending: list[str]) -> str:
    return t.MIGRATIONS.format(applied=esc(", ".join(applied)) or t.NONE, pending=esc(", ".join(pending)) or t.NONE)


def ask_code(action: str, free_count: int = 0) -> str:
    return t.ASK_CODE[action].format(count=free_count) + t.ASK_CODE_TAIL


def until(value: datetime, tz: ZoneInfo) -> str:
    return value.astimezone(tz).strftime("%H:%M")


def dump_caption(counts: dict[str, int]) -> str:
    return t.DUMP_CAPTION.format(tables=count(len(counts), TABLES), rows=count(sum(counts.values()), ROWS))
