"""One kind of update, many times, through the real app: the tool behind the per-fix numbers.

    python -m benchmarks.one_kind echo|help|card|refresh|<any text> [updates]
    benchmarks/callgrind.sh "атол" 300        # the same, counted in instructions

Seeds the benchmark register (benchmarks/seed.py), builds the app as `throughput.py` does,
warms every person up with a card, then feeds `updates` updates of one kind from 200 people
(200 in flight) and prints CPU ms per update, the people's own work taken out. `echo` feeds
the echo bot instead; `card` is a deep link `/start d<n>`, `refresh` the card's refresh
button, anything else is typed as a message (a search, `/mine`, ...).

CPU time on a shared machine moves with the neighbours' load; for a before/after of a small
change, `callgrind.sh` counts the instructions of the same run instead (valgrind starts
counting when this prints "measuring", set CASHBOT_BENCH_WAIT to give it time to).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from benchmarks import seed as seeding
from benchmarks.throughput import BOT_DEFAULTS, ECHO_ID_OFFSET, ECHO_TOKEN, Feeder
from cashbot.app import build_app, prepare_database
from cashbot.clock import FixedClock
from cashbot.texts import card as card_texts
from tests.double import echo_bot
from tests.double.core import FakeTelegram
from tests.double.recording_session import RecordingSession
from tests.support import TOKEN, make_settings

PEOPLE = 200


async def measure(workdir: Path, kind: str, updates: int) -> float:
    logging.getLogger().setLevel(logging.ERROR)
    settings = make_settings(workdir)
    clock = FixedClock(ZoneInfo(settings.timezone), seeding.SEED_NOW)
    telegram = FakeTelegram()
    session = RecordingSession(telegram)
    database = prepare_database(settings, clock)
    seeded = seeding.seed(seeding.SEED_NOW, staff=PEOPLE)
    app = build_app(settings, bot=session.bot(TOKEN, default=BOT_DEFAULTS), clock=clock, database=database)
    gc.freeze()
    staff = Feeder(telegram, app.dispatcher, app.bot)
    echo = Feeder(telegram, echo_bot.dp, session.bot(ECHO_TOKEN))
    members = seeded.staff[:PEOPLE]
    people = [telegram.user(m.telegram_id, m.first_name, username=m.username) for m in members]
    echo_people = [
        telegram.user(m.telegram_id + ECHO_ID_OFFSET, m.first_name, username=m.username, token=ECHO_TOKEN)
        for m in members
    ]
    number = seeded.device_numbers[5]
    cards = {}
    for person in people:
        cards[person.id] = (await staff.send(person, f"/start d{number}", "warm"))[-1]
    for person in echo_people:
        await echo.send(person, "hi", "warm")

    async def one(i: int) -> None:
        person = people[i % PEOPLE]
        if kind == "echo":
            await echo.send(echo_people[i % PEOPLE], "атол", kind)
        elif kind == "card":
            await staff.send(person, f"/start d{number}", kind)
        elif kind == "refresh":
            card = person.message(cards[person.id])
            await staff.press(person, card, card.find_button(card_texts.BTN_REFRESH), kind)
        else:
            await staff.send(person, kind, kind)

    print("measuring", flush=True)
    await asyncio.sleep(float(os.environ.get("CASHBOT_BENCH_WAIT", "0")))
    cpu, harness = time.process_time(), staff.harness_seconds + echo.harness_seconds
    for start in range(0, updates, PEOPLE):
        await asyncio.gather(*(one(i) for i in range(start, min(updates, start + PEOPLE))))
    spent = time.process_time() - cpu - (staff.harness_seconds + echo.harness_seconds - harness)
    await app.notifier.drain(5)
    await app.dispatcher.storage.close()
    app.db.close()
    return spent / updates * 1000


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    kind, updates = argv[0], int(argv[1]) if len(argv) > 1 else 3000
    with tempfile.TemporaryDirectory(prefix="cashbot-bench-") as tmp:
        ms = asyncio.run(measure(Path(tmp), kind, updates))
    print(f"{kind}: {updates} updates, {ms:.3f} ms CPU per update")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
