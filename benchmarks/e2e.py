"""End to end: the real `python -m cashbot` process against aiogram's echo bot process.

Both processes long-poll one local Bot API double over HTTP (tests/double/server.py) in the
same run. 50 simulated people (one thread each, waiting for every answer like a person)
run search → card → take → return against cashbot, as far as those flows exist in this
tree (probed in process first); then the same people do the same number of actions (texts
for texts, button presses for presses) against the echo bot. Reported: replies/s and the
latency from the person's action to the bot's answer appearing in the chat.

The footprint (benchmarks/footprint.py) comes from the same two processes.
"""

from __future__ import annotations

import asyncio
import math
import random
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import footprint
from benchmarks import seed as seeding
from benchmarks.throughput import (
    CONFIRM_WORDS,
    ECHO_ID_OFFSET,
    ECHO_TOKEN,
    SKIP_WORDS,
    Flows,
    is_card,
    percentile,
    pick,
    probe_database,
    return_button_data,
    returned,
    taken,
)
from cashbot.texts import card as card_texts
from tests.double.core import BotMessage, User
from tests.double.process import ECHO_BOT_COMMAND, BotProcess
from tests.double.server import BotApiDouble

WAIT = 30.0  # seconds a person waits for one answer before the step counts as failed


@dataclass
class Load:
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    failures: int = 0
    first_failure: str | None = None

    @property
    def replies(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.replies / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        return percentile(self.latencies, q) * 1000


class Person:
    """One simulated person: every action is timed until the bot's answer shows up."""

    def __init__(self, user: User):
        self.user = user
        self.latencies: list[float] = []
        self.kinds: list[str] = []  # "send" | "press", to replay the same shape on the echo bot

    def send(self, text: str, answered=None) -> BotMessage:
        started = time.perf_counter()
        self.user.send(text)
        return self._answer(started, answered, "send")

    def press(self, message: BotMessage, data: str, answered=None) -> BotMessage:
        started = time.perf_counter()
        self.user.press(message, data=data)
        return self._answer(started, answered, "press")

    def _answer(self, started: float, answered, kind: str) -> BotMessage:
        reply = self.user.wait_for(answered, timeout=WAIT)
        self.latencies.append(time.perf_counter() - started)
        self.kinds.append(kind)
        return reply


def _walk(person: Person, reply: BotMessage, done, words: tuple[str, ...], steps: int = 4) -> bool:
    """Answer the dialog's prompts (optional date, note, confirmation) until `done`."""
    for _ in range(steps):
        if done(reply):
            return True
        button = pick(reply, words)
        if button is None:
            return False
        reply = person.press(reply, button.callback_data, lambda m: done(m) or pick(m, words) is not None)
    return done(reply)


def cashbot_session(
    person: Person, member: seeding.StaffMember, flows: Flows, rounds: int, rng: random.Random, terms: list[str]
) -> None:
    for r in range(rounds):
        if flows.search:
            person.send(rng.choice(terms))
        number = member.free_devices[r % len(member.free_devices)]
        card = person.send(f"/start d{number}", is_card)
        if not flows.take_return:
            continue
        take = card.find_button(card_texts.BTN_TAKE)
        reply = person.press(card, take.callback_data, lambda m: taken(m) or pick(m, SKIP_WORDS) is not None)
        if not _walk(person, reply, taken, SKIP_WORDS):
            raise AssertionError(f"take did not finish: {reply.describe()}")
        data = return_button_data(take.callback_data.rsplit(":", 1)[1])
        with_return = lambda m: any(b.callback_data == data for b in m.all_buttons)  # noqa: E731, B023 - used in this iteration only
        mine = next((m for m in reversed(person.user.messages()) if with_return(m)), None)
        if mine is None:  # the flow left no card with Return on screen: open it, as a person would
            mine = person.send(f"/start d{number}", with_return)
        reply = person.press(mine, data, lambda m: returned(m) or pick(m, CONFIRM_WORDS) is not None)
        if not _walk(person, reply, returned, CONFIRM_WORDS):
            raise AssertionError(f"return did not finish: {reply.describe()}")


def echo_session(person: Person, kinds: list[str], rng: random.Random, terms: list[str]) -> None:
    last: BotMessage | None = None
    for kind in kinds:
        if kind == "press" and last is not None:
            last = person.press(last, "again")
        else:
            text = f"{rng.choice(terms)} {rng.randrange(10**6)}"
            last = person.send(text, lambda m, text=text: m.text == text)


def drive(sessions: list, load: Load) -> None:
    """Run every session in its own thread at once; record wall time and failures."""
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(sessions)) as pool:
        futures = [pool.submit(fn) for fn in sessions]
        for future in futures:
            try:
                future.result()
            except AssertionError as error:
                load.failures += 1
                load.first_failure = load.first_failure or str(error)[:3000]
    load.seconds = time.perf_counter() - started


START_SAMPLES = 3


def run(users: int = 50, rounds: int | None = None, flows: Flows | None = None, replies: int = 1200) -> dict:
    """`rounds` defaults to enough rounds for about `replies` answers with the flows present."""
    with tempfile.TemporaryDirectory(prefix="cashbot-e2e-") as tmp, BotApiDouble() as api:
        workdir = Path(tmp)
        cash = BotProcess(api, workdir / "cashbot", now=seeding.SEED_NOW)
        echo = BotProcess(api, workdir / "echo", token=ECHO_TOKEN, command=ECHO_BOT_COMMAND)
        seeded = seeding.seed_file(cash.db_path, staff=users + 1)
        members, prober = seeded.staff[:users], seeded.staff[users]
        if flows is None:
            flows = asyncio.run(probe_database(cash.workdir, prober, seeded))
        if rounds is None:  # answers per round: search, card, take and return with their steps
            per_round = 1 + flows.search + 4 * flows.take_return
            rounds = max(2, math.ceil(replies / (users * per_round)))
        try:
            # One at a time, so neither start competes with the other for the CPU; alternating,
            # the median of START_SAMPLES each (one start moved by ±50% on a shared machine).
            # The last starts stay up for the load.
            echo_first = api.user(ECHO_ID_OFFSET, "Первый", token=ECHO_TOKEN)
            cash_first = api.user(members[0].telegram_id, members[0].first_name, username=members[0].username)
            echo_starts, cash_starts = [], []
            for n in range(START_SAMPLES):
                echo_starts.append(footprint.timed_start(echo, echo_first, "привет", "привет"))
                cash_starts.append(footprint.timed_start(cash, cash_first, "/help", footprint.is_help))
                if n < START_SAMPLES - 1:
                    echo.stop(), cash.stop()
            echo_start, cash_start = statistics.median(echo_starts), statistics.median(cash_starts)

            people = [Person(api.user(m.telegram_id, m.first_name, username=m.username)) for m in members]
            cash_load = Load()
            drive(
                [
                    lambda p=p, m=m, i=i: cashbot_session(p, m, flows, rounds, random.Random(i), seeded.search_terms)
                    for i, (p, m) in enumerate(zip(people, members))
                ],
                cash_load,
            )
            for p in people:
                cash_load.latencies += p.latencies

            echo_people = [
                Person(api.user(m.telegram_id + ECHO_ID_OFFSET, m.first_name, token=ECHO_TOKEN)) for m in members
            ]
            echo_load = Load()
            drive(
                [
                    lambda e=e, p=p, i=i: echo_session(e, p.kinds, random.Random(i), seeded.search_terms)
                    for i, (e, p) in enumerate(zip(echo_people, people))
                ],
                echo_load,
            )
            for e in echo_people:
                echo_load.latencies += e.latencies

            cash_print = footprint.Footprint(cash_start, footprint.vm_hwm_kib(cash.pid))
            echo_print = footprint.Footprint(echo_start, footprint.vm_hwm_kib(echo.pid))
        finally:
            cash_exit, echo_exit = cash.stop(), echo.stop()
    return {
        "users": users,
        "rounds": rounds,
        "flows": flows,
        "cashbot": cash_load,
        "echo": echo_load,
        "cash_footprint": cash_print,
        "echo_footprint": echo_print,
        "exit_codes": (cash_exit, echo_exit),
    }


def steps_label(flows: Flows) -> str:
    steps = (
        (["search"] if flows.search else []) + ["card (deep link)"] + (["take", "return"] if flows.take_return else [])
    )
    missing = ([] if flows.search else ["search"]) + ([] if flows.take_return else ["take/return"])
    return " → ".join(steps) + (f" (not in this tree yet: {', '.join(missing)})" if missing else "")


def report(r: dict) -> list[tuple]:
    cash, echo = r["cashbot"], r["echo"]
    ratio = cash.rate / echo.rate if echo.rate else float("nan")
    rows = [
        (
            "e2e",
            f"replies/s, {r['users']} people × {r['rounds']} rounds",
            f"{cash.rate:.0f}",
            f"{echo.rate:.0f}",
            f"{ratio:.2f}",
            "",
            None,
        ),
        (
            "e2e",
            "action → answer p50/p95/p99 ms",
            f"{cash.pct(50):.0f}/{cash.pct(95):.0f}/{cash.pct(99):.0f}",
            f"{echo.pct(50):.0f}/{echo.pct(95):.0f}/{echo.pct(99):.0f}",
            "",
            "",
            None,
        ),
        (
            "e2e",
            "replies, failed sessions",
            f"{cash.replies}, {cash.failures}",
            f"{echo.replies}, {echo.failures}",
            "",
            "0 failed",
            cash.failures == 0 and echo.failures == 0,
        ),
    ]
    return rows + footprint.rows(r["cash_footprint"], r["echo_footprint"])


def details(r: dict) -> list[str]:
    lines = [
        f"e2e steps per round: {steps_label(r['flows'])}",
        f"e2e exit codes after SIGTERM: cashbot {r['exit_codes'][0]}, echo {r['exit_codes'][1]}",
    ]
    for name in ("cashbot", "echo"):
        if r[name].first_failure:
            lines.append(f"e2e first {name} failure: {r[name].first_failure}")
    return lines


if __name__ == "__main__":
    result = run()
    for row in report(result):
        print(row)
    print("\n".join(details(result)))
