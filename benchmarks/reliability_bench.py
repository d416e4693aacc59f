"""What a reminder run loses, with and without the reliability fixes, against the local Bot
API double over HTTP with Telegram-like flood limits (30 messages/s per bot, 1/s per chat).

    python -m benchmarks.reliability_bench

1. outage: a 100-person run; once 20 reminders are out, every sendMessage fails with 502 for
   two seconds. The run is ticked like the background loop does (every 0.2 s) until it
   finishes. "before" releases nothing after a temporary failure (the old behaviour: the
   claim stays and the reminder is lost for the day).
2. replies: a 300-person run while 30 staff each search 8 times, one search a second
   (fed to the dispatcher as polling would). "before" takes the reply pacing middleware off
   the bot session (the old behaviour: replies not counted, a 429 fails the handler).

Reported: reminders delivered, lost and duplicated; replies answered and lost; 429s."""

from __future__ import annotations

import asyncio
import logging
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from aiogram.types import Update

from cashbot import jobs as reminder_job
from cashbot.app import build_app
from cashbot.clock import FixedClock
from cashbot.db.models import Loan
from cashbot.jobs import DailyReminders
from tests.double import BotApiDouble
from tests.seed import SEED_NOW, device, person, seed_file
from tests.support import make_settings

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Europe/Moscow"))  # a Tuesday, send time
FIRST_ID, STAFF_ID = 10_000, 20_000


def _seed(path: Path, people: int, staff: int) -> None:
    def build():
        for n in range(people):
            who = person(FIRST_ID + n, f"Сотрудник {n}", f"u{n}@example.ru")
            Loan.create(
                device=device(n + 1, f"Касса {n + 1}"),
                person=who,
                taken_at=SEED_NOW,
                due_on=NOW.date() - timedelta(days=1 + n % 20),
            )
        for n in range(staff):
            person(STAFF_ID + n, f"Поиск {n}", f"s{n}@example.ru")

    seed_file(path, build)


def _app(workdir: Path, api: BotApiDouble, people: int, staff: int):
    settings = make_settings(
        workdir, telegram={"token": api.token, "api_base": api.base_url}, reminders={"admin_digest": False}
    )
    _seed(settings.database.path, people, staff)
    for n in range(people):  # a bot may only write to people who started a chat with it
        api.telegram.user(FIRST_ID + n, f"Сотрудник {n}").send("/start")
    api.telegram.take_updates()
    api.telegram.set_flood_control(True)
    api.telegram.clear_calls()
    return build_app(settings, clock=FixedClock(settings.tz, NOW))


async def _close(app) -> None:
    await app.bot.session.close()
    await app.dispatcher.storage.close()
    app.db.close()


async def _run_to_the_end(app, seconds: float = 120) -> float:
    """Tick the reminder job like the background loop until today's run is finished."""
    job = DailyReminders(app.settings, app.clock, app.db, app.notifier, app.loop)
    started = time.perf_counter()
    while job._done_day is None and time.perf_counter() - started < seconds:
        await job()
        await asyncio.sleep(0.2)
    return time.perf_counter() - started


def _reminders(api, people: int) -> dict:
    calls = api.telegram.calls("sendMessage")
    delivered = Counter(c.chat_id for c in calls if c.ok and c.chat_id >= FIRST_ID and c.chat_id < STAFF_ID)
    ids = range(FIRST_ID, FIRST_ID + people)
    return {
        "reminders_delivered": sum(1 for i in ids if delivered[i] >= 1),
        "reminders_lost": sum(1 for i in ids if delivered[i] == 0),
        "reminders_duplicated": sum(1 for i in ids if delivered[i] > 1),
    }


async def _outage(workdir: Path, api: BotApiDouble, fixed: bool, people: int = 100) -> dict:
    app = _app(workdir, api, people, 0)
    release = reminder_job.reminders.release
    if not fixed:
        reminder_job.reminders.release = lambda *args: None
    try:

        async def outage():
            while len(api.telegram.calls("sendMessage", ok=True)) < 20:
                await asyncio.sleep(0.01)
            api.telegram.inject_outage("sendMessage", 2)

        trigger = asyncio.create_task(outage())
        seconds = await _run_to_the_end(app)
        trigger.cancel()
    finally:
        reminder_job.reminders.release = release
        await _close(app)
    failed = api.telegram.calls("sendMessage", ok=False)
    return {
        "seconds": round(seconds, 1),
        **_reminders(api, people),
        "http_502s": sum(1 for c in failed if c.error.error_code == 502),
    }


async def _replies(
    workdir: Path, api: BotApiDouble, fixed: bool, people: int = 300, staff: int = 30, searches: int = 8
) -> dict:
    app = _app(workdir, api, people, staff)
    if not fixed:
        app.bot.session.middleware.unregister(app.notifier.reply_pacing)
    users = [api.telegram.user(STAFF_ID + n, f"Поиск {n}") for n in range(staff)]
    asked: list[tuple[int, int]] = []
    handling: set[asyncio.Task] = set()

    async def search(index: int, user) -> None:
        await asyncio.sleep(index / staff)  # spread the staff over the one-second rhythm
        for k in range(searches):
            number = 101 + (index * searches + k) % 200  # one hit each: «касса 101» is only №101
            user.send(f"касса {number}")
            asked.append((user.id, number))
            await asyncio.sleep(1.0)

    async def feed(stop: asyncio.Event) -> None:  # what polling does with each update
        while not stop.is_set() or handling:
            for raw in api.telegram.take_updates():
                update = Update.model_validate(raw, context={"bot": app.bot})
                task = asyncio.create_task(app.dispatcher.feed_update(app.bot, update))
                handling.add(task)
                task.add_done_callback(handling.discard)
            await asyncio.sleep(0.02)

    try:
        stop = asyncio.Event()
        feeder = asyncio.create_task(feed(stop))
        run = asyncio.create_task(_run_to_the_end(app))
        await asyncio.sleep(1)  # the run is under way
        await asyncio.gather(*(search(i, u) for i, u in enumerate(users)))
        seconds = await run
        stop.set()
        await feeder
    finally:
        await _close(app)
    answered = {
        (u.id, int(m.text.split("№")[1].split(" ")[0])) for u in users for m in u.messages() if m.text.startswith("№")
    }
    calls = api.telegram.calls("sendMessage")
    staff_ids = {u.id for u in users}
    return {
        "seconds": round(seconds, 1),
        **_reminders(api, people),
        "replies_asked": len(asked),
        "replies_lost": sum(1 for a in asked if a not in answered),
        "http_429s_on_replies": sum(
            1 for c in calls if c.chat_id in staff_ids and c.error is not None and c.error.error_code == 429
        ),
        "http_429s_on_reminders": sum(
            1 for c in calls if c.chat_id not in staff_ids and c.error is not None and c.error.error_code == 429
        ),
    }


def _one(scenario, fixed: bool) -> dict:
    with tempfile.TemporaryDirectory() as tmp, BotApiDouble() as api:
        return asyncio.run(scenario(Path(tmp), api, fixed))


def run() -> dict:
    logging.basicConfig(level=logging.ERROR)
    logging.getLogger("cashbot").setLevel(logging.CRITICAL)  # the 502s and 429s are the point
    results = {}
    for name, scenario in (("outage", _outage), ("replies", _replies)):
        for fixed in (False, True):
            results[f"{name}_{'after' if fixed else 'before'}"] = _one(scenario, fixed)
    return results


if __name__ == "__main__":
    for key, value in run().items():
        print(key, value)
