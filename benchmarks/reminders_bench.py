"""Reminder run for 1,000 people with overdue loans against the local Bot API double (HTTP),
with Telegram-like flood limits on (30 messages/s per bot, 1/s per chat).

    python -m benchmarks.reminders_bench

Runs the real app (aiogram over HTTP, the database thread, the pacer) in this process with a
fixed clock, and reports how long the run took, the send rate, the 429s the double returned,
and people who got no reminder (dropped) or more than one (duplicates). Targets: zero dropped,
zero duplicates, rate under the configured 25/s."""

from __future__ import annotations

import asyncio
import logging
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from cashbot.app import build_app
from cashbot.clock import FixedClock
from cashbot.db.models import Loan
from cashbot.jobs import DailyReminders
from tests.double import BotApiDouble
from tests.seed import SEED_NOW, device, person, seed_file
from tests.support import make_settings

PEOPLE = 1000
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Europe/Moscow"))  # a Tuesday, send time
FIRST_ID = 10_000


def _seed(path: Path, people: int) -> None:
    def build():
        for n in range(people):
            who = person(FIRST_ID + n, f"Сотрудник {n}", f"u{n}@example.ru")
            Loan.create(
                device=device(n + 1, f"Касса {n + 1}"),
                person=who,
                taken_at=SEED_NOW,
                due_on=NOW.date() - timedelta(days=1 + n % 20),
            )

    seed_file(path, build)


async def _run(workdir: Path, api: BotApiDouble, people: int) -> dict:
    settings = make_settings(
        workdir, telegram={"token": api.token, "api_base": api.base_url}, reminders={"admin_digest": False}
    )
    _seed(settings.database.path, people)
    for n in range(people):  # a bot may only write to people who started a chat with it
        api.telegram.user(FIRST_ID + n, f"Сотрудник {n}").send("/start")
    api.telegram.set_flood_control(True)
    api.telegram.clear_calls()
    app = build_app(settings, clock=FixedClock(settings.tz, NOW))
    try:
        started = time.perf_counter()
        await DailyReminders(app.settings, app.clock, app.db, app.notifier, app.loop)()
        seconds = time.perf_counter() - started
    finally:
        await app.bot.session.close()
        await app.dispatcher.storage.close()
        app.db.close()
    calls = api.telegram.calls("sendMessage")
    delivered = Counter(c.chat_id for c in calls if c.ok)
    ids = range(FIRST_ID, FIRST_ID + people)
    return {
        "people": people,
        "seconds": round(seconds, 2),
        "messages_per_second": round(sum(delivered.values()) / seconds, 2),
        "http_429s": sum(1 for c in calls if c.error is not None and c.error.error_code == 429),
        "dropped": sum(1 for i in ids if delivered[i] == 0),
        "duplicates": sum(1 for i in ids if delivered[i] > 1),
    }


def run(people: int = PEOPLE) -> dict:
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp, BotApiDouble() as api:
        return asyncio.run(_run(Path(tmp), api, people))


if __name__ == "__main__":
    print(run())
