"""Inline mode under load, in process: `python -m benchmarks inline` (or this module alone).

The real app (`build_app`: dispatcher, every router and middleware, the database thread) on
the seeded register (benchmarks/seed.py: 10,000 devices, 2,000 people, 3,000 loans), fed
inline queries through the in-memory Bot API double, which validates every answer (20
results with their HTML cards) as Telegram would. Per query: the `feed_update` await, the
answerInlineQuery call to the double included.

- **Paced** (judged): an open-loop Poisson stream of 50 inline queries/s from 200 people for
  10 s; p50 / p99 / max latency, and the longest event-loop stall meanwhile (a 1 ms ticker).
- **Saturated**: the 200 people query back to back (each waits for its answer): queries/s,
  and process CPU per query (the double's validation of each answer included).

The mix, drawn per query: 40% a search word (many hits: a full page of 20), 15% the next
page of one, 20% a sticker number, 10% a serial, 15% an empty query (the person's own
devices).
"""

from __future__ import annotations

import asyncio
import gc
import random
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from aiogram.types import Update

from benchmarks import seed as seeding
from benchmarks.loop_stall import longest_stall
from benchmarks.throughput import BOT_DEFAULTS, ErrorCounter, counting_errors, percentile, run_paced, run_people
from cashbot.app import build_app, prepare_database
from cashbot.clock import FixedClock
from cashbot.db.models import database_proxy
from tests.double.core import FakeTelegram, User
from tests.double.recording_session import RecordingSession
from tests.support import TOKEN, make_settings

MIX = (("word", 40), ("next page", 15), ("number", 20), ("serial", 10), ("own devices", 15))


class InlineFeeder:
    def __init__(self, telegram: FakeTelegram, app, seeded: seeding.Seeded, serials: list[str]) -> None:
        self.telegram, self.app, self.seeded, self.serials = telegram, app, seeded, serials
        self.samples: list[tuple[str, float]] = []
        self.unanswered = 0
        self.results = 0

    def _query(self, rng: random.Random) -> tuple[str, str, str]:
        kind = rng.choices([k for k, _ in MIX], [w for _, w in MIX])[0]
        if kind == "word":
            return kind, rng.choice(self.seeded.search_terms), ""
        if kind == "next page":
            return kind, rng.choice(self.seeded.search_terms), "1"
        if kind == "number":
            return kind, str(rng.choice(self.seeded.device_numbers)), ""
        if kind == "serial":
            return kind, rng.choice(self.serials), ""
        return kind, "", ""

    async def act(self, user: User, rng: random.Random) -> None:
        kind, text, offset = self._query(rng)
        qid = self.telegram.inline.query(user, text, offset)
        raws = self.telegram.take_updates(TOKEN)  # only this one: no await since the query
        bot = self.app.bot
        started = time.perf_counter()
        for raw in raws:
            await self.app.dispatcher.feed_update(bot, Update.model_validate(raw, context={"bot": bot}))
        self.samples.append((kind, time.perf_counter() - started))
        # The double keeps what it was sent; dropped at once, so its heap (not the bot's) does
        # not grow and lengthen the process's full garbage collections.
        answer = self.telegram.inline.forget(qid)
        self.telegram.clear_calls()
        if answer is None:
            self.unanswered += 1
        else:
            self.results += len(answer.results)


async def measure(
    workdir: Path, *, people: int = 200, rate: float = 50.0, seconds: float = 10.0, saturated_each: int = 5
) -> dict:
    with counting_errors() as errors:
        return await _measure(workdir, errors, people, rate, seconds, saturated_each)


async def _measure(
    workdir: Path, errors: ErrorCounter, people: int, rate: float, seconds: float, saturated_each: int
) -> dict:
    settings = make_settings(workdir)
    clock = FixedClock(ZoneInfo(settings.timezone), seeding.SEED_NOW)
    telegram = FakeTelegram()
    session = RecordingSession(telegram)
    database = prepare_database(settings, clock)
    seeded = seeding.seed(seeding.SEED_NOW, staff=people)
    serials = [
        row[0]
        for row in database_proxy.execute_sql(
            "SELECT serial FROM devices WHERE deleted_at IS NULL ORDER BY id LIMIT 500"
        ).fetchall()
    ]
    app = build_app(settings, bot=session.bot(TOKEN, default=BOT_DEFAULTS), clock=clock, database=database)
    gc.freeze()  # as the bot does once started (cashbot.app.run)
    feeder = InlineFeeder(telegram, app, seeded, serials)
    users = [telegram.user(m.telegram_id, m.first_name, username=m.username) for m in seeded.staff[:people]]
    try:
        await run_people(users, feeder.act, 1, 1)  # warm-up: caches filled, as in steady use
        feeder.samples.clear()

        started, cpu = time.perf_counter(), time.process_time()
        await run_people(users, feeder.act, saturated_each, 2)
        saturated_seconds, saturated_cpu = time.perf_counter() - started, time.process_time() - cpu
        saturated = len(feeder.samples)
        feeder.samples.clear()

        async with longest_stall() as stall:
            await run_paced(users, feeder.act, round(rate * seconds), rate, 3)
    finally:
        await app.dispatcher.storage.close()
        app.db.close()
    latencies = [s for _, s in feeder.samples]
    by_kind = {kind: percentile([s for k, s in feeder.samples if k == kind], 99) * 1000 for kind, _ in MIX}
    return {
        "offered_per_second": rate,
        "queries": len(latencies),
        "p50_ms": round(percentile(latencies, 50) * 1000, 1),
        "p99_ms": round(percentile(latencies, 99) * 1000, 1),
        "max_ms": round(max(latencies) * 1000, 1),
        "max_loop_stall_ms": round(stall.ms, 1),
        "saturated_per_second": round(saturated / saturated_seconds, 1),
        "cpu_ms_per_query": round(saturated_cpu / saturated * 1000, 2),
        "unanswered": feeder.unanswered + errors.count,
        "notes": "p99 by kind (ms): "
        + ", ".join(f"{k} {v:.1f}" for k, v in by_kind.items())
        + f"; {feeder.results} results answered in all",
    }


def run(**kwargs) -> dict:
    with tempfile.TemporaryDirectory(prefix="cashbot-inline-bench-") as tmp:
        return asyncio.run(measure(Path(tmp), **kwargs))


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value}")
