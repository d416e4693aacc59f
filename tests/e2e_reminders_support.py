"""Helpers shared by the reminder end-to-end tests (seeding, waiting on the process log)."""

from __future__ import annotations

import sqlite3
import time
from datetime import date, datetime
from zoneinfo import ZoneInfo

from cashbot.db.models import Loan
from tests.seed import SEED_NOW, device, person, seed_file

MOSCOW = ZoneInfo("Europe/Moscow")
FAST_TICKS = {"CASHBOT_REMINDERS__TICK_SECONDS": "0.2"}
HELP_MARK = "учёт общих устройств"


def moscow(y: int, m: int, d: int, hour: int, minute: int = 0) -> datetime:
    return datetime(y, m, d, hour, minute, tzinfo=MOSCOW)


def seed_loans(bot, holders: list[tuple[int, str, date | None]], admins: list[int] = ()) -> None:
    """One active person per (telegram_id, name, due date) holding device №telegram_id."""

    def build():
        for admin_id in admins:
            person(admin_id, f"Админ {admin_id}", f"admin{admin_id}@example.ru", is_admin=True)
        for telegram_id, name, due_on in holders:
            who = person(telegram_id, name, f"u{telegram_id}@example.ru")
            Loan.create(
                device=device(telegram_id, f"Касса {telegram_id}"), person=who, taken_at=SEED_NOW, due_on=due_on
            )

    seed_file(bot.db_path, build)


def start_chats(users) -> None:
    """Telegram lets a bot write only to people who started a chat with it."""
    for user in users:
        user.send("/help")
    for user in users:
        user.wait_for(HELP_MARK)


def is_reminder(message) -> bool:
    return message.has_button("Вернул")


def reminders_of(user) -> list:
    return [m for m in user.messages() if is_reminder(m)]


def wait_output(bot, needle: str, count: int = 1, timeout: float = 30.0) -> None:
    """Wait until the process log contains `needle` at least `count` times."""
    deadline = time.monotonic() + timeout
    while bot.output().count(needle) < count:
        if time.monotonic() > deadline:
            raise AssertionError(f"{needle!r} x{count} not in the process log within {timeout:g} s\n" + bot.tail())
        time.sleep(0.05)


def query(bot, sql: str, *args) -> list[tuple]:
    with sqlite3.connect(f"file:{bot.db_path}?mode=ro", uri=True) as connection:
        return connection.execute(sql, args).fetchall()
